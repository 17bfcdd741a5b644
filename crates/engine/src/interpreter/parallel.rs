//! Parallel: its branches run as child frames (see `children`).

use asl::model::State;
use asl::StatesError;
use serde_json::Value;

use super::context::Ctx;
use super::data_flow::effective_task_input;
use super::frame::Running;
use super::work::Work;

pub(super) fn evaluate(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
) -> Result<Work, StatesError> {
    let effective = effective_task_input(ctx, run, state, context)?;
    Ok(Work::StartParallel {
        effective_input: effective,
    })
}
