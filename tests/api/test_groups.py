"""Model package groups through boto3: create, describe by name and ARN, list, delete (3.1, 2.1, 2.2, 2.4),
and the activity log those writes leave behind."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import ACCOUNT, REGION, RunningServer, client, load_fixture

from registro.registry.activity import group_activity
from registro.registry.context import Context

ACCESS_KEY = "AKIDREGISTROTEST"
CALLER = f"arn:aws:iam::{ACCOUNT}:user/{ACCESS_KEY}"
GROUP_SUMMARY_MEMBERS = {
    "ModelPackageGroupName",
    "ModelPackageGroupArn",
    "ModelPackageGroupDescription",
    "CreationTime",
    "ModelPackageGroupStatus",
    "ManagedConfiguration",
}
VERSION = {
    "InferenceSpecification": {
        "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    }
}


def group_arn(name: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:sagemaker:{region}:{account}:model-package-group/{name}"


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def listed(sm: Any, name: str) -> list[dict[str, Any]]:
    """The summaries ListModelPackageGroups gives for exactly this group name."""
    found = sm.list_model_package_groups(NameContains=name, MaxResults=100)["ModelPackageGroupSummaryList"]
    return [s for s in found if s["ModelPackageGroupName"] == name]


# --- create and describe ---------------------------------------------------------------------------


def test_create_model_package_group_returns_arn_built_from_region_account_and_name(
    sm: Any, group_name: str
) -> None:
    response = sm.create_model_package_group(ModelPackageGroupName=group_name)

    assert response["ModelPackageGroupArn"] == group_arn(group_name)
    assert without_metadata(response) == {"ModelPackageGroupArn": group_arn(group_name)}


def test_describe_model_package_group_returns_what_create_stored(sm: Any, group_name: str) -> None:
    sm.create_model_package_group(
        ModelPackageGroupName=group_name,
        ModelPackageGroupDescription="Abalone age regression, by ring count",
        Tags=[{"Key": "team", "Value": "marine"}],
    )

    described = without_metadata(sm.describe_model_package_group(ModelPackageGroupName=group_name))

    created = described.pop("CreationTime")
    assert described == {
        "ModelPackageGroupName": group_name,
        "ModelPackageGroupArn": group_arn(group_name),
        "ModelPackageGroupDescription": "Abalone age regression, by ring count",
        "CreatedBy": {"IamIdentity": {"Arn": CALLER, "PrincipalId": ACCESS_KEY}},
        "ModelPackageGroupStatus": "Completed",
    }
    assert isinstance(created, datetime.datetime) and created.tzinfo is not None
    assert created.microsecond % 1000 == 0, "times are kept to the millisecond"
    assert abs(created - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)


def test_describe_model_package_group_without_description_omits_it(sm: Any, group: str) -> None:
    described = sm.describe_model_package_group(ModelPackageGroupName=group)

    assert "ModelPackageGroupDescription" not in described
    assert "ManagedConfiguration" not in described


def test_describe_model_package_group_by_arn_equals_describe_by_name(sm: Any, group: str) -> None:
    by_name = without_metadata(sm.describe_model_package_group(ModelPackageGroupName=group))
    by_arn = without_metadata(sm.describe_model_package_group(ModelPackageGroupName=group_arn(group)))

    assert by_arn == by_name
    assert by_arn["ModelPackageGroupName"] == group


def test_describe_model_package_group_gives_the_same_creation_time_every_time(sm: Any, group: str) -> None:
    first = sm.describe_model_package_group(ModelPackageGroupName=group)["CreationTime"]
    second = sm.describe_model_package_group(ModelPackageGroupName=group)["CreationTime"]

    assert first == second
    assert listed(sm, group)[0]["CreationTime"] == first


def test_list_model_package_groups_summary_carries_describe_members(sm: Any, group_name: str) -> None:
    sm.create_model_package_group(
        ModelPackageGroupName=group_name,
        ModelPackageGroupDescription="listed",
        ManagedConfiguration={"ManagedStorageType": "Restricted"},
        Tags=[{"Key": "k", "Value": "v"}],
    )
    described = sm.describe_model_package_group(ModelPackageGroupName=group_name)

    (summary,) = listed(sm, group_name)

    assert summary == {k: v for k, v in described.items() if k in GROUP_SUMMARY_MEMBERS}
    assert "Tags" not in summary and "CreatedBy" not in summary


def test_managed_configuration_is_stored_and_described(sm: Any, group_name: str) -> None:
    sm.create_model_package_group(
        ModelPackageGroupName=group_name, ManagedConfiguration={"ManagedStorageType": "Restricted"}
    )

    described = sm.describe_model_package_group(ModelPackageGroupName=group_name)

    assert described["ManagedConfiguration"] == {"ManagedStorageType": "Restricted"}


def test_managed_configuration_outside_the_enum_is_refused_and_creates_nothing(
    sm: Any, group_name: str
) -> None:
    with pytest.raises(ClientError) as exc:
        sm.create_model_package_group(
            ModelPackageGroupName=group_name, ManagedConfiguration={"ManagedStorageType": "Open"}
        )

    code, message = error(exc)
    assert code == "ValidationException"
    assert "managedConfiguration.managedStorageType" in message and "[Restricted]" in message
    assert listed(sm, group_name) == []


def test_create_model_package_group_with_fixture_tags_describes_without_tags(
    sm: Any, group_name: str
) -> None:
    kwargs = load_fixture("packages", "model-group-ModelGroup1.json")
    kwargs["ModelPackageGroupName"] = group_name
    arn = sm.create_model_package_group(**kwargs)["ModelPackageGroupArn"]

    described = sm.describe_model_package_group(ModelPackageGroupName=group_name)

    assert described["ModelPackageGroupDescription"] == kwargs["ModelPackageGroupDescription"]
    assert "Tags" not in described
    assert sm.list_tags(ResourceArn=arn)["Tags"] == sorted(kwargs["Tags"], key=lambda t: t["Key"])


def test_group_names_keep_their_case_and_lookups_are_case_sensitive(sm: Any) -> None:
    name = "Mixed-Case-" + uuid.uuid4().hex[:8].upper()
    arn = sm.create_model_package_group(ModelPackageGroupName=name)["ModelPackageGroupArn"]

    assert arn == group_arn(name)
    assert sm.describe_model_package_group(ModelPackageGroupName=name)["ModelPackageGroupName"] == name
    with pytest.raises(ClientError) as exc:
        sm.describe_model_package_group(ModelPackageGroupName=name.lower())
    assert error(exc) == (
        "ValidationException",
        f"ModelPackageGroup {group_arn(name.lower())} does not exist.",
    )


def test_group_names_differing_only_in_case_are_distinct_groups(sm: Any) -> None:
    name = "Case-" + uuid.uuid4().hex[:8]
    sm.create_model_package_group(ModelPackageGroupName=name, ModelPackageGroupDescription="lower")
    sm.create_model_package_group(ModelPackageGroupName=name.upper(), ModelPackageGroupDescription="upper")

    assert (
        sm.describe_model_package_group(ModelPackageGroupName=name)["ModelPackageGroupDescription"] == "lower"
    )
    upper = sm.describe_model_package_group(ModelPackageGroupName=name.upper())
    assert upper["ModelPackageGroupDescription"] == "upper"


def test_create_model_package_group_with_taken_name_is_refused_and_keeps_the_first(
    sm: Any, group_name: str
) -> None:
    sm.create_model_package_group(ModelPackageGroupName=group_name, ModelPackageGroupDescription="first")
    before = sm.describe_model_package_group(ModelPackageGroupName=group_name)

    with pytest.raises(ClientError) as exc:
        sm.create_model_package_group(
            ModelPackageGroupName=group_name,
            ModelPackageGroupDescription="second",
            Tags=[{"Key": "second", "Value": "yes"}],
        )

    assert error(exc) == (
        "ValidationException",
        f"Model Package Group already exists: {group_arn(group_name)}",
    )
    after = sm.describe_model_package_group(ModelPackageGroupName=group_name)
    assert without_metadata(after) == without_metadata(before)
    assert sm.list_tags(ResourceArn=group_arn(group_name))["Tags"] == []


def test_create_model_package_group_refuses_a_name_outside_the_pattern(sm: Any) -> None:
    unique = uuid.uuid4().hex[:12]
    name = "bad_name-" + unique

    with pytest.raises(ClientError) as exc:
        sm.create_model_package_group(ModelPackageGroupName=name)

    code, message = error(exc)
    assert code == "ValidationException"
    assert f"Value '{name}' at 'modelPackageGroupName'" in message and "regular expression pattern" in message
    assert sm.list_model_package_groups(NameContains=unique)["ModelPackageGroupSummaryList"] == []


# --- missing groups ----------------------------------------------------------------------------------


def test_describe_missing_group_by_name_names_its_arn(sm: Any, group_name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.describe_model_package_group(ModelPackageGroupName=group_name)

    assert error(exc) == ("ValidationException", f"ModelPackageGroup {group_arn(group_name)} does not exist.")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_describe_missing_group_by_arn_names_that_arn(sm: Any, group_name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.describe_model_package_group(ModelPackageGroupName=group_arn(group_name))

    assert error(exc) == ("ValidationException", f"ModelPackageGroup {group_arn(group_name)} does not exist.")


@pytest.mark.parametrize(
    "make_arn",
    [
        pytest.param(lambda name: group_arn(name, region="eu-west-1"), id="other-region"),
        pytest.param(lambda name: group_arn(name).replace("arn:aws:", "arn:aws-cn:"), id="other-partition"),
        pytest.param(
            lambda name: f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{name}", id="package-type"
        ),
    ],
)
def test_describe_group_by_an_arn_that_is_not_registros_group_arn_finds_nothing(
    sm: Any, group: str, make_arn: Any
) -> None:
    arn = make_arn(group)

    with pytest.raises(ClientError) as exc:
        sm.describe_model_package_group(ModelPackageGroupName=arn)

    assert error(exc) == ("ValidationException", f"ModelPackageGroup {arn} does not exist.")


# --- delete ----------------------------------------------------------------------------------------


def test_delete_model_package_group_removes_it(sm: Any, group: str) -> None:
    response = sm.delete_model_package_group(ModelPackageGroupName=group)

    assert without_metadata(response) == {}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert listed(sm, group) == []
    with pytest.raises(ClientError) as exc:
        sm.describe_model_package_group(ModelPackageGroupName=group)
    assert error(exc) == ("ValidationException", f"ModelPackageGroup {group_arn(group)} does not exist.")


def test_delete_model_package_group_by_arn(sm: Any, group: str) -> None:
    sm.delete_model_package_group(ModelPackageGroupName=group_arn(group))

    assert listed(sm, group) == []


def test_delete_model_package_group_answers_200_with_an_empty_body(server: RunningServer, group: str) -> None:
    raw: list[Any] = []
    own = client(server.url)
    own.meta.events.register(
        "after-call.sagemaker.DeleteModelPackageGroup", lambda http_response, **_: raw.append(http_response)
    )

    own.delete_model_package_group(ModelPackageGroupName=group)

    (response,) = raw
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["x-amzn-RequestId"]


def test_delete_missing_group_is_a_validation_exception(sm: Any, group_name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.delete_model_package_group(ModelPackageGroupName=group_name)

    assert error(exc) == ("ValidationException", f"ModelPackageGroup {group_arn(group_name)} does not exist.")


def test_delete_group_twice_fails_the_second_time(sm: Any, group: str) -> None:
    sm.delete_model_package_group(ModelPackageGroupName=group)

    with pytest.raises(ClientError) as exc:
        sm.delete_model_package_group(ModelPackageGroupName=group)

    assert error(exc) == ("ValidationException", f"ModelPackageGroup {group_arn(group)} does not exist.")


def test_delete_group_with_versions_is_a_conflict_and_changes_nothing(sm: Any, group: str) -> None:
    sm.add_tags(ResourceArn=group_arn(group), Tags=[{"Key": "keep", "Value": "me"}])
    version_arn = sm.create_model_package(ModelPackageGroupName=group, **VERSION)["ModelPackageArn"]
    group_before = sm.describe_model_package_group(ModelPackageGroupName=group)
    version_before = sm.describe_model_package(ModelPackageName=version_arn)

    with pytest.raises(ClientError) as exc:
        sm.delete_model_package_group(ModelPackageGroupName=group)

    message = (
        f"Model Package Group {group_arn(group)} cannot be deleted because it still contains Model Packages"
    )
    assert error(exc) == ("ConflictException", message)
    assert exc.value.response["Message"] == message, "the modelled error shape carries Message too"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    group_after = sm.describe_model_package_group(ModelPackageGroupName=group)
    assert without_metadata(group_after) == without_metadata(group_before)
    version_after = sm.describe_model_package(ModelPackageName=version_arn)
    assert without_metadata(version_after) == without_metadata(version_before)
    assert sm.list_tags(ResourceArn=group_arn(group))["Tags"] == [{"Key": "keep", "Value": "me"}]
    # The refused delete took no version number: the next one is 2.
    second = sm.create_model_package(ModelPackageGroupName=group, **VERSION)["ModelPackageArn"]
    assert second.endswith(f"model-package/{group}/2")


def test_delete_group_succeeds_once_its_versions_are_deleted(sm: Any, group: str) -> None:
    arn = sm.create_model_package(ModelPackageGroupName=group, **VERSION)["ModelPackageArn"]
    sm.delete_model_package(ModelPackageName=arn)

    sm.delete_model_package_group(ModelPackageGroupName=group)

    assert listed(sm, group) == []


def test_delete_then_recreate_group_numbers_versions_from_one(sm: Any, group: str) -> None:
    first = [
        sm.create_model_package(ModelPackageGroupName=group, **VERSION)["ModelPackageArn"] for _ in range(3)
    ]
    assert [a.rsplit("/", 1)[1] for a in first] == ["1", "2", "3"]
    for arn in first:
        sm.delete_model_package(ModelPackageName=arn)
    sm.delete_model_package_group(ModelPackageGroupName=group)

    sm.create_model_package_group(ModelPackageGroupName=group)
    again = sm.create_model_package(ModelPackageGroupName=group, **VERSION)["ModelPackageArn"]

    assert again == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{group}/1"
    versions = sm.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    assert [v["ModelPackageVersion"] for v in versions] == [1]


def test_recreated_group_has_its_new_description_and_creation_time(sm: Any, group_name: str) -> None:
    sm.create_model_package_group(ModelPackageGroupName=group_name, ModelPackageGroupDescription="old")
    old = sm.describe_model_package_group(ModelPackageGroupName=group_name)
    sm.delete_model_package_group(ModelPackageGroupName=group_name)

    sm.create_model_package_group(ModelPackageGroupName=group_name)

    new = sm.describe_model_package_group(ModelPackageGroupName=group_name)
    assert "ModelPackageGroupDescription" not in new
    assert new["CreationTime"] >= old["CreationTime"]
    assert listed(sm, group_name) == [{k: v for k, v in new.items() if k in GROUP_SUMMARY_MEMBERS}]


# --- name or ARN where the contract allows it (2.2) ---------------------------------------------------


def test_versions_and_listing_accept_the_group_arn(sm: Any, group: str) -> None:
    arn = sm.create_model_package(ModelPackageGroupName=group_arn(group), **VERSION)["ModelPackageArn"]

    assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{group}/1"
    summaries = sm.list_model_packages(ModelPackageGroupName=group_arn(group))["ModelPackageSummaryList"]
    assert [s["ModelPackageArn"] for s in summaries] == [arn]
    assert summaries[0]["ModelPackageGroupName"] == group


# --- the activity log ------------------------------------------------------------------------------


def request_id(response: dict[str, Any]) -> str:
    rid: str = response["ResponseMetadata"]["RequestId"]
    return rid


def test_activity_log_records_group_policy_and_tag_changes_newest_first(
    sm: Any, group_name: str, registry_context: Context
) -> None:
    arn = group_arn(group_name)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*"}]})
    steps = [
        (
            "model-package-group:group:create",
            sm.create_model_package_group(
                ModelPackageGroupName=group_name, Tags=[{"Key": "a", "Value": "1"}]
            ),
        ),
        (
            "model-package-group:policy:put",
            sm.put_model_package_group_policy(ModelPackageGroupName=group_name, ResourcePolicy=policy),
        ),
        ("tags:tags:change", sm.add_tags(ResourceArn=arn, Tags=[{"Key": "b", "Value": "2"}])),
        ("tags:tags:change", sm.delete_tags(ResourceArn=arn, TagKeys=["a"])),
        (
            "model-package-group:policy:delete",
            sm.delete_model_package_group_policy(ModelPackageGroupName=group_name),
        ),
        ("model-package-group:group:delete", sm.delete_model_package_group(ModelPackageGroupName=group_name)),
    ]

    records = group_activity(registry_context, group_name)

    assert [(r["kind"], r["request_id"]) for r in records] == [
        (kind, request_id(response)) for kind, response in reversed(steps)
    ]
    assert {r["by"] for r in records} == {CALLER}
    assert {r["resource_arn"] for r in records} == {arn}
    assert {r["group_name"] for r in records} == {group_name}
    assert [r["at"] for r in records] == sorted((r["at"] for r in records), reverse=True)
    created, put, added, removed = records[-1], records[-2], records[-3], records[-4]
    assert created["detail"]["Tags"] == [{"Key": "a", "Value": "1"}]
    assert put["detail"]["ResourcePolicy"] == policy
    assert added["detail"]["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert added["previous"] == {"Tags": [{"Key": "a", "Value": "1"}]}
    assert removed["detail"]["Tags"] == [{"Key": "b", "Value": "2"}]
    assert removed["detail"]["RemovedTagKeys"] == ["a"]


def test_activity_log_ignores_add_tags_that_change_nothing(
    sm: Any, group: str, registry_context: Context
) -> None:
    arn = group_arn(group)
    changed = sm.add_tags(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    before = group_activity(registry_context, group)

    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    sm.delete_tags(ResourceArn=arn, TagKeys=["not-there"])

    after = group_activity(registry_context, group)
    assert after == before
    assert after[0]["kind"] == "tags:tags:change" and after[0]["request_id"] == request_id(changed)


def test_activity_log_ignores_refused_writes(sm: Any, group: str, registry_context: Context) -> None:
    before = group_activity(registry_context, group)
    sm.create_model_package(ModelPackageGroupName=group, **VERSION)
    with_version = group_activity(registry_context, group)

    with pytest.raises(ClientError):
        sm.delete_model_package_group(ModelPackageGroupName=group)
    with pytest.raises(ClientError):
        sm.create_model_package_group(ModelPackageGroupName=group)
    with pytest.raises(ClientError):
        sm.add_tags(ResourceArn=group_arn(group), Tags=[{"Key": "aws:reserved", "Value": "x"}])

    assert len(with_version) == len(before) + 1
    assert group_activity(registry_context, group) == with_version
