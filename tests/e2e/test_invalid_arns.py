"""Every operation that takes an ARN answers AWS's InvalidArn for text that is not one, with the
message AWS gives (recorded: `Invalid Arn: 'Invalid ARN prefix: <text>'`)."""

from __future__ import annotations

import pytest

from support import PASS_DEFINITION, aws_error

# (operation, the ARN member, the text sent, the other members the call needs)
CALLS = [
    ("describe_activity", "activityArn", "no_an_activity_arn", {}),
    ("delete_activity", "activityArn", "nope", {}),
    ("get_activity_task", "activityArn", "nope", {}),
    ("start_execution", "stateMachineArn", "not-an-arn", {}),
    ("describe_execution", "executionArn", "invalid_state_machine_arn", {}),
    ("stop_execution", "executionArn", "nope", {}),
    ("list_executions", "stateMachineArn", "nope", {}),
    ("get_execution_history", "executionArn", "invalid_state_machine_arn", {}),
    ("describe_state_machine_for_execution", "executionArn", "nope", {}),
    ("redrive_execution", "executionArn", "nope", {}),
    ("list_map_runs", "executionArn", "nope", {}),
    ("describe_map_run", "mapRunArn", "nope", {}),
    ("update_map_run", "mapRunArn", "nope", {"maxConcurrency": 5}),
    ("describe_state_machine", "stateMachineArn", "not_a_valid_arn", {}),
    ("update_state_machine", "stateMachineArn", "nope", {"definition": PASS_DEFINITION}),
    ("delete_state_machine", "stateMachineArn", "not-an-arn", {}),
    ("list_tags_for_resource", "resourceArn", "nope", {}),
    ("tag_resource", "resourceArn", "nope", {"tags": [{"key": "k", "value": "v"}]}),
    ("untag_resource", "resourceArn", "nope", {"tagKeys": ["k"]}),
    ("publish_state_machine_version", "stateMachineArn", "invalid_arn", {}),
]


@pytest.mark.parametrize(("operation", "member", "text", "others"), CALLS, ids=[c[0] for c in CALLS])
def test_text_that_is_no_arn_is_invalid_arn(sfn, operation, member, text, others):
    with aws_error("InvalidArn", f"Invalid Arn: 'Invalid ARN prefix: {text}'"):
        getattr(sfn, operation)(**{member: text}, **others)
