"""The few things SQLite and PostgreSQL do differently, in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Float,
    FromClause,
    Table,
    Text,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    null,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by

from registro.store.engine import Sql

_LOCK_KEY = Sql("SELECT pg_advisory_xact_lock(hashtext(:key))")  # driver SQL: on every create (ClientToken)


def lock_key(conn: Connection, key: str) -> None:
    """Hold a lock on `key` until the transaction ends, so writers sharing a key go one at a time.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing to do, since every write
    transaction already holds the database's one write lock (BEGIN IMMEDIATE).
    """
    if conn.dialect.name == "postgresql":
        _LOCK_KEY(conn, {"key": key})


def tag_list(
    dialect_name: str,
    tags: Table,
    owner: FromClause,
    within: tuple[ColumnElement[Any], ColumnElement[Any]] | None = None,
) -> ColumnElement[Any]:
    """The tags of `owner`'s row (by its `arn`) as wire JSON text sorted by key, `[{"Key":"k","Value":"v"}]`
    or `[]`: a scalar subquery correlated to `owner`. Search splices it into the stored document, so it is
    spelled as `json.dumps(tags, ensure_ascii=False, separators=(",", ":"))` spells it.

    SQLite 3.40 has no ORDER BY inside an aggregate: group_concat takes its rows from an ordered subquery.

    `within` (from, to): every owner's ARN lies in [from, to). SQLite then looks for a tag in that range
    once per statement and spells `[]` for every row when there is none: the subquery per row cost ~0.6 us
    even on an empty table, 60 us of a Search page of 100 (3-filter loadtest Search, 2,000 versions).
    PostgreSQL ignores it: under a linguistic collation a prefix is not a range of the `arn` index.
    """
    quote = func.to_json if dialect_name == "postgresql" else func.json_quote
    item = _joined(
        _constant('{"Key":'),
        cast(quote(tags.c.key), Text),
        _constant(',"Value":'),
        cast(quote(tags.c.value), Text),
        _constant("}"),
    )
    if dialect_name == "postgresql":
        joined = func.string_agg(item, aggregate_order_by(_constant(","), tags.c.key))
        listed = select(_joined(_constant("["), func.coalesce(joined, _constant("")), _constant("]")))
        return listed.where(tags.c.arn == owner.c.arn).scalar_subquery()
    ordered = (
        select(item.label("item")).where(tags.c.arn == owner.c.arn).order_by(tags.c.key).correlate(owner)
    ).subquery("tag_items")
    joined = func.group_concat(ordered.c.item, _constant(","))
    per_row = select(
        _joined(_constant("["), func.coalesce(joined, _constant("")), _constant("]"))
    ).scalar_subquery()
    if within is None:
        return per_row
    # Uncorrelated, so SQLite runs it once; BINARY collation: ARNs with a prefix are one range of the index.
    any_tag = exists().where(tags.c.arn >= within[0], tags.c.arn < within[1])
    return case((any_tag, per_row), else_=_constant("[]"))


def _constant(text: str) -> ColumnElement[Any]:
    """A string constant written into the SQL, not a bound parameter (text without quotes only)."""
    return literal_column(f"'{text}'", Text)


def _joined(*parts: ColumnElement[Any]) -> ColumnElement[Any]:
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.op("||", return_type=Text)(part)
    return joined


# --- JSON inside stored documents (store/search.py) ------------------------------------------------------
#
# A Node is a JSON value inside a row: `base` (JSON text on SQLite, jsonb on PostgreSQL) at `keys` below it.
# SQLite's json_each hands out an array's scalar elements as SQL values, not JSON text, so an element
# node there also carries json_each's `type` column; PostgreSQL's elements are jsonb like any other node.
#
#                 SQLite                                   PostgreSQL
#   document      document                                 LATERAL (SELECT CAST(document AS JSONB) OFFSET 0)
#   text          json_extract(base, '$.a.b')              base -> 'a' ->> 'b'
#   number        json_extract(...)  (typed already)       CASE jsonb_typeof(...) = 'number' THEN CAST(... AS FLOAT8)
#   kind          json_type(base, '$.a.b')                 jsonb_typeof(base -> 'a' -> 'b')
#   elements      json_each(base, '$.a.b')                 jsonb_array_elements(base -> 'a' -> 'b')
#   parsed        CASE json_valid(text) THEN text          CAST(text AS JSONB)

_SQLITE_KINDS = {
    "string": ("text",),
    "number": ("integer", "real"),
    "boolean": ("true", "false"),
    "object": ("object",),
    "array": ("array",),
}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Node:
    """A JSON value inside a row: `base` at `keys` below it; `element_type` for a SQLite array element."""

    base: ColumnElement[Any]
    keys: tuple[str, ...] = ()
    element_type: ColumnElement[Any] | None = None


class Json:
    """JSON access for one dialect; `json_access(conn.dialect.name)` picks it."""

    def document(self, table: Table) -> tuple[FromClause | None, Node]:
        """The row's `document` as a JSON node, and a FROM item to join to the table for it, if any."""
        raise NotImplementedError

    def key(self, node: Node, key: str) -> Node:
        return Node(node.base, (*node.keys, key), node.element_type)

    def text(self, node: Node) -> ColumnElement[Any]:
        """The value as SQL text (a JSON string's characters); meaningful when it is a string."""
        raise NotImplementedError

    def number(self, node: Node) -> ColumnElement[Any]:
        """The value as an SQL number when it is a JSON number, else NULL."""
        raise NotImplementedError

    def boolean(self, node: Node) -> ColumnElement[Any]:
        """The value as an SQL boolean when it is a JSON boolean, else NULL."""
        raise NotImplementedError

    def is_kind(self, node: Node, kind: str) -> ColumnElement[bool]:
        """Whether the value is a JSON `kind` (string, number, boolean, object, array); never NULL."""
        raise NotImplementedError

    def present(self, node: Node) -> ColumnElement[bool]:
        """Whether the value is there and not JSON null; never NULL."""
        raise NotImplementedError

    def elements(self, node: Node, *, lax: bool) -> tuple[FromClause, Node]:
        """A FROM item with one row per element of the array at `node`, and the element's node. `lax`: a
        value that is not an array is its own one element (a path through a list matches any element)."""
        raise NotImplementedError

    def parsed(self, node: Node) -> Node:
        """The JSON document a string value holds (a model card's content)."""
        raise NotImplementedError


class _SQLiteJson(Json):
    def document(self, table: Table) -> tuple[FromClause | None, Node]:
        return None, Node(table.c.document)

    def key(self, node: Node, key: str) -> Node:
        if node.element_type is not None and not node.keys:
            # A scalar element is an SQL value, not JSON text: only objects and arrays are walked into.
            base = case((node.element_type.in_(("object", "array")), node.base))
            return Node(base, (key,))
        return super().key(node, key)

    def _path(self, keys: tuple[str, ...]) -> str | None:
        parts = ["$"]
        for key in keys:
            if '"' in key:
                return None  # SQLite JSON paths cannot spell a key holding a double quote
            parts.append(f".{key}" if _IDENTIFIER.fullmatch(key) else f'."{key}"')
        return "".join(parts)

    def _scalar(self, node: Node, function: str) -> ColumnElement[Any]:
        if node.element_type is not None and not node.keys:
            return node.element_type if function == "json_type" else node.base
        path = self._path(node.keys)
        if path is None:
            return null()
        return getattr(func, function)(node.base, path)  # type: ignore[no-any-return]

    def text(self, node: Node) -> ColumnElement[Any]:
        return self._scalar(node, "json_extract")

    def number(self, node: Node) -> ColumnElement[Any]:
        return self._scalar(node, "json_extract")  # json_extract answers numbers as SQL numbers

    def boolean(self, node: Node) -> ColumnElement[Any]:
        return self._scalar(node, "json_extract")  # true/false come back as 1/0, which compare as booleans

    def is_kind(self, node: Node, kind: str) -> ColumnElement[bool]:
        return func.coalesce(self._scalar(node, "json_type"), "null").in_(_SQLITE_KINDS[kind])

    def present(self, node: Node) -> ColumnElement[bool]:
        return func.coalesce(self._scalar(node, "json_type"), "null") != "null"

    def elements(self, node: Node, *, lax: bool) -> tuple[FromClause, Node]:
        if node.element_type is not None and not node.keys:
            source: ColumnElement[Any] = case((node.element_type == "array", node.base))
        else:
            path = self._path(node.keys)
            if path is None:
                source = null()
            elif lax:
                # `->` answers JSON text for any value, so a scalar or object can be wrapped as `[value]`.
                value = node.base.op("->")(path)
                wrapped = literal("[", Text).op("||")(value).op("||")("]")
                source = case((func.json_type(node.base, path) == "array", value), else_=wrapped)
            else:
                direct = func.json_each(node.base, path).table_valued("value", "type")
                return direct, Node(direct.c.value, (), direct.c.type)
        each = func.json_each(source).table_valued("value", "type")
        return each, Node(each.c.value, (), each.c.type)

    def parsed(self, node: Node) -> Node:
        text = self.text(node)
        return Node(case((func.json_valid(text) == 1, text)))


class _PostgresJson(Json):
    def document(self, table: Table) -> tuple[FromClause | None, Node]:
        # Parsed once per row, not once per CAST written out: a three-filter search of a 900-version group,
        # server-side p50 7.2 ms against 8.2-11.2 ms with a cast per use. OFFSET 0 keeps the planner from
        # pulling the subquery up, which would copy the cast back into every use.
        once = select(cast(table.c.document, JSONB).label("doc")).correlate(table).offset(0)
        parsed = once.lateral(f"{table.name}_doc")
        return parsed, Node(parsed.c.doc)

    def _json(self, node: Node) -> ColumnElement[Any]:
        value = node.base
        for key in node.keys:
            value = value.op("->", return_type=JSONB)(literal(key, Text))
        return value

    def text(self, node: Node) -> ColumnElement[Any]:
        if not node.keys:
            return node.base.op("#>>", return_type=Text)(literal_column("'{}'"))
        parent = Node(node.base, node.keys[:-1])
        return self._json(parent).op("->>", return_type=Text)(literal(node.keys[-1], Text))

    def number(self, node: Node) -> ColumnElement[Any]:
        # CASE, not AND: PostgreSQL may evaluate a cast before the test beside it and fail on text.
        return case((self.is_kind(node, "number"), cast(self.text(node), Float)))

    def boolean(self, node: Node) -> ColumnElement[Any]:
        return case((self.is_kind(node, "boolean"), cast(self.text(node), Boolean)))

    def is_kind(self, node: Node, kind: str) -> ColumnElement[bool]:
        return func.coalesce(func.jsonb_typeof(self._json(node)), "null") == kind

    def present(self, node: Node) -> ColumnElement[bool]:
        return func.coalesce(func.jsonb_typeof(self._json(node)), "null") != "null"

    def elements(self, node: Node, *, lax: bool) -> tuple[FromClause, Node]:
        value = self._json(node)
        is_array = func.jsonb_typeof(value) == "array"
        # jsonb_array_elements fails on anything but an array: hand it only arrays (NULL gives no rows).
        source = (
            case((is_array, value), else_=func.jsonb_build_array(value)) if lax else case((is_array, value))
        )
        each = func.jsonb_array_elements(source).table_valued(column("value", JSONB))
        return each, Node(each.c.value)

    def parsed(self, node: Node) -> Node:
        # Stored card content passed the schema check, so it parses; PostgreSQL 15 has no test for valid JSON.
        return Node(cast(self.text(node), JSONB))


def json_access(dialect_name: str) -> Json:
    """JSON functions on stored `document` text for this dialect."""
    return _PostgresJson() if dialect_name == "postgresql" else _SQLiteJson()
