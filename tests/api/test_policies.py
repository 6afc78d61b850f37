"""Group resource policies through boto3: put, get byte for byte, replace, delete, and the refusals (3.2, 2.4)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import ACCOUNT, REGION

ALLOW_DESCRIBE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ShareDescribe",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
            "Action": ["sagemaker:DescribeModelPackageGroup", "sagemaker:DescribeModelPackage"],
            "Resource": "*",
        }
    ],
}
# Pretty-printed, with CRLF and tab indents, a non-ASCII Sid and key order no serializer would choose:
# only a byte-for-byte store gives it back unchanged.
MULTI_LINE = (
    '{\r\n\t"Statement" : [ {\r\n\t\t"Effect":   "Deny",\r\n\t\t"Sid": "Sperre für Fremde",\n'
    '\t\t"Principal": "*",\n\t\t"Action": "sagemaker:*"\n\t} ],\n  "Version": "2012-10-17"\n}\n'
)


def group_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/{name}"


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def get_policy(sm: Any, group: str) -> str:
    policy: str = sm.get_model_package_group_policy(ModelPackageGroupName=group)["ResourcePolicy"]
    return policy


def test_put_model_package_group_policy_returns_the_group_arn(sm: Any, group: str) -> None:
    response = sm.put_model_package_group_policy(
        ModelPackageGroupName=group, ResourcePolicy=json.dumps(ALLOW_DESCRIBE)
    )

    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {
        "ModelPackageGroupArn": group_arn(group)
    }


def test_get_model_package_group_policy_returns_the_policy_as_put(sm: Any, group: str) -> None:
    policy = json.dumps(ALLOW_DESCRIBE)
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=policy)

    assert get_policy(sm, group) == policy


def test_multi_line_policy_is_returned_byte_for_byte(sm: Any, group: str) -> None:
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)

    returned = get_policy(sm, group)

    assert returned.encode() == MULTI_LINE.encode()


def test_single_statement_object_is_accepted(sm: Any, group: str) -> None:
    policy = json.dumps({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sagemaker:*"}})

    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=policy)

    assert get_policy(sm, group) == policy


def test_put_replaces_the_earlier_policy(sm: Any, group: str) -> None:
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=json.dumps(ALLOW_DESCRIBE))

    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)

    assert get_policy(sm, group) == MULTI_LINE


def test_putting_the_same_policy_again_keeps_it(sm: Any, group: str) -> None:
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)

    response = sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)

    assert response["ModelPackageGroupArn"] == group_arn(group)
    assert get_policy(sm, group) == MULTI_LINE


def test_policy_is_not_part_of_describe_model_package_group(sm: Any, group: str) -> None:
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)

    described = sm.describe_model_package_group(ModelPackageGroupName=group)

    assert "ResourcePolicy" not in described
    assert "Sperre" not in json.dumps(described, default=str)


def test_policies_of_two_groups_are_separate(sm: Any, group: str, group_name: str) -> None:
    other = group_name + "-other"
    sm.create_model_package_group(ModelPackageGroupName=other)
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)

    with pytest.raises(ClientError) as exc:
        sm.get_model_package_group_policy(ModelPackageGroupName=other)

    assert error(exc) == ("ValidationException", f"Cannot find resource policy for: {group_arn(other)}")
    assert get_policy(sm, group) == MULTI_LINE


def test_delete_model_package_group_policy_removes_it(sm: Any, group: str) -> None:
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)

    response = sm.delete_model_package_group_policy(ModelPackageGroupName=group)

    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {}
    with pytest.raises(ClientError) as exc:
        sm.get_model_package_group_policy(ModelPackageGroupName=group)
    assert error(exc) == ("ValidationException", f"Cannot find resource policy for: {group_arn(group)}")


def test_policy_can_be_put_again_after_delete(sm: Any, group: str) -> None:
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)
    sm.delete_model_package_group_policy(ModelPackageGroupName=group)

    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=json.dumps(ALLOW_DESCRIBE))

    assert get_policy(sm, group) == json.dumps(ALLOW_DESCRIBE)


def test_get_policy_of_a_group_without_one_is_refused(sm: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.get_model_package_group_policy(ModelPackageGroupName=group)

    assert error(exc) == ("ValidationException", f"Cannot find resource policy for: {group_arn(group)}")


def test_delete_policy_of_a_group_without_one_is_refused(sm: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.delete_model_package_group_policy(ModelPackageGroupName=group)

    assert error(exc) == ("ValidationException", f"Cannot find resource policy for: {group_arn(group)}")
    sm.describe_model_package_group(ModelPackageGroupName=group)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda sm, g: sm.put_model_package_group_policy(
                ModelPackageGroupName=g, ResourcePolicy=MULTI_LINE
            ),
            id="put",
        ),
        pytest.param(lambda sm, g: sm.get_model_package_group_policy(ModelPackageGroupName=g), id="get"),
        pytest.param(
            lambda sm, g: sm.delete_model_package_group_policy(ModelPackageGroupName=g), id="delete"
        ),
    ],
)
def test_policy_operations_on_a_missing_group_cannot_find_it(sm: Any, group_name: str, call: Any) -> None:
    with pytest.raises(ClientError) as exc:
        call(sm, group_name)

    assert error(exc) == ("ValidationException", f"Cannot find Model Package Group: {group_arn(group_name)}")
    with pytest.raises(ClientError) as gone:
        sm.describe_model_package_group(ModelPackageGroupName=group_name)
    assert "does not exist" in error(gone)[1], "put on a missing group must not create it"


def test_policy_operations_take_a_group_name_not_an_arn(sm: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.put_model_package_group_policy(ModelPackageGroupName=group_arn(group), ResourcePolicy=MULTI_LINE)

    code, message = error(exc)
    assert code == "ValidationException"
    assert "modelPackageGroupName" in message and "regular expression pattern" in message
    with pytest.raises(ClientError):
        sm.get_model_package_group_policy(ModelPackageGroupName=group)


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        pytest.param('{"Statement": [', "not valid JSON", id="not-json"),
        pytest.param(" \n", "not valid JSON", id="blank"),
        pytest.param('[{"Effect": "Allow"}]', "JSON object with a Statement", id="array"),
        pytest.param('"Statement"', "JSON object with a Statement", id="string"),
        pytest.param('{"Version": "2012-10-17"}', "JSON object with a Statement", id="no-statement"),
        pytest.param('{"Statement": [{"Effect": "Permit"}]}', "Effect is Allow or Deny", id="bad-effect"),
        pytest.param(
            '{"Statement": [{"Effect": "allow"}]}', "Effect is Allow or Deny", id="lower-case-effect"
        ),
        pytest.param('{"Statement": [{"Action": "sagemaker:*"}]}', "Effect is Allow or Deny", id="no-effect"),
        pytest.param(
            '{"Statement": {"Effect": "Permit"}}', "Effect is Allow or Deny", id="bad-effect-object"
        ),
        pytest.param(
            '{"Statement": [{"Effect": "Allow"}, "Deny"]}', "Effect is Allow or Deny", id="not-object"
        ),
        pytest.param('{"Statement": "Allow"}', "Effect is Allow or Deny", id="statement-string"),
    ],
)
def test_invalid_policy_is_refused_and_keeps_the_earlier_one(
    sm: Any, sm_raw: Any, group: str, policy: str, reason: str
) -> None:
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)

    with pytest.raises(ClientError) as exc:
        sm_raw.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=policy)

    code, message = error(exc)
    assert code == "ValidationException"
    assert message.startswith("Invalid resource policy: ") and reason in message
    assert get_policy(sm, group) == MULTI_LINE


def test_empty_policy_fails_shape_validation_and_keeps_the_earlier_one(
    sm: Any, sm_raw: Any, group: str
) -> None:
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)

    with pytest.raises(ClientError) as exc:
        sm_raw.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy="")

    assert error(exc) == (
        "ValidationException",
        (
            "1 validation error detected: Value '' at 'resourcePolicy' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        ),
    )
    assert get_policy(sm, group) == MULTI_LINE


def test_invalid_policy_on_a_group_without_one_stores_nothing(sm: Any, group: str) -> None:
    with pytest.raises(ClientError) as exc:
        sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy='{"Statement": []')

    assert error(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as missing:
        sm.get_model_package_group_policy(ModelPackageGroupName=group)
    assert error(missing) == ("ValidationException", f"Cannot find resource policy for: {group_arn(group)}")


def test_policy_longer_than_the_model_allows_is_refused(sm: Any, group: str) -> None:
    padding = " " * 20480
    policy = json.dumps(ALLOW_DESCRIBE) + padding

    with pytest.raises(ClientError) as exc:
        sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=policy)

    code, message = error(exc)
    assert code == "ValidationException"
    assert "resourcePolicy" in message and "length less than or equal to 20480" in message
    with pytest.raises(ClientError):
        sm.get_model_package_group_policy(ModelPackageGroupName=group)


def test_deleting_the_group_deletes_its_policy(sm: Any, group: str) -> None:
    sm.put_model_package_group_policy(ModelPackageGroupName=group, ResourcePolicy=MULTI_LINE)
    sm.delete_model_package_group(ModelPackageGroupName=group)

    sm.create_model_package_group(ModelPackageGroupName=group)

    with pytest.raises(ClientError) as exc:
        sm.get_model_package_group_policy(ModelPackageGroupName=group)
    assert error(exc) == ("ValidationException", f"Cannot find resource policy for: {group_arn(group)}")
