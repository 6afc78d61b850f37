"""The activity log of a package, read with registro.registry.activity after changes made through boto3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import ACCOUNT, FIXTURES

from registro.events.kinds import EventKind
from registro.registry.activity import package_activity
from registro.registry.context import Context

CALLER_ARN = f"arn:aws:iam::{ACCOUNT}:user/AKIDREGISTROTEST"
INFERENCE = {
    "Containers": [{"Image": "257758044811.dkr.ecr.us-east-2.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3"}],
    "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
    "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.xlarge"],
}
CARD = (Path(FIXTURES) / "model-cards" / "full-card.json").read_text(encoding="utf-8")


def ms(moment: Any) -> int:
    return round(moment.timestamp() * 1000)


def request_id(response: dict[str, Any]) -> str:
    rid: str = response["ResponseMetadata"]["RequestId"]
    return rid


def create(sm: Any, group: str, **kwargs: Any) -> dict[str, Any]:
    response: dict[str, Any] = sm.create_model_package(
        ModelPackageGroupName=group, InferenceSpecification=INFERENCE, **kwargs
    )
    return response


def update(sm: Any, arn: str, **kwargs: Any) -> dict[str, Any]:
    response: dict[str, Any] = sm.update_model_package(ModelPackageArn=arn, **kwargs)
    return response


def kinds(records: list[dict[str, Any]]) -> list[str]:
    return [r["kind"] for r in records]


def test_package_changes_are_recorded_newest_first(sm: Any, registry_context: Context, group: str) -> None:
    created = create(sm, group, CustomerMetadataProperties={"team": "marine"})
    arn = created["ModelPackageArn"]
    approved = update(sm, arn, ModelApprovalStatus="Approved", ApprovalDescription="RMSE below the bar")
    carded = update(sm, arn, ModelCard={"ModelCardContent": CARD})
    tagged = update(
        sm, arn, CustomerMetadataProperties={"owner": "ana"}, CustomerMetadataPropertiesToRemove=["team"]
    )
    staged = update(sm, arn, ModelLifeCycle={"Stage": "Production", "StageStatus": "Approved"})
    deleted = sm.delete_model_package(ModelPackageName=arn)

    records = package_activity(registry_context, arn)
    assert kinds(records) == [
        EventKind.PACKAGE_DELETED,
        EventKind.LIFECYCLE_CHANGED,
        EventKind.METADATA_CHANGED,
        EventKind.CARD_CHANGED,
        EventKind.APPROVAL_CHANGED,
        EventKind.PACKAGE_CREATED,
    ]
    responses = [deleted, staged, tagged, carded, approved, created]
    assert [r["request_id"] for r in records] == [request_id(r) for r in responses]
    ids = [r["id"] for r in records]
    assert ids == sorted(ids, reverse=True)
    for record in records:
        assert record["resource_arn"] == arn
        assert record["by"] == CALLER_ARN
        assert record["access_key"] == "AKIDREGISTROTEST"
        assert record["account"] == ACCOUNT
        assert record["group_name"] == group
        assert record["version"] == 1
    fields = [r["detail"].get("UpdatedModelPackageFields") for r in records]
    assert fields == [
        None,
        ["ModelLifeCycle"],
        ["CustomerMetadataProperties"],
        ["ModelCard"],
        ["ModelApprovalStatus", "ApprovalDescription"],
        None,
    ]


def test_create_is_recorded_with_the_described_document(
    sm: Any, registry_context: Context, group: str
) -> None:
    created = create(sm, group, ModelPackageDescription="first")
    arn = created["ModelPackageArn"]
    described = sm.describe_model_package(ModelPackageName=arn)
    (record,) = package_activity(registry_context, arn)
    assert record["kind"] == EventKind.PACKAGE_CREATED
    assert record["request_id"] == request_id(created)
    assert record["at"] == ms(described["CreationTime"])
    detail = record["detail"]
    assert detail["ModelPackageArn"] == arn
    assert detail["ModelPackageDescription"] == "first"
    assert detail["ModelApprovalStatus"] == "PendingManualApproval"
    assert detail["ModelPackageVersion"] == 1
    assert record["previous"] is None


def test_approval_change_records_previous_value_description_caller_and_request_id(
    sm: Any, registry_context: Context, group: str
) -> None:
    arn = create(sm, group)["ModelPackageArn"]
    approved = update(sm, arn, ModelApprovalStatus="Approved", ApprovalDescription="Looks good.\nShip it.")
    described = sm.describe_model_package(ModelPackageName=arn)
    record = package_activity(registry_context, arn)[0]
    assert record["kind"] == EventKind.APPROVAL_CHANGED
    assert record["by"] == CALLER_ARN
    assert record["request_id"] == request_id(approved)
    assert record["at"] == ms(described["LastModifiedTime"])
    assert record["previous"]["ModelApprovalStatus"] == "PendingManualApproval"
    assert record["detail"]["ModelApprovalStatus"] == "Approved"
    assert record["detail"]["ApprovalDescription"] == "Looks good.\nShip it."
    assert record["detail"]["UpdatedModelPackageFields"] == ["ModelApprovalStatus", "ApprovalDescription"]


def test_update_of_several_members_is_named_by_the_approval(
    sm: Any, registry_context: Context, group: str
) -> None:
    arn = create(sm, group)["ModelPackageArn"]
    update(sm, arn, ModelApprovalStatus="Rejected", CustomerMetadataProperties={"reason": "bias"})
    record = package_activity(registry_context, arn)[0]
    assert record["kind"] == EventKind.APPROVAL_CHANGED
    assert record["detail"]["UpdatedModelPackageFields"] == [
        "ModelApprovalStatus",
        "CustomerMetadataProperties",
    ]
    assert record["detail"]["CustomerMetadataProperties"] == {"reason": "bias"}


def test_card_change_records_the_new_card(sm: Any, registry_context: Context, group: str) -> None:
    arn = create(sm, group)["ModelPackageArn"]
    update(sm, arn, ModelCard={"ModelCardContent": CARD, "ModelCardStatus": "PendingReview"})
    update(sm, arn, ModelCard={"ModelCardStatus": "Approved"})
    status, content = package_activity(registry_context, arn)[:2]
    assert kinds([status, content]) == [EventKind.CARD_CHANGED, EventKind.CARD_CHANGED]
    assert content["detail"]["ModelCard"] == {"ModelCardContent": CARD, "ModelCardStatus": "PendingReview"}
    assert status["detail"]["ModelCard"]["ModelCardStatus"] == "Approved"
    assert status["previous"]["ModelCard"]["ModelCardStatus"] == "PendingReview"


def test_lifecycle_change_records_previous_and_new_stage(
    sm: Any, registry_context: Context, group: str
) -> None:
    arn = create(sm, group, ModelLifeCycle={"Stage": "Development", "StageStatus": "InProgress"})[
        "ModelPackageArn"
    ]
    update(sm, arn, ModelLifeCycle={"Stage": "Staging", "StageStatus": "InProgress"})
    record = package_activity(registry_context, arn)[0]
    assert record["kind"] == EventKind.LIFECYCLE_CHANGED
    assert record["previous"]["ModelLifeCycle"] == {"Stage": "Development", "StageStatus": "InProgress"}
    assert record["detail"]["ModelLifeCycle"] == {"Stage": "Staging", "StageStatus": "InProgress"}


def test_delete_is_recorded_and_the_history_outlives_the_package(
    sm: Any, registry_context: Context, group: str
) -> None:
    arn = create(sm, group, ModelApprovalStatus="Approved")["ModelPackageArn"]
    deleted = sm.delete_model_package(ModelPackageName=f"{group}/1")
    records = package_activity(registry_context, arn)
    assert kinds(records) == [EventKind.PACKAGE_DELETED, EventKind.PACKAGE_CREATED]
    assert records[0]["request_id"] == request_id(deleted)
    assert records[0]["detail"]["ModelPackageArn"] == arn
    assert records[0]["detail"]["ModelPackageStatus"] == "Deleting"
    assert package_activity(registry_context, f"{group}/1") == records


def test_unversioned_package_records_carry_no_group(
    sm: Any, registry_context: Context, group_name: str
) -> None:
    name = "pkg-" + group_name
    arn = sm.create_model_package(ModelPackageName=name, InferenceSpecification=INFERENCE)["ModelPackageArn"]
    update(sm, arn, CustomerMetadataProperties={"a": "1"})
    records = package_activity(registry_context, name)
    assert kinds(records) == [EventKind.METADATA_CHANGED, EventKind.PACKAGE_CREATED]
    assert all(r["group_name"] is None and r["version"] is None for r in records)


def test_no_op_update_records_nothing(sm: Any, registry_context: Context, group: str) -> None:
    arn = create(sm, group, ModelApprovalStatus="Approved", CustomerMetadataProperties={"a": "1"})[
        "ModelPackageArn"
    ]
    before = package_activity(registry_context, arn)
    update(sm, arn, ModelApprovalStatus="Approved", CustomerMetadataProperties={"a": "1"})
    update(sm, arn, CustomerMetadataPropertiesToRemove=["not-there"])
    assert package_activity(registry_context, arn) == before
    assert kinds(before) == [EventKind.PACKAGE_CREATED]


def test_rejected_update_records_nothing(sm: Any, sm_raw: Any, registry_context: Context, group: str) -> None:
    arn = create(sm, group, CustomerMetadataProperties={"a": "1"})["ModelPackageArn"]
    before = package_activity(registry_context, arn)
    with pytest.raises(ClientError) as exc:
        update(sm, arn, CustomerMetadataProperties={"b": "2"}, CustomerMetadataPropertiesToRemove=["b"])
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        update(sm, arn, ModelApprovalStatus="Approved", ModelCard={"ModelCardContent": "not json"})
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        update(sm_raw, arn, ModelApprovalStatus="Approve")
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert package_activity(registry_context, arn) == before
    assert sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "PendingManualApproval"


def test_detail_is_frozen_at_commit(sm: Any, registry_context: Context, group: str) -> None:
    arn = create(sm, group)["ModelPackageArn"]
    update(sm, arn, ModelApprovalStatus="Approved")
    update(sm, arn, ModelApprovalStatus="Rejected")
    rejected, approved, _created = package_activity(registry_context, arn)
    assert approved["detail"]["ModelApprovalStatus"] == "Approved"
    assert rejected["detail"]["ModelApprovalStatus"] == "Rejected"
    assert rejected["previous"] == {"ModelApprovalStatus": "Approved"}
