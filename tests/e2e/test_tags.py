"""TagResource, UntagResource, ListTagsForResource on state machines and activities (recorded
cases api_tags; AWS allows 50 tags per resource, keys of 1-128 and values of 0-256 characters)."""

from __future__ import annotations

import pytest

from support import PASS_DEFINITION, arn, aws_error, create_state_machine, error_code, poll, unique


def tags(*pairs):
    return [{"key": k, "value": v} for k, v in pairs]


@pytest.fixture
def machine(sfn):
    return create_state_machine(sfn, PASS_DEFINITION)


@pytest.fixture
def activity(sfn):
    return sfn.create_activity(name=unique("tagged"))


def listed(sfn, resource_arn):
    return sfn.list_tags_for_resource(resourceArn=resource_arn)["tags"]


def test_create_state_machine_with_tags(sfn):
    created = create_state_machine(sfn, PASS_DEFINITION, tags=tags(("key1", "value1"), ("key2", "value2")))
    assert listed(sfn, created["stateMachineArn"]) == tags(("key1", "value1"), ("key2", "value2"))


def test_new_state_machine_has_no_tags(sfn, machine):
    assert listed(sfn, machine["stateMachineArn"]) == []


@pytest.mark.parametrize(
    "tag_list, expected",
    [
        ([], []),
        (tags(("key1", "value1")), tags(("key1", "value1"))),
        (tags(("key1", "")), tags(("key1", ""))),
        (tags(("key1", "value1"), ("key1", "value1")), tags(("key1", "value1"))),
        (tags(("key1", "value1"), ("key2", "value2")), tags(("key1", "value1"), ("key2", "value2"))),
    ],
)
def test_tag_state_machine(sfn, machine, tag_list, expected):
    response = sfn.tag_resource(resourceArn=machine["stateMachineArn"], tags=tag_list)
    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {}
    assert listed(sfn, machine["stateMachineArn"]) == expected


def test_tagging_a_key_again_replaces_its_value(sfn, machine):
    sfn.tag_resource(resourceArn=machine["stateMachineArn"], tags=tags(("env", "dev"), ("team", "a")))
    sfn.tag_resource(resourceArn=machine["stateMachineArn"], tags=tags(("env", "prod")))
    assert sorted((t["key"], t["value"]) for t in listed(sfn, machine["stateMachineArn"])) == [("env", "prod"), ("team", "a")]


@pytest.mark.parametrize(
    "tag_keys, remaining",
    [([], [("key1", "value1")]), (["key1"], []), (["key1", "key1"], []), (["key1", "key2"], [])],
)
def test_untag_state_machine(sfn, machine, tag_keys, remaining):
    sfn.tag_resource(resourceArn=machine["stateMachineArn"], tags=tags(("key1", "value1")))
    response = sfn.untag_resource(resourceArn=machine["stateMachineArn"], tagKeys=tag_keys)
    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {}
    assert listed(sfn, machine["stateMachineArn"]) == tags(*remaining)


def test_tag_a_version_is_not_found(sfn, machine):
    version = sfn.publish_state_machine_version(stateMachineArn=machine["stateMachineArn"])["stateMachineVersionArn"]
    with aws_error("ResourceNotFound", f"Resource not found: '{version}'"):
        sfn.tag_resource(resourceArn=version, tags=tags(("key1", "value1")))


def test_tag_missing_state_machine(sfn):
    missing = arn(f"stateMachine:{unique('missing')}")
    with aws_error("ResourceNotFound", f"Resource not found: '{missing}'"):
        sfn.tag_resource(resourceArn=missing, tags=tags(("k", "v")))
    with aws_error("ResourceNotFound", f"Resource not found: '{missing}'"):
        sfn.untag_resource(resourceArn=missing, tagKeys=["k"])
    with aws_error("ResourceNotFound", f"Resource not found: '{missing}'"):
        sfn.list_tags_for_resource(resourceArn=missing)


def test_fifty_tags_allowed_fifty_one_too_many(sfn):
    fifty = tags(*[(f"k{i}", f"v{i}") for i in range(50)])
    created = create_state_machine(sfn, PASS_DEFINITION, tags=fifty)
    assert len(listed(sfn, created["stateMachineArn"])) == 50
    with aws_error("TooManyTags"):
        sfn.tag_resource(resourceArn=created["stateMachineArn"], tags=tags(("one-more", "x")))
    # Replacing an existing key does not add a tag.
    sfn.tag_resource(resourceArn=created["stateMachineArn"], tags=tags(("k0", "changed")))
    assert len(listed(sfn, created["stateMachineArn"])) == 50


def test_create_state_machine_with_too_many_tags(sfn):
    with aws_error("TooManyTags"):
        create_state_machine(sfn, PASS_DEFINITION, tags=tags(*[(f"k{i}", "v") for i in range(51)]))


def test_create_activity_with_too_many_tags(sfn):
    with aws_error("TooManyTags"):
        sfn.create_activity(name=unique("many"), tags=tags(*[(f"k{i}", "v") for i in range(51)]))


def test_tag_key_and_value_lengths(sfn_unvalidated, machine):
    resource = machine["stateMachineArn"]
    sfn_unvalidated.tag_resource(resourceArn=resource, tags=tags(("k" * 128, "v" * 256)))
    assert listed(sfn_unvalidated, resource) == tags(("k" * 128, "v" * 256))
    with aws_error("ValidationException") as info:
        sfn_unvalidated.tag_resource(resourceArn=resource, tags=tags(("k" * 129, "v")))
    assert "Member must have length less than or equal to 128" in info.value.response["Error"]["Message"]
    with aws_error("ValidationException") as info:
        sfn_unvalidated.tag_resource(resourceArn=resource, tags=tags(("k", "v" * 257)))
    assert "Member must have length less than or equal to 256" in info.value.response["Error"]["Message"]
    with aws_error("ValidationException") as info:
        sfn_unvalidated.tag_resource(resourceArn=resource, tags=tags(("", "v")))
    assert "Member must have length greater than or equal to 1" in info.value.response["Error"]["Message"]
    assert listed(sfn_unvalidated, resource) == tags(("k" * 128, "v" * 256))


def test_activity_tags(sfn):
    created = sfn.create_activity(name=unique("tagged"), tags=tags(("team", "core")))
    assert listed(sfn, created["activityArn"]) == tags(("team", "core"))
    sfn.tag_resource(resourceArn=created["activityArn"], tags=tags(("env", "test")))
    assert sorted((t["key"], t["value"]) for t in listed(sfn, created["activityArn"])) == [("env", "test"), ("team", "core")]
    sfn.untag_resource(resourceArn=created["activityArn"], tagKeys=["team"])
    assert listed(sfn, created["activityArn"]) == tags(("env", "test"))


def test_tags_of_missing_activity(sfn):
    missing = arn(f"activity:{unique('missing')}")
    with aws_error("ResourceNotFound", f"Resource not found: '{missing}'"):
        sfn.list_tags_for_resource(resourceArn=missing)


def test_tags_go_with_a_deleted_state_machine(sfn):
    created = create_state_machine(sfn, PASS_DEFINITION, tags=tags(("k", "v")))
    sfn.delete_state_machine(stateMachineArn=created["stateMachineArn"])
    # Deletion may take a moment; the first error answered must be ResourceNotFound.
    code = poll(
        lambda: error_code(lambda: sfn.list_tags_for_resource(resourceArn=created["stateMachineArn"])),
        what="the tags to go with the state machine",
    )
    assert code == "ResourceNotFound"
