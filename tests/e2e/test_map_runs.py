"""ListMapRuns, DescribeMapRun, UpdateMapRun and ListExecutions(mapRunArn) on executions that
have no map run (only a Distributed Map creates one)."""

from __future__ import annotations

import uuid

import pytest

from support import PASS_DEFINITION, arn, aws_error, create_state_machine, run_to_end


@pytest.fixture(scope="module")
def plain_execution(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION)
    done = run_to_end(sfn, machine["stateMachineArn"])
    done["machine_name"] = machine["name"]
    return done


def missing_map_run(machine_name: str) -> str:
    return arn(f"mapRun:{machine_name}/MapState:{uuid.uuid4()}")


def test_list_map_runs_of_execution_without_map(sfn, plain_execution):
    response = sfn.list_map_runs(executionArn=plain_execution["executionArn"])
    assert response["mapRuns"] == []
    assert "nextToken" not in response
    pages = list(sfn.get_paginator("list_map_runs").paginate(executionArn=plain_execution["executionArn"]))
    assert [p["mapRuns"] for p in pages] == [[]]


def test_list_map_runs_invalid_token(sfn, plain_execution):
    with aws_error("InvalidToken", "Invalid Token: 'Invalid token'"):
        sfn.list_map_runs(executionArn=plain_execution["executionArn"], nextToken="InvalidToken")


def test_describe_missing_map_run(sfn, plain_execution):
    with aws_error("ResourceNotFound"):
        sfn.describe_map_run(mapRunArn=missing_map_run(plain_execution["machine_name"]))


def test_update_missing_map_run(sfn, plain_execution):
    with aws_error("ResourceNotFound"):
        sfn.update_map_run(mapRunArn=missing_map_run(plain_execution["machine_name"]), maxConcurrency=5)


def test_update_map_run_out_of_range(sfn_unvalidated, plain_execution):
    with aws_error("ValidationException"):
        sfn_unvalidated.update_map_run(mapRunArn=missing_map_run(plain_execution["machine_name"]), toleratedFailurePercentage=101.0)


def test_list_executions_of_missing_map_run(sfn, plain_execution):
    with aws_error("ResourceNotFound"):
        sfn.list_executions(mapRunArn=missing_map_run(plain_execution["machine_name"]))


def test_list_executions_with_both_state_machine_and_map_run(sfn, plain_execution):
    with aws_error("ValidationException"):
        sfn.list_executions(
            stateMachineArn=arn(f"stateMachine:{plain_execution['machine_name']}"),
            mapRunArn=missing_map_run(plain_execution["machine_name"]),
        )
