"""AWS JSON 1.1 framing and errors, seen from the raw wire and from botocore's own parser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

TARGET = "SageMaker."


def post(
    url: str, body: bytes | str, target: str | None = "SageMaker.ListModelPackageGroups"
) -> httpx.Response:
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    if target is not None:
        headers["X-Amz-Target"] = target
    return httpx.post(url + "/", content=body, headers=headers, timeout=30)


def assert_error(response: httpx.Response, code: str, status: int = 400) -> str:
    assert response.status_code == status
    assert response.headers["x-amzn-RequestId"]
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    body = response.json()
    assert body["__type"] == code
    assert response.headers["x-amzn-ErrorType"] == code
    message: str = body["message"]
    assert "An error occurred" not in message
    return message


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"[" * 70 + b"]" * 70],
    ids=["malformed", "array", "string", "not-utf8", "too-deep-array"],
)
def test_body_that_is_not_a_json_object_is_a_serialization_exception(server: Any, body: bytes) -> None:
    assert_error(post(server.url, body), "SerializationException")


@pytest.mark.parametrize(
    "body, named",
    [
        (b"{not json", "Expecting property name enclosed in double quotes"),  # the json module's words
        (b'{"MaxResults": NaN}', "unexpected character"),
        (b'{"NameContains": 1e400}', "infinity"),
        (b'{"NameContains": "\\ud800"}', "surrogate"),
        (b"\xef\xbb\xbf{}", "byte order mark"),
    ],
    ids=["malformed", "nan", "too-large", "unpaired-surrogate", "bom"],
)
def test_body_that_is_not_json_says_what_is_wrong(server: Any, body: bytes, named: str) -> None:
    message = assert_error(post(server.url, body), "SerializationException")
    assert message.startswith("Request body is not valid JSON: ") and named in message


def test_body_nested_too_deep_is_a_serialization_exception(server: Any) -> None:
    deep = '{"a":' * 70 + "1" + "}" * 70
    assert "nested deeper" in assert_error(post(server.url, deep), "SerializationException")


def test_body_over_one_mib_is_refused(server: Any) -> None:
    body = json.dumps({"NameContains": "x" * (1 << 20)})
    assert "limit" in assert_error(post(server.url, body), "SerializationException")


def test_empty_body_means_no_parameters(server: Any) -> None:
    response = post(server.url, b"")
    assert response.status_code == 200
    assert "ModelPackageGroupSummaryList" in response.json()


def test_null_member_counts_as_absent(server: Any) -> None:
    response = post(server.url, json.dumps({"NameContains": None, "MaxResults": None}))
    assert response.status_code == 200
    missing = post(
        server.url, json.dumps({"ModelPackageGroupName": None}), "SageMaker.DescribeModelPackageGroup"
    )
    assert "Member must not be null" in assert_error(missing, "ValidationException")


def test_wrong_json_type_is_a_serialization_exception(sm_raw: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sm_raw.list_model_package_groups(MaxResults="ten")
    assert exc.value.response["Error"]["Code"] == "SerializationException"
    assert "maxResults" in exc.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("SageMaker.CreateEndpoint", "does not serve SageMaker.CreateEndpoint"),
        ("SageMaker.", "X-Amz-Target"),
        ("DynamoDB_20120810.ListTables", "X-Amz-Target"),
        (None, "X-Amz-Target"),
    ],
    ids=["not-served", "no-operation", "other-service", "missing"],
)
def test_unknown_operation_gets_unknown_operation_exception(
    server: Any, target: str | None, words: str
) -> None:
    assert words in assert_error(post(server.url, b"{}", target), "UnknownOperationException")


def test_every_answer_carries_a_fresh_request_id(sm: Any, group_name: str) -> None:
    first = sm.create_model_package_group(ModelPackageGroupName=group_name)["ResponseMetadata"]
    second = sm.describe_model_package_group(ModelPackageGroupName=group_name)["ResponseMetadata"]
    assert first["RequestId"] != second["RequestId"]
    with pytest.raises(ClientError) as exc:
        sm.describe_model_package_group(ModelPackageGroupName=group_name + "-missing")
    error_meta = exc.value.response["ResponseMetadata"]
    assert error_meta["HTTPStatusCode"] == 400 and len(error_meta["RequestId"]) == 36


def test_missing_resource_is_a_validation_exception_naming_the_arn(sm: Any, group_name: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.describe_model_package_group(ModelPackageGroupName=group_name)
    error = exc.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        f"ModelPackageGroup arn:aws:sagemaker:us-east-1:123456789012:model-package-group/{group_name} does not exist."
    )


def test_modelled_errors_carry_message_twice(server: Any, sm: Any, group: str) -> None:
    sm.create_model_package(ModelPackageGroupName=group, InferenceSpecification=_spec())
    response = post(
        server.url, json.dumps({"ModelPackageGroupName": group}), "SageMaker.DeleteModelPackageGroup"
    )
    assert_error(response, "ConflictException")
    body = response.json()
    assert body["Message"] == body["message"]


def test_oversized_string_names_member_and_limit(sm_raw: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sm_raw.create_model_package_group(ModelPackageGroupName="g" * 64)
    error = exc.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "at 'modelPackageGroupName' failed to satisfy constraint" in error["Message"]
    assert "Member must have length less than or equal to 63" in error["Message"]


def test_all_violations_come_in_one_message(sm_raw: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sm_raw.list_model_packages(ModelApprovalStatus="Approve", SortOrder="Up", MaxResults=500)
    message = exc.value.response["Error"]["Message"]
    assert message.startswith("3 validation errors detected: ")
    assert "modelApprovalStatus" in message and "sortOrder" in message and "maxResults" in message


def test_members_outside_the_input_shape_are_ignored_and_never_stored(
    server: Any, sm: Any, group_name: str
) -> None:
    body = {
        "ModelPackageGroupName": group_name,
        "Favourite": "colour",
        "Tags": [{"Key": "k", "Value": "v", "X": 1}],
    }
    assert post(server.url, json.dumps(body), "SageMaker.CreateModelPackageGroup").status_code == 200
    described = post(
        server.url, json.dumps({"ModelPackageGroupName": group_name}), "SageMaker.DescribeModelPackageGroup"
    )
    assert "Favourite" not in described.json()
    arn = described.json()["ModelPackageGroupArn"]
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]


def test_timestamps_are_epoch_seconds_with_milliseconds(server: Any, sm: Any, group: str) -> None:
    raw = post(
        server.url, json.dumps({"ModelPackageGroupName": group}), "SageMaker.DescribeModelPackageGroup"
    ).json()
    created = raw["CreationTime"]
    assert isinstance(created, (int, float))
    assert round(created * 1000) == pytest.approx(created * 1000, abs=1e-3)
    assert sm.describe_model_package_group(ModelPackageGroupName=group)[
        "CreationTime"
    ].timestamp() == pytest.approx(created, abs=1e-6)


def _spec() -> dict[str, Any]:
    return {
        "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    }


def _aws_cli() -> list[str]:
    found = shutil.which("aws", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("the AWS CLI (awscli, a test dependency) is not installed in this environment")
    return [found]


def test_aws_cli_lists_what_boto3_created(server: Any, sm: Any, group: str, tmp_path: Path) -> None:
    arn = sm.create_model_package(
        ModelPackageGroupName=group, ModelPackageDescription="TestMe", InferenceSpecification=_spec()
    )["ModelPackageArn"]
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "AKIDREGISTROTEST",
        "AWS_SECRET_ACCESS_KEY": "registro-test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    command = [
        *_aws_cli(),
        "sagemaker",
        "list-model-packages",
        "--model-package-group-name",
        group,
        "--endpoint-url",
        server.url,
        "--output",
        "json",
    ]
    done = subprocess.run(command, check=False, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [summary] = json.loads(done.stdout)["ModelPackageSummaryList"]
    assert summary["ModelPackageArn"] == arn
    assert summary["ModelPackageGroupName"] == group
    assert summary["ModelPackageDescription"] == "TestMe"
    assert summary["ModelApprovalStatus"] == "PendingManualApproval"


def test_stored_describe_answer_is_exactly_what_the_output_shape_allows(
    server: Any, sm: Any, group: str
) -> None:
    """Describe sends the stored document as it is: it must hold nothing the output shape would drop."""
    from conftest import load_fixture

    from registro.api import serialize, service_model

    body = {**load_fixture("packages", "abalone-v1.json"), "ModelPackageGroupName": group}
    arn = sm.create_model_package(**body)["ModelPackageArn"]
    sm.update_model_package(
        ModelPackageArn=arn,
        ModelApprovalStatus="Approved",
        ApprovalDescription="ok",
        CustomerMetadataPropertiesToRemove=["team"],
        ModelLifeCycle={"Stage": "QA", "StageStatus": "OnHold"},
    )
    raw = post(server.url, json.dumps({"ModelPackageName": arn}), "SageMaker.DescribeModelPackage").json()
    shape = service_model.operation("DescribeModelPackage").output_shape
    assert serialize.shaped(raw, shape) == raw
    assert raw["ModelApprovalStatus"] == "Approved" and raw["ModelLifeCycle"]["Stage"] == "QA"
