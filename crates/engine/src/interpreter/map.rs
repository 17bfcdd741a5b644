//! Map: its items, MaxConcurrency and failure tolerance; the iterations run as child frames
//! (see `children`).

use asl::model::{MapSpec, NumberField, PathField, State, StateKind};
use asl::{Scope, StatesError};
use serde_json::{json, Value};

use super::at::At;
use super::context::Ctx;
use super::data_flow::{effective_input, evaluate_field, states_of};
use super::frame::{MapProgress, Phase, Running};
use super::work::Work;

pub(super) fn evaluate(ctx: &mut Ctx, at: &At, spec: &MapSpec) -> Result<Work, StatesError> {
    let (run, state, context, jsonata) = (at.run, at.state, &at.context, at.jsonata);
    let effective = effective_input(ctx, run, state, context, jsonata)?;
    // TestState supplies what an ItemReader would have read.
    let read_items = spec
        .item_reader
        .as_ref()
        .and(ctx.supplied)
        .and_then(|supplied| supplied.map_item_reader_data.as_ref());
    let items_value = if let Some(read) = read_items {
        read.clone()
    } else if jsonata {
        match &spec.items {
            Some(t) => {
                let vars = ctx.vars();
                let states = states_of(&effective, context);
                t.eval_as(
                    &states,
                    &vars,
                    &mut ctx.env,
                    "Items",
                    asl::jsonata::ResultType::Array,
                )?
            }
            None => effective.clone(),
        }
    } else {
        let vars = ctx.vars();
        match &spec.items_path {
            PathField::Path(p) => {
                let scope = Scope::new(&effective, context, &vars);
                asl::template::select_items(p, &scope)?.into_owned()
            }
            _ => effective.clone(),
        }
    };
    let items = match items_value {
        Value::Array(a) => a,
        other => {
            if let (false, None, PathField::Path(path)) = (jsonata, read_items, &spec.items_path) {
                // The path as AWS shows it, relative to its document (`$$` is `$`).
                let text = path.text();
                let shown = text.strip_prefix('$').filter(|rest| rest.starts_with('$'));
                return Err(StatesError::runtime(format!(
                    "Reference path \"{}\" must point to array.",
                    shown.unwrap_or(text)
                )));
            }
            let text = serde_json::to_string(&other).unwrap_or_default();
            let err = format!("Map state input must be an array but was: {text}");
            return Err(if jsonata {
                StatesError::query_evaluation(err)
            } else {
                StatesError::runtime(err)
            });
        }
    };
    if !jsonata {
        ctx.inspect(|i| i.after_items_path = Some(Value::Array(items.clone())));
    }
    // Values a `…Path` field reads at run time are checked when the map run starts (after
    // MapStateStarted); one that is not a number in range fails the execution.
    let mut start_error = None;
    let max_concurrency = match &spec.max_concurrency {
        Some(f) => {
            let v = evaluate_field(f, &effective, context, ctx, "MaxConcurrency")?;
            match path_number(f, &v, "MaxConcurrency", Expected::Integer) {
                Ok(Some(n)) if n < 0.0 => {
                    start_error.get_or_insert(StatesError::runtime(format!(
                        "Expected non-negative integer for MaxConcurrency, got '{}' instead.",
                        n as i64
                    )));
                    0
                }
                Ok(n) => n.map_or_else(|| v.as_u64().unwrap_or(0), |n| n as u64) as usize,
                Err(e) => {
                    start_error.get_or_insert(e);
                    0
                }
            }
        }
        None => 0,
    };
    let tolerated_count = match &spec.tolerated_failure_count {
        Some(f) => {
            let v = evaluate_field(f, &effective, context, ctx, "ToleratedFailureCount")?;
            match path_number(f, &v, "ToleratedFailureCount", Expected::Integer) {
                Ok(Some(n)) if n < 0.0 => {
                    start_error.get_or_insert(StatesError::runtime(
                        "ToleratedFailureCount cannot be negative.",
                    ));
                    None
                }
                Ok(n) => n.map(|n| n as u64).or_else(|| v.as_u64()),
                Err(e) => {
                    start_error.get_or_insert(e);
                    None
                }
            }
        }
        None => None,
    };
    let tolerated_percentage = match &spec.tolerated_failure_percentage {
        Some(f) => {
            let v = evaluate_field(f, &effective, context, ctx, "ToleratedFailurePercentage")?;
            match path_number(f, &v, "ToleratedFailurePercentage", Expected::Float) {
                Ok(p) => {
                    let p = p.or_else(|| v.as_f64());
                    if p.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
                        start_error.get_or_insert(StatesError::runtime(
                            "ToleratedFailurePercentage must be between 0 and 100.",
                        ));
                    }
                    p
                }
                Err(e) => {
                    start_error.get_or_insert(e);
                    None
                }
            }
        }
        None => None,
    };
    ctx.inspect(|i| {
        i.max_concurrency = Some(max_concurrency as u64);
        i.tolerated_failure_count = tolerated_count;
        i.tolerated_failure_percentage = tolerated_percentage;
    });
    let n = items.len();
    Ok(Work::StartMap(Box::new(MapProgress {
        effective_input: effective,
        items,
        children: vec![None; n],
        results: vec![Value::Null; n],
        next: 0,
        running: 0,
        finished: 0,
        failed: 0,
        max_concurrency: if max_concurrency == 0 {
            usize::MAX
        } else {
            max_concurrency
        },
        tolerated_count,
        tolerated_percentage,
        first_failure: None,
        start_error,
        map_run: None,
        item_context: if state.uses_context {
            let mut c = context.clone();
            if let Value::Object(m) = &mut c {
                m.insert("Map".into(), Value::Null);
            }
            c
        } else {
            Value::Null
        },
    })))
}

impl MapProgress {
    /// Whether `failed` failed iterations are more than ToleratedFailureCount and
    /// ToleratedFailurePercentage allow (with neither, one is too many).
    pub(crate) fn exceeds_tolerance(&self, failed: usize) -> bool {
        let total = self.items.len().max(1) as f64;
        let count_ok = self.tolerated_count.is_some_and(|c| failed as u64 <= c);
        let pct_ok = self
            .tolerated_percentage
            .is_some_and(|pct| (failed as f64) * 100.0 / total <= pct);
        !(count_ok || pct_ok)
    }

    /// Whether the Map state names a tolerated failure threshold at all.
    pub(crate) fn has_tolerance(&self) -> bool {
        self.tolerated_count.is_some() || self.tolerated_percentage.is_some()
    }
}

/// The input of one Map iteration: the item, or ItemSelector evaluated with `$$.Map.Item`.
pub(crate) fn item_input(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    index: usize,
    item: Value,
    context: &mut Value,
) -> Result<Value, StatesError> {
    let StateKind::Map(spec) = &state.kind else {
        return Ok(item);
    };
    let Phase::Map(progress) = &run.phase else {
        return Ok(item);
    };
    if spec.item_selector.is_none() && spec.item_selector_jsonata.is_none() {
        return Ok(item);
    }
    // `context` is the Map state's context object, built once for all its items; only
    // `Map.Item` changes from one item to the next.
    if let Value::Object(m) = context {
        m.insert(
            "Map".into(),
            json!({"Item": {"Index": index, "Value": item}}),
        );
    }
    if let Some(t) = &spec.item_selector {
        let vars = ctx.vars();
        let scope = Scope::new(&progress.effective_input, context, &vars);
        return t.eval(&scope, &mut ctx.env);
    }
    if let Some(t) = &spec.item_selector_jsonata {
        let vars = ctx.vars();
        let states = states_of(&progress.effective_input, context);
        return t.eval(&states, &vars, &mut ctx.env, "ItemSelector");
    }
    Ok(item)
}

/// A `…Path` field's value as shown in an error: text as it is, anything else as JSON.
fn shown_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// What a `…Path` number field must refer to.
#[derive(Clone, Copy)]
enum Expected {
    Integer,
    Float,
}

/// The number a `…Path` field refers to: a number, or text that reads as one (integral for
/// counts). Ok(None) for a field that is not a path (its value was checked when the machine
/// was made).
fn path_number(
    field: &NumberField,
    value: &Value,
    name: &str,
    expected: Expected,
) -> Result<Option<f64>, StatesError> {
    let NumberField::Path(path) = field else {
        return Ok(None);
    };
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|n| n.is_finite() && (matches!(expected, Expected::Float) || n.fract() == 0.0));
    let kind = match expected {
        Expected::Integer => "integer",
        Expected::Float => "float",
    };
    number.map(Some).ok_or_else(|| {
        StatesError::runtime(format!(
            "The {name}Path field refers to value \"{}\" which is not a valid {kind}: {}",
            shown_value(value),
            path.text()
        ))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::interpreter::test_support::{
        assert_failed_with, assert_succeeded, details, event_types, start,
    };

    fn pass_map(extra: serde_json::Value) -> serde_json::Value {
        let mut map = json!({"Type": "Map", "End": true, "ItemProcessor": {
            "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}});
        for (k, v) in extra.as_object().unwrap() {
            map[k] = v.clone();
        }
        json!({"StartAt": "M", "States": {"M": map}})
    }

    #[test]
    fn each_item_through_the_item_selector() {
        let exec = start(
            pass_map(json!({"ItemsPath": "$.xs",
                "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"}})),
            json!({"xs": ["a", "b"]}),
        );
        assert_succeeded(&exec, json!([{"v": "a", "i": 0}, {"v": "b", "i": 1}]));
        assert_eq!(details(&exec, "MapStateStarted")["length"], json!(2));
        let types = event_types(&exec);
        assert_eq!(
            types
                .iter()
                .filter(|t| **t == "MapIterationSucceeded")
                .count(),
            2
        );
        assert_eq!(
            types[types.len() - 3..types.len() - 1],
            ["MapStateSucceeded", "MapStateExited"]
        );
    }

    #[test]
    fn items_must_be_an_array() {
        let exec = start(pass_map(json!({"ItemsPath": "$.xs"})), json!({"xs": 1}));
        assert_failed_with(&exec, "Reference path \"$.xs\" must point to array.");
    }

    #[test]
    fn failures_within_the_tolerance_do_not_fail_the_map() {
        let exec = start(
            json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
                "ToleratedFailureCount": 1,
                "ItemProcessor": {"StartAt": "C", "States": {
                    "C": {"Type": "Choice", "Choices": [
                        {"Variable": "$", "NumericEquals": 0, "Next": "F"}], "Default": "S"},
                    "F": {"Type": "Fail", "Error": "Zero"},
                    "S": {"Type": "Succeed"}}}}}}),
            json!([0, 1]),
        );
        assert_succeeded(&exec, json!([null, 1]));
        assert!(event_types(&exec).contains(&"MapIterationFailed"));
    }

    #[test]
    fn path_values_out_of_range_fail_the_execution_once_the_map_started() {
        for (field, value, cause) in [
            (
                "ToleratedFailurePercentagePath",
                json!(-1.1),
                "ToleratedFailurePercentage must be between 0 and 100.",
            ),
            (
                "ToleratedFailurePercentagePath",
                json!("NoNumber"),
                "The ToleratedFailurePercentagePath field refers to value \"NoNumber\" which is not a valid float: $.v",
            ),
            (
                "ToleratedFailureCountPath",
                json!({}),
                "The ToleratedFailureCountPath field refers to value \"{}\" which is not a valid integer: $.v",
            ),
            (
                "ToleratedFailureCountPath",
                json!(-2),
                "ToleratedFailureCount cannot be negative.",
            ),
            (
                "MaxConcurrencyPath",
                json!(-1),
                "Expected non-negative integer for MaxConcurrency, got '-1' instead.",
            ),
            (
                "MaxConcurrencyPath",
                json!([1]),
                "The MaxConcurrencyPath field refers to value \"[1]\" which is not a valid integer: $.v",
            ),
        ] {
            let exec = start(
                pass_map(json!({"ItemsPath": "$.xs", field: "$.v"})),
                json!({"xs": [1], "v": value}),
            );
            assert_failed_with(&exec, cause);
            assert_eq!(
                exec.cause.as_deref().unwrap(),
                format!("An error occurred while executing the state 'M' (entered at the event id #2). {cause}")
            );
            assert_eq!(
                event_types(&exec),
                ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "ExecutionFailed"],
                "{field} {value}"
            );
        }
    }

    #[test]
    fn path_values_may_be_numbers_written_as_text() {
        let exec = start(
            pass_map(json!({"ItemsPath": "$.xs", "MaxConcurrencyPath": "$.c",
                "ToleratedFailurePercentagePath": "$.p"})),
            json!({"xs": [1, 2], "c": "1", "p": "50"}),
        );
        assert_succeeded(&exec, json!([1, 2]));
        // One at a time: the second iteration starts after the first succeeded.
        let types = event_types(&exec);
        assert_eq!(
            types[3..11],
            [
                "MapIterationStarted",
                "PassStateEntered",
                "PassStateExited",
                "MapIterationSucceeded",
                "MapIterationStarted",
                "PassStateEntered",
                "PassStateExited",
                "MapIterationSucceeded"
            ]
        );
    }
}
