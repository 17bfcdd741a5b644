//! A state's evaluation, dispatched to the module of its type.

use asl::model::{State, StateKind};
use asl::{QueryLanguage, StatesError};

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
    let context = ctx.context(run, None);
    let jsonata = state.query_language == QueryLanguage::Jsonata;
    match &state.kind {
        StateKind::Pass { result } => pass::evaluate(ctx, run, state, &context, jsonata, result),
        StateKind::Succeed => terminal::evaluate_succeed(ctx, run, state, &context, jsonata),
        StateKind::Fail(spec) => terminal::evaluate_fail(ctx, run, &context, jsonata, spec),
        StateKind::Choice { choices, default } => {
            choice::evaluate(ctx, run, state, &context, jsonata, choices, default)
        }
        StateKind::Wait(spec) => wait::evaluate(ctx, run, state, &context, jsonata, spec),
        StateKind::Parallel { .. } => parallel::evaluate(ctx, run, state, &context),
        StateKind::Map(spec) => map::evaluate(ctx, run, state, context, jsonata, spec),
        StateKind::Task(spec) => task::evaluate(ctx, run, state, &context, spec),
    }
}
