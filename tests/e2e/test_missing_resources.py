"""Every operation that names a resource that does not exist answers AWS's `<Kind>DoesNotExist`
with the message AWS gives (recorded: `State Machine Does Not Exist: '<arn>'` and the like)."""

from __future__ import annotations

import uuid

import pytest

from support import PASS_DEFINITION, arn, aws_error, create_state_machine, unique

# The resource an ARN names: the error code and how the message calls it.
KINDS = {
    "stateMachine": ("StateMachineDoesNotExist", "State Machine"),
    "execution": ("ExecutionDoesNotExist", "Execution"),
    "activity": ("ActivityDoesNotExist", "Activity"),
}

# (operation, the ARN member, the kind of resource it names, the other members the call needs)
CALLS = [
    ("describe_state_machine", "stateMachineArn", "stateMachine", {}),
    ("update_state_machine", "stateMachineArn", "stateMachine", {"definition": PASS_DEFINITION}),
    ("publish_state_machine_version", "stateMachineArn", "stateMachine", {}),
    ("start_execution", "stateMachineArn", "stateMachine", {}),
    ("start_sync_execution", "stateMachineArn", "stateMachine", {}),
    ("list_executions", "stateMachineArn", "stateMachine", {}),
    ("describe_execution", "executionArn", "execution", {}),
    ("stop_execution", "executionArn", "execution", {}),
    ("get_execution_history", "executionArn", "execution", {}),
    ("describe_state_machine_for_execution", "executionArn", "execution", {}),
    ("redrive_execution", "executionArn", "execution", {}),
    ("list_map_runs", "executionArn", "execution", {}),
    ("describe_activity", "activityArn", "activity", {}),
]


@pytest.fixture(scope="module")
def machine(sfn):
    return create_state_machine(sfn, PASS_DEFINITION)


def missing_arn(kind: str, machine: dict) -> str:
    if kind == "execution":
        # An execution of a state machine that exists.
        return arn(f"execution:{machine['name']}:{uuid.uuid4()}")
    return arn(f"{kind}:{unique('missing')}")


@pytest.mark.parametrize(("operation", "member", "kind", "others"), CALLS, ids=[c[0] for c in CALLS])
def test_an_arn_that_names_nothing_does_not_exist(sfn, machine, operation, member, kind, others):
    code, called = KINDS[kind]
    missing = missing_arn(kind, machine)
    with aws_error(code, f"{called} Does Not Exist: '{missing}'"):
        getattr(sfn, operation)(**{member: missing}, **others)
