"""Every pattern reachable from the served operations' input shapes compiles and behaves as Java's would."""

from __future__ import annotations

from typing import Any

import pytest
import regex
from botocore.model import ListShape, MapShape, Shape, StructureShape
from validation_cases import MINIMAL, OPERATIONS, PACKAGE_ARN, input_shape

from registro.api.patterns import compile_pattern, matches
from registro.api.service_model import SERVED


def reachable_patterns() -> dict[str, str]:
    """Shape name → pattern, for every shape reachable from the operations' input shapes."""
    found: dict[str, str] = {}
    seen: set[str] = set()

    def walk(shape: Shape) -> None:
        if shape.name in seen:
            return
        seen.add(shape.name)
        if "pattern" in shape.metadata:
            found[shape.name] = shape.metadata["pattern"]
        if isinstance(shape, StructureShape):
            for member in shape.members.values():
                walk(member)
        elif isinstance(shape, ListShape):
            walk(shape.member)
        elif isinstance(shape, MapShape):
            walk(shape.key)
            walk(shape.value)

    for operation in OPERATIONS:
        walk(input_shape(operation))
    return found


REACHABLE = reachable_patterns()

# (shape name, value, accepted): the pattern is read from the model by shape name.
KNOWN = [
    ("TagKey", "team", True),
    ("TagKey", "sagemaker:project-name", True),
    ("TagKey", "équipe 1", True),  # \p{L}, \p{Z}, \p{N}
    ("TagKey", "a,b", False),
    ("TagKey", "a\nb", False),
    ("TagValue", "marine-analytics", True),
    ("TagValue", "a;b", False),
    ("ModelPackageArn", PACKAGE_ARN, True),
    ("ModelPackageArn", PACKAGE_ARN + "\n", False),  # whole value: no `$` before a final newline
    ("ModelPackageArn", "x" + PACKAGE_ARN, False),
    ("ModelPackageArn", PACKAGE_ARN.replace("G/1", "G 1"), False),
    (
        "ModelPackageArn",
        PACKAGE_ARN.replace("G/1", "G\u00a01"),
        True,
    ),  # Java's \S is ASCII: NBSP is not space
    ("EntityName", "ModelGroup1", True),
    ("EntityName", "a" * 63, True),
    ("EntityName", "a" * 64, False),
    ("EntityName", "-a", False),
    ("EntityName", "a_b", False),
    ("ArnOrName", "G", True),
    ("ArnOrName", "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/G", True),
    ("ArnOrName", "G-", False),  # (?<!-)
    ("VersionedArnOrName", "G/1", True),
    ("VersionedArnOrName", PACKAGE_ARN, True),
    ("VersionedArnOrName", "G/1234567890", False),
    ("CustomerMetadataKey", "team", True),  # `${1,128}`: a repeated end anchor, not a length
    ("CustomerMetadataKey", "a,b", False),
    ("EntityDescription", "Ünïcødé – “quoted” 😀", True),  # \p{S} takes the emoji
    ("EntityDescription", "two\nlines", False),  # \n is \p{Cc}
    ("RoleArn", "arn:aws:iam::123456789012:role/R", True),
    ("RoleArn", "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:role/R", False),  # Java's \d is ASCII
    ("ResponseMIMEType", "text/csv", True),
    ("ResponseMIMEType", "téxt/csv", False),  # Java's \w is ASCII
    ("PolicyString", '{\n  "Statement": []\n}', True),  # DOTALL
    ("NameContains", "abc-1", True),
    ("NameContains", "a b", False),
    ("ImageDigest", "sha256:" + "0" * 64, True),
    ("ImageDigest", "sha256:" + "0" * 63, False),
    ("S3Uri", "s3://bucket/key", True),
    ("S3Uri", "ftp://bucket/key", False),
    ("ResourceArn", "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/G", True),
    ("ResourceArn", "arn:aws:s3:::bucket", False),
]


def test_every_reachable_pattern_compiles() -> None:
    assert len(REACHABLE) >= 15, REACHABLE
    failures = {}
    for name, pattern in REACHABLE.items():
        try:
            compile_pattern(pattern)
        except (regex.error, ValueError) as exc:  # report every pattern that fails, not just the first
            failures[name] = f"{pattern!r}: {exc}"
    assert not failures, failures


@pytest.mark.parametrize(("shape_name", "value", "accepted"), KNOWN)
def test_known_values(shape_name: str, value: str, accepted: bool) -> None:
    assert matches(REACHABLE[shape_name], value) is accepted


def test_anchored_spelling_matches_like_the_bare_one() -> None:
    bare = REACHABLE["TagKey"]
    anchored = f"^{bare}$"
    for value in ("team", "a,b", ""):
        assert matches(anchored, value) is matches(bare, value)


@pytest.mark.parametrize(
    ("pattern", "value", "accepted"),
    [
        # UTF-16 surrogate pairs in Java become the astral range (both spellings occur in botocore models).
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*", "ab😀\t", True),
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*", "a\x01", False),
        (r"[\uD800-\uDBFF][\uDC00-\uDFFF]", "😀", True),
        (r"[\ud800-\udbff][\udc00-\udfff]", "a", False),
        (r"arn:[\p{Alnum}\-]+:x", "arn:abc-1:x", True),
        (r"arn:[\p{Alnum}\-]+:x", "arn:é:x", False),  # POSIX classes are ASCII in Java
        (r"[^\S]", " ", True),
        (r"[^\S]", "a", False),
        (r"a\Q.*\Eb", "a.*b", True),
        (r"a\Q.*\Eb", "axxb", False),
    ],
)
def test_java_translation(pattern: str, value: str, accepted: bool) -> None:
    assert matches(pattern, value) is accepted


def test_every_served_operation_has_a_minimal_request() -> None:
    # A newly served operation needs filler values, and its patterns then join REACHABLE.
    assert set(SERVED) <= set(MINIMAL)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_minimal_requests_satisfy_their_patterns(operation: str) -> None:
    # The generated failing cases rely on these fillers breaking nothing else.
    broken: list[str] = []

    def walk(value: Any, shape: Shape, path: str) -> None:
        if isinstance(shape, StructureShape):
            for name, member in value.items():
                walk(member, shape.members[name], f"{path}.{name}")
        elif isinstance(shape, ListShape):
            for item in value:
                walk(item, shape.member, f"{path}[]")
        elif "pattern" in shape.metadata and not matches(shape.metadata["pattern"], value):
            broken.append(f"{path}={value!r}")

    walk(MINIMAL[operation], input_shape(operation), operation)
    assert not broken
