//! Mocked service integrations in Step Functions Local's mock configuration format:
//! `StateMachines` → state machine name → `TestCases` → test case → Task state name → name of
//! a mocked response, and `MockedResponses` → name → invocation (`"0"`, or an inclusive range
//! `"1-2"`) → `{"Return": result}` or `{"Throw": {"Error", "Cause"}}`.
//!
//! An execution started on `<stateMachineArn>#<TestCase>` carries its test case ([`MockCase`],
//! kept with the execution so a resumed one mocks the same): each time one of its mocked Task
//! states schedules its task, the response for that invocation (counted per state over the
//! whole execution, retries and iterations included) answers instead of the integration. This
//! module only reads the configuration and answers lookups; reading the file is the service's.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What a mocked invocation answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MockResult {
    /// The task's result.
    Return(Value),
    /// The task fails with this error and cause.
    Throw { error: String, cause: String },
}

/// One entry of a mocked response: the invocations `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockRange {
    pub from: u32,
    pub to: u32,
    pub result: MockResult,
}

/// A mocked response: what each invocation answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockedResponse {
    pub ranges: Vec<MockRange>,
}

impl MockedResponse {
    /// Reads one mocked response (`{"0": {"Return": …}, "1-2": {"Throw": …}}`); `at` names
    /// it in the error.
    pub fn parse(value: &Value, at: &str) -> Result<MockedResponse, String> {
        mocked_response(value, at)
    }

    /// The answer of the invocation numbered `n` (from 0); None when the file gives none.
    pub fn for_invocation(&self, n: u32) -> Option<&MockResult> {
        self.ranges
            .iter()
            .find(|r| r.from <= n && n <= r.to)
            .map(|r| &r.result)
    }
}

/// The test case an execution runs: its mocked Task states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockCase {
    pub test_case: String,
    /// Task state name → its mocked response.
    pub states: BTreeMap<String, MockedResponse>,
}

/// A whole mock configuration, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MockConfig {
    /// State machine name → test case → Task state name → mocked response name.
    machines: HashMap<String, HashMap<String, BTreeMap<String, String>>>,
    responses: HashMap<String, MockedResponse>,
}

fn object<'a>(value: &'a Value, at: &str) -> Result<&'a Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{at} must be a JSON object"))
}

/// An invocation key: `"3"`, or an inclusive range `"1-2"`.
fn invocations(key: &str, at: &str) -> Result<(u32, u32), String> {
    let number = |t: &str| {
        t.trim().parse::<u32>().map_err(|_| {
            format!("{at}: '{key}' is not an invocation number or a range of them such as \"1-2\"")
        })
    };
    let (from, to) = match key.split_once('-') {
        Some((a, b)) => (number(a)?, number(b)?),
        None => (number(key)?, number(key)?),
    };
    if from > to {
        return Err(format!("{at}: the range '{key}' ends before it starts"));
    }
    Ok((from, to))
}

fn mock_result(value: &Value, at: &str) -> Result<MockResult, String> {
    let fields = object(value, at)?;
    match (fields.get("Return"), fields.get("Throw"), fields.len()) {
        (Some(result), None, 1) => Ok(MockResult::Return(result.clone())),
        (None, Some(throw), 1) => {
            let throw = object(throw, &format!("{at}.Throw"))?;
            let text = |name: &str| match throw.get(name) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(format!("{at}.Throw.{name} must be a string")),
            };
            let error = text("Error")?;
            if error.is_empty() {
                return Err(format!("{at}.Throw must name its Error"));
            }
            Ok(MockResult::Throw {
                error,
                cause: text("Cause")?,
            })
        }
        _ => Err(format!("{at} must have exactly one field, Return or Throw")),
    }
}

fn mocked_response(value: &Value, at: &str) -> Result<MockedResponse, String> {
    let mut ranges = Vec::new();
    for (key, entry) in object(value, at)? {
        let (from, to) = invocations(key, at)?;
        let result = mock_result(entry, &format!("{at}.\"{key}\""))?;
        if let Some(other) = ranges
            .iter()
            .find(|r: &&MockRange| r.from <= to && from <= r.to)
        {
            return Err(format!(
                "{at}: the invocations '{key}' overlap those of another entry ({}-{})",
                other.from, other.to
            ));
        }
        ranges.push(MockRange { from, to, result });
    }
    ranges.sort_by_key(|r| r.from);
    Ok(MockedResponse { ranges })
}

impl MockConfig {
    /// Reads and checks a configuration; the error says what is wrong and where.
    pub fn parse(text: &str) -> Result<MockConfig, String> {
        let root: Value =
            serde_json::from_str(text).map_err(|e| format!("the file is not JSON: {e}"))?;
        let root = object(&root, "the mock configuration")?;
        for key in root.keys() {
            if key != "StateMachines" && key != "MockedResponses" {
                return Err(format!(
                    "unknown top-level field '{key}' (expected StateMachines and MockedResponses)"
                ));
            }
        }
        let mut config = MockConfig::default();
        if let Some(responses) = root.get("MockedResponses") {
            for (name, value) in object(responses, "MockedResponses")? {
                let at = format!("MockedResponses.{name}");
                config
                    .responses
                    .insert(name.clone(), mocked_response(value, &at)?);
            }
        }
        if let Some(machines) = root.get("StateMachines") {
            for (machine, spec) in object(machines, "StateMachines")? {
                let at = format!("StateMachines.{machine}");
                let spec = object(spec, &at)?;
                let cases = spec
                    .get("TestCases")
                    .ok_or_else(|| format!("{at} must have a TestCases object"))?;
                let mut test_cases = HashMap::new();
                for (case, states) in object(cases, &format!("{at}.TestCases"))? {
                    let at = format!("{at}.TestCases.{case}");
                    let mut mocked = BTreeMap::new();
                    for (state, response) in object(states, &at)? {
                        let Some(response) = response.as_str() else {
                            return Err(format!(
                                "{at}.{state} must be the name of a mocked response"
                            ));
                        };
                        if !config.responses.contains_key(response) {
                            return Err(format!(
                                "{at}.{state} names the mocked response '{response}', which MockedResponses does not have"
                            ));
                        }
                        mocked.insert(state.clone(), response.to_string());
                    }
                    test_cases.insert(case.clone(), mocked);
                }
                config.machines.insert(machine.clone(), test_cases);
            }
        }
        Ok(config)
    }

    /// The test case `test_case` of the state machine named `machine`.
    pub fn case(&self, machine: &str, test_case: &str) -> Result<MockCase, String> {
        let cases = self.machines.get(machine).ok_or_else(|| {
            format!("The mock configuration has no test cases for the state machine '{machine}'")
        })?;
        let states = cases.get(test_case).ok_or_else(|| {
            format!(
                "The mock configuration has no test case '{test_case}' for the state machine '{machine}'"
            )
        })?;
        Ok(MockCase {
            test_case: test_case.to_string(),
            states: states
                .iter()
                .filter_map(|(state, response)| {
                    Some((state.clone(), self.responses.get(response)?.clone()))
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC_EXAMPLE: &str = r#"{
      "StateMachines": {"LambdaSQSIntegration": {"TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
        "HybridPath": {"LambdaState": "MockedLambdaSuccess"}}}},
      "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"body": "hi"}}}},
        "MockedSQSSuccess": {"0": {"Return": {"MessageId": "m"}}},
        "MockedLambdaRetry": {
          "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "not ready"}},
          "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "timed out"}},
          "3": {"Return": {"StatusCode": 200, "Payload": {"body": "hi"}}}}}
    }"#;

    #[test]
    fn a_test_case_maps_its_states_to_their_responses_by_invocation() {
        let config = MockConfig::parse(DOC_EXAMPLE).unwrap();
        let case = config.case("LambdaSQSIntegration", "RetryPath").unwrap();
        let retry = &case.states["LambdaState"];
        let error = |n| match retry.for_invocation(n) {
            Some(MockResult::Throw { error, .. }) => error.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(error(0), "Lambda.ResourceNotReadyException");
        assert_eq!(error(2), "Lambda.TimeoutException");
        assert_eq!(
            retry.for_invocation(3),
            Some(&MockResult::Return(
                json!({"StatusCode": 200, "Payload": {"body": "hi"}})
            ))
        );
        assert_eq!(retry.for_invocation(4), None);
        let hybrid = config.case("LambdaSQSIntegration", "HybridPath").unwrap();
        assert_eq!(hybrid.states.keys().collect::<Vec<_>>(), ["LambdaState"]);
        assert!(config
            .case("LambdaSQSIntegration", "Nope")
            .unwrap_err()
            .contains("no test case 'Nope'"));
        assert!(config.case("Other", "HappyPath").is_err());
    }

    #[test]
    fn a_malformed_file_says_what_is_wrong_and_where() {
        for (text, says) in [
            ("[", "not JSON"),
            (
                r#"{"StateMachines": []}"#,
                "StateMachines must be a JSON object",
            ),
            (r#"{"Mocks": {}}"#, "unknown top-level field 'Mocks'"),
            (
                r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": "missing"}}}}}"#,
                "which MockedResponses does not have",
            ),
            (
                r#"{"MockedResponses": {"R": {"x": {"Return": 1}}}}"#,
                "'x' is not an invocation number",
            ),
            (
                r#"{"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {}}}}}"#,
                "exactly one field, Return or Throw",
            ),
            (
                r#"{"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}"#,
                "overlap",
            ),
            (
                r#"{"MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}"#,
                "must name its Error",
            ),
        ] {
            let err = MockConfig::parse(text).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn a_case_round_trips_through_json() {
        let case = MockConfig::parse(DOC_EXAMPLE)
            .unwrap()
            .case("LambdaSQSIntegration", "RetryPath")
            .unwrap();
        let text = serde_json::to_string(&case).unwrap();
        assert_eq!(serde_json::from_str::<MockCase>(&text).unwrap(), case);
    }
}
