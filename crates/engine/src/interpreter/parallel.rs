//! Parallel: its branches run as child frames (see `children`).

use asl::StatesError;

use super::at::At;
use super::context::Ctx;
use super::data_flow::effective_task_input;
use super::work::Work;

pub(super) fn evaluate(ctx: &mut Ctx, at: &At) -> Result<Work, StatesError> {
    let (run, state, context) = (at.run, at.state, &at.context);
    let effective = effective_task_input(ctx, run, state, context)?;
    Ok(Work::StartParallel {
        effective_input: effective,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::interpreter::test_support::{assert_succeeded, event_types, start};
    use crate::interpreter::Status;

    #[test]
    fn the_branches_results_in_order() {
        let exec = start(
            json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "InputPath": "$.x", "End": true}}}
            ]}}}),
            json!({"x": "b"}),
        );
        assert_succeeded(&exec, json!([1, "b"]));
        let types = event_types(&exec);
        assert_eq!(
            types[1..3],
            ["ParallelStateEntered", "ParallelStateStarted"]
        );
        assert_eq!(
            types[types.len() - 3..types.len() - 1],
            ["ParallelStateSucceeded", "ParallelStateExited"]
        );
        // The exit names the same previous event as the success, as AWS records them.
        let succeeded = &exec.events[exec.events.len() - 3];
        let exited = &exec.events[exec.events.len() - 2];
        assert_eq!(exited.previous_event_id, succeeded.previous_event_id);
        assert_eq!(exited.id, succeeded.id + 1);
    }

    #[test]
    fn a_failed_branch_fails_the_state() {
        let exec = start(
            json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}
            ]}}}),
            json!({}),
        );
        assert_eq!(exec.status, Status::Failed);
        assert_eq!(exec.error.as_deref(), Some("E"));
        assert!(event_types(&exec).contains(&"ParallelStateFailed"));
    }
}
