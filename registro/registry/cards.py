"""Model package card rules: schema validation of `ModelCardContent`, its MetadataOnly view, and card diffs.

check_content(content)
  json.loads ──not JSON──▶ ValidationError "ModelCardContent is not valid JSON: …"
      │
  Draft202012Validator(model-package-card.schema.json).iter_errors
      │  anyOf errors are unfolded into the branch that fits (metric items: the branch whose `type`
      │  enum holds the item's `type`), so a metric reports its own rule, not "not valid under any"
      ▼
  Problem(path, message, keyword) … sorted by path ──▶ ValidationError "… schema: $.a.b: msg (kw); …"
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from registro.registry.errors import ValidationError

SCHEMA_PACKAGE = "registro.registry"
SCHEMA_FILE = "schemas/model-package-card.schema.json"

# Instance values quoted in messages are cut here: a 2,049-character text must not come back whole.
SHOWN_CHARACTERS = 60
# A 100,000-character card can hold tens of thousands of wrong items; past this many the rest are
# counted, not listed, so the error body stays small.
MAX_LISTED_ERRORS = 100

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

PathElement = str | int


@dataclass(frozen=True)
class Problem:
    """One schema violation as reported to the client."""

    path: tuple[PathElement, ...]
    message: str
    keyword: str

    def __str__(self) -> str:
        return f"{format_path(self.path)}: {self.message} ({self.keyword})"


def check_content(content: str) -> None:
    """Raise ValidationError unless `content` is a JSON object valid against the package card schema."""
    card = _parse(content)
    problems = sorted(problems_in(card), key=_sort_key)
    if not problems:
        return
    listed = "; ".join(str(p) for p in problems[:MAX_LISTED_ERRORS])
    if len(problems) > MAX_LISTED_ERRORS:
        listed += f"; and {len(problems) - MAX_LISTED_ERRORS} more errors"
    raise ValidationError(f"ModelCardContent does not follow the model package card schema: {listed}")


def problems_in(card: Any) -> list[Problem]:
    """Every schema violation of an already parsed card, unsorted (the console shows them per field)."""
    return [p for error in _validator().iter_errors(card) for p in _problems(error)]


def metadata_only(content: str) -> str:
    """DescribeModelPackage IncludedData=MetadataOnly: the card reduced to `intended_uses.risk_rating`.

    Stored content passed `check_content`; content that no longer parses (imported data) reduces to `{}`
    rather than failing the describe.
    """
    try:
        card = _parse(content)
    except ValidationError:
        return "{}"
    intended_uses = card.get("intended_uses") if isinstance(card, dict) else None
    if not isinstance(intended_uses, dict) or "risk_rating" not in intended_uses:
        return "{}"
    return json.dumps({"intended_uses": {"risk_rating": intended_uses["risk_rating"]}}, ensure_ascii=False)


def changed_fields(before: str | None, after: str | None) -> list[str]:
    """Sorted dotted paths (`section` or `section.field`) whose values differ between two card contents.

    `None` (no card) and content that is not a JSON object count as an empty card. Values compare as
    canonical JSON, so `1` → `true` or `1` → `1.0` is a change (Python's `==` would call them equal);
    lists compare whole.
    """
    old, new = _as_object(before), _as_object(after)
    changed: list[str] = []
    for section in sorted(old.keys() | new.keys()):
        a, b = old.get(section), new.get(section)
        if _same(a, b) and (section in old) == (section in new):
            continue
        if isinstance(a, dict | None) and isinstance(b, dict | None):
            a, b = a or {}, b or {}
            fields = [
                f"{section}.{name}"
                for name in sorted(a.keys() | b.keys())
                if name not in a or name not in b or not _same(a[name], b[name])
            ]
            # Adding or removing an empty section changes no field, but it is still a change.
            changed.extend(fields or [section])
        else:
            changed.append(section)
    return changed


def format_path(path: Iterable[PathElement]) -> str:
    """`$`, `$.intended_uses.risk_rating`, `$.evaluation_details[0].metric_groups[0]`, `$.metadata['a b']`."""
    text = "$"
    for element in path:
        if isinstance(element, int):
            text += f"[{element}]"
        elif _IDENTIFIER.fullmatch(element):
            text += f".{element}"
        else:
            text += f"[{_show(element)}]"
    return text


@cache
def _schema() -> dict[str, Any]:
    text = resources.files(SCHEMA_PACKAGE).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    # The schema has no `$schema` but uses maxContains (2019-09+); console.md 8.1 fixes Draft 2020-12.
    return Draft202012Validator(_schema())


def _parse(content: str) -> Any:
    try:
        return json.loads(content, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"ModelCardContent is not valid JSON: {exc}") from None
    except _NotJson as exc:
        raise ValidationError(f"ModelCardContent is not valid JSON: {exc}") from None
    except RecursionError:
        # `[[[[…` 50,000 deep fits in 100,000 characters and exhausts the parser's recursion limit.
        raise ValidationError("ModelCardContent is not valid JSON: nested too deeply") from None


class _NotJson(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (RFC 8259) and the browser's JSON.parse do not.
    raise _NotJson(f"{name} is not allowed")


def _as_object(content: str | None) -> dict[str, Any]:
    if content is None:
        return {}
    try:
        card = _parse(content)
    except ValidationError:
        return {}
    return card if isinstance(card, dict) else {}


def _same(a: Any, b: Any) -> bool:
    return _canonical(a) == _canonical(b)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sort_key(problem: Problem) -> tuple[Any, ...]:
    # Indexes sort as numbers ([2] before [10]); at one position all elements are of one kind, but the
    # tag keeps the comparison total anyway.
    path = tuple((0, e, "") if isinstance(e, int) else (1, 0, e) for e in problem.path)
    return (path, problem.keyword, problem.message)


def _problems(error: SchemaError) -> Iterator[Problem]:
    """The reportable problems behind one jsonschema error, unfolding anyOf into the branch that fits."""
    if error.validator in ("anyOf", "oneOf"):
        branch = _fitting_branch(error)
        if isinstance(branch, Problem):
            yield branch
            return
        if branch is not None:
            for sub in error.context or ():
                if sub.relative_schema_path[0] == branch:
                    yield from _problems(sub)
            return
    yield Problem(tuple(error.absolute_path), _message(error), str(error.validator))


def _fitting_branch(error: SchemaError) -> int | Problem | None:
    """Index of the anyOf branch whose errors to report, a replacement problem, or None (report as is)."""
    # jsonschema types these attributes `Any | Unset`; for an anyOf error they are always set.
    branches: Any = error.validator_value
    instance: Any = error.instance
    path = tuple(error.absolute_path)

    # A discriminated union (metric_data items): the branch that declares the item's `type`.
    declared = [_declared_types(branch) for branch in branches]
    if isinstance(instance, dict) and any(declared):
        if "type" not in instance:
            return Problem(path, "'type' is a required property", "required")
        for index, values in enumerate(declared):
            if any(_same(instance["type"], value) for value in values):
                return index
        allowed = [value for values in declared for value in values]
        return Problem(path + ("type",), _not_one_of(instance["type"], allowed), "enum")

    # Otherwise the one branch whose type the instance has (`value` of a simple metric: a 64-character
    # string is reported as too long, not as "not a number"); a single branch is always that one.
    if len(branches) == 1:
        return 0
    type_errors = [sub for sub in error.context or () if sub.validator == "type" and not sub.relative_path]
    candidates = [
        i for i in range(len(branches)) if i not in {sub.relative_schema_path[0] for sub in type_errors}
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        # No branch takes this JSON type: name the types that would do.
        types = [name for sub in type_errors for name in _type_names(sub.validator_value)]
        return Problem(path, _not_of_type(instance, list(dict.fromkeys(types))), "type")
    return None


def _declared_types(branch: Any) -> list[Any]:
    """The values a branch allows for its `type` property (const or enum), after resolving `$ref`."""
    schema = _resolve(branch)
    type_schema = _resolve(schema.get("properties", {}).get("type", {})) if isinstance(schema, dict) else {}
    if not isinstance(type_schema, dict):
        return []
    if "const" in type_schema:
        return [type_schema["const"]]
    enum = type_schema.get("enum", [])
    return list(enum) if isinstance(enum, list) else []


def _resolve(schema: Any) -> Any:
    # Only local `#/...` pointers occur in the card schema; a bounded loop guards against ref cycles.
    for _ in range(16):
        if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
            return schema
        ref: str = schema["$ref"]
        if not ref.startswith("#/"):
            return schema
        target: Any = _schema()
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                return schema
            target = target[part]
        schema = target
    return schema


def _message(error: SchemaError) -> str:
    """A one-line message naming the rule, quoting at most SHOWN_CHARACTERS of the instance."""
    keyword = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    if keyword == "maxLength":
        return f"{_show(instance)} is too long (maximum {expected} characters)"
    if keyword == "minLength":
        return f"{_show(instance)} is too short (minimum {expected} characters)"
    if keyword == "maxItems":
        return f"{_show(instance)} has {_items(len(instance))} (maximum {expected})"
    if keyword == "minItems":
        return f"{_show(instance)} has {_items(len(instance))} (minimum {expected})"
    if keyword == "enum":
        return _not_one_of(instance, expected)
    if keyword == "const":
        return f"{_show(instance)} is not {_show(expected)}"
    if keyword == "type":
        return _not_of_type(instance, _type_names(expected))
    if keyword == "required":
        # jsonschema's own wording ("'name' is a required property") quotes only the property name.
        return str(error.message)
    if keyword == "pattern":
        return f"{_show(instance)} does not match {_show(expected)}"
    if keyword == "additionalProperties" and isinstance(instance, dict):
        extras = _unexpected(instance, error.schema)
        names = ", ".join(_show(name) for name in extras)
        verb = "was" if len(extras) == 1 else "were"
        return f"Additional properties are not allowed ({names} {verb} unexpected)"
    if keyword in ("anyOf", "oneOf"):
        return f"{_show(instance)} is not valid under any of the given schemas"
    # Keywords the card schema does not use: jsonschema's text, cut to one readable line.
    return _cut(error.message.replace("\n", " "), 4 * SHOWN_CHARACTERS)


def _unexpected(instance: Mapping[str, Any], schema: Any) -> list[str]:
    schema = schema if isinstance(schema, dict) else {}
    declared = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [name for name in instance if name not in declared and not any(p.search(name) for p in patterns)]


def _not_one_of(instance: Any, allowed: Iterable[Any]) -> str:
    return f"{_show(instance)} is not one of [{', '.join(_show(value) for value in allowed)}]"


def _type_names(expected: Any) -> list[str]:
    return [str(name) for name in expected] if isinstance(expected, list) else [str(expected)]


def _not_of_type(instance: Any, types: Sequence[str]) -> str:
    return f"{_show(instance)} is not of type {' or '.join(repr(t) for t in types)}"


def _items(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _show(value: Any) -> str:
    """Strings single-quoted as in AWS messages, other values as compact JSON, cut to SHOWN_CHARACTERS."""
    if isinstance(value, str):
        text = _cut(value, SHOWN_CHARACTERS)
        escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
        return f"'{escaped}'"
    return _cut(json.dumps(value, ensure_ascii=False), SHOWN_CHARACTERS)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
