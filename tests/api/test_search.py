"""Search through boto3 for ModelPackage and ModelPackageGroup (sagemaker-api.md 4, paging 3.11).

One group per store holds five versions that differ in approval, stage, metadata, card, images and tags;
every expression is scoped to that group (tests share one server), and the table below names the
versions it must find.

    v1  Approved               Production   framework=xgboost owner=ana   card High, accuracy 0.85  tag env=prod
    v2  Rejected               Staging      framework=pytorch             card Low                  tag env=dev
    v3  PendingManualApproval  -            -                             card Medium, accuracy 0.91
    v4  Approved               Staging      framework=xgboost team.name=ml  no card                tag env=prod
    v5  PendingManualApproval  Development  -                             card Unknown, Approved card
v2 is updated last, so LastModifiedTime order differs from creation order.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import REGION, client, start_server

from registro.api import service_model
from registro.api.serialize import shaped
from registro.settings import Settings

ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
ALL = {1, 2, 3, 4, 5}


def container(image: str, **extra: Any) -> dict[str, Any]:
    return {"Image": f"{ECR}/{image}", **extra}


def spec(*containers: dict[str, Any]) -> dict[str, Any]:
    return {
        "Containers": list(containers),
        "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
        "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.xlarge", "ml.t2.medium"],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    }


def card(risk: str, accuracy: float | None = None) -> str:
    content: dict[str, Any] = {
        "intended_uses": {"risk_rating": risk, "purpose_of_model": f"{risk} risk model"}
    }
    if accuracy is not None:
        metric = {"name": "accuracy", "type": "number", "value": accuracy}
        content["evaluation_details"] = [
            {"name": "holdout", "metric_groups": [{"name": "quality", "metric_data": [metric]}]}
        ]
    return json.dumps(content)


VERSIONS: list[dict[str, Any]] = [
    {
        "ModelPackageDescription": "Abalone baseline",
        "ModelApprovalStatus": "Approved",
        "ModelLifeCycle": {"Stage": "Production", "StageStatus": "Deployed"},
        "CustomerMetadataProperties": {"framework": "xgboost", "owner": "ana"},
        "ModelCard": {"ModelCardContent": card("High", 0.85), "ModelCardStatus": "Draft"},
        "InferenceSpecification": spec(container("xgboost:1.0", Framework="XGBOOST")),
    },
    {
        "ModelPackageDescription": "PyTorch candidate",
        "ModelApprovalStatus": "Rejected",
        "ModelLifeCycle": {"Stage": "Staging", "StageStatus": "Failed"},
        "CustomerMetadataProperties": {"framework": "pytorch"},
        "ModelCard": {"ModelCardContent": card("Low"), "ModelCardStatus": "PendingReview"},
        "InferenceSpecification": spec(
            container("pytorch:2.1", Framework="PYTORCH"), container("preprocess:3", Framework="SKLEARN")
        ),
    },
    {
        "ModelPackageDescription": "xgboost retrained",
        "ModelApprovalStatus": "PendingManualApproval",
        "ModelCard": {"ModelCardContent": card("Medium", 0.91), "ModelCardStatus": "Draft"},
        "InferenceSpecification": spec(container("xgboost:1.5", Framework="XGBOOST")),
    },
    {
        "ModelApprovalStatus": "Approved",
        "ModelLifeCycle": {"Stage": "Staging", "StageStatus": "Approved"},
        "CustomerMetadataProperties": {"framework": "xgboost", "team.name": "ml"},
        "InferenceSpecification": spec(container("sklearn:1")),
    },
    {
        "ModelPackageDescription": "Challenger",
        "ModelLifeCycle": {"Stage": "Development", "StageStatus": "InProgress"},
        "ModelCard": {"ModelCardContent": card("Unknown"), "ModelCardStatus": "Approved"},
        "AdditionalInferenceSpecifications": [
            {
                "Name": "gpu",
                "Containers": [container("xgboost-gpu:1.5")],
                "SupportedContentTypes": ["text/csv"],
            }
        ],
    },
]
VERSION_TAGS = {1: {"env": "prod"}, 2: {"env": "dev"}, 4: {"env": "prod"}}


@dataclass
class Versions:
    group: str
    arns: dict[int, str]
    described: dict[int, dict[str, Any]]  # DescribeModelPackage after every change

    def time(self, version: int, member: str) -> datetime.datetime:
        moment: datetime.datetime = self.described[version][member]
        return moment


@pytest.fixture(scope="module")
def versions(sm: Any) -> Versions:
    group = "Search-" + uuid.uuid4().hex[:12]
    sm.create_model_package_group(ModelPackageGroupName=group, Tags=[{"Key": "env", "Value": "group-tag"}])
    arns = {}
    for number, version in enumerate(VERSIONS, 1):
        arns[number] = sm.create_model_package(ModelPackageGroupName=group, **version)["ModelPackageArn"]
    for number, pairs in VERSION_TAGS.items():
        sm.add_tags(ResourceArn=arns[number], Tags=[{"Key": k, "Value": v} for k, v in pairs.items()])
    sm.update_model_package(ModelPackageArn=arns[2], ApprovalDescription="bias report failed")
    described = {n: sm.describe_model_package(ModelPackageName=arn) for n, arn in arns.items()}
    return Versions(group, arns, described)


def f(name: str, operator: str | None = None, value: str | None = None) -> dict[str, str]:
    """One Filter; an operator or value left out is left out of the request."""
    given = {"Name": name}
    if operator is not None:
        given["Operator"] = operator
    if value is not None:
        given["Value"] = value
    return given


def both(*filters: dict[str, str]) -> dict[str, Any]:
    return {"Filters": list(filters)}


def either(*filters: dict[str, str]) -> dict[str, Any]:
    return {"Filters": list(filters), "Operator": "Or"}


def containers(*filters: dict[str, str]) -> dict[str, Any]:
    return {
        "NestedFilters": [
            {"NestedPropertyName": "InferenceSpecification.Containers", "Filters": list(filters)}
        ]
    }


IMAGE = "InferenceSpecification.Containers.Image"
FRAMEWORK = "InferenceSpecification.Containers.Framework"
RISK = "ModelCard.ModelCardContent.intended_uses.risk_rating"
METRIC = "ModelCard.ModelCardContent.evaluation_details.metric_groups.metric_data"

# (id, expression, versions it finds). Each expression is And-ed with ModelPackageGroupName = the group.
EXPRESSIONS: list[tuple[str, dict[str, Any], set[int]]] = [
    # Equals and its default
    ("approval-equals", both(f("ModelApprovalStatus", "Equals", "Approved")), {1, 4}),
    ("value-without-operator-is-equals", both(f("ModelApprovalStatus", None, "Rejected")), {2}),
    ("equals-is-case-sensitive", both(f("ModelApprovalStatus", "Equals", "approved")), set()),
    ("stage-equals", both(f("ModelLifeCycle.Stage", "Equals", "Staging")), {2, 4}),
    ("stage-status-equals", both(f("ModelLifeCycle.StageStatus", "Equals", "Deployed")), {1}),
    ("version-equals", both(f("ModelPackageVersion", "Equals", "3")), {3}),
    ("version-equals-decimal", both(f("ModelPackageVersion", "Equals", "3.0")), {3}),
    ("boolean-false", both(f("CertifyForMarketplace", "Equals", "false")), ALL),
    ("boolean-true", both(f("CertifyForMarketplace", "Equals", "true")), set()),
    ("status-equals", both(f("ModelPackageStatus", "Equals", "Completed")), ALL),
    ("nested-member-equals", both(f("CreatedBy.IamIdentity.PrincipalId", "Equals", "AKIDREGISTROTEST")), ALL),
    # NotEquals needs the property present
    ("stage-not-equals", both(f("ModelLifeCycle.Stage", "NotEquals", "Staging")), {1, 5}),
    ("approval-not-equals", both(f("ModelApprovalStatus", "NotEquals", "Approved")), {2, 3, 5}),
    ("description-not-equals", both(f("ModelPackageDescription", "NotEquals", "Challenger")), {1, 2, 3}),
    # ordering operators on numbers
    ("version-greater", both(f("ModelPackageVersion", "GreaterThan", "3")), {4, 5}),
    ("version-greater-or-equal", both(f("ModelPackageVersion", "GreaterThanOrEqualTo", "3")), {3, 4, 5}),
    ("version-less", both(f("ModelPackageVersion", "LessThan", "2.5")), {1, 2}),
    ("version-less-or-equal", both(f("ModelPackageVersion", "LessThanOrEqualTo", "2")), {1, 2}),
    # an integer column compared with fractions and with numbers beyond 64 bits
    ("version-greater-fraction", both(f("ModelPackageVersion", "GreaterThan", "3.5")), {4, 5}),
    ("version-at-least-fraction", both(f("ModelPackageVersion", "GreaterThanOrEqualTo", "2.5")), {3, 4, 5}),
    ("version-at-most-fraction", both(f("ModelPackageVersion", "LessThanOrEqualTo", "1.5")), {1}),
    ("version-equals-fraction", both(f("ModelPackageVersion", "Equals", "2.5")), set()),
    ("version-not-equals-fraction", both(f("ModelPackageVersion", "NotEquals", "2.5")), ALL),
    ("version-less-than-huge", both(f("ModelPackageVersion", "LessThan", "1e30")), ALL),
    ("version-greater-than-huge-negative", both(f("ModelPackageVersion", "GreaterThan", "-1e30")), ALL),
    ("version-equals-huge", both(f("ModelPackageVersion", "Equals", "1e30")), set()),
    (
        "version-range",
        both(f("ModelPackageVersion", "GreaterThan", "1"), f("ModelPackageVersion", "LessThan", "4")),
        {2, 3},
    ),
    # timestamps: ISO 8601, UTC, fractions and offsets
    ("created-after-2000", both(f("CreationTime", "GreaterThan", "2000-01-01T00:00:00")), ALL),
    ("created-before-2000", both(f("CreationTime", "LessThan", "2000-01-01T00:00:00Z")), set()),
    (
        "modified-after-2000-offset",
        both(f("LastModifiedTime", "GreaterThanOrEqualTo", "2000-01-01T02:00:00.5+02:00")),
        ALL,
    ),
    (
        "created-before-2100",
        both(f("CreationTime", "LessThanOrEqualTo", "2100-12-31T23:59:59.999-05:00")),
        ALL,
    ),
    # Contains: case-insensitive substring, text only
    ("description-contains", both(f("ModelPackageDescription", "Contains", "ABALONE")), {1}),
    ("description-contains-percent", both(f("ModelPackageDescription", "Contains", "%")), set()),
    ("image-contains", both(f(IMAGE, "Contains", "xgboost")), {1, 3}),
    # Exists, NotExists
    ("stage-exists", both(f("ModelLifeCycle.Stage", "Exists")), {1, 2, 4, 5}),
    ("lifecycle-not-exists", both(f("ModelLifeCycle", "NotExists")), {3}),
    ("description-not-exists", both(f("ModelPackageDescription", "NotExists")), {4}),
    ("card-exists", both(f("ModelCard", "Exists")), {1, 2, 3, 5}),
    ("approval-description-exists", both(f("ApprovalDescription", "Exists")), {2}),
    ("additional-specs-exist", both(f("AdditionalInferenceSpecifications", "Exists")), {5}),
    ("inference-spec-not-exists", both(f("InferenceSpecification", "NotExists")), {5}),
    # In: comma-separated, trimmed
    ("approval-in", both(f("ModelApprovalStatus", "In", "Rejected, PendingManualApproval")), {2, 3, 5}),
    ("stage-in-one", both(f("ModelLifeCycle.Stage", "In", "Development")), {5}),
    # Tags.<key>: the version's own tags
    ("tag-equals", both(f("Tags.env", "Equals", "prod")), {1, 4}),
    ("tag-not-equals", both(f("Tags.env", "NotEquals", "prod")), {2}),
    ("tag-exists", both(f("Tags.env", "Exists")), {1, 2, 4}),
    ("tag-not-exists", both(f("Tags.env", "NotExists")), {3, 5}),
    ("tag-in", both(f("Tags.env", "In", "dev,qa")), {2}),
    ("tag-contains", both(f("Tags.env", "Contains", "RO")), {1, 4}),
    ("tag-missing-key", both(f("Tags.nothing", "Equals", "prod")), set()),
    # CustomerMetadataProperties.<key>, keys with dots included
    ("metadata-equals", both(f("CustomerMetadataProperties.framework", "Equals", "xgboost")), {1, 4}),
    ("metadata-not-equals", both(f("CustomerMetadataProperties.framework", "NotEquals", "xgboost")), {2}),
    ("metadata-exists", both(f("CustomerMetadataProperties.owner", "Exists")), {1}),
    ("metadata-not-exists", both(f("CustomerMetadataProperties.framework", "NotExists")), {3, 5}),
    ("metadata-dotted-key", both(f("CustomerMetadataProperties.team.name", "Equals", "ml")), {4}),
    ("metadata-in", both(f("CustomerMetadataProperties.framework", "In", "pytorch,tensorflow")), {2}),
    # the model card: status and content fields
    ("card-status", both(f("ModelCard.ModelCardStatus", "Equals", "Draft")), {1, 3}),
    ("card-risk-equals", both(f(RISK, "Equals", "High")), {1}),
    ("card-risk-in", both(f(RISK, "In", "Low, Medium")), {2, 3}),
    ("card-risk-not-equals", both(f(RISK, "NotEquals", "Unknown")), {1, 2, 3}),
    ("card-risk-not-exists", both(f(RISK, "NotExists")), {4}),
    (
        "card-purpose-contains",
        both(f("ModelCard.ModelCardContent.intended_uses.purpose_of_model", "Contains", "medium")),
        {3},
    ),
    ("card-metric-greater", both(f(f"{METRIC}.value", "GreaterThan", "0.9")), {3}),
    ("card-metric-less-or-equal", both(f(f"{METRIC}.value", "LessThanOrEqualTo", "0.9")), {1}),
    ("card-metric-equals", both(f(f"{METRIC}.value", "Equals", "0.85")), {1}),
    ("card-metric-exists", both(f(f"{METRIC}.name", "Exists")), {1, 3}),
    ("card-content-contains", both(f("ModelCard.ModelCardContent", "Contains", '"risk_rating": "low"')), {2}),
    # inference specification members; a path through a list matches when any element does
    ("image-equals-second-container", both(f(IMAGE, "Equals", f"{ECR}/preprocess:3")), {2}),
    ("image-not-equals", both(f(IMAGE, "NotEquals", f"{ECR}/pytorch:2.1")), {1, 2, 3, 4}),
    ("framework-in", both(f(FRAMEWORK, "In", "SKLEARN")), {2}),
    ("framework-not-exists", both(f(FRAMEWORK, "NotExists")), {4, 5}),
    (
        "instance-types",
        both(f("InferenceSpecification.SupportedRealtimeInferenceInstanceTypes", "Equals", "ml.t2.medium")),
        {1, 2, 3, 4},
    ),
    (
        "additional-spec-image",
        both(f("AdditionalInferenceSpecifications.Containers.Image", "Contains", "gpu")),
        {5},
    ),
    ("additional-spec-name", both(f("AdditionalInferenceSpecifications.Name", "Equals", "gpu")), {5}),
    # NestedFilters: one element satisfies every filter
    (
        "nested-same-container",
        containers(f(IMAGE, "Equals", f"{ECR}/preprocess:3"), f(FRAMEWORK, "Equals", "SKLEARN")),
        {2},
    ),
    (
        "nested-different-containers",
        containers(f(IMAGE, "Equals", f"{ECR}/preprocess:3"), f(FRAMEWORK, "Equals", "PYTORCH")),
        set(),
    ),
    ("nested-not-exists", containers(f(IMAGE, "Contains", "sklearn"), f(FRAMEWORK, "NotExists")), {4}),
    (
        "nested-card-metrics",
        {
            "NestedFilters": [
                {
                    "NestedPropertyName": METRIC,
                    "Filters": [
                        f(f"{METRIC}.name", "Equals", "accuracy"),
                        f(f"{METRIC}.value", "GreaterThanOrEqualTo", "0.9"),
                    ],
                }
            ]
        },
        {3},
    ),
    # And / Or and SubExpressions
    (
        "or-filters",
        either(
            f("ModelApprovalStatus", "Equals", "Rejected"), f("ModelLifeCycle.Stage", "Equals", "Development")
        ),
        {2, 5},
    ),
    (
        "and-filters",
        both(f("ModelApprovalStatus", "Equals", "Approved"), f("ModelLifeCycle.Stage", "Equals", "Staging")),
        {4},
    ),
    (
        "or-of-ands",
        {
            "Operator": "Or",
            "SubExpressions": [
                both(
                    f("ModelApprovalStatus", "Equals", "Approved"),
                    f("Tags.env", "Equals", "prod"),
                    f(RISK, "Equals", "High"),
                ),
                both(f("CustomerMetadataProperties.framework", "Equals", "pytorch")),
            ],
        },
        {1, 2},
    ),
    (
        "and-of-ors",
        {
            "SubExpressions": [
                either(
                    f("ModelApprovalStatus", "Equals", "Approved"),
                    f("ModelApprovalStatus", "Equals", "PendingManualApproval"),
                ),
                either(f(RISK, "Exists"), f("Tags.env", "Equals", "prod")),
            ]
        },
        {1, 3, 4, 5},
    ),
    (
        "filters-nested-and-subexpressions-or",
        {
            "Operator": "Or",
            "Filters": [f("ModelPackageVersion", "Equals", "1")],
            "NestedFilters": containers(f(FRAMEWORK, "Equals", "SKLEARN"))["NestedFilters"],
            "SubExpressions": [
                {"SubExpressions": [both(f("ModelLifeCycle.Stage", "Equals", "Development"))]}
            ],
        },
        {1, 2, 5},
    ),
]


def search_all(sm: Any, **request: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every record of a search, following NextToken; and each page's response."""
    records: list[dict[str, Any]] = []
    responses = []
    token = None
    while True:
        response = sm.search(**request, **({"NextToken": token} if token else {}))
        responses.append(response)
        records += response["Results"]
        token = response.get("NextToken")
        if token is None:
            return records, responses
        assert len(responses) <= 50, "NextToken never ends"


def scoped(versions: Versions, expression: dict[str, Any]) -> dict[str, Any]:
    return {"Filters": [f("ModelPackageGroupName", "Equals", versions.group)], "SubExpressions": [expression]}


def found(records: list[dict[str, Any]]) -> list[int]:
    return [r["ModelPackage"]["ModelPackageVersion"] for r in records]


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    ("expression", "expected"), [(e, x) for _, e, x in EXPRESSIONS], ids=[i for i, _, _ in EXPRESSIONS]
)
def test_search_expression_finds_exactly_its_versions(
    sm: Any, versions: Versions, expression: dict[str, Any], expected: set[int]
) -> None:
    records, responses = search_all(
        sm, Resource="ModelPackage", SearchExpression=scoped(versions, expression)
    )
    assert sorted(found(records)) == sorted(expected)
    assert responses[0]["TotalHits"] == {"Value": len(expected), "Relation": "EqualTo"}


def iso(moment: datetime.datetime, offset_hours: int = 0) -> str:
    zone = datetime.timezone(datetime.timedelta(hours=offset_hours))
    text = moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    return text + ("Z" if offset_hours == 0 else f"{offset_hours:+03d}:00")


@pytest.mark.parametrize("member", ["CreationTime", "LastModifiedTime"])
@pytest.mark.parametrize(
    "operator",
    ["Equals", "NotEquals", "GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo"],
)
def test_search_compares_times_as_instants(sm: Any, versions: Versions, member: str, operator: str) -> None:
    pivot = versions.time(3, member)
    compare: dict[str, Callable[[datetime.datetime], bool]] = {
        "Equals": lambda t: t == pivot,
        "NotEquals": lambda t: t != pivot,
        "GreaterThan": lambda t: t > pivot,
        "GreaterThanOrEqualTo": lambda t: t >= pivot,
        "LessThan": lambda t: t < pivot,
        "LessThanOrEqualTo": lambda t: t <= pivot,
    }
    expected = {n for n in versions.described if compare[operator](versions.time(n, member))}
    for value in (iso(pivot), iso(pivot, offset_hours=5), iso(pivot, offset_hours=-3)):
        expression = both(f(member, operator, value))
        records, _ = search_all(sm, Resource="ModelPackage", SearchExpression=scoped(versions, expression))
        assert set(found(records)) == expected, value


def test_search_records_are_full_documents_with_tags(sm: Any, versions: Versions) -> None:
    response = sm.search(
        Resource="ModelPackage",
        SearchExpression=scoped(versions, both(f("ModelPackageVersion", "Equals", "1"))),
    )
    described = {k: v for k, v in versions.described[1].items() if k != "ResponseMetadata"}
    assert response["Results"] == [{"ModelPackage": {**described, "Tags": [{"Key": "env", "Value": "prod"}]}}]
    untagged = sm.search(
        Resource="ModelPackage",
        SearchExpression=scoped(versions, both(f("ModelPackageVersion", "Equals", "3"))),
    )
    assert untagged["Results"][0]["ModelPackage"]["Tags"] == []
    assert "NextToken" not in response


def sort_key(versions: Versions, sort_by: str | None, number: int) -> Any:
    """The value Search sorts version `number` by, None when it lacks it."""
    described = versions.described[number]
    if sort_by is None or sort_by in ("LastModifiedTime", "CreationTime"):
        return described[sort_by or "LastModifiedTime"]
    if sort_by.startswith("Tags."):
        return VERSION_TAGS.get(number, {}).get(sort_by[len("Tags.") :])
    value: Any = described
    for part in (
        sort_by.split(".", 1) if sort_by.startswith("CustomerMetadataProperties.") else sort_by.split(".")
    ):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def expected_order(versions: Versions, sort_by: str | None, order: str | None) -> list[int]:
    """Versions by key (ties by creation), missing keys last in either order."""
    descending = order != "Ascending"
    keyed = [(sort_key(versions, sort_by, n), n) for n in sorted(versions.described)]
    present = sorted((k, n) for k, n in keyed if k is not None)
    missing = [(k, n) for k, n in keyed if k is None]
    if descending:
        present.reverse()
        missing.reverse()
    return [n for _, n in present + missing]


SORTS = [
    None,
    "CreationTime",
    "LastModifiedTime",
    "ModelPackageVersion",
    "ModelApprovalStatus",
    "ModelLifeCycle.Stage",
    "ModelPackageDescription",
    "CustomerMetadataProperties.framework",
    "Tags.env",
]


@pytest.mark.parametrize("order", [None, "Ascending", "Descending"])
@pytest.mark.parametrize("sort_by", SORTS)
@pytest.mark.parametrize("page_size", [1, 2, 100])
def test_search_sorts_and_pages_through_every_hit_once(
    sm: Any, versions: Versions, sort_by: str | None, order: str | None, page_size: int
) -> None:
    request: dict[str, Any] = {"Resource": "ModelPackage", "MaxResults": page_size}
    request["SearchExpression"] = scoped(versions, both(f("ModelPackageVersion", "GreaterThan", "0")))
    if sort_by is not None:
        request["SortBy"] = sort_by
    if order is not None:
        request["SortOrder"] = order
    records, responses = search_all(sm, **request)
    assert found(records) == expected_order(versions, sort_by, order)
    assert [len(r["Results"]) for r in responses] == [min(page_size, 5 - i) for i in range(0, 5, page_size)]
    assert all(r["TotalHits"] == {"Value": 5, "Relation": "EqualTo"} for r in responses)


def test_search_default_sort_is_last_modified_descending(sm: Any, versions: Versions) -> None:
    records, _ = search_all(
        sm,
        Resource="ModelPackage",
        SearchExpression=scoped(versions, both(f("ModelPackageVersion", "Exists"))),
    )
    assert found(records)[0] == 2  # updated last
    assert found(records) == expected_order(versions, "LastModifiedTime", "Descending")


def wire_bodies(sm: Any, **request: Any) -> list[bytes]:
    """Every page's raw response body, as the server sent it."""
    bodies: list[bytes] = []

    def keep(http_response: Any, **_: Any) -> None:
        bodies.append(http_response.content)

    sm.meta.events.register("after-call.sagemaker.Search", keep)
    try:
        search_all(sm, **request)
    finally:
        sm.meta.events.unregister("after-call.sagemaker.Search", keep)
    return bodies


def walked(body: bytes) -> Any:
    """The body as the output shape's walk would write it (api/serialize.shaped): what Search answered
    before it spliced stored documents, member order aside."""
    shape = service_model.operation("Search").output_shape
    return shaped(json.loads(body), shape)


@pytest.mark.parametrize("resource", ["ModelPackage", "ModelPackageGroup"])
def test_search_body_is_the_shape_walk_of_itself(sm: Any, versions: Versions, resource: str) -> None:
    """The spliced body holds exactly what the output shape allows, members of SearchResponse in
    botocore's order, Tags sorted by key, spelled as the serializer spells them."""
    if resource == "ModelPackage":
        expression = scoped(versions, both(f("ModelPackageVersion", "Exists")))
    else:
        name = "SearchWire" + uuid.uuid4().hex[:8]
        sm.create_model_package_group(
            ModelPackageGroupName=name,
            ManagedConfiguration={"ManagedStorageType": "Restricted"},  # Describe's, not Search's
            Tags=[{"Key": "z", "Value": "Ω last"}, {"Key": "a", "Value": "first"}],
        )
        expression = both(f("ModelPackageGroupName", "Equals", name))
    bodies = wire_bodies(sm, Resource=resource, SearchExpression=expression, MaxResults=2)
    assert bodies
    for body in bodies:
        parsed = json.loads(body)
        assert parsed == walked(body)
        assert list(parsed) == [m for m in ("Results", "NextToken", "TotalHits") if m in parsed]
        for record in parsed["Results"]:
            tags = record[resource]["Tags"]
            assert tags == sorted(tags, key=lambda t: t["Key"])
            assert (
                json.dumps({"Tags": tags}, ensure_ascii=False, separators=(",", ":"))[1:-1].encode() in body
            )
    if resource == "ModelPackageGroup":
        (record,) = json.loads(bodies[0])["Results"]
        assert "ManagedConfiguration" not in record[resource]
        assert record[resource]["Tags"] == [{"Key": "a", "Value": "first"}, {"Key": "z", "Value": "Ω last"}]


def test_search_next_token_is_tied_to_the_expression(sm: Any, versions: Versions) -> None:
    expression = scoped(versions, both(f("ModelPackageVersion", "Exists")))
    first = sm.search(Resource="ModelPackage", SearchExpression=expression, MaxResults=2)
    other = scoped(versions, both(f("ModelPackageVersion", "GreaterThan", "0")))
    with pytest.raises(ClientError) as exc:
        sm.search(Resource="ModelPackage", SearchExpression=other, MaxResults=2, NextToken=first["NextToken"])
    assert error(exc) == ("ValidationException", "Invalid NextToken.")
    with pytest.raises(ClientError) as exc:
        sm.search(
            Resource="ModelPackage", SearchExpression=expression, NextToken=first["NextToken"][:-2] + "xx"
        )
    assert error(exc) == ("ValidationException", "Invalid NextToken.")
    # MaxResults is not part of the tie.
    rest, _ = search_all(
        sm, Resource="ModelPackage", SearchExpression=expression, MaxResults=3, NextToken=first["NextToken"]
    )
    assert sorted(found(first["Results"]) + found(rest)) == sorted(ALL)


def test_search_visibility_conditions_hide_other_tag_values(sm: Any, versions: Versions) -> None:
    records, _ = search_all(
        sm,
        Resource="ModelPackage",
        SearchExpression=scoped(versions, both(f("ModelPackageVersion", "Exists"))),
        VisibilityConditions=[{"Key": "Tags.env", "Value": "prod"}],
    )
    assert sorted(found(records)) == [1, 3, 4, 5]


def test_search_cross_account_finds_nothing_yet(sm: Any, versions: Versions) -> None:
    response = sm.search(Resource="ModelPackage", CrossAccountFilterOption="CrossAccount")
    assert response["Results"] == []
    assert response["TotalHits"] == {"Value": 0, "Relation": "EqualTo"}


@pytest.mark.parametrize("resource", ["TrainingJob", "ModelCard", "Endpoint"])
def test_search_other_resource_types_answer_no_results(sm: Any, resource: str) -> None:
    response = sm.search(Resource=resource, SearchExpression=both(f("Anything", "Equals", "x")))
    assert response["Results"] == []
    assert response["TotalHits"] == {"Value": 0, "Relation": "EqualTo"}
    assert "NextToken" not in response


def test_search_tags_are_each_records_own_in_an_account_without_tagged_packages(
    database_url: str, versions: Versions
) -> None:
    """Another account on the same database, its group tagged, none of its versions: every record says
    `Tags: []` (store/dialects.tag_list skips the per-row lookup there), though this account's versions
    are tagged; once one of its versions is tagged, that one carries its tags and the others none."""
    other = start_server(Settings(database_url=database_url, region=REGION, account_id="210987654321"))
    try:
        sm_other = client(other.url)
        group = "OtherAccount" + uuid.uuid4().hex[:8]
        sm_other.create_model_package_group(ModelPackageGroupName=group, Tags=[{"Key": "g", "Value": "1"}])
        arns = [
            sm_other.create_model_package(
                ModelPackageGroupName=group, InferenceSpecification=spec(container("other:1"))
            )["ModelPackageArn"]
            for _ in range(3)
        ]
        expression = both(f("ModelPackageGroupName", "Equals", group))

        def tags_by_version() -> dict[int, list[dict[str, str]]]:
            records, _ = search_all(sm_other, Resource="ModelPackage", SearchExpression=expression)
            return {r["ModelPackage"]["ModelPackageVersion"]: r["ModelPackage"]["Tags"] for r in records}

        assert tags_by_version() == {1: [], 2: [], 3: []}
        sm_other.add_tags(ResourceArn=arns[1], Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "1"}])
        assert tags_by_version() == {
            1: [],
            2: [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}],
            3: [],
        }
        (record,) = sm_other.search(Resource="ModelPackageGroup", SearchExpression=expression)["Results"]
        assert record["ModelPackageGroup"]["Tags"] == [{"Key": "g", "Value": "1"}]
    finally:
        other.stop()


def test_search_without_expression_finds_unversioned_packages_too(sm: Any) -> None:
    name = "Unversioned-" + uuid.uuid4().hex[:10]
    sm.create_model_package(
        ModelPackageName=name,
        InferenceSpecification=spec(container("solo:1")),
        Tags=[{"Key": "kind", "Value": "solo"}],
    )
    records, _ = search_all(sm, Resource="ModelPackage", MaxResults=100)
    mine = [r["ModelPackage"] for r in records if r["ModelPackage"]["ModelPackageName"] == name]
    assert len(mine) == 1 and mine[0]["Tags"] == [{"Key": "kind", "Value": "solo"}]
    response = sm.search(
        Resource="ModelPackage",
        SearchExpression=both(f("ModelPackageName", "Equals", name), f("ModelPackageGroupName", "NotExists")),
    )
    assert [r["ModelPackage"]["ModelPackageName"] for r in response["Results"]] == [name]


def test_search_groups(sm: Any) -> None:
    prefix = "SearchGroups" + uuid.uuid4().hex[:8]
    for suffix, description, team in [
        ("b", "churn model", "red"),
        ("a", "fraud model", "blue"),
        ("c", "Churn v2", None),
    ]:
        tags = [{"Key": "team", "Value": team}] if team else []
        sm.create_model_package_group(
            ModelPackageGroupName=prefix + suffix, ModelPackageGroupDescription=description, Tags=tags
        )
    mine = f("ModelPackageGroupName", "Contains", prefix)

    def names(expression: dict[str, Any], **request: Any) -> list[str]:
        records, responses = search_all(
            sm, Resource="ModelPackageGroup", SearchExpression=expression, **request
        )
        assert responses[0]["TotalHits"]["Value"] == len(records)
        return [r["ModelPackageGroup"]["ModelPackageGroupName"][len(prefix) :] for r in records]

    assert names(both(mine)) == ["c", "a", "b"]  # CreationTime, Descending
    assert names(both(mine), SortBy="ModelPackageGroupName", SortOrder="Ascending", MaxResults=1) == [
        "a",
        "b",
        "c",
    ]
    assert names(both(mine, f("Tags.team", "In", "red,blue")), SortBy="Tags.team") == ["b", "a"]
    assert names(both(mine, f("Tags.team", "NotExists"))) == ["c"]
    assert names(both(mine, f("ModelPackageGroupDescription", "Equals", "churn model"))) == ["b"]
    assert names(both(mine, f("ModelPackageGroupStatus", "Equals", "Completed")), SortOrder="Ascending") == [
        "b",
        "a",
        "c",
    ]
    records, _ = search_all(
        sm, Resource="ModelPackageGroup", SearchExpression=both(mine, f("Tags.team", "Equals", "red"))
    )
    group = records[0]["ModelPackageGroup"]
    assert group["Tags"] == [{"Key": "team", "Value": "red"}]
    described = sm.describe_model_package_group(ModelPackageGroupName=prefix + "b")
    assert {k: v for k, v in group.items() if k != "Tags"} == {
        k: v for k, v in described.items() if k != "ResponseMetadata"
    }
    with pytest.raises(ClientError) as exc:
        sm.search(
            Resource="ModelPackageGroup",
            SearchExpression=both(f("ModelApprovalStatus", "Equals", "Approved")),
        )
    assert error(exc) == ("ValidationException", "Invalid property name: ModelApprovalStatus")


def many(count: int) -> list[dict[str, str]]:
    return [f("ModelPackageVersion", "GreaterThan", str(i)) for i in range(count)]


# (id, request members, the ValidationException message or its start)
ERRORS: list[tuple[str, dict[str, Any], str]] = [
    (
        "invalid-property",
        {"SearchExpression": both(f("ModelPackageColour", "Equals", "red"))},
        "Invalid property name: ModelPackageColour",
    ),
    (
        "invalid-nested-property",
        {"SearchExpression": both(f("InferenceSpecification.Containers.Colour", "Exists"))},
        "Invalid property name: InferenceSpecification.Containers.Colour",
    ),
    (
        "invalid-card-field",
        {"SearchExpression": both(f("ModelCard.ModelCardContent.intended_uses.colour", "Exists"))},
        "Invalid property name: ModelCard.ModelCardContent.intended_uses.colour",
    ),
    ("tags-member", {"SearchExpression": both(f("Tags", "Exists"))}, "Invalid property name: Tags"),
    ("invalid-sort-by", {"SortBy": "Colour"}, "Invalid property name: Colour"),
    ("sort-by-list-member", {"SortBy": IMAGE}, f"SortBy {IMAGE} is not a single-valued property"),
    (
        "contains-twice",
        {
            "SearchExpression": {
                "Filters": [f("ModelPackageDescription", "Contains", "a")],
                "SubExpressions": [both(f(IMAGE, "Contains", "b"))],
            }
        },
        "'CONTAINS' operator usage limit of 1 exceeded.",
    ),
    (
        "greater-than-on-text",
        {"SearchExpression": both(f("ModelApprovalStatus", "GreaterThan", "Approved"))},
        "Invalid filter 'ModelApprovalStatus GreaterThan Approved': GreaterThan is not supported for text properties.",
    ),
    (
        "less-than-on-boolean",
        {"SearchExpression": both(f("CertifyForMarketplace", "LessThan", "true"))},
        "Invalid filter 'CertifyForMarketplace LessThan true': LessThan is not supported for boolean properties.",
    ),
    (
        "contains-on-number",
        {"SearchExpression": both(f("ModelPackageVersion", "Contains", "1"))},
        "Invalid filter 'ModelPackageVersion Contains 1': Contains is only supported for text properties.",
    ),
    (
        "in-on-timestamp",
        {"SearchExpression": both(f("CreationTime", "In", "2024-01-01T00:00:00"))},
        "Invalid filter 'CreationTime In 2024-01-01T00:00:00': In is only supported for text properties.",
    ),
    (
        "bad-timestamp",
        {"SearchExpression": both(f("CreationTime", "GreaterThan", "yesterday"))},
        "Invalid filter 'CreationTime GreaterThan yesterday': 'yesterday' is not a timestamp of the form YYYY-mm-ddTHH:MM:SS.",
    ),
    (
        "timestamp-out-of-range",
        {"SearchExpression": both(f("CreationTime", "Equals", "2024-02-30T00:00:00"))},
        "Invalid filter 'CreationTime Equals 2024-02-30T00:00:00': '2024-02-30T00:00:00' is not a timestamp",
    ),
    (
        "bad-number",
        {"SearchExpression": both(f("ModelPackageVersion", "Equals", "three"))},
        "Invalid filter 'ModelPackageVersion Equals three': 'three' is not a number.",
    ),
    (
        "bad-boolean",
        {"SearchExpression": both(f("CertifyForMarketplace", "Equals", "yes"))},
        "Invalid filter 'CertifyForMarketplace Equals yes': 'yes' is not true or false.",
    ),
    (
        "card-text-greater-than",
        {"SearchExpression": both(f(RISK, "GreaterThan", "1"))},
        f"Invalid filter '{RISK} GreaterThan 1': GreaterThan is not supported for text properties.",
    ),
    (
        "card-number-not-a-number",
        {"SearchExpression": both(f(f"{METRIC}.value", "GreaterThan", "high"))},
        f"Invalid filter '{METRIC}.value GreaterThan high': 'high' is not a number.",
    ),
    (
        "value-missing",
        {"SearchExpression": both(f("ModelApprovalStatus", "Equals"))},
        "Invalid filter 'ModelApprovalStatus Equals': operator Equals needs a Value.",
    ),
    (
        "structure-equals",
        {"SearchExpression": both(f("ModelLifeCycle", "Equals", "x"))},
        "Invalid filter 'ModelLifeCycle Equals x': ModelLifeCycle is not a single value",
    ),
    (
        "too-many-in-expression",
        {"SearchExpression": {"Filters": many(15), "SubExpressions": [both(*many(1))] * 6}},
        "A SearchExpression can hold at most 20 Filters, NestedFilters and SubExpressions together; one holds 21.",
    ),
    (
        "too-many-in-tree",
        {"SearchExpression": {"Filters": many(10), "SubExpressions": [both(*many(10))] * 4}},
        "A SearchExpression can hold at most 50 Filters, NestedFilters and SubExpressions in all; this one holds 54.",
    ),
    (
        "empty-expression",
        {"SearchExpression": {"Operator": "Or"}},
        "A SearchExpression needs at least one of Filters, NestedFilters and SubExpressions.",
    ),
    (
        "nested-not-a-list",
        {
            "SearchExpression": {
                "NestedFilters": [
                    {
                        "NestedPropertyName": "ModelLifeCycle",
                        "Filters": [f("ModelLifeCycle.Stage", "Equals", "x")],
                    }
                ]
            }
        },
        "NestedPropertyName ModelLifeCycle is not a list of structures.",
    ),
    (
        "nested-filter-outside",
        {
            "SearchExpression": {
                "NestedFilters": [
                    {
                        "NestedPropertyName": "InferenceSpecification.Containers",
                        "Filters": [f("ModelApprovalStatus", "Equals", "x")],
                    }
                ]
            }
        },
        "Filter name ModelApprovalStatus in NestedFilters must start with InferenceSpecification.Containers.",
    ),
    (
        "visibility-key-not-a-tag",
        {"VisibilityConditions": [{"Key": "team", "Value": "x"}]},
        "Invalid property name: team",
    ),
]


@pytest.mark.parametrize(
    ("request_members", "message"), [(r, m) for _, r, m in ERRORS], ids=[i for i, _, _ in ERRORS]
)
def test_search_refuses_bad_expressions_naming_them(
    sm: Any, request_members: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as exc:
        sm.search(Resource="ModelPackage", **request_members)
    code, text = error(exc)
    assert code == "ValidationException"
    assert text.startswith(message), text


def test_search_list_limits_come_from_the_shape(sm: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sm.search(Resource="ModelPackage", SearchExpression=both(*many(21)))
    code, text = error(exc)
    assert code == "ValidationException"
    assert (
        "at 'searchExpression.filters' failed to satisfy constraint: Member must have length less than or equal to 20"
        in text
    )


def test_search_page_after_the_last_match_is_empty_and_still_counts(sm: Any, group: str) -> None:
    arns = [sm.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"] for _ in range(3)]
    expression = both(f("ModelPackageGroupName", "Equals", group))
    first = sm.search(
        Resource="ModelPackage",
        SearchExpression=expression,
        SortBy="ModelPackageVersion",
        SortOrder="Ascending",
        MaxResults=2,
    )
    assert found(first["Results"]) == [1, 2]
    sm.delete_model_package(ModelPackageName=arns[2])
    rest = sm.search(
        Resource="ModelPackage",
        SearchExpression=expression,
        SortBy="ModelPackageVersion",
        SortOrder="Ascending",
        MaxResults=2,
        NextToken=first["NextToken"],
    )
    assert rest["Results"] == []
    assert "NextToken" not in rest
    assert rest["TotalHits"] == {"Value": 2, "Relation": "EqualTo"}


@pytest.mark.parametrize(
    ("order", "expected"), [("Ascending", [1, 2, 3, 5, 4]), ("Descending", [5, 3, 2, 1, 4])]
)
def test_search_sorts_by_a_model_card_field(
    sm: Any, versions: Versions, order: str, expected: list[int]
) -> None:
    expression = scoped(versions, both(f("ModelPackageVersion", "Exists")))
    records, _ = search_all(
        sm, Resource="ModelPackage", SearchExpression=expression, SortBy=RISK, SortOrder=order, MaxResults=2
    )
    assert found(records) == expected  # High, Low, Medium, Unknown; v4 has no card: last
