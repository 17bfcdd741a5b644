"""TestState and ValidateStateMachineDefinition: the responses recorded on AWS (kinds test_state and
validate), including TestState's newer members (mock, context, variables, stateConfiguration)."""

from __future__ import annotations

import json

import pytest

from support import ROLE_ARN, aws_error, decode_json_strings, without_metadata


def retry_request(retrier_retry_count: int) -> dict:
    """A JSONata Task with a retrier, tested with a mocked error its retrier has retried so often."""
    return {
        "definition": json.dumps(
            {
                "Comment": "BASE_TASK_STATE_RETRY",
                "QueryLanguage": "JSONata",
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": "foo", "Payload": "bar"},
                "Retry": [{"ErrorEquals": ["MockException"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2.0}],
                "End": True,
            }
        ),
        "input": json.dumps({"Values": ["first", "second", "third"]}),
        "stateConfiguration": {"retrierRetryCount": retrier_retry_count},
        "inspectionLevel": "DEBUG",
        "mock": {"errorOutput": {"error": "MockException", "cause": "Mock the cause of the error."}},
        "roleArn": ROLE_ARN,
    }


# (request, AWS's response) pairs recorded on AWS; JSON text members are compared as JSON.
RECORDED = {
    "pass_io_debug": (
        {
            "definition": json.dumps(
                {
                    "Type": "Pass",
                    "InputPath": "$.initialData",
                    "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"},
                    "ResultPath": "$.modifiedData",
                    "End": True,
                }
            ),
            "input": json.dumps(
                {"initialData": {"fieldFromInput": "value from input", "otherField": "other"}, "unrelatedData": {"someOtherField": 1234}}
            ),
            "inspectionLevel": "DEBUG",
            "roleArn": ROLE_ARN,
        },
        {
            "inspectionData": {
                "afterInputPath": {"fieldFromInput": "value from input", "otherField": "other"},
                "afterParameters": {"staticValue": "some value", "inputValue": "value from input"},
                "afterResultPath": {
                    "initialData": {"fieldFromInput": "value from input", "otherField": "other"},
                    "unrelatedData": {"someOtherField": 1234},
                    "modifiedData": {"staticValue": "some value", "inputValue": "value from input"},
                },
                "afterResultSelector": {"staticValue": "some value", "inputValue": "value from input"},
                "input": {
                    "initialData": {"fieldFromInput": "value from input", "otherField": "other"},
                    "unrelatedData": {"someOtherField": 1234},
                },
            },
            "output": {
                "initialData": {"fieldFromInput": "value from input", "otherField": "other"},
                "unrelatedData": {"someOtherField": 1234},
                "modifiedData": {"staticValue": "some value", "inputValue": "value from input"},
            },
            "status": "SUCCEEDED",
        },
    ),
    "pass_result_debug": (
        {
            "definition": json.dumps({"Type": "Pass", "Result": {"resultKey": "result value"}, "End": True}),
            "input": json.dumps({"Value": "HelloWorld"}),
            "inspectionLevel": "DEBUG",
            "roleArn": ROLE_ARN,
        },
        {
            "inspectionData": {
                "afterResultPath": {"resultKey": "result value"},
                "afterResultSelector": {"resultKey": "result value"},
                "input": {"Value": "HelloWorld"},
                "result": {"resultKey": "result value"},
            },
            "output": {"resultKey": "result value"},
            "status": "SUCCEEDED",
        },
    ),
    "choice_debug": (
        {
            "definition": json.dumps(
                {
                    "Type": "Choice",
                    "Choices": [
                        {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
                        {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
                        {
                            "And": [
                                {"Variable": "$.value", "NumericGreaterThanEquals": 20},
                                {"Variable": "$.value", "NumericLessThan": 30},
                            ],
                            "Next": "ValueInTwenties",
                        },
                    ],
                    "Default": "DefaultState",
                }
            ),
            "input": json.dumps({"type": "Private", "value": 22}),
            "inspectionLevel": "DEBUG",
            "roleArn": ROLE_ARN,
        },
        {
            "inspectionData": {"afterInputPath": {"type": "Private", "value": 22}, "input": {"type": "Private", "value": 22}},
            "nextState": "ValueInTwenties",
            "output": {"type": "Private", "value": 22},
            "status": "SUCCEEDED",
        },
    ),
    "fail_debug": (
        {
            "definition": json.dumps(
                {"Type": "Fail", "Error": "SomeFailure", "Cause": "This state machines raises a 'SomeFailure' failure."}
            ),
            "input": json.dumps({"Value": "HelloWorld"}),
            "inspectionLevel": "DEBUG",
            "roleArn": ROLE_ARN,
        },
        {
            "cause": "This state machines raises a 'SomeFailure' failure.",
            "error": "SomeFailure",
            "inspectionData": {"afterInputPath": {"Value": "HelloWorld"}, "input": {"Value": "HelloWorld"}},
            "status": "FAILED",
        },
    ),
    "succeed_debug": (
        {
            "definition": json.dumps({"Type": "Succeed"}),
            "input": json.dumps({"Value": "HelloWorld"}),
            "inspectionLevel": "DEBUG",
            "roleArn": ROLE_ARN,
        },
        {
            "inspectionData": {"afterInputPath": {"Value": "HelloWorld"}, "input": {"Value": "HelloWorld"}},
            "output": {"Value": "HelloWorld"},
            "status": "SUCCEEDED",
        },
    ),
    "mocked_task_with_empty_context_trace": (
        {
            "definition": json.dumps(
                {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName.$": "$.FunctionName", "Payload": {"Input.$": "$"}},
                    "ResultSelector": {"LambdaOutput.$": "$", "ContextObjectValue.$": "$$"},
                    "End": True,
                }
            ),
            "input": json.dumps({"FunctionName": "lambda_function_name", "Payload": {"input-value": 0}}),
            "inspectionLevel": "TRACE",
            "context": "{}",
            "mock": {"result": json.dumps({"pokemon": "pikachu"})},
        },
        {
            "inspectionData": {
                "afterInputPath": {"FunctionName": "lambda_function_name", "Payload": {"input-value": 0}},
                "afterParameters": {
                    "Payload": {"Input": {"FunctionName": "lambda_function_name", "Payload": {"input-value": 0}}},
                    "FunctionName": "lambda_function_name",
                },
                "afterResultPath": {"ContextObjectValue": {}, "LambdaOutput": {"pokemon": "pikachu"}},
                "afterResultSelector": {"ContextObjectValue": {}, "LambdaOutput": {"pokemon": "pikachu"}},
                "input": {"FunctionName": "lambda_function_name", "Payload": {"input-value": 0}},
                "result": {"pokemon": "pikachu"},
            },
            "output": {"ContextObjectValue": {}, "LambdaOutput": {"pokemon": "pikachu"}},
            "status": "SUCCEEDED",
        },
    ),
    "retrier_retry_count_retriable": (
        retry_request(4),
        {
            "cause": "Mock the cause of the error.",
            "error": "MockException",
            "inspectionData": {
                "afterArguments": {"FunctionName": "foo", "Payload": "bar"},
                "errorDetails": {"retryBackoffIntervalSeconds": 16, "retryIndex": 0},
                "input": {"Values": ["first", "second", "third"]},
            },
            "status": "RETRIABLE",
        },
    ),
    "retrier_retry_count_exhausted": (
        retry_request(5),
        {
            "cause": "Mock the cause of the error.",
            "error": "MockException",
            "inspectionData": {
                "afterArguments": {"FunctionName": "foo", "Payload": "bar"},
                "errorDetails": {"retryIndex": 0},
                "input": {"Values": ["first", "second", "third"]},
            },
            "status": "FAILED",
        },
    ),
}


@pytest.mark.parametrize("case", sorted(RECORDED))
def test_test_state_recorded_response(sfn, case):
    request, expected = RECORDED[case]
    response = without_metadata(sfn.test_state(**request))
    assert decode_json_strings(response) == decode_json_strings(expected)


def test_test_state_info_level_has_no_inspection_data(sfn):
    response = without_metadata(
        sfn.test_state(definition=json.dumps({"Type": "Pass", "Next": "After"}), input='{"a": 1}', inspectionLevel="INFO")
    )
    assert decode_json_strings(response) == {"output": {"a": 1}, "nextState": "After", "status": "SUCCEEDED"}


def test_test_state_default_level_is_info(sfn):
    response = without_metadata(sfn.test_state(definition=json.dumps({"Type": "Pass", "Result": 7, "End": True}), input="{}"))
    assert decode_json_strings(response) == {"output": 7, "status": "SUCCEEDED"}


def test_test_state_with_variables_and_state_name(sfn):
    definition = json.dumps(
        {
            "StartAt": "Init",
            "States": {
                "Init": {"Type": "Pass", "Assign": {"var_input_value.$": "$.input_value", "var_constant_1": 1}, "Next": "State0"},
                "State0": {
                    "QueryLanguage": "JSONata",
                    "Type": "Pass",
                    "Output": {
                        "ja_states_input": "{% $states.input %}",
                        "ja_var_access": "{% $var_input_value %}",
                        "ja_expr": "{% $sum($states.input.input_values) + $var_constant_1 %}",
                    },
                    "End": True,
                },
            },
        }
    )
    response = sfn.test_state(
        definition=definition,
        stateName="State0",
        input=json.dumps({"input_values": [1, 2, 3]}),
        variables=json.dumps({"var_input_value": "test_value", "var_constant_1": 10}),
        inspectionLevel="TRACE",
    )
    assert response["status"] == "SUCCEEDED"
    assert json.loads(response["output"]) == {
        "ja_states_input": {"input_values": [1, 2, 3]},
        "ja_var_access": "test_value",
        "ja_expr": 16,
    }
    assert json.loads(response["inspectionData"]["variables"]) == {"var_input_value": "test_value", "var_constant_1": 10}
    assert json.loads(response["inspectionData"]["input"]) == {"input_values": [1, 2, 3]}


def test_test_state_state_not_found(sfn):
    definition = json.dumps({"StartAt": "State0", "States": {"State0": {"Type": "Pass", "End": True}}})
    with aws_error("ValidationException", "State not found in definition"):
        sfn.test_state(definition=definition, stateName="dne", input='{"Value": "HelloWorld"}', inspectionLevel="INFO")


def test_test_state_mock_on_pass_state(sfn):
    with aws_error("ValidationException", "State type 'Pass' is not supported when a mock is specified"):
        sfn.test_state(
            definition=json.dumps({"Type": "Pass", "InputPath": "$$", "End": True}),
            input="{}",
            inspectionLevel="TRACE",
            mock={"result": "{}"},
        )


def test_test_state_mock_with_result_and_error(sfn):
    definition = json.dumps(
        {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload"},
            "End": True,
        }
    )
    with aws_error("ValidationException", "A test mock should have only one of the following fields: [result, errorOutput]."):
        sfn.test_state(
            definition=definition,
            inspectionLevel="TRACE",
            mock={"result": '{"mock": "response"}', "errorOutput": {"error": "Error", "cause": "Cause"}},
        )


def test_test_state_invalid_context(sfn):
    definition = json.dumps(
        {
            "Type": "Task",
            "QueryLanguage": "JSONata",
            "Resource": "arn:aws:states:::states:startExecution",
            "Arguments": {"StateMachineArn": "{% $states.input.stateMachineArn %}"},
            "End": True,
        }
    )
    with aws_error("ValidationException", "Invalid Context object provided: Field 'Pokedex' is not allowed"):
        sfn.test_state(
            definition=definition,
            input='{"stateMachineArn": "arn"}',
            inspectionLevel="TRACE",
            context='{"Pokedex": {}}',
            mock={"result": '{"ExecutionArn": "exec_arn", "StartDate": "2026-11-22T03:58:46.115260"}'},
        )


def test_test_state_invalid_definition(sfn):
    with aws_error("InvalidDefinition"):
        sfn.test_state(definition=json.dumps({"Type": "NotAState"}), input="{}")


def test_test_state_invalid_input(sfn):
    with aws_error("InvalidExecutionInput"):
        sfn.test_state(definition=json.dumps({"Type": "Pass", "End": True}), input="{not json")


def test_test_state_invalid_inspection_level(sfn_unvalidated):
    with aws_error(
        "ValidationException",
        "1 validation error detected: Value 'VERBOSE' at 'inspectionLevel' failed to satisfy constraint: "
        "Member must satisfy enum value set: [INFO, DEBUG, TRACE]",
    ):
        sfn_unvalidated.test_state(definition=json.dumps({"Type": "Pass", "End": True}), inspectionLevel="VERBOSE")


# ValidateStateMachineDefinition


def test_validate_valid_definition(sfn):
    response = without_metadata(
        sfn.validate_state_machine_definition(
            definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}), type="STANDARD"
        )
    )
    assert response == {"result": "OK", "diagnostics": [], "truncated": False}


@pytest.mark.parametrize(
    "definition, diagnostics",
    [
        (
            "{}",
            [{"code": "SCHEMA_VALIDATION_FAILED", "location": "/", "message": "These fields are required: [States, StartAt]", "severity": "ERROR"}],
        ),
        (" ", [{"code": "SCHEMA_VALIDATION_FAILED", "message": "Definition must be a valid JSON object", "severity": "ERROR"}]),
        (
            "not a definition",
            [
                {
                    "code": "INVALID_JSON_DESCRIPTION",
                    "location": '[Source: (String)"not a definition"; line: 1, column: 4]',
                    "message": "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', "
                    "'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]",
                    "severity": "ERROR",
                }
            ],
        ),
    ],
)
def test_validate_recorded_diagnostics(sfn, definition, diagnostics):
    response = without_metadata(sfn.validate_state_machine_definition(definition=definition, type="STANDARD"))
    assert response == {"result": "FAIL", "diagnostics": diagnostics, "truncated": False}


def test_validate_express_rejects_activity(sfn):
    definition = json.dumps(
        {
            "StartAt": "ActivityTask",
            "States": {
                "ActivityTask": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": True}
            },
        }
    )
    response = sfn.validate_state_machine_definition(definition=definition, type="EXPRESS")
    assert response["result"] == "FAIL"
    assert [d["code"] for d in response["diagnostics"]] == ["SCHEMA_VALIDATION_FAILED"]
    assert response["diagnostics"][0]["location"] == "/States/ActivityTask/Resource"
    assert sfn.validate_state_machine_definition(definition=definition, type="STANDARD")["result"] == "OK"


def test_validate_max_results_truncates(sfn):
    # Three states that neither end nor go anywhere: more than one error.
    definition = json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Pass"}, "B": {"Type": "Pass"}, "C": {"Type": "Pass"}}}
    )
    full = sfn.validate_state_machine_definition(definition=definition)
    assert full["result"] == "FAIL" and len(full["diagnostics"]) > 1 and full["truncated"] is False
    one = sfn.validate_state_machine_definition(definition=definition, maxResults=1)
    assert one["diagnostics"] == full["diagnostics"][:1]
    assert one["truncated"] is True
    assert one["result"] == "FAIL"


def test_validate_max_results_over_100(sfn_unvalidated):
    with aws_error(
        "ValidationException",
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 100",
    ):
        sfn_unvalidated.validate_state_machine_definition(definition="{}", maxResults=101)
