"""Durability: STANDARD executions in flight survive the server being killed with SIGKILL (twice,
at different moments) and restarted on the same store, on SQLite and on PostgreSQL; and on a
PostgreSQL store shared by two nodes, the survivor finishes the executions of a node that died.

Every execution must end SUCCEEDED exactly once with the right output, and its history must hold
ids 1..n with each state entered and left exactly once.

The PostgreSQL tests need STEPFN_TEST_POSTGRES_URL (`.ci/run` sets it); without it they are
skipped and say so.
"""

from __future__ import annotations

import collections
import json
import os
import threading
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from support import ROLE_ARN, Server, free_port, history, unique

PER_KIND = 100
MAP_ITEMS = 8
POSTGRES_URL = os.environ.get("STEPFN_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="skipped: STEPFN_TEST_POSTGRES_URL is not set (PostgreSQL tests)"
)

WAIT_MACHINE = {
    "StartAt": "Start",
    "States": {
        "Start": {
            "Type": "Pass",
            "Parameters": {"n.$": "$.n", "double.$": "States.MathAdd($.n, $.n)"},
            "Next": "FirstWait",
        },
        "FirstWait": {"Type": "Wait", "Seconds": 3, "Next": "Middle"},
        "Middle": {"Type": "Pass", "Result": "waited", "ResultPath": "$.after", "Next": "SecondWait"},
        "SecondWait": {"Type": "Wait", "Seconds": 4, "Next": "Last"},
        "Last": {"Type": "Pass", "End": True},
    },
}

MAP_MACHINE = {
    "StartAt": "Items",
    "States": {
        "Items": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemSelector": {"x.$": "$$.Map.Item.Value"},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Add",
                "States": {
                    "Add": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($.x, 1)"}, "Next": "Pause"},
                    "Pause": {"Type": "Wait", "Seconds": 1, "End": True},
                },
            },
            "End": True,
        }
    },
}


def activity_machine(activity_arn: str) -> dict:
    return {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": activity_arn,
                "ResultPath": "$.answer",
                # A task handed to a worker whose poll died with the server is lost on the
                # worker's side, as on AWS when a poll response is lost: it times out and runs again.
                "TimeoutSeconds": 8,
                "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 5}],
                "Next": "Done",
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }


def expected_output(kind: str, n: int) -> object:
    if kind == "wait":
        return {"n": n, "double": 2 * n, "after": "waited"}
    if kind == "map":
        return [{"v": n * 100 + i + 1} for i in range(MAP_ITEMS)]
    return {"n": n, "answer": {"double": 2 * n}}


def execution_input(kind: str, n: int) -> dict:
    if kind == "map":
        return {"items": [n * 100 + i for i in range(MAP_ITEMS)]}
    return {"n": n}


TRANSIENT = ("EndpointConnectionError", "ConnectionClosedError", "ReadTimeoutError", "ConnectTimeoutError")


def retrying(call, *args, timeout: float = 60, **kwargs):
    """Calls the API until the server answers (it may be down between a kill and its restart)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call(*args, **kwargs)
        except ClientError:
            raise
        except Exception as e:  # noqa: BLE001 - connection errors of every kind while it restarts
            if type(e).__name__ not in TRANSIENT and "Connection" not in type(e).__name__:
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Workers:
    """Activity workers polling every given endpoint, answering {"double": 2n}; they keep going
    through server restarts and retry an answer until the server takes it."""

    def __init__(self, clients: list, activity_arn: str, per_client: int = 4):
        self.clients = clients
        self.activity_arn = activity_arn
        self.stop = threading.Event()
        self.answered = 0
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.work, args=(c,), daemon=True) for c in clients for _ in range(per_client)
        ]
        for t in self.threads:
            t.start()

    def work(self, client) -> None:
        while not self.stop.is_set():
            try:
                task = client.get_activity_task(activityArn=self.activity_arn, workerName="durability")
            except Exception:  # noqa: BLE001 - the server is down: poll again
                time.sleep(0.2)
                continue
            token = task.get("taskToken")
            if not token:
                continue
            n = json.loads(task["input"])["n"]
            self.answer(token, {"double": 2 * n})

    def answer(self, token: str, output: dict) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.stop.is_set():
            for client in self.clients:
                try:
                    client.send_task_success(taskToken=token, output=json.dumps(output))
                    with self.lock:
                        self.answered += 1
                    return
                except ClientError as e:
                    if e.response["Error"]["Code"] == "TaskTimedOut":
                        return
                    raise
                except Exception:  # noqa: BLE001 - this endpoint is down: try the next
                    continue
            time.sleep(0.2)

    def close(self) -> None:
        self.stop.set()


def setup_machines(sfn) -> tuple[dict, str]:
    activity_arn = sfn.create_activity(name=unique("durable-activity"))["activityArn"]
    machines = {}
    for kind, definition in (("wait", WAIT_MACHINE), ("map", MAP_MACHINE), ("activity", activity_machine(activity_arn))):
        machines[kind] = sfn.create_state_machine(
            name=unique(f"durable-{kind}"), definition=json.dumps(definition), roleArn=ROLE_ARN
        )["stateMachineArn"]
    return machines, activity_arn


def start_all(clients: list, machines: dict) -> dict[str, tuple[str, int]]:
    """Starts PER_KIND executions of each machine, spreading them over the clients."""
    started: dict[str, tuple[str, int]] = {}
    i = 0
    for kind, machine_arn in machines.items():
        for n in range(PER_KIND):
            client = clients[i % len(clients)]
            i += 1
            arn = client.start_execution(
                stateMachineArn=machine_arn, name=f"{kind}-{n}", input=json.dumps(execution_input(kind, n))
            )["executionArn"]
            started[arn] = (kind, n)
    return started


def running_count(sfn, machines: dict) -> int:
    total = 0
    for machine_arn in machines.values():
        pages = sfn.get_paginator("list_executions").paginate(stateMachineArn=machine_arn, statusFilter="RUNNING")
        total += sum(len(p["executions"]) for p in pages)
    return total


def wait_all_done(sfn, started: dict, timeout: float) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    done: dict[str, dict] = {}
    while len(done) < len(started):
        for arn in started:
            if arn in done:
                continue
            d = retrying(sfn.describe_execution, executionArn=arn)
            if d["status"] != "RUNNING":
                done[arn] = d
        if len(done) < len(started):
            assert time.monotonic() < deadline, f"{len(started) - len(done)} executions still RUNNING"
            time.sleep(0.5)
    return done


def check_all(sfn, machines: dict, started: dict, done: dict) -> None:
    for arn, (kind, n) in started.items():
        d = done[arn]
        assert d["status"] == "SUCCEEDED", (arn, d.get("error"), d.get("cause"))
        assert json.loads(d["output"]) == expected_output(kind, n), arn
        events = history(sfn, arn)
        ids = [e["id"] for e in events]
        assert ids == list(range(1, len(events) + 1)), f"{arn}: ids {ids}"
        assert all(e["previousEventId"] < e["id"] for e in events), arn
        types = collections.Counter(e["type"] for e in events)
        assert types["ExecutionStarted"] == 1 and types["ExecutionSucceeded"] == 1, (arn, types)
        entered = collections.Counter(
            e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e
        )
        exited = collections.Counter(
            e["stateExitedEventDetails"]["name"] for e in events if "stateExitedEventDetails" in e
        )
        if kind == "wait":
            want = {name: 1 for name in WAIT_MACHINE["States"]}
        elif kind == "map":
            want = {"Items": 1, "Add": MAP_ITEMS, "Pause": MAP_ITEMS}
            assert types["MapIterationStarted"] == MAP_ITEMS and types["MapIterationSucceeded"] == MAP_ITEMS, types
        else:
            want = {"Work": 1, "Done": 1}
            assert types["ActivitySucceeded"] == 1, (arn, types)
        assert entered == want and exited == want, (arn, entered, exited)
    # Each execution exists once.
    for kind, machine_arn in machines.items():
        pages = sfn.get_paginator("list_executions").paginate(stateMachineArn=machine_arn)
        arns = [e["executionArn"] for p in pages for e in p["executions"]]
        assert len(arns) == len(set(arns)) == PER_KIND, kind
        assert sorted(arns) == sorted(a for a, (k, _) in started.items() if k == kind)


def kill_twice_and_check(args: list[str]) -> None:
    workdir = None
    port = free_port()
    server = Server(args=args, port=port)
    workdir = server.workdir
    servers = [server]
    workers = None
    try:
        sfn = server.client()
        machines, activity_arn = setup_machines(sfn)
        started = start_all([sfn], machines)
        workers = Workers([sfn], activity_arn)
        # First kill: in the first Wait, between Map items, with activity tasks queued and taken.
        time.sleep(1.0)
        assert running_count(sfn, machines) > 0
        server.kill()
        server = Server(args=args, workdir=workdir, port=port)
        servers.append(server)
        # Second kill: a little later, with the executions at other points.
        time.sleep(2.5)
        assert running_count(sfn, machines) > 0
        server.kill()
        server = Server(args=args, workdir=workdir, port=port)
        servers.append(server)
        done = wait_all_done(sfn, started, timeout=120)
        check_all(sfn, machines, started, done)
    finally:
        if workers:
            workers.close()
        for s in servers:
            s.stop()


def test_executions_survive_two_kills_on_sqlite():
    kill_twice_and_check(["--store", "sqlite:stepfn.db"])


@needs_postgres
def test_executions_survive_two_kills_on_postgres():
    kill_twice_and_check(["--store", POSTGRES_URL, "--node-id", f"crash-{uuid.uuid4().hex[:8]}"])


@needs_postgres
def test_a_node_dies_and_the_other_finishes_its_executions():
    store = ["--store", POSTGRES_URL]
    first = Server(args=[*store, "--node-id", f"first-{uuid.uuid4().hex[:8]}"])
    second = Server(args=[*store, "--node-id", f"second-{uuid.uuid4().hex[:8]}"])
    workers = None
    try:
        a, b = first.client(), second.client()
        machines, activity_arn = setup_machines(a)
        started = start_all([a, b], machines)
        workers = Workers([a, b], activity_arn)
        time.sleep(1.0)
        assert running_count(b, machines) > 0
        first.kill()
        # The survivor takes the dead node's executions over when their leases run out.
        done = wait_all_done(b, started, timeout=120)
        check_all(b, machines, started, done)
    finally:
        if workers:
            workers.close()
        first.stop()
        second.stop()
