"""The seed scenario (sagemaker-api.md 5): list and describe outputs, member by member, type by type."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, client, load_fixture, new_database, start_server

from registro.settings import Settings

SEED_ARN = "arn:aws:sagemaker:us-east-2:123456789012:model-package/ModelGroup1/1"
SEED_INFERENCE = {
    "Containers": [
        {
            "Image": "257758044811.dkr.ecr.us-east-2.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3",
            "ImageDigest": "sha256:99fa602cff19aee33297a5926f8497ca7bcd2a391b7d600300204eef803bca66",
            "ModelDataUrl": "s3://sagemaker-us-east-2-123456789012/ModelGroup1/pipelines-0gdonccek7o9-AbaloneTrain-stmiylhtIR/output/model.tar.gz",
        }
    ],
    "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
    "SupportedRealtimeInferenceInstanceTypes": ["ml.t2.medium", "ml.m5.xlarge"],
    "SupportedContentTypes": ["text/csv"],
    "SupportedResponseMIMETypes": ["text/csv"],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def seed_sm(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh server in the seed's region us-east-2, with group ModelGroup1."""
    url, drop = new_database(request.param, tmp_path)
    running = start_server(Settings(database_url=url, region="us-east-2", account_id=ACCOUNT))
    sm = client(running.url)
    sm.create_model_package_group(ModelPackageGroupName="ModelGroup1")
    try:
        yield sm
    finally:
        running.stop()
        drop()


def test_seed_list_model_packages_answers_the_seed_summary(seed_sm: Any) -> None:
    seed_sm.create_model_package(
        ModelPackageGroupName="ModelGroup1",
        ModelPackageDescription="TestMe",
        ModelApprovalStatus="Approved",
        InferenceSpecification=SEED_INFERENCE,
    )
    answer = seed_sm.list_model_packages(ModelPackageGroupName="ModelGroup1")
    meta = answer.pop("ResponseMetadata")
    assert meta["HTTPStatusCode"] == 200
    assert meta["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
    assert meta["HTTPHeaders"]["x-amzn-requestid"] == meta["RequestId"]
    assert list(answer) == ["ModelPackageSummaryList"]  # no NextToken
    [summary] = answer["ModelPackageSummaryList"]
    assert set(summary) == {
        "ModelPackageGroupName", "ModelPackageVersion", "ModelPackageArn", "ModelPackageDescription",
        "CreationTime", "ModelPackageStatus", "ModelApprovalStatus",
    }
    assert summary["ModelPackageGroupName"] == "ModelGroup1"
    assert summary["ModelPackageVersion"] == 1 and isinstance(summary["ModelPackageVersion"], int)
    assert summary["ModelPackageArn"] == SEED_ARN
    assert summary["ModelPackageDescription"] == "TestMe"
    assert isinstance(summary["CreationTime"], datetime.datetime) and summary["CreationTime"].tzinfo is not None
    assert summary["CreationTime"].microsecond % 1000 == 0  # millisecond precision
    assert summary["ModelPackageStatus"] == "Completed"
    assert summary["ModelApprovalStatus"] == "Approved"
    # Each listed ARN describes to the summary's values.
    described = seed_sm.describe_model_package(ModelPackageName=summary["ModelPackageArn"])
    assert {k: described[k] for k in summary} == summary


def test_seed_describe_model_package_answers_the_seed_document(seed_sm: Any) -> None:
    seed_sm.create_model_package(
        ModelPackageGroupName="ModelGroup1",
        ModelPackageDescription="Test Model",
        InferenceSpecification=SEED_INFERENCE,
    )
    described = seed_sm.describe_model_package(ModelPackageName=SEED_ARN)
    described.pop("ResponseMetadata")
    assert set(described) == {
        "ModelPackageGroupName", "ModelPackageVersion", "ModelPackageArn", "ModelPackageDescription",
        "CreationTime", "LastModifiedTime", "InferenceSpecification", "ModelPackageStatus",
        "ModelPackageStatusDetails", "CertifyForMarketplace", "ModelApprovalStatus",
        # Registro adds what the model defines and the 2020 example lacks:
        "ModelPackageName", "CreatedBy", "LastModifiedBy",
    }
    assert described["ModelPackageGroupName"] == "ModelGroup1"
    assert described["ModelPackageName"] == "ModelGroup1"
    assert described["ModelPackageVersion"] == 1
    assert described["ModelPackageArn"] == SEED_ARN
    assert described["ModelPackageDescription"] == "Test Model"
    assert described["CreationTime"].tzinfo is not None
    assert described["LastModifiedTime"] >= described["CreationTime"]
    assert described["InferenceSpecification"] == SEED_INFERENCE
    assert described["ModelPackageStatus"] == "Completed"
    assert described["ModelPackageStatusDetails"] == {"ValidationStatuses": [], "ImageScanStatuses": []}
    assert described["CertifyForMarketplace"] is False
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    identity = described["CreatedBy"]["IamIdentity"]
    assert identity == {"Arn": f"arn:aws:iam::{ACCOUNT}:user/AKIDREGISTROTEST", "PrincipalId": "AKIDREGISTROTEST"}
    assert described["LastModifiedBy"] == described["CreatedBy"]


def test_seed_issue_scenario_with_the_abalone_fixture(seed_sm: Any) -> None:
    """The issue's walk-through: create from the fixture, list, describe, approve."""
    arn = seed_sm.create_model_package(**load_fixture("packages", "abalone-v1.json"))["ModelPackageArn"]
    assert arn == SEED_ARN
    [summary] = seed_sm.list_model_packages(ModelPackageGroupName="ModelGroup1")["ModelPackageSummaryList"]
    assert summary["ModelPackageArn"] == arn
    seed_sm.update_model_package(
        ModelPackageArn=arn, ModelApprovalStatus="Approved", ApprovalDescription="passed offline evaluation"
    )
    described = seed_sm.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ApprovalDescription"] == "passed offline evaluation"
    assert described["LastModifiedTime"] >= described["CreationTime"]
