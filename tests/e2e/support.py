"""Shared helpers of the end-to-end suite: starting the release binary, boto3 clients, AWS error
assertions, polling, activity workers and the definitions the tests use.

Expected values come from AWS: the API reference, and the responses recorded on real AWS in
../shared/conformance/cases (kind api_sequence / activity / test_state / create_error).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("STEPFN_BINARY", ROOT / "target" / "release" / "stepfn"))
REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/stepfn-e2e-role"
OTHER_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/stepfn-e2e-other-role"

# How long a test waits for something the server should do at once (an execution of Pass states
# ending, an event being recorded). Generous so a loaded CI machine does not flake, but bounded.
SETTLE_SECONDS = 15.0

PASS_DEFINITION = json.dumps(
    {
        "Comment": "BASE_PASS_RESULT",
        "StartAt": "State_1",
        "States": {"State_1": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True}},
    }
)

# Stays RUNNING for a minute on a server with --wait-time-scale 1.
WAIT_DEFINITION = json.dumps(
    {
        "Comment": "WAIT_1_MIN",
        "StartAt": "State_1",
        "States": {
            "State_1": {"Type": "Wait", "Seconds": 60, "Next": "State_2"},
            "State_2": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True},
        },
    }
)

FAIL_DEFINITION = json.dumps(
    {
        "StartAt": "Boom",
        "States": {"Boom": {"Type": "Fail", "Error": "SomeFailure", "Cause": "it broke"}},
    }
)

# Echoes its input.
ECHO_DEFINITION = json.dumps({"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}})


def definition_with_comment(comment: str) -> str:
    return json.dumps(
        {
            "Comment": comment,
            "StartAt": "State_1",
            "States": {"State_1": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True}},
        }
    )


def activity_definition(
    activity_arn: str,
    *,
    timeout_seconds: int | None = None,
    heartbeat_seconds: int | None = None,
    before: bool = False,
    **task_fields: Any,
) -> str:
    """A Task state on an activity (with `task_fields` besides), optionally preceded by a Pass
    state (to see what a redrive keeps)."""
    task: dict[str, Any] = {"Type": "Task", "Resource": activity_arn, "End": True, **task_fields}
    if timeout_seconds is not None:
        task["TimeoutSeconds"] = timeout_seconds
    if heartbeat_seconds is not None:
        task["HeartbeatSeconds"] = heartbeat_seconds
    states: dict[str, Any] = {}
    start = "ActivityTask"
    if before:
        states["Prepare"] = {"Type": "Pass", "Result": {"prepared": True}, "Next": "ActivityTask"}
        start = "Prepare"
    states["ActivityTask"] = task
    return json.dumps({"StartAt": start, "States": states})


def assert_describes_created(described: dict, state_machine_arn: str, name: str) -> None:
    """What DescribeStateMachine shows of a STANDARD state machine made by `create_state_machine`
    (PASS_DEFINITION, ROLE_ARN), or of its version `state_machine_arn`."""
    assert described["stateMachineArn"] == state_machine_arn
    assert described["name"] == name
    assert described["status"] == "ACTIVE"
    assert described["definition"] == PASS_DEFINITION
    assert described["roleArn"] == ROLE_ARN
    assert described["type"] == "STANDARD"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def arn(resource: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:states:{region}:{account}:{resource}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        # The server is reached at 127.0.0.1: no `sync-` host prefix for StartSyncExecution.
        "inject_host_prefix": False,
        # A retried request would hide the server's first answer and slow failures down.
        "retries": {"max_attempts": 1, "mode": "standard"},
        # GetActivityTask holds the connection up to 60 s (AWS: use at least 65 s).
        "read_timeout": 75,
        "connect_timeout": 5,
    }
    settings.update(overrides)
    return Config(**settings)


class Server:
    """One `stepfn serve` process on a free port."""

    def __init__(
        self,
        wait_time_scale: float = 1.0,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
        workdir: str | None = None,
        port: int | None = None,
    ):
        if not BINARY.exists():
            raise RuntimeError(
                f"{BINARY} not found: build it with `cargo build --release -p stepfn` "
                "(or point STEPFN_BINARY at a binary)"
            )
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="stepfn-e2e-", suffix=".log", delete=False)
        process_env = {k: v for k, v in os.environ.items() if k not in ("AWS_ACCOUNT_ID", "WAIT_TIME_SCALE")}
        process_env.update(env or {})
        self.workdir = workdir or tempfile.mkdtemp(prefix="stepfn-e2e-")
        self.process = subprocess.Popen(
            [
                str(BINARY),
                "serve",
                "--listen",
                f"127.0.0.1:{self.port}",
                "--wait-time-scale",
                str(wait_time_scale),
                *(args or []),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=process_env,
            # A store file, if the server writes one, lands in a fresh directory of its own.
            cwd=self.workdir,
        )
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"stepfn exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"stepfn did not listen on {self.port}:\n{self.log_text()}")
                time.sleep(0.05)

    def log_text(self) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def client(self, region: str = REGION, **config: Any):
        return boto3.client(
            "stepfunctions",
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id="AKIAE2ETESTKEY",
            aws_secret_access_key="e2e-secret",
            config=client_config(**config),
        )

    def unvalidated_client(self, region: str = REGION):
        """A client that sends what it is given, so the server's own validation answers."""
        return self.client(region, parameter_validation=False)

    def kill(self) -> None:
        """SIGKILL: the server gets no chance to finish anything."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


@contextlib.contextmanager
def aws_error(code: str, message: str | None = None, message_prefix: str | None = None):
    """Asserts that the block raises the AWS error `code` (HTTP 400), optionally with AWS's exact
    message or its start."""
    with pytest.raises(ClientError) as info:
        yield info
    error = info.value.response.get("Error", {})
    got = error.get("Code")
    assert got == code, f"expected {code}, got {got}: {error.get('Message')!r}"
    status = info.value.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    # The API reference gives ConflictException HTTP 409 and ServiceQuotaExceededException 402;
    # every other client error is a 400.
    expected = {"ConflictException": 409, "ServiceQuotaExceededException": 402}.get(code, 400)
    assert status == expected, f"{code} should come with HTTP {expected}, got {status}"
    if message is not None:
        assert error.get("Message") == message
    if message_prefix is not None:
        assert str(error.get("Message", "")).startswith(message_prefix), error.get("Message")


def error_code(call: Callable[[], Any]) -> str | None:
    try:
        call()
    except ClientError as e:
        return e.response.get("Error", {}).get("Code")
    return None


def poll(check: Callable[[], Any], timeout: float = SETTLE_SECONDS, interval: float = 0.05, what: str = "condition"):
    """Calls `check` until it returns something truthy; returns that."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def wait_for_deletion(sfn, state_machine_arn: str, what: str = "the deletion") -> None:
    """Deletion is asynchronous: waits until the state machine does not exist."""
    poll(
        lambda: error_code(lambda: sfn.describe_state_machine(stateMachineArn=state_machine_arn)) == "StateMachineDoesNotExist",
        what=what,
    )


def wait_for_execution(sfn, execution_arn: str, timeout: float = SETTLE_SECONDS) -> dict:
    """Waits until the execution is no longer RUNNING; returns its description."""

    def done():
        d = sfn.describe_execution(executionArn=execution_arn)
        return d if d["status"] != "RUNNING" else None

    return poll(done, timeout, what=f"{execution_arn} to end")


def history(sfn, execution_arn: str, **kwargs: Any) -> list[dict]:
    events: list[dict] = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn, **kwargs):
        events.extend(page["events"])
    return events


def event_types(events: Iterable[dict]) -> list[str]:
    return [e["type"] for e in events]


def wait_for_event(sfn, execution_arn: str, event_type: str, timeout: float = SETTLE_SECONDS) -> dict:
    def seen():
        for e in sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]:
            if e["type"] == event_type:
                return e
        return None

    return poll(seen, timeout, what=f"{event_type} in {execution_arn}")


def create_state_machine(sfn, definition: str = PASS_DEFINITION, name: str | None = None, **kwargs: Any) -> dict:
    name = name or unique("sm")
    response = sfn.create_state_machine(name=name, definition=definition, roleArn=ROLE_ARN, **kwargs)
    response["name"] = name
    return response


def run_to_end(sfn, state_machine_arn: str, input: str = "{}", **kwargs: Any) -> dict:
    started = sfn.start_execution(stateMachineArn=state_machine_arn, input=input, **kwargs)
    return wait_for_execution(sfn, started["executionArn"])


class ActivityWorker(threading.Thread):
    """Polls an activity once (GetActivityTask) and hands the task to `on_task(sfn, task)`.
    Errors are kept and re-raised by `result()` so the test sees them."""

    def __init__(self, sfn, activity_arn: str, on_task: Callable[[Any, dict], Any], worker_name: str | None = "e2e-worker"):
        super().__init__(daemon=True)
        self.sfn = sfn
        self.activity_arn = activity_arn
        self.on_task = on_task
        self.worker_name = worker_name
        self.task: dict | None = None
        self.error: BaseException | None = None
        self.outcome: Any = None

    def run(self) -> None:
        try:
            request = {"activityArn": self.activity_arn}
            if self.worker_name is not None:
                request["workerName"] = self.worker_name
            self.task = self.sfn.get_activity_task(**request)
            if self.task.get("taskToken"):
                self.outcome = self.on_task(self.sfn, self.task)
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            self.error = e

    def result(self, timeout: float = 75) -> dict:
        self.join(timeout)
        assert not self.is_alive(), "activity worker still polling"
        if self.error is not None:
            raise self.error
        assert self.task is not None
        return self.task


def decode_json_strings(value: Any) -> Any:
    """Parses every string that holds JSON, recursively, so that responses carrying JSON text
    (TestState's inspection data, execution input and output) compare with the recorded values."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return decode_json_strings(parsed) if isinstance(parsed, (dict, list)) else parsed
    if isinstance(value, dict):
        return {k: decode_json_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_json_strings(v) for v in value]
    return value


def without_metadata(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def without_timestamps(events: list[dict]) -> list[dict]:
    """History events as the recordings show them: each timestamp checked to be a date and
    dropped, the JSON text of inputs and outputs parsed."""
    out = []
    for e in events:
        assert isinstance(e["timestamp"], datetime.datetime)
        out.append(decode_json_strings({k: v for k, v in e.items() if k != "timestamp"}))
    return out


# History events as `without_timestamps` returns them.
NOT_TRUNCATED = {"truncated": False}


def history_event(event_id: int, previous: int, event_type: str, details_member: str | None = None, details: Any = None) -> dict:
    e = {"id": event_id, "previousEventId": previous, "type": event_type}
    if details_member is not None:
        e[details_member] = details
    return e


def execution_started(input: Any) -> dict:
    details = {"input": input, "inputDetails": NOT_TRUNCATED, "roleArn": ROLE_ARN}
    return history_event(1, 0, "ExecutionStarted", "executionStartedEventDetails", details)


def state_entered(event_id: int, previous: int, state_type: str, name: str, input: Any) -> dict:
    details = {"name": name, "input": input, "inputDetails": NOT_TRUNCATED}
    return history_event(event_id, previous, f"{state_type}StateEntered", "stateEnteredEventDetails", details)


def state_exited(event_id: int, previous: int, state_type: str, name: str, output: Any) -> dict:
    details = {"name": name, "output": output, "outputDetails": NOT_TRUNCATED}
    return history_event(event_id, previous, f"{state_type}StateExited", "stateExitedEventDetails", details)


def with_output(event_id: int, previous: int, event_type: str, details_member: str, output: Any) -> dict:
    """An event whose details are an output (ActivitySucceeded, ExecutionSucceeded, ...)."""
    return history_event(event_id, previous, event_type, details_member, {"output": output, "outputDetails": NOT_TRUNCATED})
