//! Choice: the first rule that matches picks the next state.

use asl::model::{Assign, ChoiceBranch, ChoiceCondition, State};
use asl::{Scope, StatesError};
use serde_json::Value;

use super::at::At;
use super::context::Ctx;
use super::data_flow::{
    apply_output_path, effective_input, evaluate_assign, states_of, unexpected_result_type,
};
use super::frame::Running;
use super::work::Work;

pub(super) fn evaluate(
    ctx: &mut Ctx,
    at: &At,
    choices: &[ChoiceBranch],
    default: &Option<String>,
) -> Result<Work, StatesError> {
    let (run, state, context, jsonata) = (at.run, at.state, &at.context, at.jsonata);
    let effective = effective_input(ctx, run, state, context, jsonata)?;
    for (index, branch) in choices.iter().enumerate() {
        let matched = match &branch.condition {
            ChoiceCondition::Rule(rule) => {
                let vars = ctx.vars();
                let scope = Scope::new(&effective, context, &vars);
                rule.eval(&scope)?
            }
            ChoiceCondition::Jsonata(t) => {
                let vars = ctx.vars();
                let states = states_of(&effective, context);
                match t.eval(&states, &vars, &mut ctx.env, "Condition")? {
                    Value::Bool(b) => b,
                    other => return Err(unexpected_result_type("Condition", "boolean", &other)),
                }
            }
        };
        if matched {
            ctx.chosen_rule = Some(index);
            return choice_exit(
                ctx,
                run,
                state,
                context,
                effective,
                branch.next.clone(),
                branch.assign.as_ref(),
                branch.output.as_ref(),
            );
        }
    }
    match default {
        Some(next) => choice_exit(
            ctx,
            run,
            state,
            context,
            effective,
            next.clone(),
            state.assign.as_ref(),
            state.output.as_ref(),
        ),
        None => Ok(Work::Fail(StatesError::new(
            asl::error::NO_CHOICE_MATCHED,
            "No Matches!",
        ))),
    }
}

#[allow(clippy::too_many_arguments)]
fn choice_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    effective: Value,
    next: String,
    assign: Option<&Assign>,
    output: Option<&asl::jsonata::JsonataTemplate>,
) -> Result<Work, StatesError> {
    let states = states_of(&run.input, context);
    let assigned = match assign {
        Some(a) => Some(evaluate_assign(a, &effective, &states, ctx, context)?),
        None => None,
    };
    let output = if state.is_jsonata() {
        match output {
            Some(t) => {
                let vars = ctx.vars();
                t.eval(&states, &vars, &mut ctx.env, "Output")?
            }
            None => run.input.clone(),
        }
    } else {
        let vars = ctx.vars();
        apply_output_path(&state.output_path, effective, context, &vars)?
    };
    Ok(Work::Exit {
        output,
        next: Some(next),
        assigned,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::interpreter::test_support::{event_types, start};
    use crate::interpreter::Status;

    fn machine() -> serde_json::Value {
        json!({"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [
                {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}]},
            "Big": {"Type": "Succeed"}}})
    }

    #[test]
    fn the_matching_rule_picks_the_next_state() {
        let exec = start(machine(), json!({"n": 11}));
        assert_eq!(exec.status, Status::Succeeded);
        assert_eq!(
            event_types(&exec),
            [
                "ExecutionStarted",
                "ChoiceStateEntered",
                "ChoiceStateExited",
                "SucceedStateEntered",
                "SucceedStateExited",
                "ExecutionSucceeded"
            ]
        );
    }

    #[test]
    fn no_match_and_no_default_fails() {
        let exec = start(machine(), json!({"n": 1}));
        assert_eq!(exec.status, Status::Failed);
        assert_eq!(exec.error.as_deref(), Some(asl::error::NO_CHOICE_MATCHED));
        assert_eq!(exec.cause.as_deref(), Some("No Matches!"));
    }

    #[test]
    fn a_jsonata_condition_must_be_boolean() {
        let exec = start(
            json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
                "C": {"Type": "Choice", "Choices": [{"Condition": "{% 1 %}", "Next": "S"}]},
                "S": {"Type": "Succeed"}}}),
            json!({}),
        );
        assert_eq!(
            exec.error.as_deref(),
            Some(asl::error::QUERY_EVALUATION_ERROR)
        );
        assert!(event_types(&exec).contains(&"EvaluationFailed"));
    }
}
