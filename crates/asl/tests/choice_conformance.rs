//! Replays the Choice states of the recorded AWS executions (extracted into
//! `data/choice_cases.json` by `data/extract_choice_cases.py`) and checks that every case takes
//! the branch AWS took.

use asl::choice::ChoiceRule;
use asl::{NoVariables, Scope, Value};

fn next_state<'a>(
    rules: &'a [(ChoiceRule, String)],
    default: Option<&'a str>,
    scope: &Scope,
) -> Result<Option<&'a str>, String> {
    for (rule, next) in rules {
        if rule.eval(scope).map_err(|error| error.to_string())? {
            return Ok(Some(next));
        }
    }
    Ok(default)
}

#[test]
fn recorded_choice_cases_take_the_recorded_branch() {
    let groups: Vec<Value> = serde_json::from_str(include_str!("data/choice_cases.json"))
        .expect("choice_cases.json is JSON");
    let mut total = 0;
    let mut failures = Vec::new();
    for group in &groups {
        let state = &group["state"];
        let rules: Vec<(ChoiceRule, String)> = state["Choices"]
            .as_array()
            .expect("Choices is an array")
            .iter()
            .map(|rule| {
                let parsed =
                    ChoiceRule::parse(rule).unwrap_or_else(|error| panic!("{rule}: {error}"));
                (parsed, rule["Next"].as_str().expect("Next").to_string())
            })
            .collect();
        let default = state["Default"].as_str();
        for case in group["cases"].as_array().expect("cases is an array") {
            total += 1;
            let scope = Scope::new(&case["input"], &case["context"], &NoVariables);
            let expected = case["next"].as_str();
            let actual = next_state(&rules, default, &scope);
            if actual != Ok(expected) {
                failures.push(format!(
                    "{}: input {} expected {:?}, got {:?}",
                    case["id"], case["input"], expected, actual
                ));
            }
        }
    }
    assert_eq!(total, 333, "the extracted table holds every recorded case");
    assert!(
        failures.is_empty(),
        "{} of {total} cases took another branch:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
