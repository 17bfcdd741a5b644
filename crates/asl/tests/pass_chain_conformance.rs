//! Runs the recorded executions that are chains of JSONPath Pass states (see
//! `data/extract_pass_chain_cases.py`) through the input/output processing of `asl::template`:
//! InputPath, Parameters, Result, ResultPath, OutputPath. Every output must equal AWS's exactly
//! (integers and floats are distinct).

use std::borrow::Cow;

use asl::jsonpath::JsonPath;
use asl::template::{apply_input_path, apply_output_path, apply_result_path, Template};
use asl::{NoVariables, Scope, Value};

mod common;
use common::FixedEnvironment;

/// A path field of a state: absent means `$`, `null` means "none" (`{}` or discard).
fn path_field(state: &Value, field: &str) -> Result<Option<JsonPath>, String> {
    match state.get(field) {
        None => JsonPath::parse("$").map(Some).map_err(|e| e.message),
        Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => JsonPath::parse(text)
            .map(Some)
            .map_err(|e| format!("{field}: {e}")),
        Some(other) => Err(format!("{field} is not a path: {other}")),
    }
}

fn run_pass_state(state: &Value, raw_input: Value) -> Result<Value, String> {
    let context = Value::Object(Default::default());
    let input_path = path_field(state, "InputPath")?;
    let result_path = path_field(state, "ResultPath")?;
    let output_path = path_field(state, "OutputPath")?;
    let scope = Scope::new(&raw_input, &context, &NoVariables);
    let effective = apply_input_path(input_path.as_ref(), &scope)
        .map(Cow::into_owned)
        .map_err(|e| format!("{}: {}", e.error, e.cause))?;
    let effective = match state.get("Parameters") {
        Some(parameters) => {
            let template = Template::compile(parameters)?;
            let scope = Scope::new(&effective, &context, &NoVariables);
            template
                .eval(&scope, &mut FixedEnvironment)
                .map_err(|e| format!("{}: {}", e.error, e.cause))?
        }
        None => effective,
    };
    // A Pass state's Result is a literal: `.$` keys in it are not evaluated.
    let result = state.get("Result").cloned().unwrap_or(effective);
    let combined = apply_result_path(raw_input, result_path.as_ref(), result)
        .map_err(|e| format!("{}: {}", e.error, e.cause))?;
    apply_output_path(output_path.as_ref(), combined, &context, &NoVariables)
        .map_err(|e| format!("{}: {}", e.error, e.cause))
}

fn run_chain(definition: &Value, input: Value) -> Result<Value, String> {
    let states = definition
        .get("States")
        .and_then(Value::as_object)
        .ok_or("no States")?;
    let mut name = definition
        .get("StartAt")
        .and_then(Value::as_str)
        .ok_or("no StartAt")?
        .to_string();
    let mut value = input;
    for _ in 0..states.len() {
        let state = states.get(&name).ok_or(format!("no state {name}"))?;
        value = run_pass_state(state, value)?;
        match state.get("Next").and_then(Value::as_str) {
            Some(next) => name = next.to_string(),
            None => return Ok(value),
        }
    }
    Err("the chain loops".into())
}

#[test]
fn recorded_pass_chains_produce_aws_outputs() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("data/pass_chain_cases.json")).expect("case file");
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("?");
        let outcome = run_chain(&case["definition"], case["input"].clone());
        match (case["status"].as_str(), outcome) {
            (Some("SUCCEEDED"), Ok(output)) if output == case["output"] => {}
            (Some("SUCCEEDED"), outcome) => failures.push(format!(
                "{id}\n  expected {}\n  got      {outcome:?}",
                case["output"]
            )),
            (status, outcome) => failures.push(format!(
                "{id}: recorded {status:?} {} {}, got {outcome:?}",
                case["error"], case["cause"]
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
