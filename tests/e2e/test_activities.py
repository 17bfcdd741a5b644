"""CreateActivity, DescribeActivity, DeleteActivity, ListActivities, GetActivityTask,
SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat: activities driven by worker threads
(recorded cases api_activities and activity, the API reference)."""

from __future__ import annotations

import datetime
import json
import threading
import time

import pytest

from support import (
    NOT_TRUNCATED,
    ActivityWorker,
    activity_definition,
    arn,
    aws_error,
    create_state_machine,
    execution_started,
    history,
    history_event,
    poll,
    state_entered,
    state_exited,
    unique,
    wait_for_event,
    wait_for_execution,
    with_output,
    without_timestamps,
)

TASK_INPUT = '{"Value1": "HelloWorld"}'


@pytest.fixture
def activity(sfn):
    name = unique("activity")
    created = sfn.create_activity(name=name)
    created["name"] = name
    return created


# The activity resource


def test_create_and_describe_activity(sfn):
    name = unique("activity")
    created = sfn.create_activity(name=name)
    assert created["activityArn"] == arn(f"activity:{name}")
    assert isinstance(created["creationDate"], datetime.datetime)
    described = sfn.describe_activity(activityArn=created["activityArn"])
    assert described["activityArn"] == created["activityArn"]
    assert described["name"] == name
    assert described["creationDate"] == created["creationDate"]
    assert described["encryptionConfiguration"] == {"type": "AWS_OWNED_KEY"}


@pytest.mark.parametrize(
    "prefix", ["Activity1", "activity-name_123", "activity.name", "activity.name.v2", "activityName.with.dots", "a" * 67]
)
def test_create_activity_is_idempotent(sfn, prefix):
    # Recorded: creating the same activity twice answers the same ARN and creation date.
    name = f"{prefix}-{unique('x')[-12:]}"
    first = sfn.create_activity(name=name)
    second = sfn.create_activity(name=name)
    assert second["activityArn"] == first["activityArn"] == arn(f"activity:{name}")
    assert second["creationDate"] == first["creationDate"]


@pytest.mark.parametrize("name", ["has space", "slash/x", "star*", "quote\"x", "percent%x", "back`tick"])
def test_create_activity_invalid_name(sfn, name):
    with aws_error("InvalidName"):
        sfn.create_activity(name=name)


def test_delete_activity_twice(sfn, activity):
    assert sfn.delete_activity(activityArn=activity["activityArn"])["ResponseMetadata"]["HTTPStatusCode"] == 200
    # Recorded: deleting again is not an error.
    assert sfn.delete_activity(activityArn=activity["activityArn"])["ResponseMetadata"]["HTTPStatusCode"] == 200
    with aws_error("ActivityDoesNotExist", f"Activity Does Not Exist: '{activity['activityArn']}'"):
        sfn.describe_activity(activityArn=activity["activityArn"])


def test_get_activity_task_on_deleted_activity(sfn, activity):
    sfn.delete_activity(activityArn=activity["activityArn"])
    with aws_error("ActivityDoesNotExist", f"Activity Does Not Exist: '{activity['activityArn']}'"):
        sfn.get_activity_task(activityArn=activity["activityArn"])


def test_list_activities_pages(fresh_server):
    sfn = fresh_server().client()
    assert sfn.list_activities()["activities"] == []
    created = {}
    for i in range(5):
        c = sfn.create_activity(name=f"act-{i}")
        created[c["activityArn"]] = (f"act-{i}", c["creationDate"])
    listed = sfn.list_activities()
    assert "nextToken" not in listed
    assert {a["activityArn"] for a in listed["activities"]} == set(created)
    for item in listed["activities"]:
        assert (item["name"], item["creationDate"]) == created[item["activityArn"]]
        assert set(item) == {"activityArn", "name", "creationDate"}
    first = sfn.list_activities(maxResults=3)
    rest = sfn.list_activities(maxResults=3, nextToken=first["nextToken"])
    assert len(first["activities"]) == 3 and len(rest["activities"]) == 2 and "nextToken" not in rest
    assert sorted(a["activityArn"] for a in first["activities"] + rest["activities"]) == sorted(created)
    pages = list(sfn.get_paginator("list_activities").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["activities"]) for p in pages] == [2, 2, 1]
    sfn.delete_activity(activityArn=next(iter(created)))
    assert len(sfn.list_activities()["activities"]) == 4


def test_list_activities_invalid_token(sfn):
    with aws_error("InvalidToken", "Invalid Token: 'Invalid token'"):
        sfn.list_activities(nextToken="InvalidToken")


# Task states on activities, with a worker


def test_activity_task_succeeds(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))

    def echo(client, task):
        client.send_task_success(taskToken=task["taskToken"], output=task["input"])

    worker = ActivityWorker(sfn, activity["activityArn"], echo, worker_name="BASE_ID_ACTIVITY_CONSUMER")
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=TASK_INPUT)["executionArn"]
    task = worker.result()
    # No recording shows whether AWS hands the input text on verbatim or re-serialised.
    assert json.loads(task["input"]) == json.loads(TASK_INPUT)
    assert task["taskToken"]
    described = wait_for_execution(sfn, execution_arn)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"Value1": "HelloWorld"}
    value = {"Value1": "HelloWorld"}
    scheduled = {"resource": activity["activityArn"], "input": value, "inputDetails": NOT_TRUNCATED}
    assert without_timestamps(history(sfn, execution_arn)) == [
        execution_started(value),
        state_entered(2, 0, "Task", "ActivityTask", value),
        history_event(3, 2, "ActivityScheduled", "activityScheduledEventDetails", scheduled),
        history_event(4, 3, "ActivityStarted", "activityStartedEventDetails", {"workerName": "BASE_ID_ACTIVITY_CONSUMER"}),
        with_output(5, 4, "ActivitySucceeded", "activitySucceededEventDetails", value),
        state_exited(6, 5, "Task", "ActivityTask", value),
        with_output(7, 6, "ExecutionSucceeded", "executionSucceededEventDetails", value),
    ]


def test_activity_task_without_worker_name(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))
    worker = ActivityWorker(
        sfn, activity["activityArn"], lambda c, t: c.send_task_success(taskToken=t["taskToken"], output="{}"), worker_name=None
    )
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=TASK_INPUT)["executionArn"]
    worker.result()
    assert wait_for_execution(sfn, execution_arn)["status"] == "SUCCEEDED"
    started = [e for e in history(sfn, execution_arn) if e["type"] == "ActivityStarted"]
    assert len(started) == 1 and started[0]["activityStartedEventDetails"] == {}


def test_activity_task_failure(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))
    worker = ActivityWorker(
        sfn,
        activity["activityArn"],
        lambda c, t: c.send_task_failure(taskToken=t["taskToken"], error="Worker.Error", cause="could not do it"),
    )
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    worker.result()
    described = wait_for_execution(sfn, execution_arn)
    assert described["status"] == "FAILED"
    assert described["error"] == "Worker.Error"
    assert described["cause"] == "could not do it"
    events = history(sfn, execution_arn)
    failed = [e for e in events if e["type"] == "ActivityFailed"]
    assert len(failed) == 1
    assert failed[0]["activityFailedEventDetails"] == {"error": "Worker.Error", "cause": "could not do it"}
    assert events[-1]["type"] == "ExecutionFailed"
    assert events[-1]["executionFailedEventDetails"] == {"error": "Worker.Error", "cause": "could not do it"}


def test_activity_failure_is_caught(sfn, activity):
    definition = json.dumps(
        {
            "StartAt": "Work",
            "States": {
                "Work": {
                    "Type": "Task",
                    "Resource": activity["activityArn"],
                    "Catch": [{"ErrorEquals": ["Worker.Error"], "ResultPath": "$.caught", "Next": "Recovered"}],
                    "End": True,
                },
                "Recovered": {"Type": "Pass", "End": True},
            },
        }
    )
    machine = create_state_machine(sfn, definition)
    worker = ActivityWorker(
        sfn, activity["activityArn"], lambda c, t: c.send_task_failure(taskToken=t["taskToken"], error="Worker.Error", cause="nope")
    )
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input='{"a": 1}')["executionArn"]
    worker.result()
    described = wait_for_execution(sfn, execution_arn)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"a": 1, "caught": {"Error": "Worker.Error", "Cause": "nope"}}


def test_activity_task_timeout(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"], timeout_seconds=1))
    # The worker takes the task and never answers.
    worker = ActivityWorker(sfn, activity["activityArn"], lambda c, t: None)
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=TASK_INPUT)["executionArn"]
    task = worker.result()
    described = wait_for_execution(sfn, execution_arn)
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Timeout"
    assert "cause" not in described
    events = history(sfn, execution_arn)
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivityTimedOut",
        "ExecutionFailed",
    ]
    assert events[2]["activityScheduledEventDetails"]["timeoutInSeconds"] == 1
    assert events[4]["activityTimedOutEventDetails"] == {"error": "States.Timeout"}
    assert events[5]["executionFailedEventDetails"] == {"error": "States.Timeout"}
    # The task is closed: its token has timed out.
    with aws_error("TaskTimedOut"):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")


def test_activity_timeouts_from_input(sfn, activity):
    definition = activity_definition(activity["activityArn"], TimeoutSecondsPath="$.timeout", HeartbeatSecondsPath="$.heartbeat")
    machine = create_state_machine(sfn, definition)

    def heartbeat_until_closed(client, task):
        # Heartbeats keep the 1 s heartbeat timeout away; the 2 s task timeout still ends it.
        beats = 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.3)
            try:
                client.send_task_heartbeat(taskToken=task["taskToken"])
                beats += 1
            except client.exceptions.TaskTimedOut:
                return beats
        raise AssertionError("the task never timed out")

    worker = ActivityWorker(sfn, activity["activityArn"], heartbeat_until_closed)
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input='{"timeout": 2, "heartbeat": 1}')["executionArn"]
    worker.result()
    assert worker.outcome >= 3
    described = wait_for_execution(sfn, execution_arn)
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Timeout"
    events = history(sfn, execution_arn)
    scheduled = [e for e in events if e["type"] == "ActivityScheduled"][0]
    assert scheduled["activityScheduledEventDetails"]["timeoutInSeconds"] == 2
    assert scheduled["activityScheduledEventDetails"]["heartbeatInSeconds"] == 1
    timed_out = [e for e in events if e["type"] == "ActivityTimedOut"]
    assert [e["activityTimedOutEventDetails"] for e in timed_out] == [{"error": "States.Timeout"}]


def test_activity_heartbeats_keep_the_task_alive(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"], timeout_seconds=30, heartbeat_seconds=1))

    def slow_worker(client, task):
        for _ in range(8):  # 2.4 s of work, longer than the 1 s heartbeat
            time.sleep(0.3)
            assert client.send_task_heartbeat(taskToken=task["taskToken"])["ResponseMetadata"]["HTTPStatusCode"] == 200
        client.send_task_success(taskToken=task["taskToken"], output='{"worked": true}')

    worker = ActivityWorker(sfn, activity["activityArn"], slow_worker)
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    worker.result()
    described = wait_for_execution(sfn, execution_arn)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"worked": True}
    scheduled = [e for e in history(sfn, execution_arn) if e["type"] == "ActivityScheduled"][0]
    assert scheduled["activityScheduledEventDetails"]["timeoutInSeconds"] == 30
    assert scheduled["activityScheduledEventDetails"]["heartbeatInSeconds"] == 1


def test_activity_heartbeat_timeout(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"], timeout_seconds=30, heartbeat_seconds=1))
    worker = ActivityWorker(sfn, activity["activityArn"], lambda c, t: None)
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    task = worker.result()
    described = wait_for_execution(sfn, execution_arn)
    assert described["status"] == "FAILED"
    assert described["error"] == "States.HeartbeatTimeout"
    timed_out = [e for e in history(sfn, execution_arn) if e["type"] == "ActivityTimedOut"]
    assert len(timed_out) == 1
    assert timed_out[0]["activityTimedOutEventDetails"]["error"] == "States.HeartbeatTimeout"
    with aws_error("TaskTimedOut"):
        sfn.send_task_heartbeat(taskToken=task["taskToken"])


def test_task_token_cannot_be_used_twice(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))
    worker = ActivityWorker(sfn, activity["activityArn"], lambda c, t: c.send_task_success(taskToken=t["taskToken"], output="{}"))
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    task = worker.result()
    assert wait_for_execution(sfn, execution_arn)["status"] == "SUCCEEDED"
    # AWS: the task associated with the token has already been closed.
    with aws_error("TaskTimedOut"):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    with aws_error("TaskTimedOut"):
        sfn.send_task_failure(taskToken=task["taskToken"], error="Late")
    with aws_error("TaskTimedOut"):
        sfn.send_task_heartbeat(taskToken=task["taskToken"])


def test_send_task_success_with_invalid_output(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))
    outcome = {}

    def answer(client, task):
        try:
            client.send_task_success(taskToken=task["taskToken"], output="not json")
        except client.exceptions.InvalidOutput:
            outcome["invalid"] = True
        # The task is still open after the refused answer.
        client.send_task_success(taskToken=task["taskToken"], output='{"ok": 1}')

    worker = ActivityWorker(sfn, activity["activityArn"], answer)
    worker.start()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    worker.result()
    assert outcome == {"invalid": True}
    described = wait_for_execution(sfn, execution_arn)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"ok": 1}


@pytest.mark.parametrize("operation", ["send_task_success", "send_task_failure", "send_task_heartbeat"])
def test_garbage_task_token_is_invalid(sfn, operation):
    kwargs = {"taskToken": "this-is-not-a-task-token"}
    if operation == "send_task_success":
        kwargs["output"] = "{}"
    with aws_error("InvalidToken"):
        getattr(sfn, operation)(**kwargs)


def test_activity_deleted_before_the_task_runs(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))
    sfn.delete_activity(activityArn=activity["activityArn"])
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=TASK_INPUT)["executionArn"]
    described = wait_for_execution(sfn, execution_arn)
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Runtime"
    assert described["cause"] == (
        "An error occurred while executing the state 'ActivityTask' (entered at the event id #2). "
        f"The activity {activity['activityArn']} does not exist."
    )
    assert [e["type"] for e in history(sfn, execution_arn)] == ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]


def test_long_poll_waits_for_the_task(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))
    received_at = {}

    def take(client, task):
        received_at["t"] = time.monotonic()
        client.send_task_success(taskToken=task["taskToken"], output='{"late": true}')

    worker = ActivityWorker(sfn, activity["activityArn"], take)
    worker.start()
    time.sleep(1.0)
    assert worker.is_alive(), "GetActivityTask returned before any task was scheduled"
    started_at = time.monotonic()
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    worker.result()
    assert received_at["t"] >= started_at
    assert wait_for_execution(sfn, execution_arn)["status"] == "SUCCEEDED"


def test_each_task_goes_to_exactly_one_of_many_pollers(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))
    tokens = []
    lock = threading.Lock()

    def take(client, task):
        with lock:
            tokens.append(task["taskToken"])
        client.send_task_success(taskToken=task["taskToken"], output=task["input"])

    workers = [ActivityWorker(sfn, activity["activityArn"], take, worker_name=f"w{i}") for i in range(4)]
    for w in workers:
        w.start()
    time.sleep(0.3)
    executions = [
        sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps({"i": i}))["executionArn"]
        for i in range(4)
    ]
    inputs = sorted(json.loads(w.result()["input"])["i"] for w in workers)
    assert inputs == [0, 1, 2, 3]
    assert len(set(tokens)) == 4
    for i, execution_arn in enumerate(executions):
        described = wait_for_execution(sfn, execution_arn)
        assert described["status"] == "SUCCEEDED"
        assert json.loads(described["output"]) == {"i": i}
        worker_names = [
            e["activityStartedEventDetails"]["workerName"] for e in history(sfn, execution_arn) if e["type"] == "ActivityStarted"
        ]
        assert len(worker_names) == 1


def test_task_waits_for_a_worker(sfn, activity):
    # Scheduled before anyone polls: the next GetActivityTask returns it at once.
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=TASK_INPUT)["executionArn"]
    wait_for_event(sfn, execution_arn, "ActivityScheduled")
    assert sfn.describe_execution(executionArn=execution_arn)["status"] == "RUNNING"
    began = time.monotonic()
    task = sfn.get_activity_task(activityArn=activity["activityArn"], workerName="late-worker")
    assert time.monotonic() - began < 5
    # No recording shows whether AWS hands the input text on verbatim or re-serialised.
    assert json.loads(task["input"]) == json.loads(TASK_INPUT)
    sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    assert wait_for_execution(sfn, execution_arn)["status"] == "SUCCEEDED"


def test_stopping_an_execution_closes_its_task(sfn, activity):
    machine = create_state_machine(sfn, activity_definition(activity["activityArn"]))
    execution_arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    wait_for_event(sfn, execution_arn, "ActivityScheduled")
    task = sfn.get_activity_task(activityArn=activity["activityArn"])
    sfn.stop_execution(executionArn=execution_arn)
    poll(lambda: sfn.describe_execution(executionArn=execution_arn)["status"] == "ABORTED", what="the abort")
    with aws_error("TaskTimedOut"):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")


@pytest.mark.run_last
def test_get_activity_task_returns_empty_token_when_nothing_comes(idle_activity_poll):
    # Started when the session began; AWS holds the poll for 60 s, then answers without a task.
    response = idle_activity_poll.wait(timeout=80)
    assert not response.get("taskToken")
    assert not response.get("input")
    assert idle_activity_poll.elapsed >= 55, f"the poll ended after {idle_activity_poll.elapsed:.1f}s"
