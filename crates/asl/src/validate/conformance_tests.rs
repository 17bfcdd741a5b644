//! The validator against the behaviour recorded on AWS (`shared/conformance/cases`): every
//! definition AWS refused must get the recorded message or diagnostics, and every definition
//! AWS ran must pass without an ERROR.

use std::path::PathBuf;

use serde_json::Value;

use super::{
    has_errors, invalid_definition_message, validate_definition, validate_state_definition,
    Diagnostic, MachineType,
};

/// The recorded cases, found by walking up from this crate (the worktree layout differs from
/// the main checkout's); `STEPFN_CONFORMANCE_CASES` overrides.
fn cases_directory() -> Option<PathBuf> {
    if let Some(directory) = std::env::var_os("STEPFN_CONFORMANCE_CASES") {
        return Some(PathBuf::from(directory));
    }
    let crate_directory = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    crate_directory
        .ancestors()
        .map(|ancestor| ancestor.join("shared/conformance/cases"))
        .find(|candidate| candidate.is_dir())
}

struct Case {
    file: String,
    body: Value,
}

fn load_cases() -> Option<Vec<Case>> {
    let Some(directory) = cases_directory() else {
        println!("conformance cases not found (looked for shared/conformance/cases above the crate): skipped");
        return None;
    };
    let mut cases = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&directory)
        .expect("the cases directory is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("a case file is readable");
        let body: Value = serde_json::from_str(&text).expect("a case file is JSON");
        let file = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        cases.push(Case { file, body });
    }
    Some(cases)
}

fn machine_type(name: Option<&str>) -> MachineType {
    match name {
        Some("EXPRESS") => MachineType::Express,
        _ => MachineType::Standard,
    }
}

/// The recordings replace `arn:aws:` by `arn:<partition>:`; do the same to our text.
fn normalize(text: &str) -> String {
    text.replace("arn:aws:", "arn:<partition>:")
}

/// Definitions built with `$concat` from earlier API answers: the only such answer in the
/// corpus is an activity ARN.
fn resolve_definition(definition: &Value) -> Option<String> {
    match definition {
        Value::String(text) => Some(text.clone()),
        Value::Object(object) => {
            let parts = object.get("$concat")?.as_array()?;
            let mut text = String::new();
            for part in parts {
                match part {
                    Value::String(piece) => text.push_str(piece),
                    Value::Object(reference) if reference.contains_key("$ref") => {
                        text.push_str("arn:aws:states:us-east-1:111111111111:activity:activity-0");
                    }
                    _ => return None,
                }
            }
            Some(text)
        }
        _ => None,
    }
}

/// TestState takes a single state (with `Type`) or a whole machine (with `States`).
fn is_single_state(definition: &str) -> bool {
    serde_json::from_str::<Value>(definition)
        .ok()
        .is_some_and(|value| value.get("Type").is_some() && value.get("States").is_none())
}

fn describe(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {} {:?} {:?}",
                d.severity.as_str(),
                d.code,
                d.message,
                d.location
            )
        })
        .collect::<Vec<_>>()
        .join("\n    ")
}

/// A definition the cases submit, and what AWS answered.
struct Submission<'c> {
    file: &'c str,
    definition: String,
    machine: MachineType,
    /// TestState of a single state rather than of a machine.
    single_state: bool,
    /// AWS refused it with this `InvalidDefinition` message; `None` when AWS took it.
    refusal: Option<&'c str>,
}

impl Submission<'_> {
    fn validate(&self) -> Vec<Diagnostic> {
        if self.single_state {
            validate_state_definition(&self.definition, self.machine)
        } else {
            validate_definition(&self.definition, self.machine)
        }
    }
}

/// The definitions the cases submit to CreateStateMachine, UpdateStateMachine and TestState
/// (and run), each with AWS's refusal if it refused it. A definition updated in a sequence and
/// refused is left out: only its creation's refusal is recorded as the validator's.
fn submissions(cases: &[Case]) -> Vec<Submission<'_>> {
    let mut submissions = Vec::new();
    for case in cases {
        let file = case.file.as_str();
        let body = &case.body;
        let mut submit = |definition: String, machine, single_state, refusal| {
            submissions.push(Submission {
                file,
                definition,
                machine,
                single_state,
                refusal,
            });
        };
        match body["kind"].as_str() {
            // Other refusals (an invalid logging configuration) are the API's, not the validator's.
            Some("create_error") if body["expected"]["error_code"] == "InvalidDefinition" => {
                submit(
                    body["definition"].as_str().unwrap_or_default().to_string(),
                    machine_type(body["type"].as_str()),
                    false,
                    Some(body["expected"]["message"].as_str().unwrap_or_default()),
                )
            }
            Some("execution") | Some("activity") => {
                if let Some(definition) = resolve_definition(&body["definition"]) {
                    submit(definition, machine_type(body["type"].as_str()), false, None);
                }
            }
            Some("test_state") => {
                let expected = &body["expected"];
                let message = expected["message"].as_str().unwrap_or_default();
                let refused = expected["error_code"] == "InvalidDefinition"
                    && message.starts_with("Invalid State Machine Definition");
                let definition = body["params"]["definition"].as_str().unwrap_or_default();
                submit(
                    definition.to_string(),
                    MachineType::Standard,
                    is_single_state(definition),
                    refused.then_some(message),
                );
            }
            Some("api_sequence") => {
                for step in body["steps"].as_array().into_iter().flatten() {
                    let error = &step["expect"]["error"];
                    let refused = error["error_code"] == "InvalidDefinition";
                    let submits = match step["op"].as_str() {
                        Some("create_state_machine") => true,
                        Some("update_state_machine") => !refused,
                        _ => false,
                    };
                    if !submits {
                        continue;
                    }
                    if let Some(definition) = resolve_definition(&step["params"]["definition"]) {
                        submit(
                            definition,
                            machine_type(step["params"]["type"].as_str()),
                            false,
                            refused.then(|| error["message"].as_str().unwrap_or_default()),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    submissions
}

/// Checks each case (`check` describes how it failed, or answers `None`), prints how many of
/// them passed, then fails listing the failures; answers how many cases were checked.
fn check_all<C>(
    what: &str,
    passed: &str,
    failed: &str,
    cases: impl IntoIterator<Item = C>,
    mut check: impl FnMut(C) -> Option<String>,
) -> usize {
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in cases {
        checked += 1;
        failures.extend(check(case));
    }
    println!("{what}: {} of {checked} {passed}", checked - failures.len());
    assert!(
        failures.is_empty(),
        "{} {failed}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    checked
}

/// [`check_all`] over the submissions AWS refused (`refused`) or took; the cases must hold some.
fn check_submissions(
    refused: bool,
    what: &str,
    passed: &str,
    failed: &str,
    check: impl FnMut(Submission<'_>) -> Option<String>,
) {
    let Some(cases) = load_cases() else {
        return;
    };
    let chosen = submissions(&cases)
        .into_iter()
        .filter(|submission| submission.refusal.is_some() == refused);
    let checked = check_all(what, passed, failed, chosen, check);
    let kind = if refused {
        "refusal"
    } else {
        "accepted definition"
    };
    assert!(checked > 0, "no {kind} was found in the cases");
}

#[test]
fn recorded_refusals_get_the_recorded_message() {
    check_submissions(
        true,
        "recorded refusals",
        "give the recorded message",
        "mismatches",
        |submission| {
            // Chosen for its refusal, so there is one.
            let expected = submission.refusal.unwrap_or_default();
            let diagnostics = submission.validate();
            let actual = normalize(&invalid_definition_message(&diagnostics));
            (!has_errors(&diagnostics) || actual != expected).then(|| {
                format!(
                    "{}\n  expected: {expected}\n  actual:   {actual}",
                    submission.file
                )
            })
        },
    );
}

#[test]
fn recorded_validations_get_the_recorded_diagnostics() {
    let Some(cases) = load_cases() else {
        return;
    };
    let validations = cases.iter().filter(|case| case.body["kind"] == "validate");
    check_all(
        "recorded validations",
        "match",
        "mismatches",
        validations,
        |case| {
            let params = &case.body["params"];
            let definition = params["definition"].as_str().unwrap_or_default();
            let diagnostics =
                validate_definition(definition, machine_type(params["type"].as_str()));
            let actual: Vec<Value> = diagnostics
                .iter()
                .map(|diagnostic| {
                    let mut entry = serde_json::json!({
                        "code": diagnostic.code,
                        "message": diagnostic.message,
                        "severity": diagnostic.severity.as_str(),
                    });
                    if let Some(location) = &diagnostic.location {
                        entry["location"] = Value::String(location.clone());
                    }
                    entry
                })
                .collect();
            let response = &case.body["expected"]["response"];
            let result = if has_errors(&diagnostics) {
                "FAIL"
            } else {
                "OK"
            };
            let actual = Value::Array(actual);
            (actual != response["diagnostics"] || result != response["result"]).then(|| {
                format!(
                    "{}\n  expected: {}\n  actual:   {} {result}",
                    case.file, response, actual
                )
            })
        },
    );
}

#[test]
fn definitions_aws_ran_pass_without_errors() {
    check_submissions(
        false,
        "accepted definitions",
        "pass without errors",
        "refused",
        |submission| {
            let diagnostics = submission.validate();
            has_errors(&diagnostics)
                .then(|| format!("{}\n    {}", submission.file, describe(&diagnostics)))
        },
    );
}
