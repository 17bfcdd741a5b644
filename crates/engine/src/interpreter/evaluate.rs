//! A state's evaluation, dispatched to the module of its type.

use asl::model::{State, StateKind};
use asl::{QueryLanguage, StatesError};

use super::at::At;
use super::context::Ctx;
use super::frame::Running;
use super::work::Work;
use super::{choice, map, parallel, pass, task, terminal, wait};

/// Runs the work of one state (after it was entered) up to its exit, failure or first wait.
pub(super) fn evaluate_state(ctx: &mut Ctx, run: &Running) -> Work {
    let state = run.state.clone();
    match evaluate_state_inner(ctx, run, &state) {
        Ok(w) => w,
        Err(e) => Work::EvalError(e),
    }
}

pub(crate) fn evaluate_state_inner(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
) -> Result<Work, StatesError> {
    let at = At {
        run,
        state,
        context: ctx.context(run, None),
        jsonata: state.query_language == QueryLanguage::Jsonata,
    };
    match &state.kind {
        StateKind::Pass { result } => pass::evaluate(ctx, &at, result),
        StateKind::Succeed => terminal::evaluate_succeed(ctx, &at),
        StateKind::Fail(spec) => terminal::evaluate_fail(ctx, &at, spec),
        StateKind::Choice { choices, default } => choice::evaluate(ctx, &at, choices, default),
        StateKind::Wait(spec) => wait::evaluate(ctx, &at, spec),
        StateKind::Parallel { .. } => parallel::evaluate(ctx, &at),
        StateKind::Map(spec) => map::evaluate(ctx, &at, spec),
        StateKind::Task(spec) => task::evaluate(ctx, &at, spec),
    }
}
