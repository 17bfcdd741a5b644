//! Pass: its input (or its Result) through the data flow.

use std::borrow::Cow;

use asl::{Scope, StatesError};
use serde_json::Value;

use super::at::At;
use super::context::Ctx;
use super::data_flow::{apply_input_path, jsonata_exit, jsonpath_exit};
use super::work::Work;

pub(super) fn evaluate(
    ctx: &mut Ctx,
    at: &At,
    result: &Option<Value>,
) -> Result<Work, StatesError> {
    let (run, state, context, jsonata) = (at.run, at.state, &at.context, at.jsonata);
    if jsonata {
        return jsonata_exit(ctx, run, state, context, None, None);
    }
    let vars = ctx.vars();
    let result = {
        let mut effective = apply_input_path(&state.input_path, &run.input, context, &vars)?;
        ctx.inspect(|i| i.after_input_path = Some(effective.as_ref().clone()));
        if let Some(params) = &state.parameters {
            let scope = Scope::new(&effective, context, &vars);
            effective = Cow::Owned(params.eval(&scope, &mut ctx.env)?);
        }
        ctx.inspect(|i| i.after_parameters = Some(effective.as_ref().clone()));
        match result {
            Some(r) => {
                ctx.inspect(|i| i.result = Some(r.clone()));
                r.clone()
            }
            None => effective.into_owned(),
        }
    };
    jsonpath_exit(ctx, run, state, context, result, None)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::interpreter::test_support::{
        assert_succeeded, details, event_types, start, through_one_state,
    };

    #[test]
    fn result_lands_at_result_path() {
        let exec = start(
            json!({"StartAt": "P", "States": {"P": {
                "Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "End": true}}}),
            json!({"a": 0}),
        );
        assert_succeeded(&exec, json!({"a": 0, "r": {"x": 1}}));
        assert_eq!(event_types(&exec), through_one_state("Pass"));
    }

    #[test]
    fn input_path_then_parameters_then_output_path() {
        let exec = start(
            json!({"StartAt": "P", "States": {"P": {
                "Type": "Pass", "InputPath": "$.in", "Parameters": {"v.$": "$.v", "k": "c"},
                "OutputPath": "$.v", "End": true}}}),
            json!({"in": {"v": [1, 2]}}),
        );
        assert_eq!(exec.output, Some(json!([1, 2])));
        assert_eq!(details(&exec, "PassStateExited")["output"], json!("[1,2]"));
    }

    #[test]
    fn jsonata_output_and_assign() {
        let exec = start(
            json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
                "P": {"Type": "Pass", "Assign": {"seen": "{% $states.input.n %}"},
                      "Output": "{% $states.input.n + 1 %}", "Next": "Q"},
                "Q": {"Type": "Pass", "Output": "{% $seen %}", "End": true}}}),
            json!({"n": 41}),
        );
        assert_eq!(exec.output, Some(json!(41)));
        assert_eq!(
            details(&exec, "PassStateExited")["assignedVariables"],
            json!({"seen": "41"})
        );
    }
}
