"""StartExecution, DescribeExecution, StopExecution, ListExecutions, GetExecutionHistory,
DescribeStateMachineForExecution, StartSyncExecution and RedriveExecution (recorded cases
api_executions, the API reference)."""

from __future__ import annotations

import datetime
import json
import re
import time

import pytest
from botocore.exceptions import ClientError

from support import (
    ECHO_DEFINITION,
    FAIL_DEFINITION,
    PASS_DEFINITION,
    ROLE_ARN,
    WAIT_DEFINITION,
    ActivityWorker,
    activity_definition,
    arn,
    aws_error,
    create_state_machine,
    definition_with_comment,
    event_types,
    execution_started,
    history,
    history_event,
    poll,
    run_to_end,
    state_entered,
    state_exited,
    unique,
    wait_for_event,
    wait_for_deletion,
    wait_for_execution,
    with_output,
    without_timestamps,
)

PASS_OUTPUT = {"Arg1": "argument1"}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


PASS_HISTORY = [
    execution_started({}),
    state_entered(2, 0, "Pass", "State_1", {}),
    state_exited(3, 2, "Pass", "State_1", PASS_OUTPUT),
    with_output(4, 3, "ExecutionSucceeded", "executionSucceededEventDetails", PASS_OUTPUT),
]


@pytest.fixture(scope="module")
def pass_machine(sfn):
    return create_state_machine(sfn, PASS_DEFINITION)


@pytest.fixture(scope="module")
def wait_machine(sfn):
    return create_state_machine(sfn, WAIT_DEFINITION)


@pytest.fixture(scope="module")
def finished_execution(sfn, pass_machine):
    started = sfn.start_execution(stateMachineArn=pass_machine["stateMachineArn"], input="{}")
    wait_for_execution(sfn, started["executionArn"])
    return started["executionArn"]


# StartExecution / DescribeExecution


def test_start_and_describe_execution(sfn, pass_machine):
    name = unique("execution")
    started = sfn.start_execution(stateMachineArn=pass_machine["stateMachineArn"], name=name, input='{"x": 1}')
    assert started["executionArn"] == arn(f"execution:{pass_machine['name']}:{name}")
    assert isinstance(started["startDate"], datetime.datetime)
    described = wait_for_execution(sfn, started["executionArn"])
    assert described["executionArn"] == started["executionArn"]
    assert described["stateMachineArn"] == pass_machine["stateMachineArn"]
    assert described["name"] == name
    assert described["status"] == "SUCCEEDED"
    assert described["startDate"] == started["startDate"]
    assert described["stopDate"] >= described["startDate"]
    assert described["input"] == '{"x": 1}'
    assert described["inputDetails"] == {"included": True}
    assert json.loads(described["output"]) == PASS_OUTPUT
    assert described["outputDetails"] == {"included": True}
    assert described["redriveCount"] == 0
    assert described["redriveStatus"] == "NOT_REDRIVABLE"
    assert described["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"
    for absent in ("error", "cause", "stateMachineVersionArn", "stateMachineAliasArn", "mapRunArn", "redriveDate"):
        assert absent not in described


def test_execution_name_defaults_to_a_uuid(sfn, pass_machine):
    started = sfn.start_execution(stateMachineArn=pass_machine["stateMachineArn"])
    assert re.fullmatch(re.escape(arn(f"execution:{pass_machine['name']}:")) + UUID, started["executionArn"])
    described = wait_for_execution(sfn, started["executionArn"])
    assert described["name"] == started["executionArn"].rsplit(":", 1)[1]
    # No input is the empty object.
    assert described["input"] == "{}"


def test_execution_name_with_punctuation(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION, name=unique("state.machine"))
    name = unique("state.machine.execution")
    started = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name=name)
    assert started["executionArn"] == arn(f"execution:{machine['name']}:{name}")
    assert wait_for_execution(sfn, started["executionArn"])["status"] == "SUCCEEDED"


def test_trace_header_is_kept(sfn, pass_machine):
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    started = sfn.start_execution(stateMachineArn=pass_machine["stateMachineArn"], traceHeader=trace)
    assert wait_for_execution(sfn, started["executionArn"])["traceHeader"] == trace


def test_failed_execution(sfn):
    machine = create_state_machine(sfn, FAIL_DEFINITION)
    described = run_to_end(sfn, machine["stateMachineArn"])
    assert described["status"] == "FAILED"
    assert described["error"] == "SomeFailure"
    assert described["cause"] == "it broke"
    assert "output" not in described
    assert described["redriveStatus"] == "REDRIVABLE"
    assert described["redriveCount"] == 0


def test_start_is_idempotent_while_running(sfn, wait_machine):
    name = unique("idem")
    first = sfn.start_execution(stateMachineArn=wait_machine["stateMachineArn"], name=name, input='{"a": 1}')
    again = sfn.start_execution(stateMachineArn=wait_machine["stateMachineArn"], name=name, input='{"a": 1}')
    assert again["executionArn"] == first["executionArn"]
    assert again["startDate"] == first["startDate"]
    with aws_error("ExecutionAlreadyExists"):
        sfn.start_execution(stateMachineArn=wait_machine["stateMachineArn"], name=name, input='{"a": 2}')
    sfn.stop_execution(executionArn=first["executionArn"])
    wait_for_execution(sfn, first["executionArn"])
    # Closed: the name cannot be reused, whatever the input.
    with aws_error("ExecutionAlreadyExists"):
        sfn.start_execution(stateMachineArn=wait_machine["stateMachineArn"], name=name, input='{"a": 1}')


def test_name_of_finished_execution_cannot_be_reused(sfn, pass_machine):
    name = unique("reuse")
    run_to_end(sfn, pass_machine["stateMachineArn"], name=name)
    with aws_error("ExecutionAlreadyExists"):
        sfn.start_execution(stateMachineArn=pass_machine["stateMachineArn"], name=name)


@pytest.mark.parametrize("name", ["has space", "slash/x", "colon:x", "angle<x>", "pipe|x", "tab\tx"])
def test_start_with_invalid_name(sfn, pass_machine, name):
    with aws_error("InvalidName"):
        sfn.start_execution(stateMachineArn=pass_machine["stateMachineArn"], name=name)


@pytest.mark.parametrize("bad_input", ["not json", "{", '{"a": }', "{'single': 'quotes'}"])
def test_start_with_invalid_input(sfn, pass_machine, bad_input):
    with aws_error("InvalidExecutionInput"):
        sfn.start_execution(stateMachineArn=pass_machine["stateMachineArn"], input=bad_input)


@pytest.mark.parametrize("scalar", ["42", '"text"', "[1, 2]", "true"])
def test_start_with_any_json_value_as_input(sfn, scalar):
    machine = create_state_machine(sfn, ECHO_DEFINITION)
    described = run_to_end(sfn, machine["stateMachineArn"], input=scalar)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == json.loads(scalar)


def test_start_with_input_over_256_kib(sfn_unvalidated, pass_machine):
    too_big = json.dumps({"data": "x" * (256 * 1024)})
    with pytest.raises(ClientError) as info:
        sfn_unvalidated.start_execution(stateMachineArn=pass_machine["stateMachineArn"], input=too_big)
    # The model caps input at 262144 bytes; AWS rejects it before starting anything.
    assert info.value.response["Error"]["Code"] in ("InvalidExecutionInput", "ValidationException")


def test_start_on_deleted_state_machine(sfn):
    machine = create_state_machine(sfn)
    sfn.delete_state_machine(stateMachineArn=machine["stateMachineArn"])
    wait_for_deletion(sfn, machine["stateMachineArn"])
    with aws_error("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{machine['stateMachineArn']}'"):
        sfn.start_execution(stateMachineArn=machine["stateMachineArn"])


# StopExecution


def test_stop_execution(sfn, wait_machine):
    started = sfn.start_execution(stateMachineArn=wait_machine["stateMachineArn"])
    wait_for_event(sfn, started["executionArn"], "WaitStateEntered")
    stopped = sfn.stop_execution(executionArn=started["executionArn"])
    assert isinstance(stopped["stopDate"], datetime.datetime)
    described = wait_for_execution(sfn, started["executionArn"])
    assert described["status"] == "ABORTED"
    assert described["stopDate"] == stopped["stopDate"]
    assert described["redriveStatus"] == "REDRIVABLE"
    # Recorded: the abort is not linked to the Wait state and has empty details.
    assert without_timestamps(history(sfn, started["executionArn"])) == [
        execution_started({}),
        state_entered(2, 0, "Wait", "State_1", {}),
        history_event(3, 0, "ExecutionAborted", "executionAbortedEventDetails", {}),
    ]


def test_stop_execution_with_error_and_cause(sfn, wait_machine):
    started = sfn.start_execution(stateMachineArn=wait_machine["stateMachineArn"])
    sfn.stop_execution(executionArn=started["executionArn"], error="Operator.Stop", cause="stopped by the e2e suite")
    described = wait_for_execution(sfn, started["executionArn"])
    assert described["status"] == "ABORTED"
    assert described["error"] == "Operator.Stop"
    assert described["cause"] == "stopped by the e2e suite"
    aborted = history(sfn, started["executionArn"])[-1]
    assert aborted["type"] == "ExecutionAborted"
    assert aborted["executionAbortedEventDetails"] == {"error": "Operator.Stop", "cause": "stopped by the e2e suite"}


# ListExecutions


def test_list_executions_newest_first_with_pages(fresh_server):
    sfn = fresh_server().client()
    machine = create_state_machine(sfn, PASS_DEFINITION)
    arns = []
    for i in range(5):
        arns.append(sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name=f"run-{i}")["executionArn"])
        time.sleep(0.02)  # distinct start dates, so "newest first" is well defined
    for a in arns:
        wait_for_execution(sfn, a)

    listed = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])
    assert [e["executionArn"] for e in listed["executions"]] == list(reversed(arns))
    assert "nextToken" not in listed
    item = listed["executions"][0]
    assert item["name"] == "run-4"
    assert item["stateMachineArn"] == machine["stateMachineArn"]
    assert item["status"] == "SUCCEEDED"
    assert item["redriveCount"] == 0
    assert isinstance(item["startDate"], datetime.datetime) and isinstance(item["stopDate"], datetime.datetime)

    page1 = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], maxResults=2)
    page2 = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], maxResults=2, nextToken=page1["nextToken"])
    page3 = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], maxResults=2, nextToken=page2["nextToken"])
    assert "nextToken" not in page3
    assert [e["executionArn"] for p in (page1, page2, page3) for e in p["executions"]] == list(reversed(arns))

    pages = list(sfn.get_paginator("list_executions").paginate(stateMachineArn=machine["stateMachineArn"], PaginationConfig={"PageSize": 4}))
    assert [len(p["executions"]) for p in pages] == [4, 1]


def test_list_executions_status_filter(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION)
    assert sfn.list_executions(stateMachineArn=machine["stateMachineArn"], statusFilter="SUCCEEDED")["executions"] == []
    done = run_to_end(sfn, machine["stateMachineArn"])
    succeeded = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], statusFilter="SUCCEEDED")["executions"]
    assert [e["executionArn"] for e in succeeded] == [done["executionArn"]]
    assert sfn.list_executions(stateMachineArn=machine["stateMachineArn"], statusFilter="RUNNING")["executions"] == []


def test_list_executions_running_and_aborted(sfn):
    machine = create_state_machine(sfn, WAIT_DEFINITION)
    running = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    aborted = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    sfn.stop_execution(executionArn=aborted)
    wait_for_execution(sfn, aborted)
    listed = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], statusFilter="RUNNING")["executions"]
    assert [e["executionArn"] for e in listed] == [running]
    assert "stopDate" not in listed[0]
    listed = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], statusFilter="ABORTED")["executions"]
    assert [e["executionArn"] for e in listed] == [aborted]
    sfn.stop_execution(executionArn=running)


def test_list_executions_invalid_status_filter(sfn_unvalidated, pass_machine):
    with aws_error(
        "ValidationException",
        "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: "
        "Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]",
    ):
        sfn_unvalidated.list_executions(stateMachineArn=pass_machine["stateMachineArn"], statusFilter="succeeded")


def test_list_executions_invalid_token(sfn, pass_machine):
    with aws_error("InvalidToken", "Invalid Token: 'Invalid token'"):
        sfn.list_executions(stateMachineArn=pass_machine["stateMachineArn"], nextToken="InvalidToken")


def test_list_executions_needs_a_state_machine_or_a_map_run(sfn_unvalidated):
    with aws_error("ValidationException"):
        sfn_unvalidated.list_executions()


# GetExecutionHistory


def test_history_of_a_pass_execution(sfn, finished_execution):
    assert without_timestamps(sfn.get_execution_history(executionArn=finished_execution)["events"]) == PASS_HISTORY


def test_history_reverse_order(sfn, finished_execution):
    events = sfn.get_execution_history(executionArn=finished_execution, reverseOrder=True)["events"]
    assert without_timestamps(events) == list(reversed(PASS_HISTORY))


def test_history_without_execution_data(sfn, finished_execution):
    events = sfn.get_execution_history(executionArn=finished_execution, includeExecutionData=False)["events"]
    assert event_types(events) == [e["type"] for e in PASS_HISTORY]
    for event in events:
        for key, details in event.items():
            if key.endswith("EventDetails"):
                assert "input" not in details and "output" not in details, event
    assert events[0]["executionStartedEventDetails"]["roleArn"] == ROLE_ARN
    assert events[1]["stateEnteredEventDetails"]["name"] == "State_1"


def test_history_pages(sfn, finished_execution):
    first = sfn.get_execution_history(executionArn=finished_execution, maxResults=3)
    assert [e["id"] for e in first["events"]] == [1, 2, 3]
    rest = sfn.get_execution_history(executionArn=finished_execution, maxResults=3, nextToken=first["nextToken"])
    assert [e["id"] for e in rest["events"]] == [4]
    assert "nextToken" not in rest
    backwards = sfn.get_execution_history(executionArn=finished_execution, maxResults=2, reverseOrder=True)
    assert [e["id"] for e in backwards["events"]] == [4, 3]
    more = sfn.get_execution_history(
        executionArn=finished_execution, maxResults=2, reverseOrder=True, nextToken=backwards["nextToken"]
    )
    assert [e["id"] for e in more["events"]] == [2, 1]
    pages = list(
        sfn.get_paginator("get_execution_history").paginate(executionArn=finished_execution, PaginationConfig={"PageSize": 1})
    )
    assert [e["id"] for p in pages for e in p["events"]] == [1, 2, 3, 4]


def test_history_invalid_token(sfn, finished_execution):
    with aws_error("InvalidToken", "Invalid Token: 'Invalid token'"):
        sfn.get_execution_history(executionArn=finished_execution, nextToken="InvalidToken")


def test_history_max_results_over_1000(sfn_unvalidated, finished_execution):
    with aws_error(
        "ValidationException",
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000",
    ):
        sfn_unvalidated.get_execution_history(executionArn=finished_execution, maxResults=1001)


# DescribeStateMachineForExecution


def test_describe_state_machine_for_execution(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION)
    done = run_to_end(sfn, machine["stateMachineArn"])
    described = sfn.describe_state_machine_for_execution(executionArn=done["executionArn"])
    assert described["stateMachineArn"] == machine["stateMachineArn"]
    assert described["name"] == machine["name"]
    assert described["definition"] == PASS_DEFINITION
    assert described["roleArn"] == ROLE_ARN
    assert isinstance(described["updateDate"], datetime.datetime)
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
    assert described["tracingConfiguration"] == {"enabled": False}
    assert described["encryptionConfiguration"] == {"type": "AWS_OWNED_KEY"}
    assert "revisionId" not in described and "mapRunArn" not in described


def test_describe_state_machine_for_execution_keeps_the_definition_it_ran(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION)
    done = run_to_end(sfn, machine["stateMachineArn"])
    updated = sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=definition_with_comment("v2"))
    described = sfn.describe_state_machine_for_execution(executionArn=done["executionArn"])
    assert described["definition"] == PASS_DEFINITION
    later = run_to_end(sfn, machine["stateMachineArn"])
    described = sfn.describe_state_machine_for_execution(executionArn=later["executionArn"])
    assert described["definition"] == definition_with_comment("v2")
    assert described["revisionId"] == updated["revisionId"]


def test_describe_state_machine_for_execution_lists_variable_references(sfn):
    definition = json.dumps(
        {
            "StartAt": "State0",
            "States": {
                "State0": {"Type": "Pass", "Assign": {"theAnswer": 42}, "Next": "State1"},
                "State1": {"Type": "Pass", "InputPath": "$theAnswer", "End": True},
            },
        }
    )
    machine = create_state_machine(sfn, definition)
    done = run_to_end(sfn, machine["stateMachineArn"])
    assert json.loads(done["output"]) == 42
    described = sfn.describe_state_machine_for_execution(executionArn=done["executionArn"])
    assert described["variableReferences"] == {"State1": ["theAnswer"]}


# StartSyncExecution (EXPRESS)


def test_start_sync_execution(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION, type="EXPRESS")
    response = sfn.start_sync_execution(stateMachineArn=machine["stateMachineArn"], input="{}")
    assert re.fullmatch(
        re.escape(arn(f"express:{machine['name']}:")) + UUID + ":" + UUID, response["executionArn"]
    ), response["executionArn"]
    assert response["name"] == response["executionArn"].split(":")[-2]
    assert response["stateMachineArn"] == machine["stateMachineArn"]
    assert response["status"] == "SUCCEEDED"
    assert response["input"] == "{}"
    assert response["inputDetails"] == {"included": True}
    assert json.loads(response["output"]) == PASS_OUTPUT
    assert response["outputDetails"] == {"included": True}
    assert response["stopDate"] >= response["startDate"]
    # Recorded: a short execution bills the 100 ms minimum and 64 MB.
    assert response["billingDetails"] == {"billedDurationInMilliseconds": 100, "billedMemoryUsedInMB": 64}
    assert "error" not in response and "cause" not in response


def test_start_sync_execution_with_name(sfn):
    machine = create_state_machine(sfn, ECHO_DEFINITION, type="EXPRESS")
    name = unique("sync")
    response = sfn.start_sync_execution(stateMachineArn=machine["stateMachineArn"], name=name, input='{"k": [1, 2]}')
    assert re.fullmatch(re.escape(arn(f"express:{machine['name']}:{name}:")) + UUID, response["executionArn"])
    assert response["name"] == name
    assert json.loads(response["output"]) == {"k": [1, 2]}


def test_start_sync_execution_that_fails(sfn):
    machine = create_state_machine(sfn, FAIL_DEFINITION, type="EXPRESS")
    response = sfn.start_sync_execution(stateMachineArn=machine["stateMachineArn"])
    assert response["status"] == "FAILED"
    assert response["error"] == "SomeFailure"
    assert response["cause"] == "it broke"
    assert "output" not in response
    assert response["billingDetails"]["billedMemoryUsedInMB"] == 64


def test_start_sync_execution_on_standard_machine(sfn, pass_machine):
    with aws_error("StateMachineTypeNotSupported"):
        sfn.start_sync_execution(stateMachineArn=pass_machine["stateMachineArn"])


def test_start_sync_execution_invalid_input(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION, type="EXPRESS")
    with aws_error("InvalidExecutionInput"):
        sfn.start_sync_execution(stateMachineArn=machine["stateMachineArn"], input="{nope")


def test_start_execution_on_express_machine(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION, type="EXPRESS")
    name = unique("async")
    started = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name=name)
    assert re.fullmatch(re.escape(arn(f"express:{machine['name']}:{name}:")) + UUID, started["executionArn"])


# RedriveExecution


def test_redrive_failed_execution_continues_from_the_failed_state(sfn):
    activity_arn = sfn.create_activity(name=unique("redrive"))["activityArn"]
    machine = create_state_machine(sfn, activity_definition(activity_arn, before=True))

    def fail(client, task):
        client.send_task_failure(taskToken=task["taskToken"], error="Worker.Boom", cause="first attempt")

    worker = ActivityWorker(sfn, activity_arn, fail)
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input='{"n": 1}')["executionArn"]
    worker.result()
    failed = wait_for_execution(sfn, execution_arn)
    assert failed["status"] == "FAILED"
    assert failed["error"] == "Worker.Boom"
    assert failed["redriveStatus"] == "REDRIVABLE"

    def succeed(client, task):
        assert json.loads(task["input"]) == {"prepared": True}
        client.send_task_success(taskToken=task["taskToken"], output='{"done": true}')

    worker = ActivityWorker(sfn, activity_arn, succeed)
    worker.start()
    redriven = sfn.redrive_execution(executionArn=execution_arn)
    assert isinstance(redriven["redriveDate"], datetime.datetime)
    worker.result()
    finished = wait_for_execution(sfn, execution_arn)
    assert finished["status"] == "SUCCEEDED"
    assert json.loads(finished["output"]) == {"done": True}
    assert finished["redriveCount"] == 1
    assert finished["redriveDate"] == redriven["redriveDate"]
    assert finished["redriveStatus"] == "NOT_REDRIVABLE"
    assert finished["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"
    assert finished["startDate"] < finished["redriveDate"]

    events = history(sfn, execution_arn)
    types = event_types(events)
    # What succeeded before the redrive is not run again.
    assert types.count("PassStateEntered") == 1
    assert types.count("ActivityScheduled") == 2
    assert types.count("ExecutionFailed") == 1
    redrive_events = [e for e in events if e["type"] == "ExecutionRedriven"]
    assert len(redrive_events) == 1
    assert redrive_events[0]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert types.index("ExecutionFailed") < types.index("ExecutionRedriven") < len(types) - 1
    assert types[-1] == "ExecutionSucceeded"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))

    listed = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    assert listed[0]["redriveCount"] == 1
    assert listed[0]["redriveDate"] == redriven["redriveDate"]
    redriven_only = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], redriveFilter="REDRIVEN")
    assert [e["executionArn"] for e in redriven_only["executions"]] == [execution_arn]
    not_redriven = sfn.list_executions(stateMachineArn=machine["stateMachineArn"], redriveFilter="NOT_REDRIVEN")
    assert not_redriven["executions"] == []


def test_redrive_aborted_execution(fresh_server):
    # Wait 200 s at a scale of 0.01 lasts 2 s: long enough to stop it, short enough to finish.
    sfn = fresh_server(wait_time_scale=0.01).client()
    definition = json.dumps(
        {
            "StartAt": "First",
            "States": {
                "First": {"Type": "Pass", "Result": {"step": 1}, "Next": "Pause"},
                "Pause": {"Type": "Wait", "Seconds": 200, "Next": "Last"},
                "Last": {"Type": "Pass", "Result": {"step": 3}, "End": True},
            },
        }
    )
    machine = create_state_machine(sfn, definition)
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    wait_for_event(sfn, execution_arn, "WaitStateEntered")
    sfn.stop_execution(executionArn=execution_arn)
    assert wait_for_execution(sfn, execution_arn)["status"] == "ABORTED"
    sfn.redrive_execution(executionArn=execution_arn)
    assert sfn.describe_execution(executionArn=execution_arn)["status"] == "RUNNING"
    finished = wait_for_execution(sfn, execution_arn)
    assert finished["status"] == "SUCCEEDED"
    assert json.loads(finished["output"]) == {"step": 3}
    types = event_types(history(sfn, execution_arn))
    assert types.count("PassStateEntered") == 2  # First once, Last once
    assert "ExecutionRedriven" in types


def test_redrive_succeeded_execution_is_not_redrivable(sfn, finished_execution):
    with aws_error("ExecutionNotRedrivable"):
        sfn.redrive_execution(executionArn=finished_execution)


def test_redrive_running_execution_is_not_redrivable(sfn, wait_machine):
    execution_arn = sfn.start_execution(stateMachineArn=wait_machine["stateMachineArn"])["executionArn"]
    with aws_error("ExecutionNotRedrivable"):
        sfn.redrive_execution(executionArn=execution_arn)
    sfn.stop_execution(executionArn=execution_arn)


def test_redrive_is_idempotent_with_client_token(sfn):
    machine = create_state_machine(sfn, FAIL_DEFINITION)
    failed = run_to_end(sfn, machine["stateMachineArn"])
    token = unique("token")
    first = sfn.redrive_execution(executionArn=failed["executionArn"], clientToken=token)
    poll(lambda: sfn.describe_execution(executionArn=failed["executionArn"])["status"] == "FAILED", what="the redriven execution to fail again")
    again = sfn.redrive_execution(executionArn=failed["executionArn"], clientToken=token)
    assert again["redriveDate"] == first["redriveDate"]
    assert sfn.describe_execution(executionArn=failed["executionArn"])["redriveCount"] == 1
