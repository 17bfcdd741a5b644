"""Mocked service integrations in Step Functions Local's format (SFN_MOCK_CONFIG / --mock-config):
the example of AWS's Step Functions Local documentation (a Lambda + SQS workflow with happy path,
retry path and hybrid path test cases) gives the results the documentation states; every Task kind
is mocked the same way; a bad file, an unknown test case or a missing invocation gets a clear error;
the file is read again when it changes.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from support import BINARY, Server, create_state_machine, event_types, free_port, history, unique, wait_for_execution

fake_aws = pytest.importorskip("fake_aws", reason="moto is not installed (tests/e2e/requirements.txt)")

ACCOUNT = "123456789012"

DOC_DEFINITION = {
    "Comment": "This state machine is called: LambdaSQSIntegration",
    "StartAt": "LambdaState",
    "States": {
        "LambdaState": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"Payload.$": "$", "FunctionName": "HelloWorldFunction"},
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}],
            "Next": "SQSState",
        },
        "SQSState": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/myQueue", "MessageBody.$": "$"},
            "End": True,
        },
    },
}

LAMBDA_SUCCESS = {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}
SQS_SUCCESS = {"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51", "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}


def doc_config(extra_machines: dict | None = None) -> dict:
    """The mock configuration of the documentation's example, and test cases of these tests."""
    return {
        "StateMachines": {
            "LambdaSQSIntegration": {"TestCases": {
                "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
                "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
                "HybridPath": {"LambdaState": "MockedLambdaSuccess"},
            }},
            **(extra_machines or {}),
        },
        "MockedResponses": {
            "MockedLambdaSuccess": {"0": {"Return": LAMBDA_SUCCESS}},
            "LambdaMockedResourceNotReady": {"0": {"Throw": {
                "Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}}},
            "MockedSQSSuccess": {"0": {"Return": SQS_SUCCESS}},
            "MockedLambdaRetry": {
                "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
                "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
                "3": {"Return": LAMBDA_SUCCESS},
            },
            "Approved": {"0-9": {"Return": {"approved": True}}},
            "OnceOnly": {"0": {"Return": {"n": 0}}},
        },
    }


OTHER_MACHINES = {
    "KindsOfTasks": {"TestCases": {"AllMocked": {
        "Callback": "Approved", "Activity": "Approved", "Child": "Approved", "Http": "Approved", "Bare": "Approved"}}},
    "TwiceRun": {"TestCases": {"OneResponse": {"Once": "OnceOnly"}}},
    "Express": {"TestCases": {"Happy": {"LambdaState": "MockedLambdaSuccess"}}},
}


@pytest.fixture(scope="module")
def mocked(fake, tmp_path_factory):
    path = tmp_path_factory.mktemp("mocks") / "MockConfigFile.json"
    path.write_text(json.dumps(doc_config(OTHER_MACHINES)))
    s = Server(wait_time_scale=0.01, env={
        "SFN_MOCK_CONFIG": str(path), "AWS_ENDPOINT_URL": fake.url,
        "AWS_ACCESS_KEY_ID": "AKIDMOCKS", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "us-east-1"})
    s.mock_path = path
    yield s
    s.stop()


@pytest.fixture(scope="module")
def sfn(mocked):
    return mocked.client()


def machine(sfn, name: str, definition: dict, machine_type: str = "STANDARD") -> str:
    try:
        return create_state_machine(sfn, json.dumps(definition), name=name, type=machine_type)["stateMachineArn"]
    except sfn.exceptions.StateMachineAlreadyExists:
        return f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{name}"


def run_case(sfn, arn: str, case: str, input: dict | None = None) -> tuple[dict, list[dict]]:
    started = sfn.start_execution(stateMachineArn=f"{arn}#{case}", name=unique(case), input=json.dumps(input or {}))
    described = wait_for_execution(sfn, started["executionArn"], timeout=30)
    return described, history(sfn, started["executionArn"])


def succeeded_outputs(events: list[dict]) -> list:
    return [json.loads(e["taskSucceededEventDetails"]["output"]) for e in events if e["type"] == "TaskSucceeded"]


def test_happy_path_answers_each_task_with_its_mock(sfn):
    arn = machine(sfn, "LambdaSQSIntegration", DOC_DEFINITION)
    described, events = run_case(sfn, arn, "HappyPath")
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == SQS_SUCCESS
    assert event_types(events) == [
        "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert succeeded_outputs(events) == [LAMBDA_SUCCESS, SQS_SUCCESS]
    # The mocked Lambda result flows on as a real one would: the SQS task's input is the Lambda result.
    sqs_scheduled = [e for e in events if e["type"] == "TaskScheduled"][1]["taskScheduledEventDetails"]
    assert json.loads(sqs_scheduled["parameters"])["MessageBody"] == LAMBDA_SUCCESS
    assert (sqs_scheduled["resourceType"], sqs_scheduled["resource"]) == ("sqs", "sendMessage")


def test_retry_path_answers_each_attempt_with_its_numbered_response(sfn):
    arn = machine(sfn, "LambdaSQSIntegration", DOC_DEFINITION)
    described, events = run_case(sfn, arn, "RetryPath")
    assert described["status"] == "SUCCEEDED", described
    failures = [(e["taskFailedEventDetails"]["error"], e["taskFailedEventDetails"]["cause"])
                for e in events if e["type"] == "TaskFailed"]
    assert failures == [("Lambda.ResourceNotReadyException", "Lambda resource is not ready."),
                        ("Lambda.TimeoutException", "Lambda timed out."),
                        ("Lambda.TimeoutException", "Lambda timed out.")]
    assert succeeded_outputs(events) == [LAMBDA_SUCCESS, SQS_SUCCESS]


def test_hybrid_path_calls_the_service_a_test_case_does_not_mock(sfn, fake):
    queue = fake.client("sqs").create_queue(QueueName="myQueue")["QueueUrl"]
    arn = machine(sfn, "LambdaSQSIntegration", DOC_DEFINITION)
    described, events = run_case(sfn, arn, "HybridPath")
    assert described["status"] == "SUCCEEDED", described
    out = json.loads(described["output"])
    assert out["MessageId"] != SQS_SUCCESS["MessageId"] and "SdkHttpMetadata" in out, out
    got = fake.client("sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert json.loads(got[0]["Body"]) == LAMBDA_SUCCESS


def test_every_kind_of_task_is_mocked_and_makes_no_call(sfn):
    activity = sfn.create_activity(name=unique("mocked"))["activityArn"]
    tasks = {
        "Callback": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Activity": activity,
        "Child": "arn:aws:states:::states:startExecution.sync:2",
        "Http": "arn:aws:states:::http:invoke",
        "Bare": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:nowhere",
    }
    names = list(tasks)
    states = {name: {"Type": "Task", "Resource": res, "Parameters": {"Token.$": "$$.Task.Token"} if name == "Callback" else None,
                     "ResultPath": f"$.{name}", **({"Next": names[i + 1]} if i + 1 < len(names) else {"End": True})}
              for i, (name, res) in enumerate(tasks.items())}
    for s in states.values():
        if s["Parameters"] is None:
            del s["Parameters"]
    arn = machine(sfn, "KindsOfTasks", {"StartAt": names[0], "States": states})
    started = time.monotonic()
    described, events = run_case(sfn, arn, "AllMocked")
    assert described["status"] == "SUCCEEDED", described
    assert time.monotonic() - started < 10
    assert json.loads(described["output"]) == {name: {"approved": True} for name in names}
    types = event_types(events)
    assert "ActivityScheduled" in types and "ActivityStarted" in types and "ActivitySucceeded" in types
    assert "LambdaFunctionSucceeded" in types
    assert types.count("TaskSubmitted") == 2  # the callback and the .sync child


def test_a_missing_invocation_fails_the_execution_clearly(sfn):
    definition = {"StartAt": "Once", "States": {
        "Once": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "f"}, "ResultPath": "$.r", "Next": "Again"},
        "Again": {"Type": "Choice", "Choices": [{"Variable": "$.r.n", "NumericEquals": 0, "Next": "Once"}],
                  "Default": "Done"},
        "Done": {"Type": "Succeed"}}}
    arn = machine(sfn, "TwiceRun", definition)
    described, _ = run_case(sfn, arn, "OneResponse")
    assert described["status"] == "FAILED", described
    assert described["error"] == "States.Runtime"
    assert "no mocked response for invocation 1 of the state 'Once'" in described["cause"]


def test_start_sync_execution_runs_a_test_case(sfn):
    arn = machine(sfn, "Express", DOC_DEFINITION | {"States": {"LambdaState": DOC_DEFINITION["States"]["LambdaState"] | {"Next": "Done"},
                                                              "Done": {"Type": "Pass", "End": True}}}, "EXPRESS")
    done = sfn.start_sync_execution(stateMachineArn=f"{arn}#Happy", input="{}")
    assert (done["status"], json.loads(done["output"])) == ("SUCCEEDED", LAMBDA_SUCCESS), done


def test_unknown_test_cases_and_machines_are_clear_errors(sfn):
    arn = machine(sfn, "LambdaSQSIntegration", DOC_DEFINITION)
    with pytest.raises(sfn.exceptions.ClientError) as e:
        sfn.start_execution(stateMachineArn=f"{arn}#NoSuchCase")
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert "no test case 'NoSuchCase'" in e.value.response["Error"]["Message"]
    other = machine(sfn, unique("unmocked"), DOC_DEFINITION)
    with pytest.raises(sfn.exceptions.ClientError) as e:
        sfn.start_execution(stateMachineArn=f"{other}#HappyPath")
    assert "no test cases for the state machine" in e.value.response["Error"]["Message"]


def test_the_file_is_read_again_when_it_changes(mocked, sfn):
    arn = machine(sfn, "LambdaSQSIntegration", DOC_DEFINITION)
    config = doc_config(OTHER_MACHINES)
    config["StateMachines"]["LambdaSQSIntegration"]["TestCases"]["NotReady"] = {"LambdaState": "LambdaMockedResourceNotReady",
                                                                                 "SQSState": "MockedSQSSuccess"}
    config["MockedResponses"]["LambdaMockedResourceNotReady"] = {"0-3": config["MockedResponses"]["LambdaMockedResourceNotReady"]["0"]}
    mocked.mock_path.write_text(json.dumps(config))
    later = time.time() + 5
    os.utime(mocked.mock_path, (later, later))
    described, _ = run_case(sfn, arn, "NotReady")
    assert (described["status"], described["error"]) == ("FAILED", "Lambda.ResourceNotReadyException"), described
    mocked.mock_path.write_text("{ not json")
    os.utime(mocked.mock_path, (later + 5, later + 5))
    described, _ = run_case(sfn, arn, "HappyPath")
    assert described["status"] == "SUCCEEDED", "a file that does not read keeps the last configuration"


def test_a_malformed_file_stops_the_server_with_a_clear_message(tmp_path):
    bad = tmp_path / "mocks.json"
    bad.write_text(json.dumps({"MockedResponses": {"R": {"zero": {"Return": 1}}}}))
    done = subprocess.run([str(BINARY), "serve", "--listen", f"127.0.0.1:{free_port()}", "--store", "memory",
                           "--mock-config", str(bad)], capture_output=True, text=True, timeout=20)
    assert done.returncode != 0
    assert "'zero' is not an invocation number" in done.stderr, done.stderr


def test_a_mocked_execution_keeps_its_test_case_across_a_kill_9(tmp_path):
    path = tmp_path / "mocks.json"
    path.write_text(json.dumps({
        "StateMachines": {"Resumed": {"TestCases": {"Case": {"T": "Counted"}}}},
        "MockedResponses": {"Counted": {"0": {"Return": {"n": 0}}, "1": {"Return": {"n": 1}}}}}))
    port = free_port()
    args = ["--store", f"sqlite:{tmp_path / 'stepfn.db'}", "--mock-config", str(path)]
    s = Server(port=port, args=args, workdir=str(tmp_path))
    sfn = s.client()
    definition = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
              "ResultPath": "$.r", "Next": "W"},
        "W": {"Type": "Wait", "Seconds": 3, "Next": "Again"},
        "Again": {"Type": "Choice", "Choices": [{"Variable": "$.r.n", "NumericEquals": 0, "Next": "T"}],
                  "Default": "Done"},
        "Done": {"Type": "Pass", "OutputPath": "$.r", "End": True}}}
    arn = machine(sfn, "Resumed", definition)
    started = sfn.start_execution(stateMachineArn=f"{arn}#Case", input="{}")["executionArn"]
    time.sleep(1)
    s.kill()
    s2 = Server(port=port, args=args, workdir=str(tmp_path))
    try:
        sfn = s2.client()
        described = wait_for_execution(sfn, started, timeout=30)
        assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"n": 1}), described
        assert succeeded_outputs(history(sfn, started)) == [{"n": 0}, {"n": 1}]
    finally:
        s2.stop()
