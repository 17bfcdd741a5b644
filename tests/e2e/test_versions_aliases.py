"""PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion,
Create/Describe/Update/Delete/ListStateMachineAliases, and executions started on versions and
aliases (recorded cases api_versions_aliases, the API reference)."""

from __future__ import annotations

import collections
import datetime
import json

import pytest

from support import (
    PASS_DEFINITION,
    arn,
    assert_describes_created,
    aws_error,
    create_state_machine,
    definition_with_comment,
    error_code,
    history,
    poll,
    run_to_end,
    unique,
    wait_for_execution,
)


def published_machine(sfn, versions: int = 1, **kwargs):
    """A state machine with `versions` published versions; returns it with their ARNs."""
    machine = create_state_machine(sfn, PASS_DEFINITION, publish=True, **kwargs)
    machine["versions"] = [machine["stateMachineVersionArn"]]
    for i in range(1, versions):
        updated = sfn.update_state_machine(
            stateMachineArn=machine["stateMachineArn"], definition=definition_with_comment(f"Definition for version {i}"), publish=True
        )
        machine["versions"].append(updated["stateMachineVersionArn"])
    return machine


def create_alias(sfn, routing, name=None, description="create state machine alias description"):
    name = name or unique("AliasName")
    response = sfn.create_state_machine_alias(
        name=name,
        description=description,
        routingConfiguration=[{"stateMachineVersionArn": v, "weight": w} for v, w in routing],
    )
    response["name"] = name
    return response


# Versions


def test_create_with_publish_makes_version_1(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION, publish=True)
    assert machine["stateMachineVersionArn"] == f"{machine['stateMachineArn']}:1"
    version = sfn.describe_state_machine(stateMachineArn=machine["stateMachineVersionArn"])
    assert_describes_created(version, machine["stateMachineVersionArn"], machine["name"])
    assert "description" not in version
    base = sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])
    assert base["stateMachineArn"] == machine["stateMachineArn"]
    assert "description" not in base


def test_create_express_with_publish(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION, publish=True, type="EXPRESS")
    assert machine["stateMachineVersionArn"] == f"{machine['stateMachineArn']}:1"


def test_create_with_version_description(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION, publish=True, versionDescription="first cut")
    assert sfn.describe_state_machine(stateMachineArn=machine["stateMachineVersionArn"])["description"] == "first cut"


def test_publish_is_idempotent_without_changes(sfn):
    machine = create_state_machine(sfn)
    first = sfn.publish_state_machine_version(stateMachineArn=machine["stateMachineArn"])
    assert first["stateMachineVersionArn"] == f"{machine['stateMachineArn']}:1"
    assert isinstance(first["creationDate"], datetime.datetime)
    again = sfn.publish_state_machine_version(stateMachineArn=machine["stateMachineArn"])
    assert again["stateMachineVersionArn"] == first["stateMachineVersionArn"]
    assert again["creationDate"] == first["creationDate"]
    versions = sfn.list_state_machine_versions(stateMachineArn=machine["stateMachineArn"])["stateMachineVersions"]
    assert versions == [{"stateMachineVersionArn": first["stateMachineVersionArn"], "creationDate": first["creationDate"]}]


def test_update_with_publish_without_changes_returns_the_same_version(sfn):
    machine = create_state_machine(sfn, PASS_DEFINITION, publish=True)
    for _ in range(2):
        updated = sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=PASS_DEFINITION, publish=True)
        assert updated["stateMachineVersionArn"] == f"{machine['stateMachineArn']}:1"


def test_publish_after_updates_and_list_newest_first(sfn):
    machine = create_state_machine(sfn)
    r1 = sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=definition_with_comment("R1"))
    v1 = sfn.publish_state_machine_version(stateMachineArn=machine["stateMachineArn"])
    assert v1["stateMachineVersionArn"] == f"{machine['stateMachineArn']}:1"
    described = sfn.describe_state_machine(stateMachineArn=v1["stateMachineVersionArn"])
    assert described["definition"] == definition_with_comment("R1")
    assert described["revisionId"] == r1["revisionId"]

    r2 = sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=definition_with_comment("R2"))
    v2 = sfn.publish_state_machine_version(stateMachineArn=machine["stateMachineArn"], description="PublishedV2Description")
    assert v2["stateMachineVersionArn"] == f"{machine['stateMachineArn']}:2"
    described = sfn.describe_state_machine(stateMachineArn=v2["stateMachineVersionArn"])
    assert described["description"] == "PublishedV2Description"
    assert described["revisionId"] == r2["revisionId"]
    # The first version still runs its own definition.
    assert sfn.describe_state_machine(stateMachineArn=v1["stateMachineVersionArn"])["definition"] == definition_with_comment("R1")

    listed = sfn.list_state_machine_versions(stateMachineArn=machine["stateMachineArn"])
    assert [v["stateMachineVersionArn"] for v in listed["stateMachineVersions"]] == [
        v2["stateMachineVersionArn"],
        v1["stateMachineVersionArn"],
    ]
    assert "nextToken" not in listed

    r3 = sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=definition_with_comment("R3"))
    with aws_error(
        "ConflictException",
        f"Failed to publish the State Machine version for revision {r2['revisionId']}. "
        f"The current State Machine revision is {r3['revisionId']}.",
    ):
        sfn.publish_state_machine_version(stateMachineArn=machine["stateMachineArn"], revisionId=r2["revisionId"])
    v3 = sfn.publish_state_machine_version(stateMachineArn=machine["stateMachineArn"], revisionId=r3["revisionId"])
    assert v3["stateMachineVersionArn"] == f"{machine['stateMachineArn']}:3"


def test_list_versions_pages(sfn):
    machine = published_machine(sfn, versions=3)
    first = sfn.list_state_machine_versions(stateMachineArn=machine["stateMachineArn"], maxResults=2)
    assert [v["stateMachineVersionArn"] for v in first["stateMachineVersions"]] == machine["versions"][:0:-1]
    rest = sfn.list_state_machine_versions(stateMachineArn=machine["stateMachineArn"], maxResults=2, nextToken=first["nextToken"])
    assert [v["stateMachineVersionArn"] for v in rest["stateMachineVersions"]] == machine["versions"][:1]
    assert "nextToken" not in rest


def test_list_versions_invalid_token(sfn):
    machine = published_machine(sfn)
    with aws_error("InvalidToken", "Invalid Token: 'Invalid token'"):
        sfn.list_state_machine_versions(stateMachineArn=machine["stateMachineArn"], nextToken="InvalidToken")


def test_update_on_a_version_arn_does_not_exist(sfn):
    machine = published_machine(sfn, versions=2)
    version = machine["versions"][1]
    for publish in (False, True):
        with aws_error("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{version}'"):
            sfn.update_state_machine(stateMachineArn=version, definition=definition_with_comment("R3"), publish=publish)


def test_execution_on_a_version(sfn):
    machine = published_machine(sfn)
    version = machine["versions"][0]
    on_base = run_to_end(sfn, machine["stateMachineArn"])
    assert "stateMachineVersionArn" not in on_base
    started = sfn.start_execution(stateMachineArn=version)
    assert started["executionArn"].startswith(arn(f"execution:{machine['name']}:"))
    on_version = wait_for_execution(sfn, started["executionArn"])
    assert on_version["status"] == "SUCCEEDED"
    assert on_version["stateMachineArn"] == machine["stateMachineArn"]
    assert on_version["stateMachineVersionArn"] == version
    assert "stateMachineAliasArn" not in on_version

    all_runs = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    assert [e["executionArn"] for e in all_runs] == [on_version["executionArn"], on_base["executionArn"]]
    version_runs = sfn.list_executions(stateMachineArn=version)["executions"]
    assert [e["executionArn"] for e in version_runs] == [on_version["executionArn"]]
    assert version_runs[0]["stateMachineVersionArn"] == version
    assert version_runs[0]["stateMachineArn"] == machine["stateMachineArn"]

    started_event = history(sfn, on_version["executionArn"])[0]
    assert started_event["executionStartedEventDetails"]["stateMachineVersionArn"] == version


def test_version_runs_its_own_definition(sfn):
    machine = create_state_machine(sfn, json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "v1", "End": True}}}), publish=True)
    updated = sfn.update_state_machine(
        stateMachineArn=machine["stateMachineArn"],
        definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "v2", "End": True}}}),
        publish=True,
    )
    assert json.loads(run_to_end(sfn, machine["stateMachineVersionArn"])["output"]) == "v1"
    assert json.loads(run_to_end(sfn, updated["stateMachineVersionArn"])["output"]) == "v2"
    assert json.loads(run_to_end(sfn, machine["stateMachineArn"])["output"]) == "v2"


def test_describe_state_machine_for_execution_of_a_version(sfn):
    machine = create_state_machine(sfn)
    updated = sfn.update_state_machine(
        stateMachineArn=machine["stateMachineArn"], definition=definition_with_comment("BASE_PASS_RESULT-R2"), publish=True
    )
    done = run_to_end(sfn, updated["stateMachineVersionArn"])
    described = sfn.describe_state_machine_for_execution(executionArn=done["executionArn"])
    assert described["stateMachineArn"] == machine["stateMachineArn"]
    assert described["definition"] == definition_with_comment("BASE_PASS_RESULT-R2")
    assert described["revisionId"] == updated["revisionId"]
    assert described["name"] == machine["name"]


def test_delete_version(sfn):
    machine = published_machine(sfn, versions=2)
    v1, v2 = machine["versions"]
    response = sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    listed = sfn.list_state_machine_versions(stateMachineArn=machine["stateMachineArn"])["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in listed] == [v2]
    with aws_error("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{v1}'"):
        sfn.describe_state_machine(stateMachineArn=v1)
    with aws_error("StateMachineDoesNotExist"):
        sfn.start_execution(stateMachineArn=v1)
    # Version numbers are not reused.
    v3 = sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=definition_with_comment("again"), publish=True)
    assert v3["stateMachineVersionArn"] == f"{machine['stateMachineArn']}:3"


def test_delete_version_invalid_arn(sfn):
    with aws_error("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: nope'"):
        sfn.delete_state_machine_version(stateMachineVersionArn="nope")


def test_delete_version_referenced_by_alias(sfn):
    machine = published_machine(sfn)
    alias = create_alias(sfn, [(machine["versions"][0], 100)])
    with aws_error(
        "ConflictException",
        "Version to be deleted must not be referenced by an alias. "
        f"Current list of aliases referencing this version: [{alias['name']}]",
    ):
        sfn.delete_state_machine_version(stateMachineVersionArn=machine["versions"][0])
    # Once the alias routes elsewhere, the version can go.
    v2 = sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=definition_with_comment("Definition v1"), publish=True)
    sfn.update_state_machine_alias(
        stateMachineAliasArn=alias["stateMachineAliasArn"],
        routingConfiguration=[{"stateMachineVersionArn": v2["stateMachineVersionArn"], "weight": 100}],
    )
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])
    assert described["routingConfiguration"] == [{"stateMachineVersionArn": v2["stateMachineVersionArn"], "weight": 100}]
    assert sfn.delete_state_machine_version(stateMachineVersionArn=machine["versions"][0])["ResponseMetadata"]["HTTPStatusCode"] == 200


# Aliases


def test_create_and_describe_alias(sfn):
    machine = published_machine(sfn)
    assert sfn.list_state_machine_aliases(stateMachineArn=machine["stateMachineArn"])["stateMachineAliases"] == []
    alias = create_alias(sfn, [(machine["versions"][0], 100)])
    assert alias["stateMachineAliasArn"] == f"{machine['stateMachineArn']}:{alias['name']}"
    assert isinstance(alias["creationDate"], datetime.datetime)
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])
    assert described["stateMachineAliasArn"] == alias["stateMachineAliasArn"]
    assert described["name"] == alias["name"]
    assert described["description"] == "create state machine alias description"
    assert described["routingConfiguration"] == [{"stateMachineVersionArn": machine["versions"][0], "weight": 100}]
    assert described["creationDate"] == alias["creationDate"]
    listed = sfn.list_state_machine_aliases(stateMachineArn=machine["stateMachineArn"])
    assert listed["stateMachineAliases"] == [
        {"stateMachineAliasArn": alias["stateMachineAliasArn"], "creationDate": alias["creationDate"]}
    ]


def test_create_alias_is_idempotent(sfn):
    machine = published_machine(sfn)
    name = unique("AliasName")
    first = create_alias(sfn, [(machine["versions"][0], 100)], name=name)
    again = create_alias(sfn, [(machine["versions"][0], 100)], name=name)
    assert again["stateMachineAliasArn"] == first["stateMachineAliasArn"]
    assert again["creationDate"] == first["creationDate"]
    second = create_alias(sfn, [(machine["versions"][0], 100)], name=f"{name}-second")
    listed = sfn.list_state_machine_aliases(stateMachineArn=machine["stateMachineArn"])["stateMachineAliases"]
    assert sorted(a["stateMachineAliasArn"] for a in listed) == sorted([first["stateMachineAliasArn"], second["stateMachineAliasArn"]])


def test_create_alias_with_other_parameters_conflicts(sfn):
    machine = published_machine(sfn, versions=2)
    name = unique("AliasName")
    create_alias(sfn, [(machine["versions"][0], 100)], name=name)
    message = "Failed to create alias because an alias with the same name and a different routing configuration already exists."
    with aws_error("ConflictException", message):
        create_alias(sfn, [(machine["versions"][0], 100)], name=name, description="This is a different description")
    with aws_error("ConflictException", message):
        create_alias(sfn, [(machine["versions"][0], 50), (machine["versions"][1], 50)], name=name)


def test_create_alias_on_unversioned_arn(sfn):
    machine = published_machine(sfn)
    with aws_error(
        "ValidationException",
        f"Routing configuration must contain state machine version ARNs. Received: [{machine['stateMachineArn']}]",
    ):
        create_alias(sfn, [(machine["stateMachineArn"], 100)])


@pytest.mark.parametrize("weights", [(50, 40), (100, 100), (0, 0)])
def test_create_alias_weights_must_sum_to_100(sfn, weights):
    machine = published_machine(sfn, versions=2)
    with aws_error("ValidationException"):
        create_alias(sfn, list(zip(machine["versions"], weights)))


def test_create_alias_with_more_than_two_versions(sfn_unvalidated):
    machine = published_machine(sfn_unvalidated, versions=3)
    with aws_error("ValidationException"):
        create_alias(sfn_unvalidated, list(zip(machine["versions"], (40, 30, 30))))


def test_create_alias_with_the_same_version_twice(sfn):
    machine = published_machine(sfn)
    with aws_error("ValidationException"):
        create_alias(sfn, [(machine["versions"][0], 50), (machine["versions"][0], 50)])


def test_create_alias_with_numeric_name(sfn_unvalidated):
    # Alias names need a letter, '_', '-' or '.', so that they never look like a version number.
    machine = published_machine(sfn_unvalidated)
    with aws_error("ValidationException"):
        create_alias(sfn_unvalidated, [(machine["versions"][0], 100)], name="123")


def test_create_alias_on_missing_version(sfn):
    machine = published_machine(sfn)
    with aws_error("ResourceNotFound"):
        create_alias(sfn, [(f"{machine['stateMachineArn']}:99", 100)])


def test_update_alias(sfn):
    machine = published_machine(sfn, versions=2)
    alias = create_alias(sfn, [(machine["versions"][0], 100)])
    updated = sfn.update_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"], description="new description")
    assert isinstance(updated["updateDate"], datetime.datetime)
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])
    assert described["description"] == "new description"
    assert described["updateDate"] == updated["updateDate"]
    assert described["routingConfiguration"] == [{"stateMachineVersionArn": machine["versions"][0], "weight": 100}]

    sfn.update_state_machine_alias(
        stateMachineAliasArn=alias["stateMachineAliasArn"],
        routingConfiguration=[
            {"stateMachineVersionArn": machine["versions"][0], "weight": 50},
            {"stateMachineVersionArn": machine["versions"][1], "weight": 50},
        ],
    )
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])
    assert described["description"] == "new description"
    assert described["routingConfiguration"] == [
        {"stateMachineVersionArn": machine["versions"][0], "weight": 50},
        {"stateMachineVersionArn": machine["versions"][1], "weight": 50},
    ]
    assert described["creationDate"] == alias["creationDate"]


def test_alias_routes_executions_by_weight(sfn):
    machine = published_machine(sfn, versions=2)
    alias = create_alias(sfn, [(machine["versions"][0], 50), (machine["versions"][1], 50)])
    executions = [sfn.start_execution(stateMachineArn=alias["stateMachineAliasArn"])["executionArn"] for _ in range(24)]
    used = collections.Counter()
    for execution_arn in executions:
        described = wait_for_execution(sfn, execution_arn)
        assert described["status"] == "SUCCEEDED"
        assert described["stateMachineArn"] == machine["stateMachineArn"]
        assert described["stateMachineAliasArn"] == alias["stateMachineAliasArn"]
        used[described["stateMachineVersionArn"]] += 1
    # Both versions get traffic (all 24 on one side would happen with probability 2^-23).
    assert set(used) == set(machine["versions"])

    through_alias = sfn.list_executions(stateMachineArn=alias["stateMachineAliasArn"], maxResults=1000)["executions"]
    assert sorted(e["executionArn"] for e in through_alias) == sorted(executions)
    assert all(e["stateMachineAliasArn"] == alias["stateMachineAliasArn"] for e in through_alias)
    started = history(sfn, executions[0])[0]["executionStartedEventDetails"]
    assert started["stateMachineAliasArn"] == alias["stateMachineAliasArn"]
    assert started["stateMachineVersionArn"] in machine["versions"]


def test_execution_on_alias_and_version_listed_on_the_state_machine(sfn):
    machine = published_machine(sfn)
    alias = create_alias(sfn, [(machine["versions"][0], 100)])
    on_alias = run_to_end(sfn, alias["stateMachineAliasArn"], input="{}")
    assert on_alias["stateMachineAliasArn"] == alias["stateMachineAliasArn"]
    assert on_alias["stateMachineVersionArn"] == machine["versions"][0]
    assert on_alias["redriveStatus"] == "NOT_REDRIVABLE"
    on_version = run_to_end(sfn, machine["versions"][0], input="{}")
    assert "stateMachineAliasArn" not in on_version
    listed = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    assert [e["executionArn"] for e in listed] == [on_version["executionArn"], on_alias["executionArn"]]
    assert listed[1]["stateMachineAliasArn"] == alias["stateMachineAliasArn"]
    assert listed[1]["stateMachineVersionArn"] == machine["versions"][0]
    assert "stateMachineAliasArn" not in listed[0]


def test_list_aliases_pages_and_invalid_token(sfn):
    machine = published_machine(sfn)
    aliases = [create_alias(sfn, [(machine["versions"][0], 100)])["stateMachineAliasArn"] for _ in range(3)]
    first = sfn.list_state_machine_aliases(stateMachineArn=machine["stateMachineArn"], maxResults=2)
    rest = sfn.list_state_machine_aliases(stateMachineArn=machine["stateMachineArn"], maxResults=2, nextToken=first["nextToken"])
    assert len(first["stateMachineAliases"]) == 2 and len(rest["stateMachineAliases"]) == 1 and "nextToken" not in rest
    assert sorted(a["stateMachineAliasArn"] for a in first["stateMachineAliases"] + rest["stateMachineAliases"]) == sorted(aliases)
    with aws_error("InvalidToken", "Invalid Token: 'Invalid token'"):
        sfn.list_state_machine_aliases(stateMachineArn=machine["stateMachineArn"], nextToken="InvalidToken")


def test_delete_alias(sfn):
    machine = published_machine(sfn)
    alias = create_alias(sfn, [(machine["versions"][0], 100)])
    assert sfn.delete_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sfn.list_state_machine_aliases(stateMachineArn=machine["stateMachineArn"])["stateMachineAliases"] == []
    with aws_error("ResourceNotFound"):
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])
    # Recorded: deleting it again is not an error; updating it is.
    assert sfn.delete_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])["ResponseMetadata"]["HTTPStatusCode"] == 200
    with aws_error("ResourceNotFound", "Request references a resource that does not exist."):
        sfn.update_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"], description="Updated state machine alias description")
    with aws_error("StateMachineDoesNotExist"):
        sfn.start_execution(stateMachineArn=alias["stateMachineAliasArn"])
    # The version it routed to can now be deleted.
    sfn.delete_state_machine_version(stateMachineVersionArn=machine["versions"][0])


def test_alias_invalid_arns(sfn):
    with aws_error("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: nope'"):
        sfn.describe_state_machine_alias(stateMachineAliasArn="nope")
    with aws_error("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: nope'"):
        sfn.delete_state_machine_alias(stateMachineAliasArn="nope")
    with aws_error("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: nope'"):
        sfn.update_state_machine_alias(stateMachineAliasArn="nope", description="x")


def test_update_alias_needs_a_change(sfn):
    machine = published_machine(sfn)
    alias = create_alias(sfn, [(machine["versions"][0], 100)])
    with aws_error("ValidationException"):
        sfn.update_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])


def test_delete_state_machine_with_alias_and_versions(sfn):
    machine = published_machine(sfn, versions=2)
    alias = create_alias(sfn, [(machine["versions"][0], 100)])
    assert sfn.delete_state_machine(stateMachineArn=machine["stateMachineArn"])["ResponseMetadata"]["HTTPStatusCode"] == 200
    # Deletion may take a moment; what it answers first must be "gone".
    for version in machine["versions"]:
        code = poll(lambda: error_code(lambda: sfn.describe_state_machine(stateMachineArn=version)), what=f"{version} to go")
        assert code == "StateMachineDoesNotExist"
    code = poll(
        lambda: error_code(lambda: sfn.describe_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])),
        what="the alias to go",
    )
    assert code == "ResourceNotFound"
