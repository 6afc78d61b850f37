"""Failing requests generated from the served operations' input shapes (helpers only, no tests here).

MINIMAL holds, per operation, the smallest request that passes shape validation. `generated_cases()`
breaks one rule of one member at a time and names the message fragment AWS's wording gives for it:

    required member missing           Value null at 'resourceArn' ... Member must not be null
    required member of a listed item  Value null at 'tags.1.member.value' ... Member must not be null
    enum given a bogus value          ... Member must satisfy enum value set: [Approved, ...]
    string of max + 1 characters      ... Member must have length less than or equal to 63
    empty string below its min        ... Member must have length greater than or equal to 1
    number past its min or max        ... Member must have value less than or equal to 100
    string breaking its pattern       ... Member must satisfy regular expression pattern: <model's>

Every limit, enum and pattern is read from botocore's model; only the filler values are typed here.
Params are JSON types, for a client built with `Config(parameter_validation=False)`.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import botocore.session
from botocore.model import ListShape, ServiceModel, Shape, StringShape, StructureShape

from registro.api.patterns import matches

PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/G/1"
GROUP_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/G"

MINIMAL: dict[str, dict[str, Any]] = {
    "CreateModelPackageGroup": {"ModelPackageGroupName": "G"},
    "DescribeModelPackageGroup": {"ModelPackageGroupName": "G"},
    "ListModelPackageGroups": {},
    "DeleteModelPackageGroup": {"ModelPackageGroupName": "G"},
    "PutModelPackageGroupPolicy": {"ModelPackageGroupName": "G", "ResourcePolicy": '{"Statement":[]}'},
    "GetModelPackageGroupPolicy": {"ModelPackageGroupName": "G"},
    "DeleteModelPackageGroupPolicy": {"ModelPackageGroupName": "G"},
    # Nothing is required by the model (unversioned packages take ModelPackageName instead).
    "CreateModelPackage": {"ModelPackageGroupName": "G"},
    "DescribeModelPackage": {"ModelPackageName": PACKAGE_ARN},
    "ListModelPackages": {},
    "UpdateModelPackage": {"ModelPackageArn": PACKAGE_ARN},
    "DeleteModelPackage": {"ModelPackageName": PACKAGE_ARN},
    "BatchDescribeModelPackage": {"ModelPackageArnList": [PACKAGE_ARN]},
    "AddTags": {"ResourceArn": GROUP_ARN, "Tags": [{"Key": "k", "Value": "v"}]},
    "ListTags": {"ResourceArn": GROUP_ARN},
    "DeleteTags": {"ResourceArn": GROUP_ARN, "TagKeys": ["k"]},
    "Search": {"Resource": "ModelPackage"},
}
OPERATIONS = tuple(MINIMAL)

_BOGUS = "bogus-value"
# Tried in order to break a pattern; the first that breaks it within the member's length bounds wins.
_PATTERN_BREAKERS = ("!", "a b", "a,b", "-", "\t", "\n")

Case = tuple[str, str, dict[str, Any], str]


@functools.cache
def _model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("sagemaker")


def input_shape(operation: str) -> StructureShape:
    shape = _model().operation_model(operation).input_shape
    assert isinstance(shape, StructureShape), operation
    return shape


def generated_cases() -> list[Case]:
    """(operation, case id, params, expected message fragment) for every served operation."""
    cases: list[Case] = []
    for operation in OPERATIONS:
        cases.extend(_cases(operation, input_shape(operation)))
    return cases


def _cases(operation: str, shape: StructureShape) -> list[Case]:
    minimal = MINIMAL[operation]
    unfilled = set(shape.required_members) - set(minimal)
    assert not unfilled, f"MINIMAL[{operation!r}] lacks required {sorted(unfilled)}"
    cases: list[Case] = []

    def add(name: str, rule: str, params: dict[str, Any], expected: str) -> None:
        cases.append((operation, f"{operation}-{name}-{rule}", params, expected))

    for name in shape.required_members:
        params = copy.deepcopy(minimal)
        del params[name]
        add(
            name, "missing", params, f"Value null at '{_segment(name)}' failed to satisfy constraint: {_NULL}"
        )

    for name, member in shape.members.items():
        at = f"at '{_segment(name)}' failed to satisfy constraint: "
        if isinstance(member, ListShape) and isinstance(member.member, StructureShape) and minimal.get(name):
            # A required member of a listed structure: the path runs through `.1.member.`.
            for inner in member.member.required_members:
                params = copy.deepcopy(minimal)
                del params[name][0][inner]
                path = f"{_segment(name)}.1.member.{_segment(inner)}"
                add(
                    f"{name}.1.{inner}",
                    "missing",
                    params,
                    f"Value null at '{path}' failed to satisfy constraint: {_NULL}",
                )
        if isinstance(member, StringShape) and member.enum:
            assert _BOGUS not in member.enum
            rule = f"Member must satisfy enum value set: [{', '.join(member.enum)}]"
            add(name, "enum", _with(minimal, name, _BOGUS), f"Value '{_BOGUS}' {at}{rule}")
        low, high = member.metadata.get("min"), member.metadata.get("max")
        if member.type_name == "string":
            if high is not None:
                rule = f"Member must have length less than or equal to {high}"
                add(name, "max-length", _with(minimal, name, "a" * (high + 1)), at + rule)
            if low is not None and low >= 1:
                rule = f"Member must have length greater than or equal to {low}"
                add(name, "min-length", _with(minimal, name, ""), f"Value '' {at}{rule}")
            breaker = _pattern_breaker(member)
            if breaker is not None:
                rule = f"Member must satisfy regular expression pattern: {member.metadata['pattern']}"
                add(name, "pattern", _with(minimal, name, breaker), at + rule)
        elif member.type_name in ("integer", "long"):
            if high is not None:
                rule = f"Member must have value less than or equal to {high}"
                add(name, "max-value", _with(minimal, name, high + 1), f"Value '{high + 1}' {at}{rule}")
            if low is not None:
                rule = f"Member must have value greater than or equal to {low}"
                add(name, "min-value", _with(minimal, name, low - 1), f"Value '{low - 1}' {at}{rule}")
    return cases


_NULL = "Member must not be null"


def _with(minimal: dict[str, Any], name: str, value: object) -> dict[str, Any]:
    params = copy.deepcopy(minimal)
    params[name] = value
    return params


def _segment(name: str) -> str:
    return name[:1].lower() + name[1:]


def _pattern_breaker(shape: Shape) -> str | None:
    """A short value breaking the shape's pattern but not its length bounds, if one is at hand."""
    pattern = shape.metadata.get("pattern")
    if pattern is None:
        return None
    low, high = shape.metadata.get("min", 0), shape.metadata.get("max")
    for piece in _PATTERN_BREAKERS:
        value: str = piece * max(1, -(-low // len(piece)))
        if (high is None or len(value) <= high) and not matches(pattern, value):
            return value
    return None
