"""CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine,
ListStateMachines: what AWS answers (recorded cases api_state_machine, the API reference)."""

from __future__ import annotations

import datetime
import json

import pytest

from support import (
    ACCOUNT,
    ECHO_DEFINITION,
    OTHER_ROLE_ARN,
    PASS_DEFINITION,
    REGION,
    ROLE_ARN,
    WAIT_DEFINITION,
    activity_definition,
    arn,
    assert_describes_created,
    aws_error,
    create_state_machine,
    definition_with_comment,
    poll,
    unique,
    wait_for_deletion,
)

DEFAULT_LOGGING = {"level": "OFF", "includeExecutionData": False}
DEFAULT_TRACING = {"enabled": False}
# Every state machine and activity is encrypted with an AWS-owned key unless told otherwise
# (recorded on AWS since late 2024).
DEFAULT_ENCRYPTION = {"type": "AWS_OWNED_KEY"}


def test_create_returns_arn_in_request_region_and_account(sfn):
    name = unique("statemachine")
    created = sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=ROLE_ARN)
    assert created["stateMachineArn"] == arn(f"stateMachine:{name}")
    assert isinstance(created["creationDate"], datetime.datetime)
    assert "stateMachineVersionArn" not in created


def test_describe_returns_what_was_created(sfn):
    created = create_state_machine(sfn)
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert_describes_created(described, created["stateMachineArn"], created["name"])
    assert described["creationDate"] == created["creationDate"]
    assert described["loggingConfiguration"] == DEFAULT_LOGGING
    assert described["tracingConfiguration"] == DEFAULT_TRACING
    assert described["encryptionConfiguration"] == DEFAULT_ENCRYPTION
    # Never updated: no revision yet, and no variables referenced.
    assert "revisionId" not in described
    assert "variableReferences" not in described


def test_describe_keeps_the_definition_text_verbatim(sfn):
    definition = '{\n  "StartAt": "A",\n  "States": {"A": {"Type": "Pass", "End": true}}\n}'
    created = create_state_machine(sfn, definition)
    assert sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])["definition"] == definition


def test_describe_lists_variable_references(sfn):
    definition = json.dumps(
        {
            "Comment": "BASE_REFERENCE_IN_FAIL",
            "StartAt": "Pass",
            "States": {
                "Pass": {
                    "Type": "Pass",
                    "Assign": {"errorVar": "Exception", "causeVar": "An Exception was encountered"},
                    "Next": "Fail",
                },
                "Fail": {"Type": "Fail", "CausePath": "$causeVar", "ErrorPath": "$errorVar"},
            },
        }
    )
    created = create_state_machine(sfn, definition)
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["variableReferences"] == {"Fail": ["causeVar", "errorVar"]}


def test_express_state_machine(sfn):
    created = create_state_machine(sfn, type="EXPRESS")
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["type"] == "EXPRESS"
    assert sfn.delete_state_machine(stateMachineArn=created["stateMachineArn"])["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_create_with_identical_parameters_is_idempotent(sfn):
    name = unique("idempotent")
    first = sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=ROLE_ARN)
    second = sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=ROLE_ARN)
    assert second["stateMachineArn"] == first["stateMachineArn"]
    assert second["creationDate"] == first["creationDate"]


def test_create_idempotency_ignores_role_and_tags(sfn):
    # AWS: a different roleArn or tags is treated as the same request; neither is updated.
    name = unique("idempotent")
    first = sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=ROLE_ARN)
    second = sfn.create_state_machine(
        name=name, definition=PASS_DEFINITION, roleArn=OTHER_ROLE_ARN, tags=[{"key": "k", "value": "v"}]
    )
    assert second["stateMachineArn"] == first["stateMachineArn"]
    described = sfn.describe_state_machine(stateMachineArn=first["stateMachineArn"])
    assert described["roleArn"] == ROLE_ARN
    assert sfn.list_tags_for_resource(resourceArn=first["stateMachineArn"])["tags"] == []


def test_create_same_name_other_definition_already_exists(sfn):
    created = create_state_machine(sfn)
    other = definition_with_comment("another definition")
    with aws_error("StateMachineAlreadyExists", f"State Machine Already Exists: '{created['stateMachineArn']}'"):
        sfn.create_state_machine(name=created["name"], definition=other, roleArn=ROLE_ARN)


def test_create_same_definition_reformatted_already_exists(sfn):
    # Recorded: the idempotency check compares the definition text, not its JSON value.
    created = create_state_machine(sfn)
    reformatted = json.dumps(json.loads(PASS_DEFINITION), indent=4)
    with aws_error("StateMachineAlreadyExists", f"State Machine Already Exists: '{created['stateMachineArn']}'"):
        sfn.create_state_machine(name=created["name"], definition=reformatted, roleArn=ROLE_ARN)


def test_create_same_name_other_type_already_exists(sfn):
    created = create_state_machine(sfn)
    with aws_error("StateMachineAlreadyExists"):
        sfn.create_state_machine(name=created["name"], definition=PASS_DEFINITION, roleArn=ROLE_ARN, type="EXPRESS")


@pytest.mark.parametrize(
    "name",
    ["has space", "slash/inside", "star*", "question?", "brace{", "bracket[", "colon:", "dollar$", "hash#", "ctrl\u0001char"],
)
def test_create_with_invalid_name(sfn, name):
    with aws_error("InvalidName"):
        sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=ROLE_ARN)


@pytest.mark.parametrize("name", ["state.machine_punctuation", "a-b_c.d", "x" * 80, "Ünïcödé"])
def test_create_with_valid_unusual_names(sfn, name):
    name = name if len(name) == 80 else f"{name}-{unique('n')[-6:]}"
    created = sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=ROLE_ARN)
    assert created["stateMachineArn"] == arn(f"stateMachine:{name}")
    assert sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])["name"] == name


@pytest.mark.parametrize(
    ("request_members", "message"),
    [
        pytest.param(
            {"name": "n" * 81},
            f"Value '{'n' * 81}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80",
            id="name-over-80-characters",
        ),
        pytest.param(
            {"type": "BATCH"},
            "Value 'BATCH' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]",
            id="invalid-type",
        ),
        pytest.param(
            {"roleArn": None},
            "Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
            id="without-role",
        ),
    ],
)
def test_create_request_is_validated(sfn_unvalidated, request_members, message):
    request = {"name": unique("v"), "definition": PASS_DEFINITION, "roleArn": ROLE_ARN, **request_members}
    # None: the member is left out of the request.
    request = {member: value for member, value in request.items() if value is not None}
    with aws_error("ValidationException", f"1 validation error detected: {message}"):
        sfn_unvalidated.create_state_machine(**request)


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        pytest.param(
            {"Comment": "BASE_INVALID_DER", "StartAt": "State_1"},
            "These fields are required: [States] at /",
            id="without-states",
        ),
        pytest.param(
            {
                "Comment": "WAIT_TIMESTAMP",
                "StartAt": "WaitUntil",
                "States": {"WaitUntil": {"Type": "Wait", "Timestamp": "2016-13-05T21:29:29Z", "End": True}},
            },
            "String does not match RFC3339 timestamp at /States/WaitUntil/Timestamp",
            id="invalid-timestamp",
        ),
    ],
)
def test_create_with_an_invalid_definition(sfn, definition, problem):
    with aws_error("InvalidDefinition", f"Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: {problem}'"):
        sfn.create_state_machine(name=unique("invalid"), definition=json.dumps(definition), roleArn=ROLE_ARN)


def test_create_with_non_json_definition_is_invalid_definition(sfn):
    with aws_error("InvalidDefinition", message_prefix="Invalid State Machine Definition: '"):
        sfn.create_state_machine(name=unique("invalid"), definition="not a definition", roleArn=ROLE_ARN)


def test_express_state_machine_cannot_use_an_activity(sfn):
    activity_arn = sfn.create_activity(name=unique("activity"))["activityArn"]
    definition = activity_definition(activity_arn)
    with aws_error(
        "InvalidDefinition",
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not "
        "support Activity ARN at /States/ActivityTask/Resource'",
    ):
        sfn.create_state_machine(name=unique("express"), definition=definition, roleArn=ROLE_ARN, type="EXPRESS")


def test_tracing_and_logging_configuration_are_stored(sfn):
    created = create_state_machine(
        sfn,
        tracingConfiguration={"enabled": True},
        loggingConfiguration={"level": "OFF", "includeExecutionData": False},
    )
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["tracingConfiguration"] == {"enabled": True}
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}


def test_logging_level_without_destination_is_invalid(sfn):
    # AWS: destinations are required when the level is not OFF.
    with aws_error("InvalidLoggingConfiguration"):
        create_state_machine(sfn, loggingConfiguration={"level": "ALL", "includeExecutionData": True})


def test_update_definition_sets_revision(sfn):
    created = create_state_machine(sfn)
    new_definition = definition_with_comment("AfterUpdate1")
    updated = sfn.update_state_machine(stateMachineArn=created["stateMachineArn"], definition=new_definition)
    assert isinstance(updated["updateDate"], datetime.datetime)
    assert updated["revisionId"]
    assert "stateMachineVersionArn" not in updated
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["definition"] == new_definition
    assert described["revisionId"] == updated["revisionId"]
    assert described["roleArn"] == ROLE_ARN
    assert described["creationDate"] == created["creationDate"]

    again = sfn.update_state_machine(stateMachineArn=created["stateMachineArn"], definition=definition_with_comment("AfterUpdate2"))
    assert again["revisionId"] != updated["revisionId"]


def test_update_role_only(sfn):
    created = create_state_machine(sfn)
    updated = sfn.update_state_machine(stateMachineArn=created["stateMachineArn"], roleArn=OTHER_ROLE_ARN)
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["roleArn"] == OTHER_ROLE_ARN
    assert described["definition"] == PASS_DEFINITION
    assert described["revisionId"] == updated["revisionId"]


def test_update_with_same_parameters_keeps_revision(sfn):
    # Recorded: an update that changes nothing returns the current revision.
    created = create_state_machine(sfn)
    first = sfn.update_state_machine(stateMachineArn=created["stateMachineArn"], roleArn=OTHER_ROLE_ARN)
    same = sfn.update_state_machine(
        stateMachineArn=created["stateMachineArn"], definition=PASS_DEFINITION, roleArn=OTHER_ROLE_ARN
    )
    assert same["revisionId"] == first["revisionId"]


def test_update_tracing_configuration(sfn):
    created = create_state_machine(sfn)
    sfn.update_state_machine(stateMachineArn=created["stateMachineArn"], tracingConfiguration={"enabled": True})
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["tracingConfiguration"] == {"enabled": True}


def test_update_without_changes_is_missing_parameter(sfn):
    created = create_state_machine(sfn)
    with aws_error("MissingRequiredParameter"):
        sfn.update_state_machine(stateMachineArn=created["stateMachineArn"])


def test_update_with_invalid_definition(sfn):
    created = create_state_machine(sfn)
    with aws_error("InvalidDefinition", message_prefix="Invalid State Machine Definition: '"):
        sfn.update_state_machine(stateMachineArn=created["stateMachineArn"], definition='{"StartAt": "Nowhere"}')
    # The failed update changed nothing.
    assert sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])["definition"] == PASS_DEFINITION


def test_update_with_publish_creates_version(sfn):
    created = create_state_machine(sfn)
    updated = sfn.update_state_machine(
        stateMachineArn=created["stateMachineArn"], definition=definition_with_comment("R1"), publish=True
    )
    assert updated["stateMachineVersionArn"] == f"{created['stateMachineArn']}:1"
    assert updated["revisionId"]


def test_delete_then_describe_is_gone(sfn):
    created = create_state_machine(sfn)
    response = sfn.delete_state_machine(stateMachineArn=created["stateMachineArn"])
    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {}
    wait_for_deletion(sfn, created["stateMachineArn"], what="the state machine to be deleted")


def test_delete_missing_state_machine_succeeds(sfn):
    # Recorded: deleting a state machine that does not exist is not an error.
    response = sfn.delete_state_machine(stateMachineArn=arn(f"stateMachine:{unique('missing')}"))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_delete_with_running_execution_is_deleting_until_it_ends(sfn):
    created = create_state_machine(sfn, WAIT_DEFINITION)
    execution_arn = sfn.start_execution(stateMachineArn=created["stateMachineArn"])["executionArn"]
    sfn.delete_state_machine(stateMachineArn=created["stateMachineArn"])
    assert sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])["status"] == "DELETING"
    with aws_error("StateMachineDeleting"):
        sfn.start_execution(stateMachineArn=created["stateMachineArn"])
    sfn.stop_execution(executionArn=execution_arn)
    wait_for_deletion(sfn, created["stateMachineArn"], what="the state machine to be deleted once its execution ended")


def test_list_state_machines_pages(fresh_server):
    sfn = fresh_server().client()
    assert sfn.list_state_machines()["stateMachines"] == []
    created = {}
    for i in range(5):
        c = create_state_machine(sfn, name=f"list-{i}", type="EXPRESS" if i == 4 else "STANDARD")
        created[c["stateMachineArn"]] = c

    listed = sfn.list_state_machines()
    assert "nextToken" not in listed
    assert {m["stateMachineArn"] for m in listed["stateMachines"]} == set(created)
    for item in listed["stateMachines"]:
        c = created[item["stateMachineArn"]]
        assert item["name"] == c["name"]
        assert item["type"] == ("EXPRESS" if c["name"] == "list-4" else "STANDARD")
        assert item["creationDate"] == c["creationDate"]
        assert set(item) == {"stateMachineArn", "name", "type", "creationDate"}

    first = sfn.list_state_machines(maxResults=2)
    assert len(first["stateMachines"]) == 2 and first["nextToken"]
    second = sfn.list_state_machines(maxResults=2, nextToken=first["nextToken"])
    assert len(second["stateMachines"]) == 2 and second["nextToken"]
    third = sfn.list_state_machines(maxResults=2, nextToken=second["nextToken"])
    assert len(third["stateMachines"]) == 1 and "nextToken" not in third
    paged = [m["stateMachineArn"] for page in (first, second, third) for m in page["stateMachines"]]
    assert sorted(paged) == sorted(created)

    pages = list(sfn.get_paginator("list_state_machines").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["stateMachines"]) for p in pages] == [3, 2]
    # maxResults 0 means the default page size (100).
    assert len(sfn.list_state_machines(maxResults=0)["stateMachines"]) == 5


def test_list_state_machines_does_not_show_deleted(fresh_server):
    sfn = fresh_server().client()
    kept = create_state_machine(sfn)
    dropped = create_state_machine(sfn)
    sfn.delete_state_machine(stateMachineArn=dropped["stateMachineArn"])
    poll(
        lambda: [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]] == [kept["stateMachineArn"]],
        what="the deleted state machine to leave the list",
    )


def test_list_state_machines_invalid_token(sfn):
    with aws_error("InvalidToken", "Invalid Token: 'Invalid token'"):
        sfn.list_state_machines(nextToken="InvalidToken")


def test_list_state_machines_max_results_over_1000(sfn_unvalidated):
    with aws_error(
        "ValidationException",
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000",
    ):
        sfn_unvalidated.list_state_machines(maxResults=1001)


def test_regions_are_kept_apart(fresh_server):
    server = fresh_server()
    east = server.client("us-east-1")
    west = server.client("us-west-2")
    created = create_state_machine(west, ECHO_DEFINITION)
    assert created["stateMachineArn"] == arn(f"stateMachine:{created['name']}", region="us-west-2")
    assert [m["stateMachineArn"] for m in west.list_state_machines()["stateMachines"]] == [created["stateMachineArn"]]
    assert east.list_state_machines()["stateMachines"] == []
    # The same name is free in the other region.
    other = create_state_machine(east, PASS_DEFINITION, name=created["name"])
    assert other["stateMachineArn"] == arn(f"stateMachine:{created['name']}", region="us-east-1")


def test_account_id_from_environment(fresh_server):
    sfn = fresh_server(env={"AWS_ACCOUNT_ID": "000000000042"}).client()
    created = create_state_machine(sfn)
    assert created["stateMachineArn"] == f"arn:aws:states:{REGION}:000000000042:stateMachine:{created['name']}"
    assert ACCOUNT != "000000000042"
