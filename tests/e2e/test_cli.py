"""A smoke test of the AWS CLI (`aws stepfunctions … --endpoint-url`) against the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from support import PASS_DEFINITION, REGION, ROLE_ARN, unique


def aws(server, *args: str, extra_env: dict[str, str] | None = None) -> dict:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "AKIAE2ETESTKEY",
        "AWS_SECRET_ACCESS_KEY": "e2e-secret",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_PAGER": "",
        # Nothing from the developer's own configuration.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        **(extra_env or {}),
    }
    env.pop("AWS_PROFILE", None)
    # The CLI installed next to this interpreter (the pinned one in target/e2e-venv).
    command = [sys.executable, "-m", "awscli", "stepfunctions", *args, "--endpoint-url", server.endpoint, "--output", "json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=90)
    assert done.returncode == 0, f"{' '.join(args[:1])} failed ({done.returncode}):\n{done.stderr}"
    return json.loads(done.stdout) if done.stdout.strip() else {}


@pytest.fixture(scope="module")
def cli_machine(server):
    name = unique("cli")
    created = aws(server, "create-state-machine", "--name", name, "--definition", PASS_DEFINITION, "--role-arn", ROLE_ARN)
    created["name"] = name
    return created


def test_cli_create_run_describe_history_list_delete(server, cli_machine):
    machine_arn = cli_machine["stateMachineArn"]
    assert machine_arn == f"arn:aws:states:{REGION}:123456789012:stateMachine:{cli_machine['name']}"
    assert "creationDate" in cli_machine

    described = aws(server, "describe-state-machine", "--state-machine-arn", machine_arn)
    assert described["name"] == cli_machine["name"]
    assert described["definition"] == PASS_DEFINITION
    assert described["status"] == "ACTIVE"

    execution_arn = aws(server, "start-execution", "--state-machine-arn", machine_arn, "--input", '{"from": "cli"}')["executionArn"]
    execution = aws(server, "describe-execution", "--execution-arn", execution_arn)
    for _ in range(100):
        if execution["status"] != "RUNNING":
            break
        execution = aws(server, "describe-execution", "--execution-arn", execution_arn)
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"]) == {"Arg1": "argument1"}
    assert execution["input"] == '{"from": "cli"}'

    events = aws(server, "get-execution-history", "--execution-arn", execution_arn)["events"]
    assert [e["type"] for e in events] == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]

    listed = aws(server, "list-state-machines")["stateMachines"]
    assert machine_arn in [m["stateMachineArn"] for m in listed]
    executions = aws(server, "list-executions", "--state-machine-arn", machine_arn)["executions"]
    assert [e["executionArn"] for e in executions] == [execution_arn]

    assert aws(server, "delete-state-machine", "--state-machine-arn", machine_arn) == {}


def test_cli_paginates_list_state_machines(fresh_server):
    server = fresh_server()
    for i in range(3):
        aws(server, "create-state-machine", "--name", f"page-{i}", "--definition", PASS_DEFINITION, "--role-arn", ROLE_ARN)
    # The CLI follows nextToken itself; a page size of 1 takes three requests.
    listed = aws(server, "list-state-machines", "--page-size", "1")["stateMachines"]
    assert sorted(m["name"] for m in listed) == ["page-0", "page-1", "page-2"]


def test_cli_start_sync_execution(server):
    name = unique("cli-express")
    machine = aws(
        server, "create-state-machine", "--name", name, "--definition", PASS_DEFINITION, "--role-arn", ROLE_ARN, "--type", "EXPRESS"
    )
    result = aws(
        server,
        "start-sync-execution",
        "--state-machine-arn",
        machine["stateMachineArn"],
        "--input",
        "{}",
        extra_env={"AWS_DISABLE_HOST_PREFIX_INJECTION": "true"},
    )
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"Arg1": "argument1"}
    assert result["billingDetails"]["billedMemoryUsedInMB"] == 64


def test_cli_reports_aws_errors(server):
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "AKIAE2ETESTKEY",
        "AWS_SECRET_ACCESS_KEY": "e2e-secret",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    done = subprocess.run(
        [sys.executable, "-m", "awscli", "stepfunctions", "describe-state-machine", "--state-machine-arn", "not_a_valid_arn", "--endpoint-url", server.endpoint],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert done.returncode != 0
    assert "(InvalidArn)" in done.stderr
    assert "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'" in done.stderr
