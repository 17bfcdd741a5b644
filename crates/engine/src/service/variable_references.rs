//! `variableReferences` of DescribeStateMachine and DescribeStateMachineForExecution: for each
//! state that reads workflow variables, the names it reads.
//!
//! In a JSONPath state a variable is read by a path (`$name`, `$name.field`) written where a path
//! belongs — a `.$` template field, an intrinsic function's argument, `InputPath`, `…Path` fields,
//! a Choice rule's `Variable` — never by a literal string. In a JSONata state it is read by a
//! `$name` inside a `{% … %}` expression (`$states` is not a variable, `$f(…)` is a function call,
//! and names bound inside the expression are its own).

use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, Value};

/// State fields that hold neither paths nor expressions, or hold nested state machines (those are
/// visited as machines of their own).
const NOT_READ_FOR_VARIABLES: [&str; 11] = [
    "Type",
    "Comment",
    "Next",
    "End",
    "Default",
    "QueryLanguage",
    "Result",
    "Resource",
    "Branches",
    "Iterator",
    "ItemProcessor",
];

/// The states that reference variables, in definition order (a Map's or Parallel's inner states
/// follow it), each with the names it references, sorted and distinct. None when no state
/// references a variable (AWS then leaves the field out), or the definition is not JSON.
pub fn variable_references(definition: &str) -> Option<Map<String, Value>> {
    let machine: Value = serde_json::from_str(definition).ok()?;
    let mut references = Map::new();
    visit_machine(&machine, false, &mut references);
    (!references.is_empty()).then_some(references)
}

fn is_jsonata(object: &Value, inherited: bool) -> bool {
    match object.get("QueryLanguage").and_then(Value::as_str) {
        Some(language) => language == "JSONata",
        None => inherited,
    }
}

fn visit_machine(machine: &Value, inherited_jsonata: bool, out: &mut Map<String, Value>) {
    let jsonata = is_jsonata(machine, inherited_jsonata);
    let Some(states) = machine.get("States").and_then(Value::as_object) else {
        return;
    };
    for (name, state) in states {
        let state_jsonata = is_jsonata(state, jsonata);
        let mut names = BTreeSet::new();
        if let Some(fields) = state.as_object() {
            for (field, value) in fields {
                if !NOT_READ_FOR_VARIABLES.contains(&field.as_str()) {
                    collect(field, value, state_jsonata, &mut names);
                }
            }
        }
        if !names.is_empty() {
            out.insert(
                name.clone(),
                Value::Array(names.into_iter().map(Value::String).collect()),
            );
        }
        for nested in nested_machines(state) {
            visit_machine(nested, state_jsonata, out);
        }
    }
}

fn nested_machines(state: &Value) -> Vec<&Value> {
    let mut machines: Vec<&Value> = state
        .get("Branches")
        .and_then(Value::as_array)
        .map(|branches| branches.iter().collect())
        .unwrap_or_default();
    machines.extend(
        ["Iterator", "ItemProcessor"]
            .iter()
            .filter_map(|field| state.get(*field)),
    );
    machines
}

/// Collects the variables `value`, found under the field `field`, references.
fn collect(field: &str, value: &Value, jsonata: bool, names: &mut BTreeSet<String>) {
    match value {
        Value::String(text) if jsonata => {
            if let Some(expression) = asl::jsonata::expression_text(text) {
                jsonata_references(expression, names);
            }
        }
        Value::String(text) => {
            let holds_path =
                field.ends_with(".$") || field.ends_with("Path") || field == "Variable";
            if holds_path {
                path_references(text, names);
            }
        }
        Value::Object(fields) => {
            for (inner_field, inner) in fields {
                collect(inner_field, inner, jsonata, names);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect(field, item, jsonata, names);
            }
        }
        _ => {}
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The variables of a JSONPath path or intrinsic function call: each `$name` outside a quoted
/// string (`$` alone is the input, `$$` the context object).
fn path_references(text: &str, names: &mut BTreeSet<String>) {
    let mut chars = text.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((at, c)) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(open), _) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '$') => {
                if chars.peek().is_some_and(|(_, next)| *next == '$') {
                    chars.next();
                    continue;
                }
                let name = name_at(text, at + 1);
                if !name.is_empty() {
                    names.insert(name.to_string());
                }
            }
            _ => {}
        }
    }
}

fn name_at(text: &str, start: usize) -> &str {
    let rest = &text[start..];
    let end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
    &rest[..end]
}

/// One `$name` token of a JSONata expression and what follows it.
struct JsonataVariable<'a> {
    name: &'a str,
    called: bool,
    bound: bool,
}

/// The free variables of a JSONata expression, found by a scan of its tokens: string literals,
/// back-quoted names and comments are skipped; `$name(` is a function call, `$name :=` and the
/// parameters of `function(…)` are bindings local to the expression.
fn jsonata_references(expression: &str, names: &mut BTreeSet<String>) {
    let mut tokens = Vec::new();
    let mut local = HashSet::new();
    let mut in_parameters = false;
    let bytes = expression.as_bytes();
    let mut at = 0;
    while at < expression.len() {
        let c = bytes[at];
        match c {
            b'\'' | b'"' | b'`' => at = skip_quoted(expression, at, c),
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = expression[at + 2..]
                    .find("*/")
                    .map_or(expression.len(), |end| at + 2 + end + 2);
            }
            b'$' => {
                let name = name_at(expression, at + 1);
                let after = expression[at + 1 + name.len()..].trim_start();
                let token = JsonataVariable {
                    name,
                    called: after.starts_with('('),
                    bound: after.starts_with(":="),
                };
                if in_parameters || token.bound {
                    local.insert(name);
                }
                tokens.push(token);
                at += 1 + name.len();
            }
            b'(' => {
                let before = expression[..at].trim_end();
                in_parameters = before.ends_with("function") || before.ends_with('λ');
                at += 1;
            }
            b')' => {
                in_parameters = false;
                at += 1;
            }
            _ => at += 1,
        }
    }
    for token in tokens {
        let free = !token.name.is_empty()
            && token.name != "states"
            && !token.called
            && !local.contains(token.name);
        if free {
            names.insert(token.name.to_string());
        }
    }
}

/// The index just past the quoted text that starts at `start` with `quote`.
fn skip_quoted(text: &str, start: usize, quote: u8) -> usize {
    let bytes = text.as_bytes();
    let mut at = start + 1;
    while at < bytes.len() {
        if bytes[at] == b'\\' && quote != b'`' {
            at += 2;
        } else if bytes[at] == quote {
            return at + 1;
        } else {
            at += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::variable_references;
    use serde_json::json;
    use serde_json::Value;

    fn references(definition: Value) -> Value {
        variable_references(&definition.to_string())
            .map(Value::Object)
            .unwrap_or(Value::Null)
    }

    // The definitions and answers below are AWS's, from the recorded DescribeStateMachine calls
    // of the variable references cases.
    #[test]
    fn paths_and_choice_rules_reference_variables() {
        assert_eq!(
            references(json!({"StartAt": "Setup", "States": {
                "Setup": {"Type": "Pass", "Assign": {"guess": "the_guess", "answer": "the_answer"}, "Next": "CheckAnswer"},
                "CheckAnswer": {"Type": "Choice", "Choices": [{"Variable": "$guess", "StringEqualsPath": "$answer", "Next": "CorrectAnswer"}], "Default": "WrongAnswer"},
                "CorrectAnswer": {"Type": "Pass", "Result": {"state": "CORRECT"}, "End": true},
                "WrongAnswer": {"Type": "Pass", "Assign": {"guess.$": "$answer"}, "Result": {"state": "WRONG"}, "Next": "CheckAnswer"}
            }})),
            json!({"CheckAnswer": ["answer", "guess"], "WrongAnswer": ["answer"]})
        );
        assert_eq!(
            references(json!({"StartAt": "State0", "States": {
                "State0": {"Type": "Pass", "Result": {"theQuestion": "q"}, "Assign": {"question.$": "$.theQuestion", "answer": 42}, "Next": "State1"},
                "State1": {"Type": "Pass", "InputPath": "$answer", "ResultPath": "$.theAnswer", "OutputPath": "$answer", "Assign": {"answer": "<omitted>"}, "End": true}
            }})),
            json!({"State1": ["answer"]})
        );
        assert_eq!(
            references(json!({"StartAt": "Pass", "States": {
                "Pass": {"Type": "Pass", "Assign": {"errorVar": "Exception", "causeVar": "An Exception was encountered"}, "Next": "Fail"},
                "Fail": {"Type": "Fail", "CausePath": "$causeVar", "ErrorPath": "$errorVar"}
            }})),
            json!({"Fail": ["causeVar", "errorVar"]})
        );
    }

    #[test]
    fn literal_strings_and_input_paths_reference_nothing() {
        assert_eq!(
            references(json!({"StartAt": "State0", "States": {
                "State0": {"Type": "Pass", "Parameters": {"result": "$result"}, "Assign": {"result": "foobar"}, "Next": "State1"},
                "State1": {"Type": "Pass", "ResultPath": "$.result", "Parameters": {"result.$": "$result"}, "End": true}
            }})),
            json!({"State1": ["result"]})
        );
        assert_eq!(
            references(json!({"StartAt": "State0", "States": {
                "State0": {"Type": "Pass", "Parameters": {"input": "PENDING"}, "Assign": {"result.$": "$.input"}, "End": true}
            }})),
            Value::Null
        );
    }

    #[test]
    fn intrinsic_functions_and_nested_states_reference_variables() {
        assert_eq!(
            references(json!({"StartAt": "Input", "States": {
                "Input": {"Type": "Pass", "Assign": {"bias": 4.3}, "Next": "IterateLevels"},
                "IterateLevels": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "AssignCurrentVector", "States": {
                    "AssignCurrentVector": {"Type": "Pass", "Assign": {"xCurrent.$": "$[0]", "yCurrent.$": "$[1]", "zCurrent.$": "$[2]"}, "Next": "Calculate"},
                    "Calculate": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Summate", "States": {
                        "Summate": {"Type": "Pass", "Assign": {"Sum.$": "States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)"}, "End": true}
                    }}, "End": true}
                }}, "End": true}
            }})),
            json!({"Summate": ["bias", "xCurrent", "yCurrent", "zCurrent"]})
        );
        assert_eq!(
            references(json!({"StartAt": "Start", "States": {
                "Start": {"Type": "Pass", "Assign": {"AnswerTemplate": "It's {}!", "Question": "q"}, "Next": "MapIterateState"},
                "MapIterateState": {"Type": "Map", "ItemSelector": {"AnnouncePokemon.$": "States.Format($AnswerTemplate, $$.Map.Item.Value)"},
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Pass", "States": {
                        "Pass": {"Type": "Pass", "Parameters": {"Question.$": "$Question", "Answer.$": "$.AnnouncePokemon"}, "End": true}
                    }}, "End": true}
            }})),
            json!({"MapIterateState": ["AnswerTemplate"], "Pass": ["Question"]})
        );
        assert_eq!(
            references(json!({"StartAt": "S", "States": {
                "S": {"Type": "Pass", "Parameters": {"f.$": "States.Format('Hello {}, $notAVariable {}!', $name, $place)"}, "End": true}
            }})),
            json!({"S": ["name", "place"]})
        );
    }

    #[test]
    fn map_and_wait_path_fields_reference_variables() {
        assert_eq!(
            references(json!({"StartAt": "MapState", "States": {
                "MapState": {"Type": "Map", "ItemReader": {"ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$maxItems"}, "Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket.$": "$.Bucket"}},
                    "ToleratedFailureCountPath": "$toleratedFailureCount",
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}
            }})),
            json!({"MapState": ["maxItems", "toleratedFailureCount"]})
        );
        assert_eq!(
            references(json!({"StartAt": "W", "States": {
                "W": {"Type": "Wait", "SecondsPath": "$waitTime", "Next": "U"},
                "U": {"Type": "Wait", "TimestampPath": "$startAt", "End": true}
            }})),
            json!({"W": ["waitTime"], "U": ["startAt"]})
        );
    }

    #[test]
    fn jsonata_expressions_reference_their_free_variables() {
        assert_eq!(
            references(
                json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
                    "C": {"Type": "Choice", "Choices": [
                        {"Condition": "{% $states.input.result.done %}", "Next": "T"},
                        {"Condition": "{% $not($states.input.result.done) %}", "Next": "T"}
                    ]},
                    "T": {"Type": "Pass", "End": true}
                }})
            ),
            Value::Null
        );
        assert_eq!(
            references(
                json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
                    "P": {"Type": "Pass", "Output": {
                        "a": "{% $count + $sum($items) %}",
                        "b": "{% ($x := 1; $x + $offset) %}",
                        "c": "{% $map($list, function($v) { $v * $factor }) %}",
                        "d": "{% '$quoted' & $states.input.x /* $comment */ %}",
                        "e": "$literal"
                    }, "End": true}
                }})
            ),
            json!({"P": ["count", "factor", "items", "list", "offset"]})
        );
    }

    #[test]
    fn anything_that_is_not_a_definition_references_nothing() {
        assert_eq!(variable_references("not json"), None);
        assert_eq!(variable_references("[]"), None);
        assert_eq!(variable_references("{\"States\": 1}"), None);
    }
}
