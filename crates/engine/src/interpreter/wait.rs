//! Wait: until a time, then on through the data flow.

use asl::model::{NumberField, State, WaitSpec};
use asl::StatesError;
use serde_json::Value;

use super::at::At;
use super::context::Ctx;
use super::data_flow::{
    apply_output_path, effective_input, evaluate_assign, evaluate_field, jsonata_exit, next_of,
    states_of, unexpected_result_type,
};
use super::frame::Running;
use super::work::Work;
use super::Execution;

pub(super) fn evaluate(ctx: &mut Ctx, at: &At, spec: &WaitSpec) -> Result<Work, StatesError> {
    let (run, state, context, jsonata) = (at.run, at.state, &at.context, at.jsonata);
    let effective = effective_input(ctx, run, state, context, jsonata)?;
    let due_ms = wait_due(ctx, run, spec, &effective, context)?;
    Ok(Work::Wait {
        due_ms,
        effective_input: effective,
    })
}

/// Computes when a Wait state ends.
fn wait_due(
    ctx: &mut Ctx,
    run: &Running,
    spec: &WaitSpec,
    effective: &Value,
    context: &Value,
) -> Result<i64, StatesError> {
    match spec {
        WaitSpec::Seconds(field) => {
            let v = evaluate_field(field, effective, context, ctx, "Seconds")?;
            let seconds = match (&v, field) {
                (Value::Number(n), _) if n.as_i64().is_some() => n.as_i64().unwrap_or(0),
                (_, NumberField::Path(p)) => {
                    let shown = serde_json::to_string(&v).unwrap_or_default();
                    if v.as_f64().is_some_and(|f| f < 0.0) && v.as_i64().is_some() {
                        return Err(StatesError::runtime(format!(
                            "The SecondsPath parameter references a negative value: {} == {shown}",
                            p.text()
                        )));
                    }
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {} == {shown}",
                        p.text()
                    )));
                }
                _ => return Err(unexpected_result_type("Seconds", "integer", &v)),
            };
            if seconds < 0 {
                if let NumberField::Path(p) = field {
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter references a negative value: {} == {seconds}",
                        p.text()
                    )));
                }
            }
            const MAX_WAIT_SECONDS: i64 = 31_622_400; // one year and a day
            if seconds > MAX_WAIT_SECONDS {
                return Err(StatesError::runtime("Wait state delay is too long."));
            }
            Ok(run.entered_ms + seconds.max(0) * 1000)
        }
        WaitSpec::Timestamp(field) => {
            let v = evaluate_field(field, effective, context, ctx, "Timestamp")?;
            if matches!(field, NumberField::Jsonata(_)) && !v.is_string() {
                // A JSONata expression must give text, as for any typed field.
                return Err(unexpected_result_type("Timestamp", "string", &v));
            }
            let text = v.as_str().unwrap_or_default();
            match chrono::DateTime::parse_from_rfc3339(text) {
                Ok(t) if text.contains('T') => {
                    let due = t.timestamp_millis();
                    if due - run.entered_ms > 31_622_400_000 {
                        return Err(StatesError::runtime("Wait state delay is too long."));
                    }
                    Ok(due)
                }
                _ => match field {
                    NumberField::Path(p) => Err(StatesError::runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                        p.text(),
                        text
                    ))),
                    _ => Err(StatesError::runtime(format!(
                        "The Timestamp parameter does not reference a valid ISO-8601 extended offset date-time format string: {text}"
                    ))),
                },
            }
        }
    }
}

/// The end of a Wait state once its time has come: Assign and OutputPath (JSONPath) or Output
/// (JSONata).
pub(crate) fn wait_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    effective_input: Value,
) -> Result<Work, StatesError> {
    if state.is_jsonata() {
        return jsonata_exit(ctx, run, state, context, None, None);
    }
    let states = states_of(&run.input, context);
    let assigned = match &state.assign {
        Some(a) => Some(evaluate_assign(a, &effective_input, &states, ctx, context)?),
        None => None,
    };
    let vars = ctx.vars();
    let output = apply_output_path(&state.output_path, effective_input, context, &vars)?;
    Ok(Work::Exit {
        output,
        next: next_of(state),
        assigned,
    })
}

impl Execution {
    pub(super) fn wait_done(&mut self, f: u32, run: Box<Running>, effective_input: Value) {
        self.end_state(f, run, |ctx, run, state, context| {
            wait_exit(ctx, run, state, context, effective_input)
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::interpreter::test_support::{
        assert_failed_with, assert_succeeded, event_types, info, run_timers, start,
        through_one_state,
    };

    #[test]
    fn seconds_set_a_timer_and_the_state_ends_when_it_fires() {
        let mut exec = start(
            json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}}),
            json!({"k": 1}),
        );
        assert!(exec.is_running());
        let timers = exec.take_timers();
        assert_eq!(timers.len(), 1);
        assert_eq!(timers[0].due_ms, info().start_ms + 5_000);
        exec.timers = timers;
        run_timers(&mut exec);
        assert_succeeded(&exec, json!({"k": 1}));
        assert_eq!(event_types(&exec), through_one_state("Wait"));
    }

    #[test]
    fn a_negative_seconds_path_fails_the_state() {
        let exec = start(
            json!({"StartAt": "W", "States": {"W": {
                "Type": "Wait", "SecondsPath": "$.s", "End": true}}}),
            json!({"s": -1}),
        );
        assert_failed_with(
            &exec,
            "The SecondsPath parameter references a negative value: $.s == -1",
        );
    }

    #[test]
    fn a_jsonata_timestamp_that_is_not_text_is_a_query_evaluation_error() {
        let exec = start(
            json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {
                "Type": "Wait", "Timestamp": "{% $states.input.t %}", "End": true}}}),
            json!({"t": 5}),
        );
        assert_eq!(
            exec.error.as_deref(),
            Some(asl::error::QUERY_EVALUATION_ERROR)
        );
        assert!(exec
            .cause
            .as_deref()
            .is_some_and(|c| c.contains("field 'Timestamp' returned an unexpected result type. Expected 'string', but was 'number'")));
    }
}
