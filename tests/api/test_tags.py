"""Tags through boto3 on groups, unversioned packages and versions: AddTags, ListTags, DeleteTags (3.10)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import ACCOUNT, REGION, load_fixture

PACKAGE_PREFIX = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/"


def group_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/{name}"


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def tags(**pairs: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


def listed(sm: Any, arn: str) -> list[dict[str, str]]:
    response = sm.list_tags(ResourceArn=arn)
    assert "NextToken" not in response
    found: list[dict[str, str]] = response["Tags"]
    return found


def unversioned(sm: Any, **extra: Any) -> str:
    kwargs = load_fixture("packages", "abalone-v1.json")
    del kwargs["ModelPackageGroupName"], kwargs["ModelApprovalStatus"]
    arn: str = sm.create_model_package(ModelPackageName="U-" + uuid.uuid4().hex[:12], **kwargs, **extra)[
        "ModelPackageArn"
    ]
    return arn


def version(sm: Any, group: str) -> str:
    kwargs = load_fixture("packages", "abalone-v1.json")
    kwargs["ModelPackageGroupName"] = group
    arn: str = sm.create_model_package(**kwargs)["ModelPackageArn"]
    return arn


@pytest.fixture(params=["group", "unversioned", "version"])
def resource(request: pytest.FixtureRequest, sm: Any, group: str) -> str:
    """The ARN of one kind of taggable resource, created without tags."""
    if request.param == "group":
        return group_arn(group)
    if request.param == "unversioned":
        return unversioned(sm)
    return version(sm, group)


# --- AddTags and ListTags ---------------------------------------------------------------------------


def test_new_resource_has_no_tags(sm: Any, resource: str) -> None:
    assert listed(sm, resource) == []


def test_add_tags_returns_the_full_tag_list(sm: Any, resource: str) -> None:
    first = sm.add_tags(ResourceArn=resource, Tags=tags(team="marine"))
    second = sm.add_tags(ResourceArn=resource, Tags=tags(stage="dev"))

    assert first["Tags"] == tags(team="marine")
    assert second["Tags"] == tags(stage="dev", team="marine")
    assert listed(sm, resource) == second["Tags"]


def test_add_tags_overwrites_the_value_of_an_existing_key(sm: Any, resource: str) -> None:
    sm.add_tags(ResourceArn=resource, Tags=tags(stage="dev", team="marine"))

    response = sm.add_tags(ResourceArn=resource, Tags=tags(stage="prod"))

    assert response["Tags"] == tags(stage="prod", team="marine")
    assert listed(sm, resource) == tags(stage="prod", team="marine")


def test_tag_keys_are_case_sensitive(sm: Any, resource: str) -> None:
    sm.add_tags(ResourceArn=resource, Tags=tags(team="lower"))

    sm.add_tags(ResourceArn=resource, Tags=tags(Team="upper"))

    assert sorted((t["Key"], t["Value"]) for t in listed(sm, resource)) == [
        ("Team", "upper"),
        ("team", "lower"),
    ]


def test_list_tags_is_sorted_by_key_in_one_page(sm: Any, resource: str) -> None:
    keys = [f"k{n:02d}" for n in range(50)]
    shuffled = keys[1::2] + keys[::2]
    sm.add_tags(ResourceArn=resource, Tags=[{"Key": k, "Value": k.upper()} for k in shuffled])

    response = sm.list_tags(ResourceArn=resource, MaxResults=50)

    assert [t["Key"] for t in response["Tags"]] == keys
    assert all(t["Value"] == t["Key"].upper() for t in response["Tags"])
    assert "NextToken" not in response


def test_tag_values_may_be_empty_and_keep_spaces_and_unicode(sm: Any, resource: str) -> None:
    given = [{"Key": "empty", "Value": ""}, {"Key": "owner", "Value": "Zoë Ærø  @team"}]

    sm.add_tags(ResourceArn=resource, Tags=given)

    assert listed(sm, resource) == given


def test_sagemaker_prefixed_keys_are_ordinary_tags(sm: Any, resource: str) -> None:
    sm.add_tags(ResourceArn=resource, Tags=[{"Key": "sagemaker:project-name", "Value": "abalone"}])

    assert listed(sm, resource) == [{"Key": "sagemaker:project-name", "Value": "abalone"}]


def test_version_tags_are_its_own_not_its_groups(sm: Any, group: str) -> None:
    sm.add_tags(ResourceArn=group_arn(group), Tags=tags(on="group"))
    first = version(sm, group)
    second = version(sm, group)

    sm.add_tags(ResourceArn=first, Tags=tags(on="version-1"))

    assert listed(sm, group_arn(group)) == tags(on="group")
    assert listed(sm, first) == tags(on="version-1")
    assert listed(sm, second) == []


def test_group_created_with_tags_lists_them(sm: Any, group_name: str) -> None:
    arn = sm.create_model_package_group(ModelPackageGroupName=group_name, Tags=tags(b="2", a="1"))[
        "ModelPackageGroupArn"
    ]

    assert listed(sm, arn) == tags(a="1", b="2")


def test_unversioned_package_created_with_tags_lists_them(sm: Any) -> None:
    arn = unversioned(sm, Tags=tags(team="marine"))

    assert listed(sm, arn) == tags(team="marine")


def test_describe_does_not_return_tags(sm: Any, group: str) -> None:
    sm.add_tags(ResourceArn=group_arn(group), Tags=tags(team="marine"))
    package = unversioned(sm, Tags=tags(team="marine"))

    assert "Tags" not in sm.describe_model_package_group(ModelPackageGroupName=group)
    assert "Tags" not in sm.describe_model_package(ModelPackageName=package)


# --- limits and refusals ------------------------------------------------------------------------------


def test_fifty_tags_are_allowed_and_overwriting_one_keeps_fifty(sm: Any, resource: str) -> None:
    sm.add_tags(ResourceArn=resource, Tags=[{"Key": f"k{n:02d}", "Value": "v"} for n in range(50)])

    response = sm.add_tags(ResourceArn=resource, Tags=[{"Key": "k00", "Value": "changed"}])

    assert len(response["Tags"]) == 50
    assert response["Tags"][0] == {"Key": "k00", "Value": "changed"}


def test_a_fifty_first_tag_is_refused_and_changes_nothing(sm: Any, resource: str) -> None:
    sm.add_tags(ResourceArn=resource, Tags=[{"Key": f"k{n:02d}", "Value": "v"} for n in range(49)])
    before = listed(sm, resource)

    with pytest.raises(ClientError) as exc:
        sm.add_tags(
            ResourceArn=resource, Tags=[{"Key": "k00", "Value": "changed"}, *tags(new1="x", new2="y")]
        )

    code, message = error(exc)
    assert code == "ValidationException"
    assert "at most 50 tags" in message and "51" in message
    assert listed(sm, resource) == before


def test_more_than_fifty_tags_in_one_request_fail_shape_validation(
    sm_raw: Any, sm: Any, resource: str
) -> None:
    with pytest.raises(ClientError) as exc:
        sm_raw.add_tags(ResourceArn=resource, Tags=[{"Key": f"k{n:02d}", "Value": "v"} for n in range(51)])

    code, message = error(exc)
    assert code == "ValidationException"
    assert "'tags'" in message and "length less than or equal to 50" in message
    assert listed(sm, resource) == []


def test_create_group_with_more_than_fifty_tags_is_refused_and_creates_nothing(
    sm_raw: Any, group_name: str
) -> None:
    with pytest.raises(ClientError) as exc:
        sm_raw.create_model_package_group(
            ModelPackageGroupName=group_name, Tags=[{"Key": f"k{n:02d}", "Value": "v"} for n in range(51)]
        )

    assert error(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as missing:
        sm_raw.describe_model_package_group(ModelPackageGroupName=group_name)
    assert "does not exist" in error(missing)[1]


@pytest.mark.parametrize("key", ["aws:owner", "AWS:owner", "Aws:Owner", "aws:"])
def test_keys_starting_with_aws_are_refused_and_change_nothing(sm: Any, resource: str, key: str) -> None:
    sm.add_tags(ResourceArn=resource, Tags=tags(team="marine"))

    with pytest.raises(ClientError) as exc:
        sm.add_tags(ResourceArn=resource, Tags=[{"Key": "stage", "Value": "dev"}, {"Key": key, "Value": "x"}])

    code, message = error(exc)
    assert code == "ValidationException"
    assert key in message and "aws:" in message and "reserved" in message
    assert listed(sm, resource) == tags(team="marine")


def test_create_group_with_an_aws_tag_is_refused_and_creates_nothing(sm: Any, group_name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.create_model_package_group(ModelPackageGroupName=group_name, Tags=[{"Key": "aws:x", "Value": "1"}])

    assert error(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as missing:
        sm.describe_model_package_group(ModelPackageGroupName=group_name)
    assert "does not exist" in error(missing)[1]


def test_a_key_twice_in_one_request_is_refused_and_changes_nothing(sm: Any, resource: str) -> None:
    sm.add_tags(ResourceArn=resource, Tags=tags(team="marine"))

    with pytest.raises(ClientError) as exc:
        sm.add_tags(
            ResourceArn=resource,
            Tags=[{"Key": "stage", "Value": "dev"}, {"Key": "stage", "Value": "prod"}],
        )

    code, message = error(exc)
    assert code == "ValidationException"
    assert "'stage'" in message and "more than once" in message
    assert listed(sm, resource) == tags(team="marine")


def test_a_key_outside_the_tag_pattern_is_refused(sm: Any, resource: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.add_tags(ResourceArn=resource, Tags=[{"Key": "no*stars", "Value": "v"}])

    code, message = error(exc)
    assert code == "ValidationException"
    assert "Value 'no*stars' at 'tags.1.member.key'" in message and "regular expression pattern" in message
    assert listed(sm, resource) == []


# --- DeleteTags -----------------------------------------------------------------------------------


def test_delete_tags_removes_the_given_keys_only(sm: Any, resource: str) -> None:
    sm.add_tags(ResourceArn=resource, Tags=tags(a="1", b="2", c="3"))

    response = sm.delete_tags(ResourceArn=resource, TagKeys=["a", "c"])

    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {}
    assert listed(sm, resource) == tags(b="2")


def test_delete_tags_of_absent_keys_succeeds(sm: Any, resource: str) -> None:
    sm.add_tags(ResourceArn=resource, Tags=tags(a="1"))

    sm.delete_tags(ResourceArn=resource, TagKeys=["missing", "A"])

    assert listed(sm, resource) == tags(a="1")


def test_delete_tags_on_a_resource_without_tags_succeeds(sm: Any, resource: str) -> None:
    sm.delete_tags(ResourceArn=resource, TagKeys=["anything"])

    assert listed(sm, resource) == []


# --- resources that do not exist ------------------------------------------------------------------


def missing_arns(group_name: str) -> dict[str, str]:
    return {
        "group": group_arn(group_name),
        "version": f"{PACKAGE_PREFIX}{group_name}/1",
        "unversioned": f"{PACKAGE_PREFIX}{group_name}",
        "other-type": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/{group_name}",
        "other-region": f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package-group/{group_name}",
    }


@pytest.mark.parametrize("kind", ["group", "version", "unversioned", "other-type", "other-region"])
@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda sm, arn: sm.add_tags(ResourceArn=arn, Tags=tags(a="1")), id="add"),
        pytest.param(lambda sm, arn: sm.list_tags(ResourceArn=arn), id="list"),
        pytest.param(lambda sm, arn: sm.delete_tags(ResourceArn=arn, TagKeys=["a"]), id="delete"),
    ],
)
def test_tag_operations_on_an_unknown_arn_say_it_does_not_exist(
    sm: Any, group_name: str, kind: str, call: Any
) -> None:
    arn = missing_arns(group_name)[kind]

    with pytest.raises(ClientError) as exc:
        call(sm, arn)

    assert error(exc) == ("ValidationException", f"Resource {arn} does not exist.")


def test_add_tags_on_an_unknown_arn_stores_nothing_for_a_later_group(sm: Any, group_name: str) -> None:
    with pytest.raises(ClientError):
        sm.add_tags(ResourceArn=group_arn(group_name), Tags=tags(early="bird"))

    sm.create_model_package_group(ModelPackageGroupName=group_name)

    assert listed(sm, group_arn(group_name)) == []


def test_tag_arns_are_case_sensitive(sm: Any, group: str) -> None:
    arn = group_arn(group.lower())
    assert arn != group_arn(group)

    with pytest.raises(ClientError) as exc:
        sm.list_tags(ResourceArn=arn)

    assert error(exc) == ("ValidationException", f"Resource {arn} does not exist.")


# --- tags go with their resource ------------------------------------------------------------------


def test_deleting_a_group_removes_its_tags_so_a_recreated_group_starts_without_them(
    sm: Any, group: str
) -> None:
    sm.add_tags(ResourceArn=group_arn(group), Tags=tags(team="marine", stage="dev"))
    sm.delete_model_package_group(ModelPackageGroupName=group)

    sm.create_model_package_group(ModelPackageGroupName=group)

    assert listed(sm, group_arn(group)) == []


def test_deleting_a_version_removes_its_tags_and_keeps_the_groups(sm: Any, group: str) -> None:
    sm.add_tags(ResourceArn=group_arn(group), Tags=tags(on="group"))
    arn = version(sm, group)
    sm.add_tags(ResourceArn=arn, Tags=tags(on="version"))

    sm.delete_model_package(ModelPackageName=arn)

    with pytest.raises(ClientError) as exc:
        sm.list_tags(ResourceArn=arn)
    assert error(exc) == ("ValidationException", f"Resource {arn} does not exist.")
    assert listed(sm, group_arn(group)) == tags(on="group")


def test_deleting_an_unversioned_package_removes_its_tags(sm: Any) -> None:
    arn = unversioned(sm, Tags=tags(team="marine"))
    name = arn.removeprefix(PACKAGE_PREFIX)
    kwargs = load_fixture("packages", "abalone-v1.json")
    del kwargs["ModelPackageGroupName"], kwargs["ModelApprovalStatus"]

    sm.delete_model_package(ModelPackageName=arn)
    sm.create_model_package(ModelPackageName=name, **kwargs)

    assert listed(sm, arn) == []
