//! Succeed and Fail: the states that end their frame.

use asl::model::FailSpec;
use asl::StatesError;

use super::at::At;
use super::context::Ctx;
use super::data_flow::{
    apply_input_path, apply_output_path, evaluate_field, jsonata_exit, value_to_text,
};
use super::work::Work;

pub(super) fn evaluate_succeed(ctx: &mut Ctx, at: &At) -> Result<Work, StatesError> {
    let (run, state, context, jsonata) = (at.run, at.state, &at.context, at.jsonata);
    if jsonata {
        return jsonata_exit(ctx, run, state, context, None, None);
    }
    let vars = ctx.vars();
    let effective = apply_input_path(&state.input_path, &run.input, context, &vars)?;
    ctx.inspect(|i| i.after_input_path = Some(effective.as_ref().clone()));
    let output = apply_output_path(&state.output_path, effective.into_owned(), context, &vars)?;
    Ok(Work::Exit {
        output,
        next: None,
        assigned: None,
    })
}

pub(super) fn evaluate_fail(ctx: &mut Ctx, at: &At, spec: &FailSpec) -> Result<Work, StatesError> {
    let (run, context, jsonata) = (at.run, &at.context, at.jsonata);
    if !jsonata {
        // A Fail state has no InputPath: its effective input is its input.
        ctx.inspect(|i| i.after_input_path = Some(run.input.clone()));
    }
    let error = match &spec.error {
        Some(f) => value_to_text(evaluate_field(f, &run.input, context, ctx, "Error")?),
        None => String::new(),
    };
    let cause = match &spec.cause {
        Some(f) => value_to_text(evaluate_field(f, &run.input, context, ctx, "Cause")?),
        None => String::new(),
    };
    Ok(Work::Fail(StatesError::new(error, cause)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::interpreter::test_support::{assert_succeeded, event_types, start};
    use crate::interpreter::Status;

    #[test]
    fn fail_ends_the_execution_with_its_error_and_cause() {
        let exec = start(
            json!({"StartAt": "F", "States": {"F": {
                "Type": "Fail", "Error": "Mine", "CausePath": "$.why"}}}),
            json!({"why": "because"}),
        );
        assert_eq!(exec.status, Status::Failed);
        assert_eq!(exec.error.as_deref(), Some("Mine"));
        assert_eq!(exec.cause.as_deref(), Some("because"));
        assert_eq!(
            event_types(&exec),
            ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
        );
    }

    #[test]
    fn succeed_applies_input_and_output_paths() {
        let exec = start(
            json!({"StartAt": "S", "States": {"S": {
                "Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}}}),
            json!({"a": {"b": 2}}),
        );
        assert_succeeded(&exec, json!(2));
    }
}
