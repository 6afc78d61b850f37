"""validate.check's fast path against the walk it stands in front of (api/validate.py).

For every served operation: valid requests (the fixtures, other tests' requests as botocore puts them
on the wire, and one built from the input shape with every member filled) and their mutants (each
value in turn given a wrong type, a null, a too-long or pattern-breaking string, a bogus enum, an
out-of-range number; unknown members added, required ones removed, list items and map entries
broken). The fast path either gives up or returns exactly the walk's copy, and `check` answers as the
walk answers: the same copy, or the same exception with the same message. Synthetic shapes cover
what no served operation has (blob, double, long, document, lists of lists, maps of structures).
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.model import ListShape, MapShape, Shape, ShapeResolver, StringShape, StructureShape
from botocore.serialize import create_serializer
from conftest import FIXTURES, load_fixture
from test_packages import EXTRA_MEMBERS, INFERENCE
from test_policies import ALLOW_DESCRIBE, MULTI_LINE
from test_search import ERRORS, EXPRESSIONS, VERSIONS
from validation_cases import GROUP_ARN, MINIMAL, PACKAGE_ARN, generated_cases

from registro.api import service_model, validate
from registro.api.patterns import matches
from registro.registry.errors import SerializationError, ValidationError

Outcome = tuple[Any, ...]

# --- the oracle ---------------------------------------------------------------------------------------


def outcome(call: Callable[[], Any]) -> Outcome:
    try:
        return ("copy", call())
    except Exception as exc:  # noqa: BLE001 (compared with the other path's, not relabelled)
        return ("raised", type(exc), str(exc))


def assert_same_copy(fast: Any, walked: Any, sent: Any) -> None:
    """Same classes, members in the same order, the request's own scalars, fresh containers alike."""
    assert type(fast) is type(walked)
    assert (fast is sent) == (walked is sent)
    if isinstance(walked, dict):
        assert list(fast) == list(walked)
        for key, value in walked.items():
            assert_same_copy(fast[key], value, sent.get(key) if isinstance(sent, dict) else None)
    elif isinstance(walked, list):
        assert len(fast) == len(walked)
        for index, value in enumerate(walked):
            assert_same_copy(fast[index], value, sent[index])
    else:
        assert fast is walked


def agree(shape: StructureShape, params: dict[str, Any]) -> bool:
    """Assert that both paths agree on `params`; True when the fast path answered by itself."""
    validator = validate._compiled(shape)
    # The fast path first, so that values new here meet its memos cold and take the rule checks.
    fast = validator.fast(params)
    walked = outcome(lambda: validate._walk(validator.tree, params))
    checked = outcome(lambda: validate.check(params, shape))
    if fast is not validate._INVALID:
        assert walked[0] == "copy", (fast, walked)
        assert_same_copy(fast, walked[1], params)
    assert checked[0] == walked[0], (checked, walked)
    if walked[0] == "copy":
        assert_same_copy(checked[1], walked[1], params)
    else:
        assert checked == walked
    return fast is not validate._INVALID


# --- valid requests -----------------------------------------------------------------------------------


def wire(operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """boto3 keyword arguments as the server reads them: botocore's JSON body, parsed."""
    model = service_model.operation(operation)
    body = create_serializer("json", include_validation=False).serialize_to_request(kwargs, model)["body"]
    params: dict[str, Any] = json.loads(body or b"{}")
    return params


def with_token(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {**kwargs, "ClientToken": str(uuid.uuid4())}  # boto3 adds one to every create


CARD = (FIXTURES / "model-cards" / "full-card.json").read_text(encoding="utf-8")
ABALONE = {**load_fixture("packages", "abalone-v1.json"), "ModelPackageGroupName": "ModelGroup1"}
SEARCH = "ModelPackage"

# (operation, id, boto3 keyword arguments) from the fixtures and the other API tests.
KNOWN: list[tuple[str, str, dict[str, Any]]] = [
    ("CreateModelPackage", "abalone-v1", with_token(ABALONE)),
    ("CreateModelPackage", "abalone-every-member", with_token({**ABALONE, **copy.deepcopy(EXTRA_MEMBERS)})),
    (
        "CreateModelPackage",
        "unversioned-with-card",
        {
            "ModelPackageName": "unversioned",
            "InferenceSpecification": INFERENCE,
            "ModelCard": {"ModelCardContent": CARD, "ModelCardStatus": "Draft"},
        },
    ),
    *[
        ("CreateModelPackage", f"search-version-{n}", with_token({"ModelPackageGroupName": "G", **version}))
        for n, version in enumerate(VERSIONS, 1)
    ],
    (
        "CreateModelPackageGroup",
        "model-group-ModelGroup1",
        load_fixture("packages", "model-group-ModelGroup1.json"),
    ),
    (
        "PutModelPackageGroupPolicy",
        "allow-describe",
        {"ModelPackageGroupName": "G", "ResourcePolicy": json.dumps(ALLOW_DESCRIBE)},
    ),
    (
        "PutModelPackageGroupPolicy",
        "multi-line",
        {"ModelPackageGroupName": "G", "ResourcePolicy": MULTI_LINE},
    ),
    ("UpdateModelPackage", "approve", {"ModelPackageArn": PACKAGE_ARN, "ModelApprovalStatus": "Approved"}),
    (
        "UpdateModelPackage",
        "metadata-and-card",
        {
            "ModelPackageArn": PACKAGE_ARN,
            "CustomerMetadataProperties": {"framework": "xgboost", "team.name": "ml"},
            "CustomerMetadataPropertiesToRemove": ["owner"],
            "ModelCard": {"ModelCardContent": CARD, "ModelCardStatus": "PendingReview"},
        },
    ),
    (
        "ListModelPackages",
        "filtered",
        {
            "ModelPackageGroupName": "G",
            "ModelApprovalStatus": "Approved",
            "ModelPackageType": "Versioned",
            "CreationTimeAfter": 1700000000,
            "SortBy": "CreationTime",
            "SortOrder": "Descending",
            "MaxResults": 100,
        },
    ),
    ("ListModelPackageGroups", "filtered", {"NameContains": "Abalone", "MaxResults": 1, "SortBy": "Name"}),
    ("ListTags", "paged", {"ResourceArn": GROUP_ARN, "MaxResults": 50}),
    ("BatchDescribeModelPackage", "two", {"ModelPackageArnList": [PACKAGE_ARN, PACKAGE_ARN[:-1] + "2"]}),
    ("DescribeModelPackage", "by-name", {"ModelPackageName": "unversioned"}),
    *[
        ("Search", f"expression-{name}", {"Resource": SEARCH, "SearchExpression": expression})
        for name, expression, _found in EXPRESSIONS
    ],
    *[("Search", f"error-{name}", {"Resource": SEARCH, **members}) for name, members, _message in ERRORS],
]

# Strings tried, in order, for a string member built from its shape: the first within its bounds
# and pattern wins. Every string member of the served operations takes one (`full` asserts it).
_STRINGS = (
    "a",
    "G",
    "model-1",
    "1.0.0",
    PACKAGE_ARN,
    GROUP_ARN,
    "arn:aws:iam::123456789012:role/r",
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "s3://bucket/key",
    "https://example.com/x",
    "text/csv",
    "sha256:" + "0" * 64,
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/image:1",
)


def full(shape: Shape, path: tuple[str, ...] = ()) -> Any:
    """A valid value for `shape` with every member filled, lists and maps of one; None for a
    recursive shape met a third time."""
    if isinstance(shape, StructureShape):
        if path.count(shape.name) > 1:
            return None
        members = {name: full(member, (*path, shape.name)) for name, member in shape.members.items()}
        return {name: value for name, value in members.items() if value is not None}
    if isinstance(shape, ListShape):
        item = full(shape.member, path)
        return None if item is None else [item]
    if isinstance(shape, MapShape):
        value = full(shape.value, path)
        return None if value is None else {full(shape.key, path): value}
    if isinstance(shape, StringShape) and shape.enum:
        return shape.enum[-1]
    if isinstance(shape, StringShape):
        text = next((text for text in _STRINGS if _fits(shape, text)), None)
        assert text is not None, f"no string in _STRINGS fits {shape.name}: add one"
        return text
    if shape.type_name in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    return {"boolean": True, "timestamp": 1700000000.5}[shape.type_name]


def _fits(shape: Shape, text: str) -> bool:
    low, high, pattern = (shape.metadata.get(key) for key in ("min", "max", "pattern"))
    return (
        (low is None or len(text) >= low)
        and (high is None or len(text) <= high)
        and (pattern is None or matches(pattern, text))
    )


def input_shape(operation: str) -> StructureShape:
    shape = service_model.operation(operation).input_shape
    assert isinstance(shape, StructureShape)
    return shape


def valid_requests() -> list[tuple[str, str, dict[str, Any]]]:
    requests = [(operation, f"{operation}-minimal", MINIMAL[operation]) for operation in service_model.SERVED]
    requests += [
        (operation, f"{operation}-every-member", full(input_shape(operation)))
        for operation in service_model.SERVED
    ]
    requests += [
        (operation, f"{operation}-{name}", wire(operation, kwargs)) for operation, name, kwargs in KNOWN
    ]
    return requests


VALID = valid_requests()
# The requests whose mutants are tried: the others add values, not paths.
MUTATED = {
    f"{operation}-{name}" for operation in service_model.SERVED for name in ("minimal", "every-member")
}
MUTATED |= {"CreateModelPackage-abalone-v1", "CreateModelPackageGroup-model-group-ModelGroup1"}


def test_every_served_operation_has_valid_requests() -> None:
    assert {operation for operation, _id, _params in VALID} == set(service_model.SERVED)


@pytest.mark.parametrize(("operation", "case_id", "params"), VALID, ids=[case[1] for case in VALID])
def test_fast_path_alone_accepts_valid_request_with_the_walks_copy(
    operation: str, case_id: str, params: dict[str, Any]
) -> None:
    assert agree(input_shape(operation), params)
    assert agree(input_shape(operation), params)  # again, now that its values are in the memos


# --- mutants ------------------------------------------------------------------------------------------


class _Text(str):
    """A str subclass: the walk takes it, the fast path leaves it to the walk."""


class _Object(dict[str, Any]):
    """A dict subclass, likewise."""


def mutants(value: Any, shape: Shape) -> Iterator[Any]:
    """`value`, valid for `shape`, with one thing changed, for each thing in turn at every depth."""
    yield from _replacements(value, shape)
    if isinstance(shape, StructureShape) and not shape.is_document_type:
        yield {**value, "NotAMember": 1}
        yield {"NotAMember": None, **value}
        for name in shape.required_members:
            yield {key: item for key, item in value.items() if key != name}
        for name, item in value.items():
            if name in shape.members:
                yield {**value, name: None}
                for changed in mutants(item, shape.members[name]):
                    yield {**value, name: changed}
    elif isinstance(shape, ListShape):
        yield [*value, None]
        yield []
        yield value * (shape.metadata.get("max", 1) + 1)
        for changed in mutants(value[0], shape.member) if value else ():  # the first stands for all
            yield [changed, *value[1:]]
    elif isinstance(shape, MapShape):
        yield {**value, "k2": None}
        yield {**value, 7: next(iter(value.values()))}  # not JSON: only an in-process caller could
        yield {f"key{n}": next(iter(value.values())) for n in range(shape.metadata.get("max", 1) + 1)}
        for key in _strings(shape.key):
            yield {**value, key: next(iter(value.values()))}
        for first in list(value)[:1]:  # the first entry stands for the others
            for changed in mutants(value[first], shape.value):
                yield {**value, first: changed}


def _replacements(value: Any, shape: Shape) -> list[Any]:
    kind = "document" if isinstance(shape, StructureShape) and shape.is_document_type else shape.type_name
    if kind == "string":
        return [1, True, 1.5, [], {}, _Text(value), *_strings(shape)]
    if kind in ("integer", "long"):
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        edges = ([] if low is None else [low - 1]) + ([] if high is None else [high + 1])
        return ["1", 1.0, True, 2**31, -(2**31) - 1, 2**63, *edges]
    if kind in ("float", "double", "timestamp"):
        return ["1", True, float("nan"), float("inf"), 2**63 + 1, 10**400, 2, 1.25e-300]
    if kind == "blob":
        return [1, "not base64!", "", "AAAA" * 3, _Text("AAAA")]
    if kind == "boolean":
        return [1, "true", False]
    if kind == "document":
        return [[1], "text", {"a": None}]
    if kind == "structure":
        return ["x", [], 1, _Object(value)]
    if kind == "list":
        return ["x", {}, tuple(value)]
    return ["x", [], 1, _Object(value)]  # map


def _strings(shape: Shape) -> list[str]:
    """Strings breaking the shape's rules, and some that might not."""
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    texts = ["", "bogus-value", "!", "a b", "\n", "\t", "-", "é", "\U0001f600", "a" * 129]
    if high is not None:
        texts += ["a" * (high + 1), "a" * high, "\U0001f600" * (high // 2 + 1)]
    if low is not None and low > 1:
        texts.append("a" * (low - 1))
    return texts + (list(shape.enum)[:1] if isinstance(shape, StringShape) and shape.enum else [])


@pytest.mark.parametrize("operation", service_model.SERVED)
def test_fast_path_gives_up_or_agrees_on_broken_requests(operation: str) -> None:
    shape = input_shape(operation)
    answered = given_up = 0
    for params in (params for name, case_id, params in VALID if name == operation and case_id in MUTATED):
        for mutant in mutants(params, shape):
            if not isinstance(mutant, dict):
                continue  # a body that is not an object stops in `check` before either path
            if agree(shape, mutant):
                answered += 1
            else:
                given_up += 1
    assert answered and given_up


@pytest.mark.parametrize("body", [[], "x", 1, None])
def test_body_that_is_not_an_object_is_a_serialization_error(body: Any) -> None:
    with pytest.raises(SerializationError, match="The request body must be a JSON object"):
        validate.check(body, input_shape("DescribeModelPackage"))


CASES = [case for case in generated_cases() if case[0] in service_model.SERVED]


@pytest.mark.parametrize(("operation", "case_id", "params", "expected"), CASES, ids=[c[1] for c in CASES])
def test_generated_invalid_request_is_left_to_the_walk(
    operation: str, case_id: str, params: dict[str, Any], expected: str
) -> None:
    assert not agree(input_shape(operation), params)
    with pytest.raises(ValidationError) as exc:
        validate.check(params, input_shape(operation))
    assert expected in exc.value.message


def test_memo_emptied_when_full_keeps_both_paths_agreeing() -> None:
    shape = input_shape("CreateModelPackage")
    for _ in range(3 * validate._MEMO_VALUES):
        assert agree(shape, {"ModelPackageGroupName": "G", "ClientToken": str(uuid.uuid4())})


# --- shapes no served operation has -------------------------------------------------------------------

SYNTHETIC = ShapeResolver(
    {
        "Input": {
            "type": "structure",
            "required": ["Blob", "Count", "Must"],
            "members": {
                name: {"shape": name}
                for name in ("Blob", "Ratio", "Big", "Size", "When", "Flag", "Count", "Doc", "Grid", "Named")
            }
            | {
                "Must": {"shape": "Doc"},
                "Docs": {"shape": "Docs"},
                "Free": {"shape": "Free"},
                "Tree": {"shape": "Tree"},
            },
        },
        "Blob": {"type": "blob", "min": 1, "max": 6},
        "Ratio": {"type": "double", "min": 0.5, "max": 2.5},
        "Big": {"type": "long", "min": -5, "max": 2**40},
        "Size": {"type": "float"},
        "When": {"type": "timestamp"},
        "Flag": {"type": "boolean"},
        "Count": {"type": "integer", "min": 1, "max": 9},
        "Doc": {"type": "structure", "members": {}, "document": True},
        "Docs": {"type": "list", "member": {"shape": "Doc"}, "max": 3},
        "Grid": {"type": "list", "member": {"shape": "Row"}, "max": 3},
        "Row": {"type": "list", "member": {"shape": "Cell"}, "min": 1, "max": 3},
        "Cell": {"type": "string", "pattern": "[a-z]+", "max": 3},
        "Named": {"type": "map", "key": {"shape": "Cell"}, "value": {"shape": "Pair"}, "max": 2},
        "Pair": {
            "type": "structure",
            "required": ["Left"],
            "members": {"Left": {"shape": "Count"}, "Right": {"shape": "Flag"}, "Rows": {"shape": "Grid"}},
        },
        "Free": {"type": "map", "key": {"shape": "Text"}, "value": {"shape": "Doc"}},
        "Text": {"type": "string"},
        "Tree": {"type": "structure", "members": {"Name": {"shape": "Cell"}, "Children": {"shape": "Trees"}}},
        "Trees": {"type": "list", "member": {"shape": "Tree"}},
    }
).get_shape_by_name("Input")

SYNTHETIC_VALID: list[dict[str, Any]] = [
    {"Blob": "AAAA", "Count": 1, "Must": 0},
    {
        "Blob": "AAECAwQF",
        "Must": {},
        "Ratio": 2.5,
        "Big": 2**40,
        "Size": -1e300,
        "When": 0,
        "Flag": False,
        "Count": 9,
        "Doc": {"any": [None, 1, {"x": "y"}]},
        "Docs": [{}, [], "text"],
        "Grid": [["a", "bc"], ["xyz"]],
        "Named": {"ab": {"Left": 2, "Right": True, "Rows": [["q"]]}, "c": {"Left": 3}},
        "Free": {"Any Key!": {"k": 1}, "": 2},
        "Tree": {"Name": "r", "Children": [{"Name": "a", "Children": [{"Name": "b", "Children": []}]}]},
    },
]


@pytest.mark.parametrize("params", SYNTHETIC_VALID)
def test_fast_path_handles_every_type_as_the_walk_does(params: dict[str, Any]) -> None:
    assert isinstance(SYNTHETIC, StructureShape)
    assert agree(SYNTHETIC, params)
    answered = given_up = 0
    for mutant in mutants(params, SYNTHETIC):
        if not isinstance(mutant, dict):
            continue
        if agree(SYNTHETIC, mutant):
            answered += 1
        else:
            given_up += 1
    assert answered and given_up


def test_recursion_past_the_inline_depth_calls_a_function() -> None:
    assert isinstance(SYNTHETIC, StructureShape)
    tree: dict[str, Any] = {"Name": "z"}
    for _ in range(3 * validate._INLINE_DEPTH):
        tree = {"Name": "n", "Children": [tree, {"Name": "m"}]}
    assert agree(SYNTHETIC, {"Blob": "AAAA", "Count": 1, "Must": [], "Tree": tree})
    broken = copy.deepcopy(tree)
    leaf = broken
    while "Children" in leaf:
        leaf = leaf["Children"][0]
    leaf["Name"] = "NOT-A-CELL"
    assert not agree(SYNTHETIC, {"Blob": "AAAA", "Count": 1, "Must": [], "Tree": broken})
