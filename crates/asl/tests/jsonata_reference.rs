//! Cross-checks `asl::jsonata` against the reference JSONata implementation, the `jsonata` npm
//! package at the version AWS Step Functions implements (2.0.6).
//!
//! The cases are in `tests/jsonata-reference/cases.json`; `evaluate.js` runs them through the
//! reference package, and each outcome (a value, undefined, or an error code and message) must be
//! the same here. Differences that come from `jsonata-core` and that we accept are listed, with
//! the reason, in `known-deviations.json`.
//!
//! Needs `node` and `npm`: without them the test says it is skipped and passes. The package is
//! installed into `tests/jsonata-reference/node_modules` on first run (`npm install`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use asl::jsonata::{JsonataExpr, StatesVar};
use asl::Value;
use serde_json::json;

mod common;
use common::FixedEnvironment;

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jsonata-reference")
}

/// Makes the reference package available, or says why it cannot be.
fn prepare_reference(dir: &Path) -> Result<(), String> {
    let node = Command::new("node").arg("--version").output();
    if !node.map(|output| output.status.success()).unwrap_or(false) {
        return Err("node is not available".to_string());
    }
    let installed = dir.join("node_modules/jsonata/package.json");
    let version_of = |path: &Path| -> Option<String> {
        let text = std::fs::read_to_string(path).ok()?;
        let package: Value = serde_json::from_str(&text).ok()?;
        package.get("version")?.as_str().map(str::to_string)
    };
    if version_of(&installed).as_deref() != Some("2.0.6") {
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir)
            .status()
            .map_err(|error| format!("npm could not be run: {error}"))?;
        if !status.success() || version_of(&installed).as_deref() != Some("2.0.6") {
            return Err("the jsonata@2.0.6 package could not be installed".to_string());
        }
    }
    Ok(())
}

/// What one evaluation gave, in a form both sides can be compared in.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// The value as compact JSON text, so key order counts.
    Value(String),
    /// Undefined, or a function (which has no JSON form).
    Nothing,
    /// `CODE: message`.
    Error(String),
}

fn reference_outcome(outcome: &Value) -> Outcome {
    if let Some(error) = outcome.get("error") {
        let code = error.get("code").and_then(Value::as_str).unwrap_or("");
        let message = error.get("message").and_then(Value::as_str).unwrap_or("");
        return Outcome::Error(format!("{code}: {message}"));
    }
    match outcome.get("value") {
        // jsonata-js 2.0.6 hands a lambda back as an object marked `_jsonata_lambda`.
        Some(value) if value.get("_jsonata_lambda").is_none() => {
            Outcome::Value(serde_json::to_string(value).unwrap_or_default())
        }
        _ => Outcome::Nothing,
    }
}

fn our_outcome(case: &Value) -> Outcome {
    let expression = case["expression"].as_str().unwrap_or_default();
    let input = case.get("input").cloned().unwrap_or_else(|| json!({}));
    let context = case.get("context").cloned().unwrap_or_else(|| json!({}));
    let variables = case
        .get("variables")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let states = StatesVar {
        input: &input,
        context: &context,
        result: None,
        error_output: None,
    };
    let compiled = match JsonataExpr::compile(expression) {
        Ok(compiled) => compiled,
        Err(error) => return Outcome::Error(error.cause),
    };
    match compiled.eval(&states, &variables, &mut FixedEnvironment) {
        Ok(Some(value)) => Outcome::Value(serde_json::to_string(&value).unwrap_or_default()),
        Ok(None) => Outcome::Nothing,
        Err(error) => Outcome::Error(error.cause),
    }
}

#[test]
fn jsonata_matches_the_reference_implementation() {
    let dir = reference_dir();
    if let Err(reason) = prepare_reference(&dir) {
        eprintln!("skipped: the JSONata reference cross-check needs node and npm ({reason})");
        return;
    }
    let cases_path = dir.join("cases.json");
    let cases: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(&cases_path).expect("cases.json is readable"),
    )
    .expect("cases.json is JSON");
    let output = Command::new("node")
        .arg(dir.join("evaluate.js"))
        .arg(&cases_path)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "evaluate.js failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let outcomes: Vec<Value> =
        serde_json::from_slice(&output.stdout).expect("evaluate.js prints JSON");
    assert_eq!(outcomes.len(), cases.len());

    let known: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("known-deviations.json"))
            .expect("known-deviations.json is readable"),
    )
    .expect("known-deviations.json is JSON");

    let mut unexpected = Vec::new();
    let mut now_matching = Vec::new();
    for (case, outcome) in cases.iter().zip(&outcomes) {
        let expression = case["expression"].as_str().unwrap_or_default();
        let reference = reference_outcome(outcome);
        let ours = our_outcome(case);
        let matches = reference == ours;
        match (matches, known.contains_key(expression)) {
            (false, false) => unexpected.push(format!(
                "{expression}\n    reference: {reference:?}\n    ours:      {ours:?}"
            )),
            (true, true) => now_matching.push(expression.to_string()),
            _ => {}
        }
    }
    eprintln!(
        "JSONata cross-check: {} cases against jsonata 2.0.6, {} known deviations",
        cases.len(),
        known.len()
    );
    if !now_matching.is_empty() {
        eprintln!(
            "listed as deviations but now matching (remove them from known-deviations.json):\n  {}",
            now_matching.join("\n  ")
        );
    }
    assert!(
        unexpected.is_empty(),
        "{} cases differ from jsonata 2.0.6:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
