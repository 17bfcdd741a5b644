//! TestState end to end over the engine, most expectations taken from responses AWS recorded
//! (the conformance cases of category `test_state` and the snapshots they come from).

use serde_json::{json, Value};

use super::*;

const ROLE: &str = "arn:aws:iam::111111111111:role/sfn-role";

fn surroundings() -> Surroundings {
    Surroundings {
        account_id: "111111111111".into(),
        region: "us-east-1".into(),
        now_ms: 1_700_000_000_000,
        caller: None,
    }
}

fn request(definition: Value, input: Value, level: InspectionLevel) -> TestStateRequest {
    TestStateRequest {
        definition: definition.to_string(),
        input: Some(input.to_string()),
        inspection_level: level,
        ..TestStateRequest::default()
    }
}

fn with_result(mut request: TestStateRequest, result: Value) -> TestStateRequest {
    request.mock = Some(Mock {
        result: Some(result.to_string()),
        ..Mock::default()
    });
    request
}

fn with_error(mut request: TestStateRequest, error: &str, cause: &str) -> TestStateRequest {
    request.mock = Some(Mock {
        error_output: Some(MockError {
            error: Some(error.into()),
            cause: Some(cause.into()),
        }),
        ..Mock::default()
    });
    request
}

/// The response as the API sends it, with the JSON text members parsed back into values.
fn respond_to(request: &TestStateRequest) -> Value {
    let result = test_state(request, &surroundings()).expect("TestState answered an error");
    parse_texts(result.to_json())
}

fn parse_texts(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(name, value)| {
                    let value = match value {
                        Value::String(text) => {
                            serde_json::from_str(&text).unwrap_or(Value::String(text))
                        }
                        other => parse_texts(other),
                    };
                    (name, value)
                })
                .collect(),
        ),
        other => other,
    }
}

fn refusal(request: &TestStateRequest) -> (&'static str, String) {
    match test_state(request, &surroundings()) {
        Ok(result) => panic!("expected an error, got {:?}", result.to_json()),
        Err(error) => (error.code.as_str(), error.message),
    }
}

#[test]
fn pass_state_shows_each_step_of_its_data_flow() {
    let definition = json!({"Type": "Pass", "InputPath": "$.initialData",
        "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"},
        "ResultPath": "$.modifiedData", "End": true});
    let input = json!({"initialData": {"fieldFromInput": "value from input", "otherField": "other"},
        "unrelatedData": {"someOtherField": 1234}});
    let output = json!({"initialData": {"fieldFromInput": "value from input", "otherField": "other"},
        "unrelatedData": {"someOtherField": 1234},
        "modifiedData": {"staticValue": "some value", "inputValue": "value from input"}});
    assert_eq!(
        respond_to(&request(definition, input.clone(), InspectionLevel::Debug)),
        json!({
            "output": output,
            "inspectionData": {
                "input": input,
                "afterInputPath": {"fieldFromInput": "value from input", "otherField": "other"},
                "afterParameters": {"staticValue": "some value", "inputValue": "value from input"},
                "afterResultSelector": {"staticValue": "some value", "inputValue": "value from input"},
                "afterResultPath": output,
            },
            "status": "SUCCEEDED",
        })
    );
}

#[test]
fn pass_state_with_a_result_shows_the_result_not_its_input_processing() {
    let definition = json!({"Type": "Pass", "InputPath": "$.initialData",
        "Parameters": {"inputValue.$": "$.fieldFromInput"},
        "Result": {"resultKey": "result value"}, "End": true});
    let input = json!({"initialData": {"fieldFromInput": "value from input"}});
    assert_eq!(
        respond_to(&request(definition, input.clone(), InspectionLevel::Trace)),
        json!({
            "output": {"resultKey": "result value"},
            "inspectionData": {
                "input": input,
                "result": {"resultKey": "result value"},
                "afterResultSelector": {"resultKey": "result value"},
                "afterResultPath": {"resultKey": "result value"},
            },
            "status": "SUCCEEDED",
        })
    );
}

#[test]
fn info_level_shows_no_inspection_data() {
    let definition = json!({"Type": "Pass", "End": true});
    assert_eq!(
        respond_to(&request(
            definition,
            json!({"Value": "HelloWorld"}),
            InspectionLevel::Info
        )),
        json!({"output": {"Value": "HelloWorld"}, "status": "SUCCEEDED"})
    );
}

#[test]
fn choice_and_fail_states() {
    let choice = json!({"Type": "Choice", "Choices": [
        {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
        {"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20},
                 {"Variable": "$.value", "NumericLessThan": 30}], "Next": "ValueInTwenties"}],
        "Default": "DefaultState"});
    let input = json!({"type": "Private", "value": 22});
    assert_eq!(
        respond_to(&request(choice, input.clone(), InspectionLevel::Debug)),
        json!({
            "output": input,
            "inspectionData": {"input": input, "afterInputPath": input},
            "nextState": "ValueInTwenties",
            "status": "SUCCEEDED",
        })
    );
    let fail = json!({"Type": "Fail", "Error": "SomeFailure",
        "Cause": "This state machines raises a 'SomeFailure' failure."});
    let input = json!({"Value": "HelloWorld"});
    assert_eq!(
        respond_to(&request(fail, input.clone(), InspectionLevel::Debug)),
        json!({
            "error": "SomeFailure",
            "cause": "This state machines raises a 'SomeFailure' failure.",
            "inspectionData": {"input": input, "afterInputPath": input},
            "status": "FAILED",
        })
    );
}

#[test]
fn wait_state_ends_without_waiting() {
    let definition = json!({"Type": "Wait", "Seconds": 3600, "InputPath": "$.a", "Next": "After"});
    assert_eq!(
        respond_to(&request(
            definition,
            json!({"a": {"b": 1}}),
            InspectionLevel::Debug
        )),
        json!({
            "output": {"b": 1},
            "inspectionData": {"input": {"a": {"b": 1}}, "afterInputPath": {"b": 1}},
            "nextState": "After",
            "status": "SUCCEEDED",
        })
    );
}

#[test]
fn task_runs_with_the_mocked_result_and_the_given_context() {
    let definition = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName.$": "$.FunctionName", "Payload": {"Input.$": "$"}},
        "ResultSelector": {"LambdaOutput.$": "$", "ContextObjectValue.$": "$$.Execution.Input.values"},
        "End": true});
    let input = json!({"FunctionName": "lambda_function_name", "Payload": {"input-value": 0}});
    let mut request = with_result(
        request(definition, input.clone(), InspectionLevel::Trace),
        json!({"pokemon": ["charizard", "pikachu"]}),
    );
    request.context = Some(
        json!({"Execution": {"Input": {"values": ["charizard", "pikachu", "bulbasaur"]}}})
            .to_string(),
    );
    let selected = json!({"LambdaOutput": {"pokemon": ["charizard", "pikachu"]},
        "ContextObjectValue": ["charizard", "pikachu", "bulbasaur"]});
    assert_eq!(
        respond_to(&request),
        json!({
            "output": selected,
            "inspectionData": {
                "input": input,
                "afterInputPath": input,
                "afterParameters": {"FunctionName": "lambda_function_name", "Payload": {"Input": input}},
                "result": {"pokemon": ["charizard", "pikachu"]},
                "afterResultSelector": selected,
                "afterResultPath": selected,
            },
            "status": "SUCCEEDED",
        })
    );
}

#[test]
fn a_retrier_with_attempts_left_makes_the_state_retriable() {
    let definition = json!({"QueryLanguage": "JSONata", "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "foo", "Payload": "bar"},
        "Retry": [{"ErrorEquals": ["MockException"], "IntervalSeconds": 1, "MaxAttempts": 5,
                   "BackoffRate": 2.0}],
        "End": true});
    let input = json!({"Values": ["first", "second", "third"]});
    let mut request = with_error(
        request(definition, input.clone(), InspectionLevel::Debug),
        "MockException",
        "Mock the cause of the error.",
    );
    request.role_arn = Some(ROLE.into());
    // (retries made so far, the error details, the status): the fifth retry is the last.
    let cases = [
        (
            4,
            json!({"retryIndex": 0, "retryBackoffIntervalSeconds": 16}),
            "RETRIABLE",
        ),
        (5, json!({"retryIndex": 0}), "FAILED"),
    ];
    for (retry_count, error_details, status) in cases {
        request.state_configuration.retrier_retry_count = Some(retry_count);
        assert_eq!(
            respond_to(&request),
            json!({
                "error": "MockException",
                "cause": "Mock the cause of the error.",
                "inspectionData": {
                    "input": input,
                    "afterArguments": {"FunctionName": "foo", "Payload": "bar"},
                    "errorDetails": error_details,
                },
                "status": status,
            }),
            "after {retry_count} retries"
        );
    }
}

#[test]
fn a_catcher_catches_the_mocked_error() {
    let definition = json!({"QueryLanguage": "JSONata", "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "foo", "Payload": "bar"},
        "Catch": [
            {"ErrorEquals": ["MockException"], "Next": "HandleMockError",
             "Output": {"caught": "{% $states.errorOutput %}"}},
            {"ErrorEquals": ["States.TaskFailed"], "Next": "HandleThreshold",
             "Assign": {"failure": "{% $states.errorOutput.Cause %}"}}],
        "End": true});
    let input = json!({"Value": "HelloWorld"});
    let request = with_error(
        request(definition.clone(), input.clone(), InspectionLevel::Debug),
        "MockException",
        "Mock the cause of the error.",
    );
    assert_eq!(
        respond_to(&request),
        json!({
            "output": {"caught": {"Error": "MockException", "Cause": "Mock the cause of the error."}},
            "error": "MockException",
            "cause": "Mock the cause of the error.",
            "inspectionData": {
                "input": input,
                "afterArguments": {"FunctionName": "foo", "Payload": "bar"},
                "errorDetails": {"catchIndex": 0},
            },
            "nextState": "HandleMockError",
            "status": "CAUGHT_ERROR",
        })
    );
    let request = with_error(
        TestStateRequest {
            inspection_level: InspectionLevel::Debug,
            ..request
        },
        "States.TaskFailed",
        "The task failed.",
    );
    let response = respond_to(&request);
    assert_eq!(response["status"], "CAUGHT_ERROR");
    assert_eq!(response["nextState"], "HandleThreshold");
    assert_eq!(
        response["inspectionData"]["errorDetails"],
        json!({"catchIndex": 1})
    );
    assert_eq!(
        response["inspectionData"]["variables"],
        json!({"failure": "The task failed."})
    );
}

fn base_map_state(extra: Value) -> Value {
    let mut state = json!({"Type": "Map", "QueryLanguage": "JSONata",
        "Items": "{% $states.input.Values %}",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "TestState", "States": {"TestState": {"Type": "Task",
            "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "foo", "Payload": "bar"}, "End": true}}},
        "Output": "{% $states.result %}", "End": true});
    if let (Value::Object(state), Value::Object(extra)) = (&mut state, extra) {
        state.extend(extra);
    }
    state
}

#[test]
fn map_iteration_failures_over_the_tolerated_threshold_fail_the_map() {
    let definition = base_map_state(json!({"ToleratedFailureCount": 1,
        "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Other"},
                  {"ErrorEquals": ["States.ALL"], "Next": "HandleThreshold"}]}));
    let input = json!({"Values": ["first", "second", "third"]});
    let mut request = with_result(
        request(definition, input.clone(), InspectionLevel::Debug),
        json!([1, 1, 1]),
    );
    request.state_configuration.map_iteration_failure_count = Some(0);
    assert_eq!(
        respond_to(&request),
        json!({
            "output": [1, 1, 1],
            "inspectionData": {"input": input, "maxConcurrency": 0, "toleratedFailureCount": 1},
            "status": "SUCCEEDED",
        })
    );
    request.state_configuration.map_iteration_failure_count = Some(2);
    let response = respond_to(&request);
    assert_eq!(response["status"], "CAUGHT_ERROR");
    assert_eq!(response["error"], "States.ExceedToleratedFailureThreshold");
    assert_eq!(
        response["cause"],
        "The specified tolerated failure threshold was exceeded"
    );
    assert_eq!(response["nextState"], "HandleThreshold");
    assert_eq!(
        response["inspectionData"]["errorDetails"],
        json!({"catchIndex": 1})
    );
}

#[test]
fn map_iteration_failures_without_a_threshold_do_not_fail_the_map() {
    let mut request = with_result(
        request(
            base_map_state(json!({})),
            json!({"Values": [1, 2, 3]}),
            InspectionLevel::Info,
        ),
        json!([0, 0, 1]),
    );
    request.state_configuration.map_iteration_failure_count = Some(2);
    assert_eq!(
        respond_to(&request),
        json!({"output": [0, 0, 1], "status": "SUCCEEDED"})
    );
}

#[test]
fn jsonpath_map_state_shows_its_items_and_limits() {
    let definition = json!({"StartAt": "State0", "States": {"State0": {"Type": "Map",
        "ItemsPath": "$.Values", "ToleratedFailureCount": 2,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "HandleItem", "States": {"HandleItem": {"Type": "Pass", "End": true}}},
        "End": true}}});
    let input = json!({"Values": ["first", "second", "third"]});
    let mut request = with_error(
        request(definition, input.clone(), InspectionLevel::Trace),
        "MockException",
        "Mock the error cause.",
    );
    request.state_name = Some("State0".into());
    let result = test_state(&request, &surroundings()).unwrap();
    assert_eq!(result.status, TestStatus::Failed);
    let data = result.inspection_data.unwrap();
    // A JSON text that is not an object keeps AWS's spacing.
    assert_eq!(data["afterItemsPath"], "[\"first\", \"second\", \"third\"]");
    assert_eq!(data["maxConcurrency"], 0);
    assert_eq!(data["toleratedFailureCount"], 2);
    assert_eq!(data["afterInputPath"], json_text(&input));
}

#[test]
fn map_item_selector_and_item_reader_data() {
    let definition = json!({"Type": "Map", "ItemReader": {"ReaderConfig": {"InputType": "JSON"},
            "Resource": "arn:aws:states:::s3:getObject",
            "Parameters": {"Bucket.$": "$.Bucket", "Key.$": "$.Key"}},
        "ItemSelector": {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true});
    let mut request = with_result(
        request(
            definition,
            json!({"Bucket": "b", "Key": "k"}),
            InspectionLevel::Debug,
        ),
        json!([1, 4]),
    );
    request.state_configuration.map_item_reader_data = Some("[1, 2]".into());
    let response = respond_to(&request);
    assert_eq!(response["status"], "SUCCEEDED");
    assert_eq!(
        response["inspectionData"]["afterItemSelector"],
        json!([{"value": 1, "index": 0}, {"value": 2, "index": 1}])
    );
    assert_eq!(response["output"], json!([1, 4]));
}

#[test]
fn parallel_state_runs_with_the_mocked_branch_results() {
    let definition = json!({"Type": "Parallel", "Branches": [
        {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}},
        {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": true}}}], "End": true});
    let request = with_result(
        request(definition, json!({"key": "value"}), InspectionLevel::Debug),
        json!([{"branch1": "result"}, {"branch2": "result"}]),
    );
    let result = test_state(&request, &surroundings()).unwrap();
    let texts = "[{\"branch1\": \"result\"}, {\"branch2\": \"result\"}]";
    assert_eq!(
        result.to_json(),
        json!({
            "output": texts,
            "inspectionData": {
                "input": "{\"key\": \"value\"}",
                "afterResultSelector": texts,
                "afterResultPath": texts,
            },
            "status": "SUCCEEDED",
        })
    );
}

#[test]
fn mocks_are_checked_as_aws_checks_them() {
    let lambda = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload"}, "End": true});
    let parallel = json!({"Type": "Parallel", "Branches": [
        {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}},
        {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": true}}}], "End": true});
    let input = json!({"FunctionName": "f", "Payload": null});
    let mut both = with_result(
        request(lambda.clone(), input.clone(), InspectionLevel::Info),
        json!({}),
    );
    if let Some(mock) = &mut both.mock {
        mock.error_output = Some(MockError::default());
    }
    let cases = [
        (
            both,
            "ValidationException",
            "A test mock should have only one of the following fields: [result, errorOutput].",
        ),
        (
            TestStateRequest {
                reveal_secrets: true,
                ..with_result(request(lambda.clone(), input.clone(), InspectionLevel::Info), json!({}))
            },
            "ValidationException",
            "TestState does not support RevealSecrets when a mock is specified.",
        ),
        (
            TestStateRequest {
                mock: Some(Mock {
                    result: Some("not JSON string".into()),
                    field_validation_mode: FieldValidationMode::None,
                    ..Mock::default()
                }),
                ..request(lambda.clone(), input.clone(), InspectionLevel::Info)
            },
            "ValidationException",
            "Mocked result must be valid JSON",
        ),
        (
            with_result(
                request(lambda.clone(), input.clone(), InspectionLevel::Info),
                json!({"StatusCode": "200"}),
            ),
            "ValidationException",
            "Mock result schema validation error: Field 'StatusCode' must be a number",
        ),
        (
            with_result(
                request(json!({"Type": "Pass", "End": true}), json!({}), InspectionLevel::Info),
                json!({}),
            ),
            "ValidationException",
            "State type 'Pass' is not supported when a mock is specified",
        ),
        (
            request(parallel.clone(), json!({}), InspectionLevel::Info),
            "InvalidDefinition",
            "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]",
        ),
        (
            with_result(
                request(parallel.clone(), json!({}), InspectionLevel::Info),
                json!([1]),
            ),
            "ValidationException",
            "Mocked result must contain the same number of items as number of Parallel branches.",
        ),
        (
            with_result(
                request(parallel, json!({}), InspectionLevel::Info),
                json!({"mock": "object"}),
            ),
            "ValidationException",
            "Mocked result must be an array.",
        ),
        (
            with_result(
                request(json!({"Type": "Parallel", "Branches": [], "End": true}), json!({}), InspectionLevel::Info),
                json!([]),
            ),
            "InvalidDefinition",
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/StateName/Branches'",
        ),
        (
            request(lambda.clone(), input.clone(), InspectionLevel::Info),
            "ValidationException",
            "RoleArn must be specified when testing a Task state",
        ),
    ];
    for (request, code, message) in cases {
        assert_eq!(
            refusal(&request),
            (code, message.to_string()),
            "{request:?}"
        );
    }
}

#[test]
fn given_context_objects_are_checked() {
    let definition = json!({"Type": "Task", "QueryLanguage": "JSONata",
        "Resource": "arn:aws:states:::states:startExecution",
        "Arguments": {"StateMachineArn": "{% $states.input.stateMachineArn %}"}, "End": true});
    let cases = [
        (json!({"Execution": {"pokemon": "squirtle"}}), "Field 'pokemon' is not allowed"),
        (json!({"Execution": {"Id": 1}}), "Execution.Id must be a string"),
        (json!({"Pokedex": {}}), "Field 'Pokedex' is not allowed"),
        (json!({"Map": {}}), "'Map' field is not supported when mocking a Context object"),
        (
            json!({"Task": {"Token": "abcd123"}}),
            "Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern",
        ),
    ];
    for (context, problem) in cases {
        let mut request = with_result(
            request(
                definition.clone(),
                json!({"stateMachineArn": "arn"}),
                InspectionLevel::Trace,
            ),
            json!({"ExecutionArn": "exec_arn", "StartDate": "2026-11-22T03:58:46.113425"}),
        );
        request.context = Some(context.to_string());
        assert_eq!(
            refusal(&request),
            (
                "ValidationException",
                format!("Invalid Context object provided: {problem}")
            )
        );
    }
}

#[test]
fn a_callback_task_reads_its_token_from_the_given_context() {
    let definition = json!({"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/111111111111/q",
            "MessageBody": {"TaskToken.$": "$$.Task.Token"}},
        "ResultPath": "$.SQS", "Next": "NEXT_STATE"});
    let mut request = with_result(
        TestStateRequest {
            definition: definition.to_string(),
            inspection_level: InspectionLevel::Trace,
            ..TestStateRequest::default()
        },
        json!({"pokemon": "pikachu"}),
    );
    request.context = Some(json!({"Task": {"Token": "abcd123"}}).to_string());
    let response = respond_to(&request);
    assert_eq!(response["output"], json!({"SQS": {"pokemon": "pikachu"}}));
    assert_eq!(response["nextState"], "NEXT_STATE");
    assert_eq!(
        response["inspectionData"]["afterParameters"]["MessageBody"]["TaskToken"],
        "abcd123"
    );
    assert_eq!(response["inspectionData"]["input"], json!({}));
}

#[test]
fn the_default_context_is_an_express_execution_of_a_throwaway_machine() {
    let definition = json!({"QueryLanguage": "JSONata", "Type": "Pass",
        "Output": "{% $states.context %}", "End": true});
    let context =
        respond_to(&request(definition, json!({"a": 1}), InspectionLevel::Info))["output"].clone();
    let execution = &context["Execution"];
    let machine = context["StateMachine"]["Name"].as_str().unwrap();
    let name = execution["Name"].as_str().unwrap();
    assert_eq!(
        execution["Id"],
        format!("arn:aws:states:us-east-1:111111111111:express:{machine}:{name}")
    );
    assert_eq!(
        context["StateMachine"]["Id"],
        format!("arn:aws:states:us-east-1:111111111111:stateMachine:{machine}")
    );
    assert_eq!(execution["Input"], json!({"a": 1}));
    assert_eq!(execution["RoleArn"], Value::Null);
    assert_eq!(execution["StartTime"], "2023-11-14T22:13:20.000Z");
    // A Pass state has no RetryCount; the state is named as TestState names it.
    assert_eq!(
        context["State"],
        json!({"Name": "StateName", "EnteredTime": "2023-11-14T22:13:20.000Z"})
    );
}

#[test]
fn states_are_found_by_name_in_a_whole_definition() {
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "State0", "States": {
        "State0": {"Type": "Pass", "Next": "State1"},
        "State1": {"Type": "Map", "Items": "{% $states.input %}",
            "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass",
                "Output": "{% $states.context.Map.Item %}", "End": true}}},
            "End": true}}});
    let mut request = request(
        definition,
        json!({"Value": "HelloWorld"}),
        InspectionLevel::Debug,
    );
    request.state_name = Some("State0".into());
    assert_eq!(
        respond_to(&request),
        json!({
            "output": {"Value": "HelloWorld"},
            "inspectionData": {"input": {"Value": "HelloWorld"}},
            "nextState": "State1",
            "status": "SUCCEEDED",
        })
    );
    // Inside a Map's item processor, the default context holds the input as item 0.
    request.state_name = Some("Inner".into());
    request.inspection_level = InspectionLevel::Info;
    assert_eq!(
        respond_to(&request)["output"],
        json!({"Index": 0, "Value": {"Value": "HelloWorld"}})
    );
    request.state_name = Some("dne".into());
    assert_eq!(
        refusal(&request),
        (
            "ValidationException",
            "State not found in definition".to_string()
        )
    );
}

#[test]
fn given_variables_are_visible_and_shown_with_the_assigned_ones() {
    let definition = json!({"StartAt": "State0", "States": {"State0": {
        "QueryLanguage": "JSONata", "Type": "Pass",
        "Assign": {"doubled": "{% $var_constant_1 * 2 %}"},
        "Output": {"ja_var_access": "{% $var_input_value %}",
                   "ja_expr": "{% $sum($states.input.input_values) + $var_constant_1 %}"},
        "End": true}}});
    let mut request = request(
        definition,
        json!({"input_values": [1, 2, 3]}),
        InspectionLevel::Trace,
    );
    request.state_name = Some("State0".into());
    request.variables =
        Some(json!({"var_input_value": "test_value", "var_constant_1": 10}).to_string());
    assert_eq!(
        respond_to(&request),
        json!({
            "output": {"ja_var_access": "test_value", "ja_expr": 16},
            "inspectionData": {
                "input": {"input_values": [1, 2, 3]},
                "variables": {"var_input_value": "test_value", "var_constant_1": 10, "doubled": 20},
            },
            "status": "SUCCEEDED",
        })
    );
}

#[test]
fn language_errors_fail_the_state_without_the_execution_prefix() {
    let definition = json!({"Type": "Pass", "InputPath": "$.missing", "End": true});
    let response = respond_to(&request(definition, json!({"a": 1}), InspectionLevel::Info));
    assert_eq!(response["status"], "FAILED");
    assert_eq!(response["error"], "States.Runtime");
    let cause = response["cause"].as_str().unwrap();
    assert!(
        !cause.starts_with("An error occurred while executing the state"),
        "{cause}"
    );
    assert!(cause.contains("$.missing"), "{cause}");
}

#[test]
fn bad_inputs_are_refused() {
    let definition = json!({"Type": "Pass", "End": true});
    let mut bad_input = request(definition.clone(), json!({}), InspectionLevel::Info);
    bad_input.input = Some("{".into());
    assert_eq!(refusal(&bad_input).0, "InvalidExecutionInput");
    let mut bad_variables = request(definition.clone(), json!({}), InspectionLevel::Info);
    bad_variables.variables = Some("[1]".into());
    assert_eq!(refusal(&bad_variables).0, "ValidationException");
    let bad_definition = TestStateRequest {
        definition: "{".into(),
        ..TestStateRequest::default()
    };
    assert_eq!(refusal(&bad_definition).0, "InvalidDefinition");
}

#[test]
fn json_text_spaces_items_and_keys() {
    assert_eq!(
        json_text(&json!({"a": [1, "x", {"b": null}], "c": 1.5})),
        "{\"a\": [1, \"x\", {\"b\": null}], \"c\": 1.5}"
    );
    assert_eq!(json_text(&json!("HelloWorld!")), "\"HelloWorld!\"");
    assert_eq!(json_text(&json!([])), "[]");
}

#[test]
fn map_items_read_from_the_given_context() {
    // As recorded on AWS for a Map state whose ItemsPath reads the context object.
    let map = |items_path: &str| {
        json!({"Type": "Map", "ItemsPath": items_path, "MaxConcurrency": 1,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "End": true})
    };
    let context =
        json!({"Execution": {"Input": {"values": ["charizard", "pikachu", "bulbasaur"]}}});
    let input = json!(["fire", "electricity", "grass"]);
    let run = |items_path: &str| {
        let mut request = with_result(
            request(map(items_path), input.clone(), InspectionLevel::Trace),
            json!(["CHARIZARD", "PIKACHU", "BULBASAUR"]),
        );
        request.context = Some(context.to_string());
        test_state(&request, &surroundings()).unwrap().to_json()
    };
    assert_eq!(
        run("$$.Execution.Input.values"),
        json!({
            "output": "[\"CHARIZARD\", \"PIKACHU\", \"BULBASAUR\"]",
            "inspectionData": {
                "input": "[\"fire\", \"electricity\", \"grass\"]",
                "afterInputPath": "[\"fire\", \"electricity\", \"grass\"]",
                "afterItemsPath": "[\"charizard\", \"pikachu\", \"bulbasaur\"]",
                "afterResultSelector": "[\"CHARIZARD\", \"PIKACHU\", \"BULBASAUR\"]",
                "afterResultPath": "[\"CHARIZARD\", \"PIKACHU\", \"BULBASAUR\"]",
                "maxConcurrency": 1,
            },
            "status": "SUCCEEDED",
        })
    );
    for (items_path, shown) in [("$$.Execution.Input", "$.Execution.Input"), ("$$", "$")] {
        assert_eq!(
            run(items_path),
            json!({
                "error": "States.Runtime",
                "cause": format!("Reference path \"{shown}\" must point to array."),
                "inspectionData": {
                    "input": "[\"fire\", \"electricity\", \"grass\"]",
                    "afterInputPath": "[\"fire\", \"electricity\", \"grass\"]",
                },
                "status": "FAILED",
            })
        );
    }
}
