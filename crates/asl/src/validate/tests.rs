//! The rules one by one. Expected texts come from recorded AWS answers where one exists.

use serde_json::{json, Value};

use super::*;

/// The ERROR diagnostics as `CODE: message at location`, the way CreateStateMachine lists them.
fn errors_of(definition: &Value) -> Vec<String> {
    errors_in(validate_definition(
        &definition.to_string(),
        MachineType::Standard,
    ))
}

fn errors_in(diagnostics: Vec<Diagnostic>) -> Vec<String> {
    diagnostics
        .into_iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .map(|diagnostic| diagnostic.listed())
        .collect()
}

/// A machine with one state `X`, plus a `Done` state when `X` mentions it.
fn machine_with(state: Value) -> Value {
    let mentions_done = state.to_string().contains("\"Done\"");
    let mut definition = json!({"StartAt": "X", "States": {"X": state}});
    if mentions_done {
        definition["States"]["Done"] = json!({"Type": "Succeed"});
    }
    definition
}

fn assert_accepted(definition: &Value) {
    assert_eq!(errors_of(definition), Vec::<String>::new(), "{definition}");
}

// ----- the text and the top level ---------------------------------------------------------

#[test]
fn reports_json_syntax_errors_as_aws_does() {
    let diagnostics = validate_definition("not a definition", MachineType::Standard);
    assert_eq!(
        diagnostics,
        vec![Diagnostic {
            severity: Severity::Error,
            code: "INVALID_JSON_DESCRIPTION".into(),
            message: "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]".into(),
            location: Some("[Source: (String)\"not a definition\"; line: 1, column: 4]".into()),
            invalid_definition_text: None,
        }]
    );
}

#[test]
fn requires_a_json_object() {
    for text in [" ", "[]", "\"text\"", "42"] {
        assert_eq!(
            errors_in(validate_definition(text, MachineType::Standard)),
            ["SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object at null"],
            "{text:?}"
        );
    }
}

#[test]
fn reports_missing_top_level_fields_alone() {
    assert_eq!(
        errors_of(&json!({})),
        ["SCHEMA_VALIDATION_FAILED: These fields are required: [States, StartAt] at /"]
    );
    assert_eq!(
        errors_of(&json!({"Comment": "BASE_INVALID_DER", "StartAt": "State_1"})),
        ["SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /"]
    );
}

#[test]
fn checks_top_level_fields() {
    let definition = json!({
        "StartAt": "X", "Version": "2.0", "Foo": 1, "TimeoutSeconds": -1,
        "States": {"X": {"Type": "Succeed"}}
    });
    assert_eq!(
        errors_of(&definition),
        [
            "SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /",
            "SCHEMA_VALIDATION_FAILED: Value should be one of the following: [1.0] at /Version",
            "SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /TimeoutSeconds",
        ]
    );
    assert_accepted(&json!({
        "Comment": "c", "Version": "1.0", "TimeoutSeconds": 30, "QueryLanguage": "JSONPath",
        "StartAt": "X", "States": {"X": {"Type": "Succeed"}}
    }));
}

// ----- states ---------------------------------------------------------------------------------

#[test]
fn requires_a_known_type() {
    assert_eq!(
        errors_of(&machine_with(json!({"End": true}))),
        ["SCHEMA_VALIDATION_FAILED: These fields are required: [Type] at /States/X"]
    );
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Sleep", "End": true}))),
        ["SCHEMA_VALIDATION_FAILED: Value should be one of the following: [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map] at /States/X/Type"]
    );
}

#[test]
fn refuses_fields_the_state_type_does_not_have() {
    assert_eq!(
        errors_of(&machine_with(
            json!({"Type": "Pass", "TimeoutSeconds": 5, "End": true})
        )),
        ["SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/X"]
    );
    assert_eq!(
        errors_of(&machine_with(json!({
            "Type": "Pass", "End": true,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "X"}]
        }))),
        ["SCHEMA_VALIDATION_FAILED: Field 'Catch' is not supported at /States/X"]
    );
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Succeed", "Next": "Done"}))),
        ["SCHEMA_VALIDATION_FAILED: Field 'Next' is not supported at /States/X"]
    );
}

#[test]
fn requires_exactly_one_of_next_and_end() {
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Pass", "Next": "Done", "End": true}))),
        ["SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [Next, End] at /States/X"]
    );
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Pass"}))),
        ["SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [Next, End] at /States/X"]
    );
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Pass", "End": "yes"}))),
        [
            "SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [Next, End] at /States/X",
            "SCHEMA_VALIDATION_FAILED: Expected value of type [BOOLEAN] at /States/X/End",
        ]
    );
    assert_accepted(&machine_with(
        json!({"Type": "Pass", "Next": "Done", "End": false}),
    ));
}

// ----- transitions and names --------------------------------------------------------------

#[test]
fn reports_missing_transition_targets_where_they_are_written() {
    let definition = json!({"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ghost",
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Phantom"}]},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Nowhere"}], "Default": "Void"},
        "Z": {"Type": "Succeed"}
    }});
    assert_eq!(
        errors_of(&definition),
        [
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: Ghost at /States/A/Next",
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: Phantom at /States/A/Catch[0]/Next",
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/C/Choices[0]/Next",
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: Void at /States/C/Default",
            "MISSING_TRANSITION_TARGET: State \"C\" is not reachable. at /States/C",
            "MISSING_TRANSITION_TARGET: State \"Z\" is not reachable. at /States/Z",
        ]
    );
}

#[test]
fn reports_a_missing_start_and_what_it_leaves_unreachable() {
    assert_eq!(
        errors_of(&json!({"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": true}}})),
        [
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /StartAt",
            "MISSING_TRANSITION_TARGET: State \"A\" is not reachable. at /States/A",
        ]
    );
    assert_eq!(
        errors_of(&json!({"StartAt": "M", "States": {"M": {
            "Type": "Map", "End": true,
            "ItemProcessor": {"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": true}}}
        }}})),
        [
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/M/ItemProcessor/StartAt",
            "MISSING_TRANSITION_TARGET: State \"A\" is not reachable. at /States/M/ItemProcessor/States/A",
        ]
    );
}

#[test]
fn reports_unreachable_states_in_branches() {
    assert_eq!(
        errors_of(&json!({"StartAt": "P", "States": {"P": {
            "Type": "Parallel", "End": true,
            "Branches": [{"StartAt": "W", "States": {
                "W": {"Type": "Pass", "End": true},
                "Ghost": {"Type": "Pass", "End": true}
            }}]
        }}})),
        ["MISSING_TRANSITION_TARGET: State \"Ghost\" is not reachable. at /States/P/Branches[0]/States/Ghost"]
    );
}

#[test]
fn requires_a_terminal_state_at_the_top_only() {
    let looping = json!({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}});
    assert_eq!(
        errors_of(&json!({"StartAt": "A", "States": looping})),
        ["MISSING_END_STATE: Workflow has no terminal state at null"]
    );
    // A loop in a Map processor is accepted.
    assert_accepted(&json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": true, "ItemProcessor": {"StartAt": "A", "States": looping}
    }}}));
}

#[test]
fn requires_unique_and_short_state_names() {
    let long_name = "N".repeat(81);
    let definition = json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": long_name.clone(), "Branches": [
            {"StartAt": "Same", "States": {"Same": {"Type": "Pass", "End": true}}},
            {"StartAt": "Same", "States": {"Same": {"Type": "Pass", "End": true}}}
        ]},
        long_name.clone(): {"Type": "Succeed"}
    }});
    assert_eq!(
        errors_of(&definition),
        [
            "DUPLICATE_STATE_NAME: Duplicate State name: Same at /States/P/Branches[1]/States/Same".to_string(),
            format!("INVALID_STATE_NAME: Invalid State name: State exceeds the 80-character limit allowed by the service at /States/{long_name}"),
        ]
    );
}

// ----- query languages ----------------------------------------------------------------------

#[test]
fn refuses_fields_of_the_other_query_language() {
    assert_eq!(
        errors_of(&json!({"QueryLanguage": "JSONata", "StartAt": "X", "States": {"X": {
            "Type": "Pass", "InputPath": "$.a", "OutputPath": "$.b", "ResultPath": "$.c", "End": true
        }}})),
        [
            "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage at /States/X",
            "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'OutputPath' is only supported for the 'JSONPath' QueryLanguage at /States/X",
            "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage at /States/X",
        ]
    );
    assert_eq!(
        errors_of(&machine_with(json!({
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Output": {"v": 1}, "Arguments": {"payload": "literal"}, "End": true
        }))),
        [
            "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage at /States/X",
            "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Arguments' is only supported for the 'JSONata' QueryLanguage at /States/X",
        ]
    );
}

#[test]
fn resolves_the_query_language_of_each_state() {
    // A state's own QueryLanguage wins; states inside a Map take the machine's, not the Map's.
    assert_accepted(&json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "QueryLanguage": "JSONata", "Items": "{% [1, 2] %}",
        "Output": {"count": "{% $count($states.result) %}"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true
    }}}));
    assert_eq!(
        errors_of(&json!({"StartAt": "M", "States": {"M": {
            "Type": "Map", "QueryLanguage": "JSONata",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {
                "Type": "Pass", "Output": {"doubled": "{% $states.input * 2 %}"}, "End": true
            }}},
            "End": true
        }}})),
        ["SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage at /States/M/ItemProcessor/States/P"]
    );
}

#[test]
fn refuses_a_return_to_jsonpath_in_a_jsonata_machine() {
    assert_eq!(
        errors_of(&json!({"QueryLanguage": "JSONata", "StartAt": "X", "States": {"X": {
            "Type": "Pass", "QueryLanguage": "JSONPath", "Output": {"v": "{% 1 %}"}, "End": true
        }}})),
        ["SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/X"]
    );
}

#[test]
fn treats_an_unknown_query_language_as_jsonata_and_reports_it() {
    assert_eq!(
        errors_of(&machine_with(json!({
            "Type": "Pass", "QueryLanguage": "jsonata", "InputPath": "$.a", "End": true
        }))),
        [
            "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage at /States/X",
            "SCHEMA_VALIDATION_FAILED: Value should be one of the following: [JSONPath, JSONata] at /States/X/QueryLanguage",
        ]
    );
    assert_eq!(
        errors_of(
            &json!({"QueryLanguage": 5, "StartAt": "X", "States": {"X": {"Type": "Succeed"}}})
        ),
        ["SCHEMA_VALIDATION_FAILED: Expected value of type [STRING] at /QueryLanguage"]
    );
}

#[test]
fn requires_closed_jsonata_expressions() {
    assert_eq!(
        errors_of(&json!({"QueryLanguage": "JSONata", "StartAt": "X", "States": {"X": {
            "Type": "Pass", "Output": {"a": "{% $states.input "}, "End": true
        }}})),
        ["SCHEMA_VALIDATION_FAILED: JSONata string must start with {% and end with %} at /States/X/Output/a"]
    );
}

// ----- Wait --------------------------------------------------------------------------------

#[test]
fn requires_one_wait_duration() {
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": true}))),
        ["SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp] at /States/X"]
    );
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Wait", "End": true}))),
        ["SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp] at /States/X"]
    );
    assert_eq!(
        errors_of(&machine_with(
            json!({"Type": "Wait", "Seconds": -1, "End": true})
        )),
        ["SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /States/X/Seconds"]
    );
}

#[test]
fn checks_wait_timestamps_as_recorded() {
    // Recorded: test_wait_timestamp_invalid[JSONATA] (an expression in a JSONPath machine).
    let recorded = json!({"Comment": "WAIT_TIMESTAMP", "StartAt": "WaitUntil", "States": {"WaitUntil": {
        "Type": "Wait", "Timestamp": "{% '2016-03-14T01:59:00Z' %}", "End": true
    }}});
    assert_eq!(
        invalid_definition_message(&validate_definition(&recorded.to_string(), MachineType::Standard)),
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp at /States/WaitUntil/Timestamp'"
    );
    assert_accepted(
        &json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {
            "Type": "Wait", "Timestamp": "{% '2016-03-14T01:59:00Z' %}", "End": true
        }}}),
    );
}

// ----- Retry and Catch ------------------------------------------------------------------------

#[test]
fn checks_retriers() {
    let task = |retry: Value| {
        machine_with(json!({
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Retry": retry
        }))
    };
    assert_eq!(
        errors_of(&task(json!([
            {"ErrorEquals": ["States.ALL", "States.Timeout"]},
            {"ErrorEquals": []},
            {"ErrorEquals": ["X"], "MaxAttempts": -1, "IntervalSeconds": 0, "BackoffRate": 0.5,
             "MaxDelaySeconds": 0, "JitterStrategy": "SOME", "Foo": 1},
            {"IntervalSeconds": 1}
        ]))),
        [
            "SCHEMA_VALIDATION_FAILED: States.ALL must appear alone and at end of list at /States/X/Retry[0]/ErrorEquals",
            "SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/X/Retry[1]/ErrorEquals",
            "SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /States/X/Retry[2]",
            "SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /States/X/Retry[2]/MaxAttempts",
            "SCHEMA_VALIDATION_FAILED: Minimum value is 1 at /States/X/Retry[2]/IntervalSeconds",
            "SCHEMA_VALIDATION_FAILED: Minimum value is 1.0 at /States/X/Retry[2]/BackoffRate",
            "SCHEMA_VALIDATION_FAILED: Minimum value is 1 at /States/X/Retry[2]/MaxDelaySeconds",
            "SCHEMA_VALIDATION_FAILED: Value should be one of the following: [NONE, FULL] at /States/X/Retry[2]/JitterStrategy",
            "SCHEMA_VALIDATION_FAILED: These fields are required: [ErrorEquals] at /States/X/Retry[3]",
        ]
    );
    assert_accepted(&task(json!([
        {"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 0, "BackoffRate": 1.5,
         "MaxDelaySeconds": 10, "JitterStrategy": "FULL", "Comment": "c"},
        {"ErrorEquals": ["States.ALL"]}
    ])));
}

#[test]
fn checks_catchers() {
    assert_eq!(
        errors_of(&machine_with(json!({
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
            "Catch": [
                {"ErrorEquals": ["States.ALL"], "Next": "Done"},
                {"ErrorEquals": ["X"], "_comment": "no"}
            ]
        }))),
        [
            "SCHEMA_VALIDATION_FAILED: States.ALL must appear alone and at end of list at /States/X/Catch[0]/ErrorEquals",
            "SCHEMA_VALIDATION_FAILED: Field '_comment' is not supported at /States/X/Catch[1]",
            "SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/X/Catch[1]",
        ]
    );
}

// ----- Choice --------------------------------------------------------------------------------

#[test]
fn checks_jsonpath_choice_rules() {
    let choice = |choices: Value| {
        machine_with(json!({"Type": "Choice", "Choices": choices, "Default": "Done"}))
    };
    assert_eq!(
        errors_of(&choice(json!([]))),
        ["SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/X/Choices"]
    );
    assert_eq!(
        errors_of(&choice(json!([
            {"Variable": "$.a", "NumericEquals": "1", "Next": "Done"},
            {"Variable": "$.a", "StringEquals": "x"},
            {"Not": {"Variable": "$.a", "IsNull": true, "Next": "Done"}, "Next": "Done"},
            {"Variable": "$.a", "Next": "Done"},
            {"Variable": "a", "IsPresent": true, "Next": "Done"}
        ]))),
        [
            "SCHEMA_VALIDATION_FAILED: Expected value of type [NUMBER] at /States/X/Choices[0]/NumericEquals",
            "SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/X/Choices[1]",
            "SCHEMA_VALIDATION_FAILED: Field 'Next' is not supported at /States/X/Choices[2]/Not",
            &format!(
                "SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [{}] at /States/X/Choices[3]",
                MACHINE_COMPARISON_OPERATORS
            ),
            "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path didn't start with '$' at /States/X/Choices[4]/Variable",
        ]
    );
}

/// The operators a JSONPath Choice rule may use, in the order AWS lists them in its messages.
const MACHINE_COMPARISON_OPERATORS: &str = "BooleanEquals, BooleanEqualsPath, IsBoolean, IsNull, IsNumeric, IsPresent, IsString, IsTimestamp, NumericEquals, NumericEqualsPath, NumericGreaterThan, NumericGreaterThanPath, NumericGreaterThanEquals, NumericGreaterThanEqualsPath, NumericLessThan, NumericLessThanPath, NumericLessThanEquals, NumericLessThanEqualsPath, StringEquals, StringEqualsPath, StringGreaterThan, StringGreaterThanPath, StringGreaterThanEquals, StringGreaterThanEqualsPath, StringLessThan, StringLessThanPath, StringLessThanEquals, StringLessThanEqualsPath, StringMatches, TimestampEquals, TimestampEqualsPath, TimestampGreaterThan, TimestampGreaterThanPath, TimestampGreaterThanEquals, TimestampGreaterThanEqualsPath, TimestampLessThan, TimestampLessThanPath, TimestampLessThanEquals, TimestampLessThanEqualsPath";

#[test]
fn checks_jsonata_choice_rules() {
    let jsonata_choice = |choices: Value| {
        json!({"QueryLanguage": "JSONata", "StartAt": "X", "States": {
            "X": {"Type": "Choice", "Choices": choices, "Default": "Done"},
            "Done": {"Type": "Succeed"}
        }})
    };
    assert_accepted(&jsonata_choice(json!([
        {"Condition": "{% $states.input.a > 1 %}", "Next": "Done", "Assign": {"x": 1}, "Output": {"y": 2}},
        {"Condition": true, "Next": "Done"}
    ])));
    assert_eq!(
        errors_of(&jsonata_choice(json!([
            {"Variable": "$.a", "IsPresent": true, "Next": "Done"},
            {"Condition": "$states.input.a", "Next": "Done"}
        ]))),
        [
            "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'Variable' is only supported for the 'JSONPath' QueryLanguage at /States/X/Choices[0]",
            "SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'IsPresent' is only supported for the 'JSONPath' QueryLanguage at /States/X/Choices[0]",
            "SCHEMA_VALIDATION_FAILED: These fields are required: [Condition] at /States/X/Choices[0]",
            "SCHEMA_VALIDATION_FAILED: JSONata string must start with {% and end with %} at /States/X/Choices[1]/Condition",
        ]
    );
}

// ----- Parallel and Map ----------------------------------------------------------------------

#[test]
fn checks_parallel_branches() {
    assert_eq!(
        errors_of(&machine_with(
            json!({"Type": "Parallel", "Branches": [], "End": true})
        )),
        ["SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/X/Branches"]
    );
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Parallel", "End": true, "Branches": [
            {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            {"StartAt": "Q"}
        ]}))),
        [
            "SCHEMA_VALIDATION_FAILED: Field 'QueryLanguage' is not supported at /States/X/Branches[0]",
            "SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /States/X/Branches[1]",
        ]
    );
}

#[test]
fn checks_map_processors() {
    let map = |extra: Value| {
        let mut state = json!({"Type": "Map", "End": true});
        if let (Some(state), Some(extra)) = (state.as_object_mut(), extra.as_object()) {
            state.extend(extra.clone());
        }
        machine_with(state)
    };
    let processor = |config: Value| json!({"ProcessorConfig": config, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    assert_eq!(
        errors_of(&map(json!({}))),
        ["SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [ItemProcessor, Iterator] at /States/X"]
    );
    assert_eq!(
        errors_of(&map(json!({"ItemProcessor": processor(json!({"Mode": "DISTRIBUTED"}))}))),
        ["SCHEMA_VALIDATION_FAILED: These fields are required: [ExecutionType] at /States/X/ItemProcessor/ProcessorConfig"]
    );
    assert_eq!(
        errors_of(&map(json!({"ItemProcessor": processor(json!({"Mode": "INLINE", "ExecutionType": "STANDARD"}))}))),
        ["SCHEMA_VALIDATION_FAILED: Field 'ExecutionType' is not supported at /States/X/ItemProcessor/ProcessorConfig"]
    );
    assert_eq!(
        errors_of(&map(json!({
            "ItemProcessor": processor(json!({"Mode": "INLINE"})),
            "MaxConcurrency": -1, "ToleratedFailurePercentage": 101,
        }))),
        [
            "SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /States/X/MaxConcurrency",
            "SCHEMA_VALIDATION_FAILED: Maximum value is 100.0 at /States/X/ToleratedFailurePercentage",
        ]
    );
    assert_eq!(
        errors_of(&map(json!({
            "ItemProcessor": processor(json!({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"})),
            "ItemReader": {"Resource": "arn:aws:states:::s3:unknownOperation", "ReaderConfig": {"InputType": "XML"}},
            "ResultWriter": {}
        }))),
        [
            "SCHEMA_VALIDATION_FAILED: The field 'Resource' does not match any of the allowed values at /States/X/ItemReader/Resource",
            "SCHEMA_VALIDATION_FAILED: Value should be one of the following: [CSV, JSON, JSONL, MANIFEST, PARQUET] at /States/X/ItemReader/ReaderConfig/InputType",
            "SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/X/ResultWriter",
        ]
    );
    assert_accepted(&map(json!({
        "ItemProcessor": processor(json!({"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"})),
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                       "Parameters": {"Bucket": "b", "Key": "k"}},
        "ItemBatcher": {"MaxItemsPerBatch": 10},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}},
        "ToleratedFailureCount": 3, "Label": "my-label"
    })));
}

#[test]
fn reports_bad_map_labels_as_the_recorded_parser_error() {
    let definition = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "Label": "label_#", "End": true}}}"#;
    let diagnostics = validate_definition(definition, MachineType::Standard);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, "INVALID_LABEL_NAME");
    assert_eq!(
        diagnostics[0].message,
        "Label contains invalid character: '#'"
    );
    assert_eq!(diagnostics[0].location.as_deref(), Some("/States/M/Label"));
    assert_eq!(
        invalid_definition_message(&diagnostics),
        format!("Error=ValueError Args=[\"Label contains invalid character: '#'\"] in definition '{definition}'.")
    );
}

// ----- Task resources ------------------------------------------------------------------------

#[test]
fn checks_task_resources_for_the_machine_type() {
    let definition = machine_with(json!({
        "Type": "Task", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken", "End": true
    }));
    assert_accepted(&definition);
    assert_eq!(
        invalid_definition_message(&validate_definition(&definition.to_string(), MachineType::Express)),
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration  at /States/X/Resource'"
    );
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Task", "End": true}))),
        ["SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] at /States/X"]
    );
}

// ----- variables and templates ------------------------------------------------------------

#[test]
fn checks_variable_names() {
    assert_eq!(
        errors_of(&machine_with(json!({
            "Type": "Pass", "End": true, "Assign": {"states": 1, "bad-name": 2, "good_name1": 3}
        }))),
        [
            "RESERVED_VARIABLE_NAME: Cannot assign to reserved variable '$states'. at /States/X/Assign/states",
            "INVALID_VARIABLE_NAME: Invalid variable name 'bad-name': the variable name contains invalid characters. at /States/X/Assign/bad-name",
        ]
    );
}

#[test]
fn requires_paths_or_intrinsics_in_dollar_fields() {
    assert_eq!(
        errors_of(&machine_with(json!({
            "Type": "Pass", "End": true,
            "Parameters": {"a.$": "not a path", "nested": {"b.$": 5}, "list": [{"c.$": "x"}]}
        }))),
        [
            "SCHEMA_VALIDATION_FAILED: The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call at /States/X/Parameters/a.$",
            "SCHEMA_VALIDATION_FAILED: The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call at /States/X/Parameters/nested/b.$",
            "SCHEMA_VALIDATION_FAILED: The value for the field 'c.$' must be a valid JSONPath or a valid intrinsic function call at /States/X/Parameters/list[0]/c.$",
        ]
    );
}

#[test]
fn warns_without_failing() {
    let diagnostics = validate_definition(
        &machine_with(json!({
            "Type": "Pass", "End": true, "Parameters": {"a": "$.x"}, "Result": {"b.$": "$.y"}
        }))
        .to_string(),
        MachineType::Standard,
    );
    assert!(!has_errors(&diagnostics));
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["NO_DOLLAR", "PASS_RESULT_IS_STATIC"]);
}

// ----- messages and single states -----------------------------------------------------------

#[test]
fn lists_several_errors_in_one_message() {
    let definition = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Foo": 1, "End": true},
        "B": {"Type": "Pass", "Bar": 2, "End": true}
    }});
    assert_eq!(
        invalid_definition_message(&validate_definition(&definition.to_string(), MachineType::Standard)),
        "Invalid State Machine Definition: ''SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /States/A', 'SCHEMA_VALIDATION_FAILED: Field 'Bar' is not supported at /States/B''"
    );
}

#[test]
fn validates_a_single_state_for_test_state() {
    // Recorded: TestStateMockValidation.test_parallel_state_empty_branches.
    let diagnostics = validate_state_definition(
        r#"{"Type": "Parallel", "Branches": [], "End": true}"#,
        MachineType::Standard,
    );
    assert_eq!(
        invalid_definition_message(&diagnostics),
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/StateName/Branches'"
    );
    // Its Next may name a state that the test does not include.
    assert!(!has_errors(&validate_state_definition(
        r#"{"Type": "Pass", "Next": "Elsewhere"}"#,
        MachineType::Standard
    )));
}

#[test]
fn checks_path_and_intrinsic_syntax() {
    assert_eq!(
        errors_of(&machine_with(json!({
            "Type": "Pass", "End": true,
            "InputPath": "$.a[", "OutputPath": "a.b", "ResultPath": "$$.Execution",
            "Parameters": {
                "ok1.$": "$.a", "ok2.$": "$$.Execution.Id", "ok3.$": "States.Format('{}', $.a)",
                "bad1.$": "States.Format('{}', $.a", "bad2.$": "States.NoSuchFunction()", "bad3.$": "$.a["
            }
        }))),
        [
            "SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a valid JSONPath at /States/X/InputPath",
            "SCHEMA_VALIDATION_FAILED: The value for the field 'OutputPath' must be a valid JSONPath at /States/X/OutputPath",
            "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path must start with '$' and not '$$' or a variable at /States/X/ResultPath",
            "SCHEMA_VALIDATION_FAILED: The value for the field 'bad1.$' must be a valid JSONPath or a valid intrinsic function call at /States/X/Parameters/bad1.$",
            "SCHEMA_VALIDATION_FAILED: The value for the field 'bad2.$' must be a valid JSONPath or a valid intrinsic function call at /States/X/Parameters/bad2.$",
            "SCHEMA_VALIDATION_FAILED: The value for the field 'bad3.$' must be a valid JSONPath or a valid intrinsic function call at /States/X/Parameters/bad3.$",
        ]
    );
    assert_eq!(
        errors_of(&machine_with(json!({"Type": "Pass", "End": true, "ResultPath": "$.items[*].x"}))),
        ["SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path must not contain wildcards, filters, slices, unions or deep scans at /States/X/ResultPath"]
    );
    assert_accepted(&machine_with(json!({
        "Type": "Pass", "End": true, "InputPath": "$.items[?(@.on == true)]", "ResultPath": "$.a.b[0]",
        "OutputPath": null, "Assign": {"x.$": "$.a", "y.$": "States.MathAdd($.n, 1)", "z": {"w.$": "$myVar.v"}}
    })));
    assert_accepted(&json!({"StartAt": "F", "States": {"F": {
        "Type": "Fail", "ErrorPath": "States.Format('E{}', $.code)", "CausePath": "$.cause"
    }}}));
}

#[test]
fn checks_jsonata_expression_syntax() {
    let output = |expression: &str| {
        json!({"QueryLanguage": "JSONata", "StartAt": "Main", "States": {"Main": {
            "Type": "Pass", "Output": format!("{{% {expression} %}}"), "End": true
        }}})
    };
    // AWS reports INVALID_JSONATA_EXPRESSION at the field, with jsonata's parser message (for
    // `a[1,2)`: `Expected "]", got ","`; jsonata-core words some of these differently).
    for expression in ["a[1,2)", "1 +", "\"unterminated", "", "$x :="] {
        let errors = errors_of(&output(expression));
        assert_eq!(errors.len(), 1, "{expression}: {errors:?}");
        assert!(
            errors[0].starts_with("INVALID_JSONATA_EXPRESSION: ")
                && errors[0].ends_with(" at /States/Main/Output"),
            "{expression}: {errors:?}"
        );
    }
    assert_eq!(
        errors_of(&output("1 +")),
        ["INVALID_JSONATA_EXPRESSION: Unexpected end of expression at /States/Main/Output"]
    );
    assert_accepted(&output("$states.input.items[price > 10].name"));
    assert_eq!(
        errors_of(
            &json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {
                "Type": "Wait", "Seconds": "{% $states.input.( %}", "End": true
            }}})
        )
        .len(),
        1
    );
}

#[test]
fn never_panics_on_mangled_definitions() {
    let definition = json!({"QueryLanguage": "JSONPath", "StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemsPath": "$.items", "Label": "l", "Next": "C",
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                "Parameters": {"a.$": "States.Format('{}', $.x)"}, "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": true}}}},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "TimestampEquals": "2016-03-14T01:59:00Z", "Next": "W"}], "Default": "F"},
        "W": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "Next": "J"},
        "J": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input %}", "End": true},
        "F": {"Type": "Fail", "Error": "E", "Cause": "c"}
    }})
    .to_string();
    let characters: Vec<char> = definition.chars().collect();
    for index in 0..characters.len() {
        let mut deleted = characters.clone();
        deleted.remove(index);
        let deleted: String = deleted.into_iter().collect();
        validate_definition(&deleted, MachineType::Standard);
        for replacement in ['"', '{', ']', '$', '1', '\u{9f}', '\\'] {
            let mut replaced = characters.clone();
            replaced[index] = replacement;
            let replaced: String = replaced.into_iter().collect();
            validate_definition(&replaced, MachineType::Express);
            validate_state_definition(&replaced, MachineType::Standard);
        }
    }
}
