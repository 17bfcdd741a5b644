"""The virtual clock (`--clock virtual`): when every execution waits only on time, time jumps to
the next deadline, so a 24-hour Wait and hours of retry back-off end at once, in order, with the
history's timestamps on the virtual clock; an execution waiting on a worker holds the clock; a
durable execution keeps its virtual time across a kill -9.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

from support import ActivityWorker, Server, create_state_machine, free_port, history, unique, wait_for_execution

DAY = {"StartAt": "Day", "States": {
    "Day": {"Type": "Wait", "Seconds": 86400, "Next": "Flaky"},
    "Flaky": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
              "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 3600,
                         "BackoffRate": 2, "MaxAttempts": 3}],
              "OutputPath": "$.Payload", "End": True}}}

MOCKS = {"StateMachines": {"Daily": {"TestCases": {"Flaky": {"Flaky": "TwiceThrottled"}}},
                           "DailyExpress": {"TestCases": {"Flaky": {"Flaky": "TwiceThrottled"}}}},
         "MockedResponses": {"TwiceThrottled": {
             "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
             "2": {"Return": {"StatusCode": 200, "Payload": {"done": True}}}}}}


def virtual_server(tmp_path, **kw) -> Server:
    path = tmp_path / "mocks.json"
    path.write_text(json.dumps(MOCKS))
    return Server(args=["--clock", "virtual", "--mock-config", str(path), *kw.pop("args", [])], **kw)


def test_a_day_of_waits_and_hours_of_back_off_end_at_once_on_the_virtual_clock(tmp_path):
    s = virtual_server(tmp_path)
    try:
        sfn = s.client()
        arn = create_state_machine(sfn, json.dumps(DAY), name="Daily")["stateMachineArn"]
        began = time.monotonic()
        started = sfn.start_execution(stateMachineArn=f"{arn}#Flaky", input="{}")
        described = wait_for_execution(sfn, started["executionArn"], timeout=10)
        assert time.monotonic() - began < 1.0, "the day and the back-off did not take real time"
        assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"done": True}), described
        events = history(sfn, started["executionArn"])
        at = {}
        for e in events:
            at.setdefault(e["type"], []).append(e["timestamp"])
        assert at["WaitStateExited"][0] - at["WaitStateEntered"][0] >= timedelta(seconds=86400)
        assert at["WaitStateExited"][0] - at["WaitStateEntered"][0] < timedelta(seconds=86402)
        scheduled = at["TaskScheduled"]
        gaps = [(b - a).total_seconds() for a, b in zip(scheduled, scheduled[1:])]
        assert len(gaps) == 2 and 3600 <= gaps[0] < 3602 and 7200 <= gaps[1] < 7202, gaps
        assert [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events)
        assert described["stopDate"] - described["startDate"] >= timedelta(seconds=86400 + 3600 + 7200)
    finally:
        s.stop()


def test_express_executions_jump_too(tmp_path):
    s = virtual_server(tmp_path)
    try:
        sfn = s.client()
        arn = create_state_machine(sfn, json.dumps(DAY), name="DailyExpress", type="EXPRESS")["stateMachineArn"]
        began = time.monotonic()
        done = sfn.start_sync_execution(stateMachineArn=f"{arn}#Flaky", input="{}")
        assert time.monotonic() - began < 1.0
        assert (done["status"], json.loads(done["output"])) == ("SUCCEEDED", {"done": True}), done
        assert done["stopDate"] - done["startDate"] >= timedelta(seconds=86400 + 3600 + 7200)
    finally:
        s.stop()


def test_an_execution_waiting_on_a_worker_holds_the_clock_and_time_survives_a_kill_9(tmp_path):
    port = free_port()
    args = ["--store", f"sqlite:{tmp_path / 'stepfn.db'}"]
    s = virtual_server(tmp_path, port=port, args=args, workdir=str(tmp_path))
    sfn = s.client()
    activity = sfn.create_activity(name=unique("held"))["activityArn"]
    worker_machine = create_state_machine(sfn, json.dumps({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": activity, "End": True}}}))["stateMachineArn"]
    waiting_machine = create_state_machine(sfn, json.dumps({"StartAt": "Hour", "States": {
        "Hour": {"Type": "Wait", "Seconds": 3600, "End": True}}}))["stateMachineArn"]
    held = sfn.start_execution(stateMachineArn=worker_machine, input="{}")["executionArn"]
    time.sleep(0.3)
    waiting = sfn.start_execution(stateMachineArn=waiting_machine, input="{}")["executionArn"]
    time.sleep(0.5)
    assert sfn.describe_execution(executionArn=waiting)["status"] == "RUNNING", "a worker is awaited: no jump"
    s.kill()
    s2 = virtual_server(tmp_path, port=port, args=args, workdir=str(tmp_path))
    try:
        sfn = s2.client()
        time.sleep(0.5)
        assert sfn.describe_execution(executionArn=waiting)["status"] == "RUNNING"
        worker = ActivityWorker(s2.client(), activity, lambda client, task: client.send_task_success(
            taskToken=task["taskToken"], output='{"worked": true}'))
        worker.start()
        worker.result()
        assert wait_for_execution(sfn, held, timeout=20)["status"] == "SUCCEEDED"
        described = wait_for_execution(sfn, waiting, timeout=10)
        assert described["status"] == "SUCCEEDED", described
        events = history(sfn, waiting)
        assert events[-1]["timestamp"] - events[0]["timestamp"] >= timedelta(seconds=3600)
    finally:
        s2.stop()


def test_wait_time_scale_shortens_task_timeouts_and_heartbeats_too(fresh_server):
    sfn = fresh_server(wait_time_scale=0.01).client()
    activity = sfn.create_activity(name=unique("slow"))["activityArn"]
    timeout = create_state_machine(sfn, json.dumps({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": activity, "TimeoutSeconds": 60, "End": True}}}))["stateMachineArn"]
    heartbeat = create_state_machine(sfn, json.dumps({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": activity, "HeartbeatSeconds": 60, "End": True}}}))["stateMachineArn"]
    began = time.monotonic()
    timed_out = sfn.start_execution(stateMachineArn=timeout, input="{}")["executionArn"]
    described = wait_for_execution(sfn, timed_out, timeout=10)
    assert (described["status"], described.get("error")) == ("FAILED", "States.Timeout"), described
    hb = sfn.start_execution(stateMachineArn=heartbeat, input="{}")["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="w")
    assert task.get("taskToken")
    described = wait_for_execution(sfn, hb, timeout=10)
    assert (described["status"], described.get("error")) == ("FAILED", "States.HeartbeatTimeout"), described
    assert time.monotonic() - began < 8, "60-second limits at a hundredth of their time"
