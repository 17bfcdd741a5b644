"""Fixtures: one release server for the whole session, fresh servers for tests that need a server
of their own (list operations, other accounts, scaled waits), and boto3 clients for them."""

from __future__ import annotations

import threading
import time

import pytest

from support import Server, unique


def pytest_collection_modifyitems(session, config, items):
    # Tests marked run_last wait on something started when the session began (a 60-second idle
    # GetActivityTask poll): running them last lets that minute overlap the rest of the suite.
    items.sort(key=lambda item: item.get_closest_marker("run_last") is not None)


@pytest.fixture(scope="session")
def server():
    s = Server(wait_time_scale=1.0)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def sfn(server):
    return server.client()


@pytest.fixture(scope="session")
def sfn_unvalidated(server):
    """Sends requests botocore would refuse, so the server's validation answers."""
    return server.unvalidated_client()


@pytest.fixture(scope="module")
def fake():
    """The fake AWS services of `fake_aws.py` (moto and a Lambda endpoint), one per test module."""
    fake_aws = pytest.importorskip("fake_aws", reason="moto is not installed (tests/e2e/requirements.txt)")
    f = fake_aws.FakeAws()
    yield f
    f.stop()


@pytest.fixture
def fresh_server():
    """Starts servers of the test's own: `fresh_server(wait_time_scale=0.01, env={...})`."""
    started: list[Server] = []

    def start(wait_time_scale: float = 1.0, env: dict[str, str] | None = None) -> Server:
        s = Server(wait_time_scale=wait_time_scale, env=env)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


class IdlePoll:
    """A GetActivityTask on an activity nobody feeds, started when the session begins."""

    def __init__(self, sfn):
        self.response = None
        self.error = None
        self.elapsed = None
        self.activity_arn = None
        try:
            self.activity_arn = sfn.create_activity(name=unique("idle"))["activityArn"]
        except Exception as e:  # noqa: BLE001 - reported by the test that looks at it
            self.error = e
            return
        self.thread = threading.Thread(target=self._poll, args=(sfn,), daemon=True)
        self.thread.start()

    def _poll(self, sfn):
        started = time.monotonic()
        try:
            self.response = sfn.get_activity_task(activityArn=self.activity_arn, workerName="idle")
        except Exception as e:  # noqa: BLE001
            self.error = e
        self.elapsed = time.monotonic() - started

    def wait(self, timeout: float):
        if self.error is None:
            self.thread.join(timeout)
            assert not self.thread.is_alive(), f"GetActivityTask still held after {timeout}s"
        if self.error is not None:
            raise self.error
        return self.response


@pytest.fixture(scope="session", autouse=True)
def idle_activity_poll(server):
    return IdlePoll(server.client())
