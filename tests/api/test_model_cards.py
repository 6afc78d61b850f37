"""A package's ModelCard through boto3 (sagemaker-api.md 3.4): schema checks, byte-for-byte content, states."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import FIXTURES

SCHEMA_PREFIX = "ModelCardContent does not follow the model package card schema: "
NOT_JSON_PREFIX = "ModelCardContent is not valid JSON: "
INFERENCE = {
    "Containers": [{"Image": "257758044811.dkr.ecr.us-east-2.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3"}],
    "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
    "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.xlarge"],
}

# fixture → (JSON path, rule keyword) its one schema error names
INVALID = {
    "invalid-risk-rating.json": ("$.intended_uses.risk_rating", "enum"),
    "invalid-extra-property.json": ("$.model_overview", "additionalProperties"),
    "invalid-too-long.json": ("$.business_details.business_problem", "maxLength"),
}


def card_text(name: str) -> str:
    return Path(FIXTURES, "model-cards", name).read_text(encoding="utf-8")


FULL = card_text("full-card.json")  # pretty-printed: indented, with line breaks and a final newline
COMPACT = json.dumps(json.loads(FULL), separators=(",", ":"), ensure_ascii=False)


def create(sm: Any, group: str, **kwargs: Any) -> str:
    arn: str = sm.create_model_package(
        ModelPackageGroupName=group, InferenceSpecification=INFERENCE, **kwargs
    )["ModelPackageArn"]
    return arn


def describe(sm: Any, arn: str, **kwargs: Any) -> dict[str, Any]:
    document: dict[str, Any] = sm.describe_model_package(ModelPackageName=arn, **kwargs)
    document.pop("ResponseMetadata")
    return document


def card_of(sm: Any, arn: str) -> dict[str, Any]:
    card: dict[str, Any] = describe(sm, arn)["ModelCard"]
    return card


def versions(sm: Any, group: str) -> list[int]:
    listed = sm.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    return [s["ModelPackageVersion"] for s in listed]


def refused(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    message: str = exc.value.response["Error"]["Message"]
    return message


def refused_update(sm: Any, arn: str, card: dict[str, Any]) -> str:
    """The message of a refused card update, after checking the stored package is as it was."""
    before = describe(sm, arn)
    message = refused(sm.update_model_package, ModelPackageArn=arn, ModelCard=card)
    assert describe(sm, arn) == before
    return message


# ----------------------------------------------------------------------------------------------- accepted


def test_full_card_is_accepted_on_create_and_returned_byte_for_byte(sm: Any, group: str) -> None:
    assert "\n" in FULL and FULL.endswith("\n")
    arn = create(sm, group, ModelCard={"ModelCardContent": FULL})
    assert card_of(sm, arn) == {"ModelCardContent": FULL, "ModelCardStatus": "Draft"}


def test_card_given_with_a_status_keeps_it(sm: Any, group: str) -> None:
    arn = create(sm, group, ModelCard={"ModelCardContent": COMPACT, "ModelCardStatus": "PendingReview"})
    assert card_of(sm, arn) == {"ModelCardContent": COMPACT, "ModelCardStatus": "PendingReview"}


def test_full_card_is_accepted_on_update_and_returned_byte_for_byte(sm: Any, group: str) -> None:
    arn = create(sm, group, ModelCard={"ModelCardContent": COMPACT, "ModelCardStatus": "PendingReview"})
    sm.update_model_package(ModelPackageArn=arn, ModelCard={"ModelCardContent": FULL})
    assert card_of(sm, arn) == {"ModelCardContent": FULL, "ModelCardStatus": "PendingReview"}


def test_card_added_by_update_is_a_draft(sm: Any, group: str) -> None:
    arn = create(sm, group)
    assert "ModelCard" not in describe(sm, arn)
    sm.update_model_package(ModelPackageArn=arn, ModelCard={"ModelCardContent": FULL})
    assert card_of(sm, arn) == {"ModelCardContent": FULL, "ModelCardStatus": "Draft"}


def test_card_content_keeps_escapes_spacing_and_key_order(sm: Any, group: str) -> None:
    content = (
        '{ "model_overview" : {"model_creator": "Caf\\u00e9 team \\u2013 Ren\u00e9e"},\r\n'
        '\t"intended_uses": {"risk_rating": "Low", "purpose_of_model": "a\\nb"} }'
    )
    arn = create(sm, group, ModelCard={"ModelCardContent": content})
    assert card_of(sm, arn)["ModelCardContent"] == content


def test_card_is_allowed_on_an_unversioned_package(sm: Any) -> None:
    name = "pkg-" + uuid.uuid4().hex[:12]
    arn = sm.create_model_package(
        ModelPackageName=name, InferenceSpecification=INFERENCE, ModelCard={"ModelCardContent": FULL}
    )["ModelPackageArn"]
    assert card_of(sm, arn) == {"ModelCardContent": FULL, "ModelCardStatus": "Draft"}


def test_metadata_only_reduces_the_content_to_the_risk_rating(sm: Any, group: str) -> None:
    arn = create(sm, group, ModelCard={"ModelCardContent": FULL, "ModelCardStatus": "Approved"})
    reduced = describe(sm, arn, IncludedData="MetadataOnly")
    card = reduced.pop("ModelCard")
    assert card["ModelCardStatus"] == "Approved"
    assert json.loads(card["ModelCardContent"]) == {"intended_uses": {"risk_rating": "Low"}}
    full = describe(sm, arn)
    assert full.pop("ModelCard") == {"ModelCardContent": FULL, "ModelCardStatus": "Approved"}
    assert reduced == full
    assert describe(sm, arn, IncludedData="AllData")["ModelCard"]["ModelCardContent"] == FULL


def test_metadata_only_of_a_card_without_risk_rating_is_an_empty_object(sm: Any, group: str) -> None:
    content = json.dumps({"model_overview": {"model_creator": "someone"}})
    arn = create(sm, group, ModelCard={"ModelCardContent": content})
    card = describe(sm, arn, IncludedData="MetadataOnly")["ModelCard"]
    assert json.loads(card["ModelCardContent"]) == {}


# ----------------------------------------------------------------------------------------------- refused


@pytest.mark.parametrize("fixture", sorted(INVALID))
def test_invalid_card_is_refused_on_create_naming_path_and_rule(sm: Any, group: str, fixture: str) -> None:
    path, keyword = INVALID[fixture]
    message = refused(
        sm.create_model_package,
        ModelPackageGroupName=group,
        InferenceSpecification=INFERENCE,
        ModelCard={"ModelCardContent": card_text(fixture)},
    )
    assert message.startswith(SCHEMA_PREFIX + path + ": ")
    assert message.endswith(f"({keyword})")
    assert versions(sm, group) == []
    assert create(sm, group).endswith(f"/{group}/1")


@pytest.mark.parametrize("fixture", sorted(INVALID))
def test_invalid_card_is_refused_on_update_and_the_stored_card_is_kept(
    sm: Any, group: str, fixture: str
) -> None:
    path, keyword = INVALID[fixture]
    arn = create(sm, group, ModelCard={"ModelCardContent": FULL, "ModelCardStatus": "PendingReview"})
    message = refused_update(sm, arn, {"ModelCardContent": card_text(fixture), "ModelCardStatus": "Approved"})
    assert message.startswith(SCHEMA_PREFIX + path + ": ")
    assert message.endswith(f"({keyword})")
    assert card_of(sm, arn) == {"ModelCardContent": FULL, "ModelCardStatus": "PendingReview"}


@pytest.mark.parametrize("content", ["not json", '{"intended_uses": ', "{'single': 'quotes'}", '{"a": NaN}'])
def test_card_content_that_is_not_json_is_refused(sm: Any, group: str, content: str) -> None:
    message = refused(
        sm.create_model_package,
        ModelPackageGroupName=group,
        InferenceSpecification=INFERENCE,
        ModelCard={"ModelCardContent": content},
    )
    assert message.startswith(NOT_JSON_PREFIX)
    assert versions(sm, group) == []
    arn = create(sm, group, ModelCard={"ModelCardContent": FULL})
    assert refused_update(sm, arn, {"ModelCardContent": content}).startswith(NOT_JSON_PREFIX)


def test_card_content_that_is_json_but_not_an_object_is_refused(sm: Any, group: str) -> None:
    message = refused(
        sm.create_model_package,
        ModelPackageGroupName=group,
        InferenceSpecification=INFERENCE,
        ModelCard={"ModelCardContent": "[1, 2]"},
    )
    assert message.startswith(SCHEMA_PREFIX + "$: ")
    assert message.endswith("(type)")
    assert versions(sm, group) == []


def test_card_content_over_the_length_limit_is_refused(sm: Any, group: str) -> None:
    content = json.dumps({"model_overview": {"model_creator": "x"}, "padding": " " * 100_000})
    message = refused(
        sm.create_model_package,
        ModelPackageGroupName=group,
        InferenceSpecification=INFERENCE,
        ModelCard={"ModelCardContent": content},
    )
    assert "modelCard.modelCardContent" in message and "less than or equal to 100000" in message
    assert versions(sm, group) == []


# ------------------------------------------------------------------------------------------------ states


def test_status_only_update_keeps_the_content(sm: Any, group: str) -> None:
    arn = create(sm, group, ModelCard={"ModelCardContent": FULL})
    sm.update_model_package(ModelPackageArn=arn, ModelCard={"ModelCardStatus": "Approved"})
    assert card_of(sm, arn) == {"ModelCardContent": FULL, "ModelCardStatus": "Approved"}


def test_archived_card_content_is_frozen_but_its_status_may_change_back(sm: Any, group: str) -> None:
    arn = create(sm, group, ModelCard={"ModelCardContent": FULL, "ModelCardStatus": "Archived"})
    assert refused_update(sm, arn, {"ModelCardContent": COMPACT}) == "Model Card is in Archived state"
    # Un-archiving and changing the content in the same request is still a change to archived content.
    assert (
        refused_update(sm, arn, {"ModelCardContent": COMPACT, "ModelCardStatus": "Draft"})
        == "Model Card is in Archived state"
    )
    assert card_of(sm, arn) == {"ModelCardContent": FULL, "ModelCardStatus": "Archived"}
    sm.update_model_package(ModelPackageArn=arn, ModelCard={"ModelCardStatus": "Draft"})
    assert card_of(sm, arn) == {"ModelCardContent": FULL, "ModelCardStatus": "Draft"}
    sm.update_model_package(ModelPackageArn=arn, ModelCard={"ModelCardContent": COMPACT})
    assert card_of(sm, arn) == {"ModelCardContent": COMPACT, "ModelCardStatus": "Draft"}


def test_archiving_by_update_freezes_the_content(sm: Any, group: str) -> None:
    arn = create(sm, group, ModelCard={"ModelCardContent": FULL})
    sm.update_model_package(ModelPackageArn=arn, ModelCard={"ModelCardStatus": "Archived"})
    assert refused_update(sm, arn, {"ModelCardContent": COMPACT}) == "Model Card is in Archived state"
    assert card_of(sm, arn) == {"ModelCardContent": FULL, "ModelCardStatus": "Archived"}
