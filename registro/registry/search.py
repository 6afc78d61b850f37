"""Search for ModelPackage and ModelPackageGroup: property names, operators and values (sagemaker-api.md 4).

    request ─ Resource another type ─────────────────────────────▶ 200, no results
       │
    SearchExpression ─ limits (20 per expression, 50 in the tree, one Contains)
       │  Filters / NestedFilters / SubExpressions, And | Or
       ▼
    each Filter: Name ─ resolve ─▶ Property (steps into the stored document, or a tag; its value kinds)
       │           Operator + Value ─ parse by kind ─▶ store.search.Test   (mismatch: ValidationException)
       ▼
    store.search.page (one SQL statement: the page, each row's tags as JSON text, the total)
       ▼
    the answer spliced as text (_answer): each stored document is DescribeModelPackage's (Group's) wire
    JSON already, so a record is `{"ModelPackage":` + the document with `,"Tags":[…]` before its last `}`

Property names come from botocore's `ModelPackage` / `ModelPackageGroup` output shapes: member paths
joined by `.`, lists passed through (any element matches); map members take `.<key>`
(`CustomerMetadataProperties.<key>`); `Tags.<key>`; `ModelCard.ModelCardContent.<path>` walks the model
package card schema, so a path names a field the schema knows and its value kinds come from it.
"""

from __future__ import annotations

import calendar
import datetime
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import botocore.session

from registro.registry import arns, cards, paging
from registro.registry.context import Context, Request
from registro.registry.documents import Stored, dump, load
from registro.registry.errors import ValidationError
from registro.store import search as found
from registro.store.search import Field, Hop, Step

OPERATION = "Search"
DEFAULT_SORT = {"ModelPackage": "LastModifiedTime", "ModelPackageGroup": "CreationTime"}
MAX_PER_EXPRESSION = 20  # botocore SearchExpression: "up to twenty elements"
MAX_IN_TREE = 50  # botocore SearchRequest.SearchExpression: at most 50 in all
CARD_CONTENT = "ModelCard.ModelCardContent"
ORDERING = ("GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo")
TEXT_ONLY = ("Contains", "In")
# A NextToken is valid only with the same values of these (MaxResults may change between pages).
TOKEN_MEMBERS = (
    "Resource",
    "SearchExpression",
    "SortBy",
    "SortOrder",
    "CrossAccountFilterOption",
    "VisibilityConditions",
)

_SCALAR_KINDS = {
    "string": "text",
    "integer": "number",
    "long": "number",
    "float": "number",
    "double": "number",
    "timestamp": "timestamp",
    "boolean": "boolean",
}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


@dataclass(frozen=True)
class Property:
    """A searchable property: where its values are and which kinds they have (none: not a single value)."""

    field: Field
    kinds: frozenset[str]
    checked: bool = False  # its values' kinds vary: compare each only with values of its kind
    mixed: bool = False  # besides scalars it may hold objects or arrays (card values)

    @property
    def nestable(self) -> bool:
        """A list whose elements NestedFilters may test."""
        return bool(self.field.steps) and isinstance(self.field.steps[-1], Hop) and not self.kinds

    @property
    def sortable(self) -> bool:
        return (
            len(self.kinds) == 1
            and not self.mixed
            and not any(s in (Hop.EACH, Hop.LAX) for s in self.field.steps)
        )


def search(ctx: Context, request: Request) -> Stored:
    """Search. Resources other than ModelPackage and ModelPackageGroup have no results here."""
    resource = request["Resource"]
    if resource not in DEFAULT_SORT:
        return _answer(resource, [], None, 0)
    expression = request.get("SearchExpression")
    where = _expression(resource, expression) if expression is not None else None
    visible = [_visibility(condition) for condition in request.get("VisibilityConditions", [])]
    if visible:
        where = found.Junction(False, tuple([where] if where is not None else []) + tuple(visible))
    sort_by = request.get("SortBy", DEFAULT_SORT[resource])
    sort_property = _sortable(resource, sort_by)
    sort = found.Sort(
        sort_property.field,
        next(iter(sort_property.kinds)),
        request.get("SortOrder", "Descending") == "Descending",
    )
    tied = {k: request.get(k) for k in TOKEN_MEMBERS}
    after = paging.decode(ctx.token_key, OPERATION, tied, request.get("NextToken"))
    if after is not None and len(after) != 3:
        raise ValidationError("Invalid NextToken.")
    if request.get("CrossAccountFilterOption") == "CrossAccount":
        # Other accounts' resources become discoverable with resource policies (sagemaker-api.md 3.1).
        return _answer(resource, [], None, 0)
    size = request.get("MaxResults", paging.DEFAULT_MAX_RESULTS)
    # Every row in scope has an ARN of this account, region and resource type (arns.py).
    prefix = arns.group_arn(ctx, "") if resource == "ModelPackageGroup" else arns.package_arn(ctx, "")
    query = found.Query(resource, ctx.account, where, sort, prefix)
    rows, total = found.page(ctx.store.direct, query, after, size + 1)
    token = None
    if len(rows) > size:
        token = paging.encode(ctx.token_key, OPERATION, tied, found.position(rows[size - 1]))
    return _answer(resource, rows[:size], token, total)


def _answer(resource: str, rows: Sequence[Any], token: str | None, total: int) -> Stored:
    """SearchResponse as wire JSON, members in botocore's order (Results, NextToken, TotalHits).

    Spliced, not serialized: walking the output shape over 100 full documents, with json.loads and
    json.dumps around it, was 85% of a page's CPU (cProfile, 300 versions, 3-filter search of 75 hits:
    19.4-20.8 ms per call before). The stored documents hold only members of the record's shape, None
    omitted, numbers and times as the serializer writes them (registry/documents.dump); Search's record
    adds `Tags`. A group's document may hold ManagedConfiguration, which Describe answers and the
    SearchRecord's ModelPackageGroup lacks: dropped.
    """
    # One list of pieces joined once: a page is ~450 KB of documents, and each f-string or += over it
    # copied all of it again (6 copies; memmove was 17% of a loadtest Search's server CPU, perf).
    head, parts = f'{{"{resource}":', ['{"Results":[']
    for row in rows:
        parts += (head, _record(resource, row.document)[:-1], ',"Tags":', row.tags, "}},")
    if rows:
        parts[-1] = "}}"
    parts.append("]")
    if token is not None:
        parts += (',"NextToken":', json.dumps(token))
    parts.append(f',"TotalHits":{{"Value":{total},"Relation":"EqualTo"}}}}')
    return Stored("".join(parts))


def _record(resource: str, document: str) -> str:
    """The stored document as the SearchRecord member's wire JSON, Tags still to add."""
    if resource == "ModelPackageGroup" and '"ManagedConfiguration"' in document:
        loaded = load(document)
        if loaded.pop("ManagedConfiguration", None) is not None:
            return dump(loaded)
    return document


# --- expressions --------------------------------------------------------------------------------------


def _expression(resource: str, expression: Mapping[str, Any]) -> found.Condition:
    elements = _tree_size(expression)
    if elements > MAX_IN_TREE:
        raise ValidationError(
            f"A SearchExpression can hold at most {MAX_IN_TREE} Filters, NestedFilters and SubExpressions "
            f"in all; this one holds {elements}."
        )
    contains = sum(1 for f in _filters(expression) if f.get("Operator") == "Contains")
    if contains > 1:
        raise ValidationError("'CONTAINS' operator usage limit of 1 exceeded.")
    return _condition(resource, expression)


def _condition(resource: str, expression: Mapping[str, Any]) -> found.Condition:
    filters = expression.get("Filters", [])
    nested = expression.get("NestedFilters", [])
    subexpressions = expression.get("SubExpressions", [])
    elements = len(filters) + len(nested) + len(subexpressions)
    if elements == 0:
        raise ValidationError(
            "A SearchExpression needs at least one of Filters, NestedFilters and SubExpressions."
        )
    if elements > MAX_PER_EXPRESSION:
        raise ValidationError(
            f"A SearchExpression can hold at most {MAX_PER_EXPRESSION} Filters, NestedFilters and SubExpressions "
            f"together; one holds {elements}."
        )
    parts: list[found.Condition] = [_test(_resolve(resource, f["Name"]), f) for f in filters]
    parts += [_nested(resource, n) for n in nested]
    parts += [_condition(resource, s) for s in subexpressions]
    return found.Junction(expression.get("Operator", "And") == "Or", tuple(parts))


def _tree_size(expression: Mapping[str, Any]) -> int:
    """Filters, NestedFilters (with their filters) and SubExpressions in the whole tree."""
    nested = expression.get("NestedFilters", [])
    subexpressions = expression.get("SubExpressions", [])
    return (
        len(expression.get("Filters", []))
        + sum(1 + len(n["Filters"]) for n in nested)
        + sum(1 + _tree_size(s) for s in subexpressions)
    )


def _filters(expression: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from expression.get("Filters", [])
    for nested in expression.get("NestedFilters", []):
        yield from nested["Filters"]
    for sub in expression.get("SubExpressions", []):
        yield from _filters(sub)


def _nested(resource: str, nested: Mapping[str, Any]) -> found.Nested:
    """NestedFilters: one element of the list must pass every filter."""
    name = nested["NestedPropertyName"]
    outer = _resolve(resource, name)
    if not outer.nestable:
        raise ValidationError(f"NestedPropertyName {name} is not a list of structures.")
    depth = len(outer.field.steps)
    tests = []
    for f in nested["Filters"]:
        if not f["Name"].startswith(name + "."):
            raise ValidationError(f"Filter name {f['Name']} in NestedFilters must start with {name}.")
        inner = _resolve(resource, f["Name"])
        relative = Field(f["Name"], inner.field.steps[depth:])
        tests.append(_test(Property(relative, inner.kinds, inner.checked, inner.mixed), f))
    return found.Nested(outer.field, tuple(tests))


def _visibility(condition: Mapping[str, Any]) -> found.Condition:
    """A resource having the tag must have the value; one without it passes (botocore VisibilityConditions)."""
    key = condition.get("Key", "")
    if not key.startswith("Tags.") or key == "Tags.":
        raise ValidationError(f"Invalid property name: {key}")
    tag = Field(key, tag=key[len("Tags.") :])
    return found.Not(found.Test(tag, "NotEquals", (("text", condition.get("Value", "")),)))


# --- filters ------------------------------------------------------------------------------------------


def _test(prop: Property, given: Mapping[str, Any]) -> found.Test:
    """One Filter as a store test: the operator checked against the property's kinds, the Value parsed."""
    value = given.get("Value")
    operator = given.get("Operator", "Equals")
    if operator in ("Exists", "NotExists"):
        return found.Test(prop.field, operator)

    def refuse(why: str) -> ValidationError:
        shown = f"{given['Name']} {operator}" + (f" {value}" if value is not None else "")
        return ValidationError(f"Invalid filter '{shown}': {why}")

    if value is None:
        raise refuse(f"operator {operator} needs a Value.")
    kinds = prop.kinds
    if not kinds:
        raise refuse(f"{given['Name']} is not a single value; only Exists and NotExists apply to it.")
    if operator in TEXT_ONLY:
        if "text" not in kinds:
            raise refuse(f"{operator} is only supported for text properties.")
        texts = [v.strip() for v in value.split(",")] if operator == "In" else [value]
        return found.Test(prop.field, operator, tuple(("text", t) for t in texts), prop.checked or prop.mixed)
    if operator in ORDERING:
        ordered = sorted(kinds & {"number", "timestamp"})
        if not ordered:
            raise refuse(f"{operator} is not supported for {_noun(kinds)} properties.")
        kinds = frozenset(ordered)
    values = []
    for kind in sorted(kinds):
        parsed = _parse(kind, value)
        if parsed is not None:
            values.append((kind, parsed))
        elif not prop.checked:
            raise refuse(f"'{value}' is not {_EXPECTED[kind]}.")
    if not values:
        raise refuse(f"'{value}' is not {' or '.join(_EXPECTED[k] for k in sorted(kinds))}.")
    return found.Test(prop.field, operator, tuple(values), prop.checked or prop.mixed)


_EXPECTED = {
    "text": "text",
    "number": "a number",
    "timestamp": "a timestamp of the form YYYY-mm-ddTHH:MM:SS",
    "boolean": "true or false",
}


def _noun(kinds: frozenset[str]) -> str:
    return " or ".join(sorted(kinds))


def _parse(kind: str, value: str) -> Any:
    """The Value as a `kind` value (str, float, Decimal epoch seconds, bool), or None if it is not one."""
    if kind == "text":
        return value
    if kind == "number":
        return float(value) if _NUMBER.fullmatch(value) else None
    if kind == "boolean":
        return {"true": True, "false": False}.get(value.lower())
    return _epoch_seconds(value)


def _epoch_seconds(value: str) -> Decimal | None:
    """ISO 8601 `YYYY-mm-ddTHH:MM:SS`, UTC; fractions and Z or ±HH:MM accepted (sagemaker-api.md 4)."""
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    seconds = Decimal(calendar.timegm(moment.timetuple())) + Decimal("0" + (match.group(7) or ""))
    zone = match.group(8)
    if zone and zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return None
        offset = (hours * 3600 + minutes * 60) * (1 if zone[0] == "+" else -1)
        seconds -= offset
    return seconds


# --- property names -----------------------------------------------------------------------------------


def _resolve(resource: str, name: str) -> Property:
    """The property a name designates, else `Invalid property name: <name>`."""
    catalog = _catalog(resource)
    if name.startswith("Tags.") and len(name) > len("Tags."):
        return Property(Field(name, tag=name[len("Tags.") :]), frozenset({"text"}))
    if name in catalog:
        return catalog[name]
    if name.startswith(CARD_CONTENT + ".") and CARD_CONTENT in catalog:
        card = _card_property(name[len(CARD_CONTENT) + 1 :])
        if card is not None:
            steps, kinds, checked, mixed = card
            return Property(
                Field(name, (*catalog[CARD_CONTENT].field.steps, Hop.PARSE, *steps)), kinds, checked, mixed
            )
    maps = _maps(resource)
    for cut in (i for i, char in enumerate(name) if char == "." and name[:i] in maps):
        if cut + 1 < len(name):  # `<map>.<key>`; keys may hold dots themselves
            return Property(
                Field(name, (*catalog[name[:cut]].field.steps, name[cut + 1 :])), maps[name[:cut]]
            )
    raise ValidationError(f"Invalid property name: {name}")


def _sortable(resource: str, name: str) -> Property:
    prop = _resolve(resource, name)
    if not prop.sortable:
        raise ValidationError(
            f"SortBy {name} is not a single-valued property; results cannot be sorted by it."
        )
    return prop


@cache
def _catalog(resource: str) -> dict[str, Property]:
    """Every member path of botocore's output shape for `resource`, with its steps and kinds."""
    return _shapes(resource)[0]


@cache
def _maps(resource: str) -> dict[str, frozenset[str]]:
    """Map members, name → kinds of its values: `<name>.<key>` names one entry."""
    return _shapes(resource)[1]


@cache
def _shapes(resource: str) -> tuple[dict[str, Property], dict[str, frozenset[str]]]:
    shape = botocore.session.get_session().get_service_model("sagemaker").shape_for(resource)
    catalog: dict[str, Property] = {}
    maps: dict[str, frozenset[str]] = {}

    def walk(inner: Any, name: str, steps: tuple[Step, ...], seen: frozenset[str]) -> None:
        kind = inner.type_name
        if kind == "list":
            walk(inner.member, name, (*steps, Hop.EACH), seen)
            return
        if kind in ("structure", "map"):
            # Not a single value: Exists and NotExists, or NestedFilters when it is a list's element.
            catalog.setdefault(name, Property(Field(name, steps), frozenset()))
        if kind == "map":
            maps[name] = frozenset({_SCALAR_KINDS.get(inner.value.type_name, "text")})
        elif kind == "structure":
            if inner.name in seen:
                return
            for member, sub in inner.members.items():
                walk(sub, f"{name}.{member}", (*steps, member), seen | {inner.name})
        else:
            catalog[name] = Property(Field(name, steps), frozenset({_SCALAR_KINDS.get(kind, "text")}))

    for member, inner in shape.members.items():
        if member != "Tags":  # not in the document: Tags.<key> reads the tags table
            walk(inner, member, (member,), frozenset({shape.name}))
    return catalog, maps


# --- model card content ---------------------------------------------------------------------------------

_CARD_KINDS = {"string": "text", "number": "number", "integer": "number", "boolean": "boolean"}


@cache
def _card_schema() -> dict[str, Any]:
    text = resources.files(cards.SCHEMA_PACKAGE).joinpath(cards.SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _alternatives(schema: Any) -> list[dict[str, Any]]:
    """A schema's branches with `$ref` resolved and anyOf/oneOf spread out."""
    if not isinstance(schema, dict):
        return [{}]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return _alternatives({**_card_schema()["definitions"][name], **rest})
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            return [alt for branch in schema[keyword] for alt in _alternatives(branch)]
    return [schema]


def _types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    if declared is None:
        return {"object"} if "properties" in schema else {"string", "number", "boolean", "object", "array"}
    return set(declared) if isinstance(declared, list) else {declared}


@cache
def _card_property(path: str) -> tuple[tuple[Step, ...], frozenset[str], bool, bool] | None:
    """(steps, kinds, checked, mixed) of a path into the card, or None if the schema has no such field.
    A field that may be an array is walked into (any element matches), one level, as a list member is."""
    schemas = _alternatives(_card_schema())
    steps: list[Step] = []
    for key in path.split("."):
        below = []
        for schema in schemas:
            if "object" not in _types(schema):
                continue
            if key in schema.get("properties", {}):
                below.extend(_alternatives(schema["properties"][key]))
            elif isinstance(schema.get("additionalProperties"), dict) or "properties" not in schema:
                below.extend(_alternatives(schema.get("additionalProperties", {})))
        if not key or not below:
            return None
        steps.append(key)
        if any("array" in _types(s) for s in below):
            steps.append(Hop.LAX)
            below = [
                item
                for s in below
                for item in (_alternatives(s.get("items", {})) if _types(s) == {"array"} else [s])
            ]
        schemas = below
    types = set().union(*(_types(s) for s in schemas))
    kinds = frozenset(_CARD_KINDS[t] for t in types if t in _CARD_KINDS)
    return tuple(steps), kinds, len(kinds) > 1, bool(types - set(_CARD_KINDS))
