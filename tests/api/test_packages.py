"""Model packages through boto3 (sagemaker-api.md 2.2, 2.4, 3.3, 3.5, 3.6 summaries, 3.7, 3.8, 3.9)."""

from __future__ import annotations

import copy
import json
import time
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import ACCOUNT, REGION, load_fixture
from sqlalchemy import update as sql_update

from registro.registry.documents import legacy_request_hash, request_hash
from registro.store import tables
from registro.store import tags as stored_tags
from registro.store.engine import Store

CALLER = {
    "IamIdentity": {"Arn": f"arn:aws:iam::{ACCOUNT}:user/AKIDREGISTROTEST", "PrincipalId": "AKIDREGISTROTEST"}
}
OTHER_KEY = "AKIDREGISTROOTHER"
STATUS_DETAILS = {"ValidationStatuses": [], "ImageScanStatuses": []}
PREFIX = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:"

INFERENCE = {
    "Containers": [
        {
            "Image": "257758044811.dkr.ecr.us-east-2.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3",
            "ModelDataUrl": "s3://registro-fixtures/models/model.tar.gz",
        }
    ],
    "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
    "SupportedRealtimeInferenceInstanceTypes": ["ml.t2.medium", "ml.m5.xlarge"],
    "SupportedContentTypes": ["text/csv"],
    "SupportedResponseMIMETypes": ["text/csv"],
}

# The members abalone-v1.json lacks, so that one create carries every storable member.
EXTRA_MEMBERS: dict[str, Any] = {
    "AdditionalInferenceSpecifications": [
        {
            "Name": "gpu-variant",
            "Description": "Same model on a GPU image",
            "Containers": [
                {"Image": "257758044811.dkr.ecr.us-east-2.amazonaws.com/sagemaker-xgboost:1.0-1-gpu"}
            ],
            "SupportedTransformInstanceTypes": ["ml.p3.2xlarge"],
            "SupportedRealtimeInferenceInstanceTypes": ["ml.g4dn.xlarge"],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        }
    ],
    "ModelLifeCycle": {"Stage": "Development", "StageStatus": "InProgress", "StageDescription": "first cut"},
    "SourceUri": "s3://registro-fixtures/models/source.tar.gz",
    "SecurityConfig": {
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    },
    "ValidationSpecification": {
        "ValidationRole": "arn:aws:iam::123456789012:role/registro-validation",
        "ValidationProfiles": [
            {
                "ProfileName": "batch-check",
                "TransformJobDefinition": {
                    "TransformInput": {
                        "DataSource": {
                            "S3DataSource": {
                                "S3DataType": "S3Prefix",
                                "S3Uri": "s3://registro-fixtures/validation/",
                            }
                        },
                        "ContentType": "text/csv",
                    },
                    "TransformOutput": {"S3OutputPath": "s3://registro-fixtures/validation-output/"},
                    "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
                },
            }
        ],
    },
    "SkipModelValidation": "All",
}


# ---------------------------------------------------------------------------------------------- helpers


def abalone(group: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = load_fixture("packages", "abalone-v1.json")
    kwargs["ModelPackageGroupName"] = group
    return kwargs


def full_version(group: str) -> dict[str, Any]:
    return {**abalone(group), **copy.deepcopy(EXTRA_MEMBERS)}


def unique_name() -> str:
    return "pkg-" + uuid.uuid4().hex[:12]


def unversioned(name: str, **more: Any) -> dict[str, Any]:
    return {"ModelPackageName": name, "InferenceSpecification": copy.deepcopy(INFERENCE), **more}


def version_arn(group: str, version: int) -> str:
    return f"{PREFIX}model-package/{group}/{version}"


def package_arn(name: str) -> str:
    return f"{PREFIX}model-package/{name}"


def group_arn(group: str) -> str:
    return f"{PREFIX}model-package-group/{group}"


def describe(sm: Any, ref: str, **kwargs: Any) -> dict[str, Any]:
    document: dict[str, Any] = sm.describe_model_package(ModelPackageName=ref, **kwargs)
    document.pop("ResponseMetadata")
    return document


def versions(sm: Any, group: str) -> list[int]:
    listed = sm.list_model_packages(ModelPackageGroupName=group, MaxResults=100)["ModelPackageSummaryList"]
    return [s["ModelPackageVersion"] for s in listed]


def create_version(sm: Any, group: str, **kwargs: Any) -> str:
    arn: str = sm.create_model_package(
        ModelPackageGroupName=group, InferenceSpecification=INFERENCE, **kwargs
    )["ModelPackageArn"]
    return arn


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def assert_missing(sm: Any, ref: str, arn: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.describe_model_package(ModelPackageName=ref)
    assert error(exc) == ("ValidationException", f"ModelPackage {arn} does not exist.")


def wait_past(instant: Any) -> None:
    """Poll the shared clock until it is past `instant` (a datetime), so a later write has a later time."""
    deadline = time.monotonic() + 5
    while time.time() <= instant.timestamp() + 0.002:
        assert time.monotonic() < deadline, "the clock did not advance"
        time.sleep(0.001)


def other_caller(sm: Any) -> Any:
    """A client for the same server signing with another access key (another caller)."""
    return boto3.client(
        "sagemaker",
        endpoint_url=sm.meta.endpoint_url,
        region_name=REGION,
        aws_access_key_id=OTHER_KEY,
        aws_secret_access_key="registro-other-secret",
        config=Config(retries={"max_attempts": 0}),
    )


# ------------------------------------------------------------------------------- create: versions (3.3)


def test_create_model_package_numbers_versions_from_one_per_group(
    sm: Any, group: str, group_name: str
) -> None:
    arns = [create_version(sm, group) for _ in range(3)]
    assert arns == [version_arn(group, n) for n in (1, 2, 3)]
    other = "G-" + uuid.uuid4().hex[:12]
    sm.create_model_package_group(ModelPackageGroupName=other)
    assert create_version(sm, other) == version_arn(other, 1)
    assert versions(sm, group) == [1, 2, 3]


def test_create_model_package_accepts_the_group_arn(sm: Any, group: str) -> None:
    arn = create_version(sm, group_arn(group))
    assert arn == version_arn(group, 1)
    assert describe(sm, arn)["ModelPackageGroupName"] == group


def test_create_model_package_in_a_group_arn_of_another_region_finds_no_group(sm: Any, group: str) -> None:
    elsewhere = group_arn(group).replace(f":{REGION}:", ":eu-west-1:")
    with pytest.raises(ClientError) as exc:
        create_version(sm, elsewhere)
    assert error(exc) == ("ValidationException", f"ModelPackageGroup {elsewhere} does not exist.")
    assert versions(sm, group) == []


def test_create_model_package_version_defaults_to_pending_manual_approval(sm: Any, group: str) -> None:
    arn = create_version(sm, group)
    assert describe(sm, arn)["ModelApprovalStatus"] == "PendingManualApproval"
    approved = create_version(sm, group, ModelApprovalStatus="Approved")
    assert describe(sm, approved)["ModelApprovalStatus"] == "Approved"


def test_create_model_package_stores_every_given_member_as_given(sm: Any, group: str) -> None:
    kwargs = full_version(group)
    arn = sm.create_model_package(**kwargs)["ModelPackageArn"]
    described = describe(sm, arn)
    for member, value in kwargs.items():
        assert described[member] == value, member
    assert described["ModelPackageArn"] == arn
    assert described["ModelPackageName"] == group
    assert described["ModelPackageVersion"] == 1
    assert described["CertifyForMarketplace"] is False


def test_create_model_package_leaves_absent_members_absent(sm: Any, group: str) -> None:
    described = describe(sm, create_version(sm, group))
    for member in (
        "ModelPackageRegistrationType",
        "ApprovalDescription",
        "ModelCard",
        "ModelLifeCycle",
        "CustomerMetadataProperties",
        "ModelMetrics",
        "SourceUri",
        "SkipModelValidation",
        "Tags",
    ):
        assert member not in described, member


def test_create_model_package_is_completed_with_empty_status_details(sm: Any, group: str) -> None:
    described = describe(sm, sm.create_model_package(**full_version(group))["ModelPackageArn"])
    assert described["ModelPackageStatus"] == "Completed"
    assert described["ModelPackageStatusDetails"] == STATUS_DETAILS


def test_create_model_package_sets_last_modified_to_creation(sm: Any, group: str) -> None:
    described = describe(sm, create_version(sm, group))
    assert described["LastModifiedTime"] == described["CreationTime"]
    assert described["CreatedBy"] == CALLER
    assert described["LastModifiedBy"] == CALLER


def test_create_model_package_version_refuses_tags(sm: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        create_version(sm, group, Tags=[{"Key": "team", "Value": "x"}])
    assert error(exc) == (
        "ValidationException",
        "Tags cannot be supplied for a versioned model package; it uses the tags of its model package group.",
    )
    assert versions(sm, group) == []
    assert create_version(sm, group) == version_arn(group, 1)


def test_create_model_package_version_refuses_certify_for_marketplace(sm: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        create_version(sm, group, CertifyForMarketplace=True)
    code, message = error(exc)
    assert code == "ValidationException"
    assert "CertifyForMarketplace" in message and "versioned" in message
    assert versions(sm, group) == []
    arn = create_version(sm, group, CertifyForMarketplace=False)
    assert arn == version_arn(group, 1)
    assert describe(sm, arn)["CertifyForMarketplace"] is False


def test_create_model_package_in_missing_group_names_the_group_arn(sm: Any, group_name: str) -> None:
    with pytest.raises(ClientError) as exc:
        create_version(sm, group_name)
    assert error(exc) == ("ValidationException", f"ModelPackageGroup {group_arn(group_name)} does not exist.")


def test_create_model_package_with_both_names_is_refused(sm: Any, group: str) -> None:
    name = unique_name()
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(**unversioned(name), ModelPackageGroupName=group)
    assert error(exc) == (
        "ValidationException",
        (
            "Both ModelPackageName and ModelPackageGroupName are provided in the input. "
            "Cannot determine which one to use."
        ),
    )
    assert versions(sm, group) == []
    assert_missing(sm, name, package_arn(name))


def test_create_model_package_with_neither_name_is_refused(sm: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(InferenceSpecification=INFERENCE)
    assert error(exc) == ("ValidationException", "Missing ARN.")


def test_rejected_creates_consume_no_version_number(sm: Any, sm_raw: Any, group: str) -> None:
    with pytest.raises(ClientError):
        create_version(sm, group, Tags=[{"Key": "k", "Value": "v"}])
    with pytest.raises(ClientError):
        create_version(sm, group, ModelCard={"ModelCardContent": "not json"})
    with pytest.raises(ClientError) as exc:
        sm_raw.create_model_package(ModelPackageGroupName=group, ModelApprovalStatus="Approve")
    assert error(exc)[0] == "ValidationException"
    assert create_version(sm, group) == version_arn(group, 1)


def test_create_model_package_past_the_largest_version_is_refused(sm: Any, server: Any, group: str) -> None:
    store = Store(server.settings.resolved_database_url)
    try:
        with store.write() as conn:
            conn.execute(
                sql_update(tables.groups)
                .where(tables.groups.c.arn == group_arn(group))
                .values(next_version=999_999_999)
            )
    finally:
        store.dispose()
    assert create_version(sm, group) == version_arn(group, 999_999_999)
    with pytest.raises(ClientError) as exc:
        create_version(sm, group)
    code, message = error(exc)
    assert code == "ResourceLimitExceeded" and group_arn(group) in message and "999999999" in message
    assert versions(sm, group) == [999_999_999]


# ------------------------------------------------------------------------------------ ClientToken (3.3)


def test_client_token_replay_returns_the_first_arn_and_takes_no_version(sm: Any, group: str) -> None:
    token = str(uuid.uuid4())
    first = create_version(sm, group, ModelPackageDescription="one", ClientToken=token)
    again = create_version(sm, group, ModelPackageDescription="one", ClientToken=token)
    assert again == first == version_arn(group, 1)
    assert versions(sm, group) == [1]
    assert create_version(sm, group) == version_arn(group, 2)


def test_client_token_with_other_input_is_a_conflict(sm: Any, group: str) -> None:
    token = str(uuid.uuid4())
    arn = create_version(sm, group, ModelPackageDescription="one", ClientToken=token)
    with pytest.raises(ClientError) as exc:
        create_version(sm, group, ModelPackageDescription="two", ClientToken=token)
    assert error(exc) == ("ConflictException", f"ClientToken {token} was already used with different input.")
    assert versions(sm, group) == [1]
    assert describe(sm, arn)["ModelPackageDescription"] == "one"
    assert create_version(sm, group) == version_arn(group, 2)


def test_client_token_first_used_before_the_orjson_upgrade_still_replays(sm: Any, server: Any, group: str) -> None:
    """Tokens remembered by earlier versions carry the json module's fingerprint (documents.py)."""
    token = str(uuid.uuid4())
    first = create_version(sm, group, ModelPackageDescription="été", ClientToken=token)
    sent = {"ModelPackageGroupName": group, "InferenceSpecification": INFERENCE, "ModelPackageDescription": "été"}
    store = Store(server.settings.resolved_database_url)
    try:
        with store.write() as conn:
            changed = conn.execute(
                sql_update(tables.client_tokens)
                .where(tables.client_tokens.c.token == token)
                .values(request_hash=legacy_request_hash(sent))
            )
            assert changed.rowcount == 1 and legacy_request_hash(sent) != request_hash(sent)
    finally:
        store.dispose()
    assert create_version(sm, group, ModelPackageDescription="été", ClientToken=token) == first
    with pytest.raises(ClientError) as exc:
        create_version(sm, group, ModelPackageDescription="ete", ClientToken=token)
    assert error(exc)[0] == "ConflictException"
    assert versions(sm, group) == [1]


def test_client_token_is_scoped_to_the_account_not_the_group(sm: Any, group: str) -> None:
    token = str(uuid.uuid4())
    create_version(sm, group, ClientToken=token)
    other = "G-" + uuid.uuid4().hex[:12]
    sm.create_model_package_group(ModelPackageGroupName=other)
    with pytest.raises(ClientError) as exc:
        create_version(sm, other, ClientToken=token)
    assert error(exc) == ("ConflictException", f"ClientToken {token} was already used with different input.")
    assert versions(sm, other) == []
    name = unique_name()
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(**unversioned(name), ClientToken=token)
    assert error(exc)[0] == "ConflictException"
    assert_missing(sm, name, package_arn(name))


def test_client_token_of_a_rejected_create_is_not_consumed(sm: Any, group: str) -> None:
    token = str(uuid.uuid4())
    with pytest.raises(ClientError):
        create_version(sm, group, Tags=[{"Key": "k", "Value": "v"}], ClientToken=token)
    arn = create_version(sm, group, ModelPackageDescription="valid", ClientToken=token)
    assert arn == version_arn(group, 1)
    assert describe(sm, arn)["ModelPackageDescription"] == "valid"


def test_client_token_is_forgotten_when_its_package_is_deleted(sm: Any, group: str) -> None:
    token = str(uuid.uuid4())
    first = create_version(sm, group, ClientToken=token)
    sm.delete_model_package(ModelPackageName=first)
    assert create_version(sm, group, ClientToken=token) == version_arn(group, 2)


def test_client_token_replays_an_unversioned_create(sm: Any) -> None:
    name, token = unique_name(), str(uuid.uuid4())
    first = sm.create_model_package(**unversioned(name), ClientToken=token)["ModelPackageArn"]
    again = sm.create_model_package(**unversioned(name), ClientToken=token)["ModelPackageArn"]
    assert again == first == package_arn(name)
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(**unversioned(name, ModelPackageDescription="other"), ClientToken=token)
    assert error(exc)[0] == "ConflictException"
    assert "ModelPackageDescription" not in describe(sm, name)


# --------------------------------------------------------------------------- create: unversioned (3.3)


def test_create_unversioned_model_package_is_named_and_has_no_approval(sm: Any) -> None:
    name = unique_name()
    arn = sm.create_model_package(**unversioned(name))["ModelPackageArn"]
    assert arn == package_arn(name)
    described = describe(sm, arn)
    assert described["ModelPackageName"] == name
    assert described["ModelPackageArn"] == arn
    assert described["InferenceSpecification"] == INFERENCE
    assert described["ModelPackageStatus"] == "Completed"
    assert described["ModelPackageStatusDetails"] == STATUS_DETAILS
    assert described["CertifyForMarketplace"] is False
    assert described["LastModifiedTime"] == described["CreationTime"]
    assert described["CreatedBy"] == described["LastModifiedBy"] == CALLER
    for member in ("ModelPackageGroupName", "ModelPackageVersion", "ModelApprovalStatus"):
        assert member not in described, member


def test_create_unversioned_model_package_may_be_certified_for_marketplace(sm: Any) -> None:
    name = unique_name()
    sm.create_model_package(**unversioned(name), CertifyForMarketplace=True)
    assert describe(sm, name)["CertifyForMarketplace"] is True


def test_create_unversioned_model_package_refuses_an_approval_status(sm: Any) -> None:
    name = unique_name()
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(**unversioned(name), ModelApprovalStatus="Approved")
    code, message = error(exc)
    assert code == "ValidationException" and "ModelApprovalStatus" in message and "unversioned" in message
    assert_missing(sm, name, package_arn(name))


def test_create_unversioned_model_package_needs_an_inference_or_algorithm_specification(sm: Any) -> None:
    name = unique_name()
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(ModelPackageName=name)
    code, message = error(exc)
    assert code == "ValidationException"
    assert "InferenceSpecification" in message and "SourceAlgorithmSpecification" in message
    assert_missing(sm, name, package_arn(name))
    algorithm = {"SourceAlgorithms": [{"AlgorithmName": "xgboost", "ModelDataUrl": "s3://b/model.tar.gz"}]}
    sm.create_model_package(ModelPackageName=name, SourceAlgorithmSpecification=algorithm)
    assert describe(sm, name)["SourceAlgorithmSpecification"] == algorithm


@pytest.mark.parametrize(
    "member", ["SupportedTransformInstanceTypes", "SupportedRealtimeInferenceInstanceTypes"]
)
def test_create_unversioned_model_package_needs_both_instance_type_lists(sm: Any, member: str) -> None:
    name = unique_name()
    kwargs = unversioned(name)
    del kwargs["InferenceSpecification"][member]
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(**kwargs)
    code, message = error(exc)
    assert code == "ValidationException" and member in message
    assert_missing(sm, name, package_arn(name))


def test_create_unversioned_model_package_refuses_container_environment(sm: Any, group: str) -> None:
    name = unique_name()
    kwargs = unversioned(name)
    kwargs["InferenceSpecification"]["Containers"][0]["Environment"] = {"MODE": "fast"}
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(**kwargs)
    assert error(exc) == (
        "ValidationException",
        (
            "1 validation errors detected:Environment variable map cannot be specified "
            "when using non-versioned ModelPackages"
        ),
    )
    assert_missing(sm, name, package_arn(name))
    # A version may carry one.
    spec = kwargs["InferenceSpecification"]
    arn = sm.create_model_package(ModelPackageGroupName=group, InferenceSpecification=spec)["ModelPackageArn"]
    assert describe(sm, arn)["InferenceSpecification"]["Containers"][0]["Environment"] == {"MODE": "fast"}


def test_create_unversioned_model_package_with_a_taken_name_is_refused(sm: Any) -> None:
    name = unique_name()
    sm.create_model_package(**unversioned(name, ModelPackageDescription="first"))
    with pytest.raises(ClientError) as exc:
        sm.create_model_package(**unversioned(name, ModelPackageDescription="second"))
    assert error(exc) == ("ValidationException", f"Model Package already exists: {package_arn(name)}")
    assert describe(sm, name)["ModelPackageDescription"] == "first"


def test_create_unversioned_model_package_stores_its_tags(sm: Any) -> None:
    name = unique_name()
    given = [{"Key": "team", "Value": "marine"}, {"Key": "sagemaker:project", "Value": "abalone"}]
    arn = sm.create_model_package(**unversioned(name), Tags=given)["ModelPackageArn"]
    listed = sm.list_tags(ResourceArn=arn)["Tags"]
    assert sorted(listed, key=lambda t: t["Key"]) == sorted(given, key=lambda t: t["Key"])
    assert "Tags" not in describe(sm, arn)


# ------------------------------------------------------------------------------------ describe (3.5, 2.2)


def test_describe_by_arn_and_by_group_slash_version_give_the_same_document(sm: Any, group: str) -> None:
    arn = sm.create_model_package(**full_version(group))["ModelPackageArn"]
    assert describe(sm, arn) == describe(sm, f"{group}/1")


def test_describe_unversioned_by_name_and_by_arn_give_the_same_document(sm: Any) -> None:
    name = unique_name()
    arn = sm.create_model_package(**unversioned(name))["ModelPackageArn"]
    assert describe(sm, name) == describe(sm, arn)


def test_describe_missing_package_names_its_full_arn(sm: Any, group: str) -> None:
    create_version(sm, group)
    assert_missing(sm, f"{group}/2", version_arn(group, 2))
    assert_missing(sm, version_arn(group, 7), version_arn(group, 7))
    name = unique_name()
    assert_missing(sm, name, package_arn(name))


def test_describe_group_name_alone_is_not_a_version(sm: Any, group: str) -> None:
    create_version(sm, group)
    assert_missing(sm, group, package_arn(group))


def test_describe_names_are_case_sensitive(sm: Any, group: str) -> None:
    create_version(sm, group)
    assert_missing(sm, f"{group.lower()}/1", version_arn(group.lower(), 1))
    name = unique_name()
    sm.create_model_package(**unversioned(name))
    upper = name.upper()
    assert_missing(sm, upper, package_arn(upper))
    assert sm.create_model_package(**unversioned(upper))["ModelPackageArn"] == package_arn(upper)


def test_describe_arn_of_another_region_does_not_exist(sm: Any, group: str) -> None:
    create_version(sm, group)
    elsewhere = version_arn(group, 1).replace(f":{REGION}:", ":eu-west-1:")
    assert_missing(sm, elsewhere, elsewhere)


def test_describe_metadata_only_without_a_card_is_the_full_document(sm: Any, group: str) -> None:
    arn = sm.create_model_package(**full_version(group))["ModelPackageArn"]
    assert describe(sm, arn, IncludedData="MetadataOnly") == describe(sm, arn)
    assert describe(sm, arn, IncludedData="AllData") == describe(sm, arn)


def test_describe_refuses_an_unknown_included_data_value(sm_raw: Any, group: str) -> None:
    arn = create_version(sm_raw, group)
    with pytest.raises(ClientError) as exc:
        sm_raw.describe_model_package(ModelPackageName=arn, IncludedData="Everything")
    code, message = error(exc)
    assert code == "ValidationException" and "includedData" in message and "enum" in message


# ---------------------------------------------------------------------------------- summaries (3.6)


def test_list_version_summary_names_group_and_version_not_a_package_name(sm: Any, group: str) -> None:
    kwargs = full_version(group)
    arn = sm.create_model_package(**kwargs)["ModelPackageArn"]
    (summary,) = sm.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    described = describe(sm, arn)
    assert summary == {
        "ModelPackageGroupName": group,
        "ModelPackageVersion": 1,
        "ModelPackageArn": arn,
        "ModelPackageDescription": kwargs["ModelPackageDescription"],
        "CreationTime": described["CreationTime"],
        "ModelPackageStatus": "Completed",
        "ModelApprovalStatus": "PendingManualApproval",
        "ModelLifeCycle": kwargs["ModelLifeCycle"],
    }


def test_list_unversioned_summary_has_a_name_and_no_group_version_or_approval(sm: Any) -> None:
    name = unique_name()
    arn = sm.create_model_package(**unversioned(name, ModelPackageDescription="alone"))["ModelPackageArn"]
    (summary,) = sm.list_model_packages(NameContains=name)["ModelPackageSummaryList"]
    assert summary == {
        "ModelPackageName": name,
        "ModelPackageArn": arn,
        "ModelPackageDescription": "alone",
        "CreationTime": describe(sm, arn)["CreationTime"],
        "ModelPackageStatus": "Completed",
    }


def test_list_without_group_lists_only_unversioned_packages(sm: Any, group: str) -> None:
    create_version(sm, group)
    assert sm.list_model_packages(NameContains=group)["ModelPackageSummaryList"] == []
    versioned = sm.list_model_packages(NameContains=group, ModelPackageType="Versioned")[
        "ModelPackageSummaryList"
    ]
    assert [s["ModelPackageArn"] for s in versioned] == [version_arn(group, 1)]


def test_list_of_a_group_as_unversioned_is_empty(sm: Any, group: str) -> None:
    create_version(sm, group)
    listed = sm.list_model_packages(ModelPackageGroupName=group, ModelPackageType="Unversioned")
    assert listed["ModelPackageSummaryList"] == []


def test_list_of_a_missing_group_is_refused(sm: Any, group_name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.list_model_packages(ModelPackageGroupName=group_name)
    assert error(exc) == ("ValidationException", f"ModelPackageGroup {group_arn(group_name)} does not exist.")


# ------------------------------------------------------------------------------------------ update (3.7)


def update(sm: Any, arn: str, **kwargs: Any) -> None:
    assert sm.update_model_package(ModelPackageArn=arn, **kwargs)["ModelPackageArn"] == arn


def refused_update(sm: Any, arn: str, **kwargs: Any) -> str:
    """The message of a refused update, after checking it changed nothing."""
    before = describe(sm, arn)
    with pytest.raises(ClientError) as exc:
        sm.update_model_package(ModelPackageArn=arn, **kwargs)
    code, message = error(exc)
    assert code == "ValidationException"
    assert describe(sm, arn) == before
    return message


def test_update_model_package_allows_any_approval_transition(sm: Any, group: str) -> None:
    arn = create_version(sm, group)
    for status in (
        "Approved",
        "Rejected",
        "PendingManualApproval",
        "Approved",
        "PendingManualApproval",
        "Rejected",
    ):
        update(sm, arn, ModelApprovalStatus=status, ApprovalDescription=f"now {status}")
        described = describe(sm, arn)
        assert described["ModelApprovalStatus"] == status
        assert described["ApprovalDescription"] == f"now {status}"


def test_update_model_package_keeps_approval_description_when_only_the_status_changes(
    sm: Any, group: str
) -> None:
    arn = create_version(sm, group)
    comment = "Looks good.\nRMSE below the bar."
    update(sm, arn, ModelApprovalStatus="Approved", ApprovalDescription=comment)
    update(sm, arn, ModelApprovalStatus="Rejected")
    described = describe(sm, arn)
    assert described["ModelApprovalStatus"] == "Rejected"
    assert described["ApprovalDescription"] == comment


def test_update_model_package_accepts_approval_description_without_status(sm: Any, group: str) -> None:
    arn = create_version(sm, group, ModelApprovalStatus="Approved")
    update(sm, arn, ApprovalDescription="second thoughts")
    described = describe(sm, arn)
    assert described["ApprovalDescription"] == "second thoughts"
    assert described["ModelApprovalStatus"] == "Approved"


def test_update_model_package_keeps_omitted_members(sm: Any, group: str) -> None:
    arn = sm.create_model_package(**full_version(group))["ModelPackageArn"]
    before = describe(sm, arn)
    update(sm, arn, ModelApprovalStatus="Approved")
    after = describe(sm, arn)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {"ModelApprovalStatus", "LastModifiedTime"}


def test_update_model_package_merges_customer_metadata(sm: Any, group: str) -> None:
    kwargs = abalone(group)
    arn = sm.create_model_package(**kwargs)["ModelPackageArn"]
    update(sm, arn, CustomerMetadataProperties={"team": "platform", "reviewer": "ana"})
    expected = {**kwargs["CustomerMetadataProperties"], "team": "platform", "reviewer": "ana"}
    assert describe(sm, arn)["CustomerMetadataProperties"] == expected


def test_update_model_package_removes_metadata_keys_ignoring_unknown_ones(sm: Any, group: str) -> None:
    kwargs = abalone(group)
    arn = sm.create_model_package(**kwargs)["ModelPackageArn"]
    update(sm, arn, CustomerMetadataPropertiesToRemove=["team", "owner", "no-such-key"])
    expected = {k: v for k, v in kwargs["CustomerMetadataProperties"].items() if k not in ("team", "owner")}
    assert describe(sm, arn)["CustomerMetadataProperties"] == expected


def test_update_model_package_sets_and_removes_different_keys_in_one_request(sm: Any, group: str) -> None:
    arn = create_version(sm, group, CustomerMetadataProperties={"a": "1", "b": "2"})
    update(sm, arn, CustomerMetadataProperties={"c": "3"}, CustomerMetadataPropertiesToRemove=["a"])
    assert describe(sm, arn)["CustomerMetadataProperties"] == {"b": "2", "c": "3"}


def test_update_model_package_refuses_a_key_set_and_removed_in_one_request(sm: Any, group: str) -> None:
    arn = create_version(sm, group, CustomerMetadataProperties={"a": "1"})
    message = refused_update(
        sm, arn, CustomerMetadataProperties={"b": "2"}, CustomerMetadataPropertiesToRemove=["b"]
    )
    assert "b" in message and "removed" in message


def test_update_model_package_omits_an_emptied_metadata_map(sm: Any, group: str) -> None:
    arn = create_version(sm, group, CustomerMetadataProperties={"a": "1", "b": "2"})
    update(sm, arn, CustomerMetadataPropertiesToRemove=["a", "b"])
    assert "CustomerMetadataProperties" not in describe(sm, arn)


def test_update_model_package_allows_fifty_metadata_entries_and_refuses_more(sm: Any, group: str) -> None:
    arn = create_version(sm, group, CustomerMetadataProperties={f"k{i}": "v" for i in range(30)})
    update(sm, arn, CustomerMetadataProperties={f"k{i}": "v" for i in range(30, 50)})
    assert len(describe(sm, arn)["CustomerMetadataProperties"]) == 50
    message = refused_update(sm, arn, CustomerMetadataProperties={"k50": "v"})
    assert "CustomerMetadataProperties" in message and "50" in message


def test_update_model_package_appends_additional_inference_specifications(sm: Any, group: str) -> None:
    kwargs = full_version(group)
    arn = sm.create_model_package(**kwargs)["ModelPackageArn"]
    added = [
        {"Name": "arm", "Containers": [{"Image": "example.com/arm:1"}]},
        {"Name": "cpu-small", "Containers": [{"Image": "example.com/small:1"}]},
    ]
    update(sm, arn, AdditionalInferenceSpecificationsToAdd=added)
    assert (
        describe(sm, arn)["AdditionalInferenceSpecifications"]
        == kwargs["AdditionalInferenceSpecifications"] + added
    )


def test_update_model_package_refuses_more_than_fifteen_additional_specifications(
    sm: Any, group: str
) -> None:
    arn = sm.create_model_package(**full_version(group))["ModelPackageArn"]
    added = [{"Name": f"spec-{i}", "Containers": [{"Image": "example.com/x:1"}]} for i in range(15)]
    message = refused_update(sm, arn, AdditionalInferenceSpecificationsToAdd=added)
    assert "AdditionalInferenceSpecifications" in message and "15" in message
    update(sm, arn, AdditionalInferenceSpecificationsToAdd=added[:14])
    assert len(describe(sm, arn)["AdditionalInferenceSpecifications"]) == 15


def test_update_model_package_refuses_duplicate_additional_specification_names(sm: Any, group: str) -> None:
    arn = sm.create_model_package(**full_version(group))["ModelPackageArn"]
    existing = {"Name": "gpu-variant", "Containers": [{"Image": "example.com/x:1"}]}
    assert "gpu-variant" in refused_update(sm, arn, AdditionalInferenceSpecificationsToAdd=[existing])
    twice = [{"Name": "twin", "Containers": [{"Image": "example.com/x:1"}]}] * 2
    assert "twin" in refused_update(sm, arn, AdditionalInferenceSpecificationsToAdd=twice)


def test_create_model_package_refuses_duplicate_additional_specification_names(sm: Any, group: str) -> None:
    spec = {"Name": "twin", "Containers": [{"Image": "example.com/x:1"}]}
    with pytest.raises(ClientError) as exc:
        create_version(sm, group, AdditionalInferenceSpecifications=[spec, spec])
    code, message = error(exc)
    assert code == "ValidationException" and "twin" in message
    assert versions(sm, group) == []


def test_update_model_package_replaces_inference_specification_source_uri_and_lifecycle(
    sm: Any, group: str
) -> None:
    arn = sm.create_model_package(**full_version(group))["ModelPackageArn"]
    spec = {"Containers": [{"Image": "example.com/new:2"}], "SupportedContentTypes": ["application/json"]}
    lifecycle = {"Stage": "Production", "StageStatus": "Approved"}
    update(sm, arn, InferenceSpecification=spec, SourceUri="s3://b/new-source", ModelLifeCycle=lifecycle)
    described = describe(sm, arn)
    assert described["InferenceSpecification"] == spec
    assert described["SourceUri"] == "s3://b/new-source"
    assert described["ModelLifeCycle"] == lifecycle  # replaced whole: the old StageDescription is gone


def test_update_model_package_replaces_the_registration_type(sm: Any, group: str) -> None:
    arn = create_version(sm, group, ModelPackageRegistrationType="Logged")
    update(sm, arn, ModelPackageRegistrationType="Registered")
    assert describe(sm, arn)["ModelPackageRegistrationType"] == "Registered"


def test_update_model_package_moves_last_modified_only_when_a_value_changes(sm: Any, group: str) -> None:
    other = other_caller(sm)
    arn = create_version(sm, group, ModelApprovalStatus="Approved", CustomerMetadataProperties={"a": "1"})
    created = describe(sm, arn)
    wait_past(created["CreationTime"])
    # Values already stored, keys already absent: nothing changes, so nothing moves.
    update(
        other,
        arn,
        ModelApprovalStatus="Approved",
        CustomerMetadataProperties={"a": "1"},
        CustomerMetadataPropertiesToRemove=["absent"],
    )
    assert describe(sm, arn) == created
    update(other, arn, ModelApprovalStatus="Rejected")
    changed = describe(sm, arn)
    assert changed["LastModifiedTime"] > created["LastModifiedTime"]
    other_arn = f"arn:aws:iam::{ACCOUNT}:user/{OTHER_KEY}"
    assert changed["LastModifiedBy"] == {"IamIdentity": {"Arn": other_arn, "PrincipalId": OTHER_KEY}}
    assert changed["CreatedBy"] == CALLER
    assert changed["CreationTime"] == created["CreationTime"]


def test_update_unversioned_model_package_refuses_approval_members(sm: Any) -> None:
    name = unique_name()
    arn = sm.create_model_package(**unversioned(name))["ModelPackageArn"]
    assert "ModelApprovalStatus" in refused_update(sm, arn, ModelApprovalStatus="Approved")
    assert "ApprovalDescription" in refused_update(sm, arn, ApprovalDescription="fine")
    update(sm, arn, CustomerMetadataProperties={"a": "1"}, SourceUri="s3://b/src")
    described = describe(sm, arn)
    assert described["CustomerMetadataProperties"] == {"a": "1"}
    assert described["SourceUri"] == "s3://b/src"
    assert "ModelApprovalStatus" not in described


def test_update_missing_model_package_names_its_arn(sm: Any, group: str) -> None:
    create_version(sm, group)
    missing = version_arn(group, 5)
    with pytest.raises(ClientError) as exc:
        sm.update_model_package(ModelPackageArn=missing, ModelApprovalStatus="Approved")
    assert error(exc) == ("ValidationException", f"ModelPackage {missing} does not exist.")


def test_update_refused_by_shape_validation_changes_nothing(sm_raw: Any, group: str) -> None:
    arn = create_version(sm_raw, group)
    message = refused_update(sm_raw, arn, ModelApprovalStatus="Approve", ApprovalDescription="typo")
    assert "modelApprovalStatus" in message and "enum" in message


def test_update_client_token_replays_and_conflicts(sm: Any, group: str) -> None:
    arn = create_version(sm, group)
    token = str(uuid.uuid4())
    update(sm, arn, ModelApprovalStatus="Approved", ClientToken=token)
    update(sm, arn, ModelApprovalStatus="Rejected")
    # The replay answers as the first call did and changes nothing.
    update(sm, arn, ModelApprovalStatus="Approved", ClientToken=token)
    assert describe(sm, arn)["ModelApprovalStatus"] == "Rejected"
    before = describe(sm, arn)
    with pytest.raises(ClientError) as exc:
        sm.update_model_package(
            ModelPackageArn=arn, ModelApprovalStatus="PendingManualApproval", ClientToken=token
        )
    assert error(exc)[0] == "ConflictException"
    assert describe(sm, arn) == before


# ------------------------------------------------------------------------------------------ delete (3.8)


def test_delete_model_package_by_arn(sm: Any, group: str) -> None:
    arn = create_version(sm, group, ModelApprovalStatus="Approved")
    response = sm.delete_model_package(ModelPackageName=arn)
    assert set(response) == {"ResponseMetadata"}
    assert_missing(sm, arn, arn)


def test_delete_model_package_by_group_slash_version(sm: Any, group: str) -> None:
    create_version(sm, group)
    sm.delete_model_package(ModelPackageName=f"{group}/1")
    assert_missing(sm, version_arn(group, 1), version_arn(group, 1))
    assert versions(sm, group) == []


def test_delete_unversioned_model_package_by_name(sm: Any) -> None:
    name = unique_name()
    sm.create_model_package(**unversioned(name))
    sm.delete_model_package(ModelPackageName=name)
    assert_missing(sm, name, package_arn(name))


def test_delete_keeps_other_version_numbers_and_never_reuses_a_number(sm: Any, group: str) -> None:
    for _ in range(3):
        create_version(sm, group)
    sm.delete_model_package(ModelPackageName=version_arn(group, 2))
    assert versions(sm, group) == [1, 3]
    assert describe(sm, f"{group}/3")["ModelPackageVersion"] == 3
    sm.delete_model_package(ModelPackageName=version_arn(group, 3))
    assert create_version(sm, group) == version_arn(group, 4)
    assert versions(sm, group) == [1, 4]


def test_delete_missing_model_package_is_refused(sm: Any, group: str) -> None:
    arn = create_version(sm, group)
    sm.delete_model_package(ModelPackageName=arn)
    with pytest.raises(ClientError) as exc:
        sm.delete_model_package(ModelPackageName=arn)
    assert error(exc) == ("ValidationException", f"ModelPackage {arn} does not exist.")
    name = unique_name()
    with pytest.raises(ClientError) as exc:
        sm.delete_model_package(ModelPackageName=name)
    assert error(exc) == ("ValidationException", f"ModelPackage {package_arn(name)} does not exist.")


def test_delete_model_package_removes_its_tags(sm: Any, server: Any, group: str) -> None:
    arn = create_version(sm, group)
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "qa"}])
    keep = create_version(sm, group)
    sm.add_tags(ResourceArn=keep, Tags=[{"Key": "stage", "Value": "prod"}])
    sm.delete_model_package(ModelPackageName=arn)
    store = Store(server.settings.resolved_database_url)
    try:
        with store.read() as conn:
            assert stored_tags.of(conn, arn) == {}
            assert stored_tags.of(conn, keep) == {"stage": "prod"}
    finally:
        store.dispose()


def test_unversioned_name_recreated_after_delete_has_no_old_tags(sm: Any) -> None:
    name = unique_name()
    arn = sm.create_model_package(**unversioned(name), Tags=[{"Key": "old", "Value": "1"}])["ModelPackageArn"]
    sm.delete_model_package(ModelPackageName=arn)
    assert sm.create_model_package(**unversioned(name))["ModelPackageArn"] == arn
    assert sm.list_tags(ResourceArn=arn)["Tags"] == []


# ---------------------------------------------------------------------------------- batch describe (3.9)


def test_batch_describe_returns_summaries_keyed_by_arn(sm: Any, group: str) -> None:
    kwargs = full_version(group)
    first = sm.create_model_package(**kwargs)["ModelPackageArn"]
    second = create_version(sm, group, ModelApprovalStatus="Approved")
    answer = sm.batch_describe_model_package(ModelPackageArnList=[first, second])
    assert answer["BatchDescribeModelPackageErrorMap"] == {}
    summaries = answer["ModelPackageSummaries"]
    assert set(summaries) == {first, second}
    assert summaries[first] == {
        "ModelPackageGroupName": group,
        "ModelPackageVersion": 1,
        "ModelPackageArn": first,
        "ModelPackageDescription": kwargs["ModelPackageDescription"],
        "CreationTime": describe(sm, first)["CreationTime"],
        "InferenceSpecification": kwargs["InferenceSpecification"],
        "ModelPackageStatus": "Completed",
        "ModelApprovalStatus": "PendingManualApproval",
    }
    assert summaries[second]["ModelApprovalStatus"] == "Approved"
    assert summaries[second]["ModelPackageVersion"] == 2


def test_batch_describe_reports_missing_and_unversioned_packages_in_the_error_map(
    sm: Any, group: str
) -> None:
    found = create_version(sm, group)
    missing = version_arn(group, 9)
    name = unique_name()
    alone = sm.create_model_package(**unversioned(name))["ModelPackageArn"]
    answer = sm.batch_describe_model_package(ModelPackageArnList=[missing, found, alone])
    assert set(answer["ModelPackageSummaries"]) == {found}
    assert answer["BatchDescribeModelPackageErrorMap"] == {
        missing: {
            "ErrorCode": "ValidationException",
            "ErrorResponse": f"ModelPackage {missing} does not exist.",
        },
        alone: {
            "ErrorCode": "ValidationException",
            "ErrorResponse": f"ModelPackage {alone} is not a versioned model package.",
        },
    }


def test_batch_describe_answers_duplicates_once_and_always_sends_both_maps(sm: Any, group: str) -> None:
    arn = create_version(sm, group)
    raw: dict[str, Any] = {}

    def keep_body(http_response: Any, **_: Any) -> None:
        raw["body"] = json.loads(http_response.content)

    missing = version_arn(group, 2)
    sm.meta.events.register("after-call.sagemaker.BatchDescribeModelPackage", keep_body)
    try:
        sm.batch_describe_model_package(ModelPackageArnList=[arn, arn, arn])
        only_found = raw["body"]
        sm.batch_describe_model_package(ModelPackageArnList=[missing, missing])
        only_missing = raw["body"]
    finally:
        sm.meta.events.unregister("after-call.sagemaker.BatchDescribeModelPackage", keep_body)
    # Read from the wire: botocore would turn an absent map into an absent key, not `{}`.
    assert list(only_found["ModelPackageSummaries"]) == [arn]
    assert only_found["BatchDescribeModelPackageErrorMap"] == {}
    assert only_missing["ModelPackageSummaries"] == {}
    assert list(only_missing["BatchDescribeModelPackageErrorMap"]) == [missing]


def test_batch_describe_takes_one_to_one_hundred_arns(sm_raw: Any, group: str) -> None:
    arn = create_version(sm_raw, group)
    many = [arn] + [version_arn(group, n) for n in range(2, 102)]
    with pytest.raises(ClientError) as exc:
        sm_raw.batch_describe_model_package(ModelPackageArnList=many)
    code, message = error(exc)
    assert code == "ValidationException" and "modelPackageArnList" in message and "100" in message
    with pytest.raises(ClientError) as exc:
        sm_raw.batch_describe_model_package(ModelPackageArnList=[])
    assert error(exc)[0] == "ValidationException"
    answer = sm_raw.batch_describe_model_package(ModelPackageArnList=many[:100])
    assert list(answer["ModelPackageSummaries"]) == [arn]
    assert len(answer["BatchDescribeModelPackageErrorMap"]) == 99


def test_batch_describe_refuses_an_item_that_is_not_a_package_arn(sm: Any, group: str) -> None:
    arn = create_version(sm, group)
    with pytest.raises(ClientError) as exc:
        sm.batch_describe_model_package(ModelPackageArnList=[arn, f"{group}/1"])
    code, message = error(exc)
    assert code == "ValidationException" and "modelPackageArnList" in message and "pattern" in message
