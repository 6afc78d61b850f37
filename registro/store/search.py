"""Search: a filter tree compiled to one SQL WHERE clause, sorted and paged by keyset, on either dialect.

    Junction(any, parts) ── AND / OR of its parts          Not(part) ── NOT
    Nested(path, tests)  ── EXISTS (one element of the list at `path` passes every test)
    Test(field, operator, values)
      field on an indexed column (ModelPackageGroupName, ModelApprovalStatus, CreationTime, ...)  → the column
      field.tag (Tags.<key>)                  → EXISTS (SELECT 1 FROM tags WHERE arn = row.arn AND key = :k ...)
      field.steps (a path in `document`)      → JSON functions (dialects.json_access); every EACH/LAX step
                                                adds an array-elements FROM item inside one EXISTS

Nothing is filtered in Python: page() runs one statement (two for a page past the last match). The
registry resolves property names and parses values; this module only knows steps, operators and the
value kinds text, number, timestamp (epoch seconds, as documents hold them) and boolean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Row,
    Select,
    Table,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)

from registro.store.dialects import Json, Node, json_access
from registro.store.tables import groups, packages, tags


class Hop(Enum):
    """A step into a value that is not an object key."""

    EACH = "each"  # every element of a list
    LAX = "lax"  # every element of an array, or the value itself when it is not one
    PARSE = "parse"  # the JSON document a string holds


Step = str | Hop


@dataclass(frozen=True)
class Field:
    """Where a property's values are: a path of steps in `document`, or a tag."""

    name: str  # the property name as asked: indexed-column shortcuts key on it
    steps: tuple[Step, ...] = ()
    tag: str | None = None  # Tags.<key>


@dataclass(frozen=True)
class Test:
    """`field <operator> values`. Each value is (kind, value): kind text (str), number (float), timestamp
    (Decimal epoch seconds) or boolean (bool). Equals and In match any value, NotEquals none; `checked`
    compares a value only with JSON values of its kind (model card content, whose kinds vary)."""

    field: Field
    operator: str
    values: tuple[tuple[str, Any], ...] = ()
    checked: bool = False


@dataclass(frozen=True)
class Nested:
    """One element of the list at `path` (steps ending in EACH or LAX) passes every test; the tests'
    fields are paths from that element."""

    path: Field
    tests: tuple[Test, ...]


@dataclass(frozen=True)
class Junction:
    any: bool  # Or; else And
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    part: Condition


Condition = Test | Nested | Junction | Not


@dataclass(frozen=True)
class Sort:
    field: Field
    kind: str  # text, number, timestamp, boolean
    descending: bool


@dataclass(frozen=True)
class Query:
    resource: str  # "ModelPackage" or "ModelPackageGroup"
    account: str
    where: Condition | None
    sort: Sort


@dataclass(frozen=True)
class _Column:
    """An indexed column standing for a document member; `present` when the column alone cannot say."""

    value: ColumnElement[Any]
    present: ColumnElement[bool] | None = None
    scale: int = 1  # stored times are epoch ms, documents hold seconds


_TABLES: dict[str, Table] = {"ModelPackage": packages, "ModelPackageGroup": groups}

# Members kept in indexed columns as well as in `document` (store/tables.py), by resource.
_COLUMNS: dict[str, dict[str, _Column]] = {
    "ModelPackage": {
        "ModelPackageName": _Column(packages.c.name),
        # A version's `name` column is its group's name; an unversioned package has no group.
        "ModelPackageGroupName": _Column(packages.c.name, packages.c.version.is_not(None)),
        "ModelPackageVersion": _Column(packages.c.version),
        "ModelPackageArn": _Column(packages.c.arn),
        "ModelApprovalStatus": _Column(packages.c.approval),
        "ModelLifeCycle.Stage": _Column(packages.c.stage),
        "CreationTime": _Column(packages.c.created_at, scale=1000),
        "LastModifiedTime": _Column(packages.c.modified_at, scale=1000),
    },
    "ModelPackageGroup": {
        "ModelPackageGroupName": _Column(groups.c.name),
        "ModelPackageGroupArn": _Column(groups.c.arn),
        "CreationTime": _Column(groups.c.created_at, scale=1000),
    },
}

_COMPARE: dict[str, Callable[[ColumnElement[Any], Any], ColumnElement[bool]]] = {
    "Equals": lambda x, v: x == v,
    "NotEquals": lambda x, v: x != v,
    "GreaterThan": lambda x, v: x > v,
    "GreaterThanOrEqualTo": lambda x, v: x >= v,
    "LessThan": lambda x, v: x < v,
    "LessThanOrEqualTo": lambda x, v: x <= v,
}


def page(
    conn: Connection, query: Query, after: Sequence[Any] | None, limit: int
) -> tuple[Sequence[Row[Any]], int]:
    """Up to `limit` rows (id, arn, document, position) after the position `after` of an earlier page, and
    how many rows match on all pages together (TotalHits).

    One statement: the matches with their total (count(*) OVER ()), then the keyset, order and limit
    around them. Every match is visited to count it anyway; a second COUNT statement would filter, and
    on PostgreSQL parse each document, all over again. Only a page past the last match counts apart.
    """
    table = _TABLES[query.resource]
    compiler = _Compiler(json_access(conn.dialect.name), query.resource, table)
    key = compiler.sort_key(query.sort)
    # Missing values sort last in either order: a flag, ordered with the key, puts them at the end.
    if query.sort.descending:
        flag = case((key.is_(None), 0), else_=1)
    else:
        flag = case((key.is_(None), 1), else_=0)
    where = compiler.scope(query)
    matches = (
        select(
            table.c.id,
            table.c.arn,
            table.c.document,
            flag.label("sort_flag"),
            key.label("sort_key"),
            func.count().over().label("total"),
        )
        .select_from(compiler.source())
        .where(*where)
        .subquery("matches")
    )
    keys: list[ColumnElement[Any]] = [matches.c.sort_flag, matches.c.sort_key, matches.c.id]
    statement: Select[Any] = select(matches)
    if after is not None:
        statement = statement.where(_beyond(keys, after, query.sort.descending))
    order = [k.desc() if query.sort.descending else k.asc() for k in keys]
    rows = conn.execute(statement.order_by(*order).limit(limit)).all()
    if rows:
        return rows, int(rows[0].total)
    if after is None:
        return rows, 0
    return rows, int(
        conn.execute(select(func.count()).select_from(compiler.source()).where(*where)).scalar_one()
    )


def position(row: Row[Any]) -> list[Any]:
    """A row's place in the order, as page() takes it back (JSON values: a NextToken carries it)."""
    key = row.sort_key
    if isinstance(key, Decimal):
        key = float(key)
    return [row.sort_flag, key, row.id]


def tags_of(conn: Connection, arns: Iterable[str]) -> dict[str, list[dict[str, str]]]:
    """ARN → its tags sorted by key, for every ARN asked (an empty list when it has none), in one query."""
    found: dict[str, list[dict[str, str]]] = {arn: [] for arn in arns}
    if found:
        rows = conn.execute(
            select(tags.c.arn, tags.c.key, tags.c.value)
            .where(tags.c.arn.in_(list(found)))
            .order_by(tags.c.key)
        )
        for row in rows:
            found[row.arn].append({"Key": row.key, "Value": row.value})
    return found


def _beyond(
    keys: Sequence[ColumnElement[Any]], after: Sequence[Any], descending: bool
) -> ColumnElement[bool]:
    """Rows strictly after `after` in the (flag, key, id) order; a NULL key is matched with IS NULL."""
    flag, key, row_id = keys
    after_flag, after_key, after_id = after

    def past(column: ColumnElement[Any], value: Any) -> ColumnElement[bool]:
        beyond: ColumnElement[bool] = column < value if descending else column > value
        return beyond

    if after_key is None:
        return or_(past(flag, after_flag), and_(flag == after_flag, key.is_(None), past(row_id, after_id)))
    return or_(
        past(flag, after_flag),
        and_(flag == after_flag, past(key, after_key)),
        and_(flag == after_flag, key == after_key, past(row_id, after_id)),
    )


class _Compiler:
    """Conditions of one query on one dialect, as SQL expressions over `table`."""

    def __init__(self, json: Json, resource: str, table: Table) -> None:
        self.json = json
        self.table = table
        self.columns = _COLUMNS[resource]
        self.joined, self.document = json.document(table)
        self.used_document = False  # the FROM item for the document is joined only when a clause reads it

    def root(self) -> Node:
        self.used_document = True
        return self.document

    def source(self) -> FromClause:
        """The table, joined with what the compiled clauses read; call after compiling them."""
        if self.joined is not None and self.used_document:
            return self.table.join(self.joined, true())
        return self.table

    def correlated(self) -> list[FromClause]:
        return [self.table] if self.joined is None else [self.table, self.joined]

    def scope(self, query: Query) -> list[ColumnElement[bool]]:
        clauses = [self.table.c.account == query.account]
        if query.where is not None:
            clauses.append(self.condition(query.where))
        return clauses

    def sort_key(self, sort: Sort) -> ColumnElement[Any]:
        field = sort.field
        column = self.columns.get(field.name)
        if column is not None:
            return column.value if column.present is None else case((column.present, column.value))
        if field.tag is not None:
            return (
                select(tags.c.value)
                .where(tags.c.arn == self.table.c.arn, tags.c.key == field.tag)
                .correlate(*self.correlated())
                .scalar_subquery()
            )
        node = self._walk(self.root(), field.steps, [])
        return self._value(node, sort.kind)

    def condition(self, condition: Condition) -> ColumnElement[bool]:
        if isinstance(condition, Junction):
            parts = [self.condition(p) for p in condition.parts]
            return or_(*parts) if condition.any else and_(*parts)
        if isinstance(condition, Not):
            return not_(self.condition(condition.part))
        if isinstance(condition, Nested):
            froms: list[FromClause] = []
            element = self._walk(self.root(), condition.path.steps, froms)
            inner = [self._on_document(element, t) for t in condition.tests]
            return self._exists(froms, and_(*inner))
        return self.test(condition)

    def test(self, test: Test) -> ColumnElement[bool]:
        if test.operator == "NotExists":
            return not_(self.test(Test(test.field, "Exists")))
        column = self.columns.get(test.field.name)
        if column is not None:
            return self._on_column(column, test)
        if test.field.tag is not None:
            return self._on_tag(test)
        return self._on_document(self.root(), test)

    def _on_column(self, column: _Column, test: Test) -> ColumnElement[bool]:
        present = column.value.is_not(None) if column.present is None else column.present
        if test.operator == "Exists":
            return present
        values = [
            (kind, _scaled(value, column.scale) if kind == "timestamp" else value)
            for kind, value in test.values
        ]
        matched = _matches(test.operator, column.value, values)
        return matched if column.present is None else and_(column.present, matched)

    def _on_tag(self, test: Test) -> ColumnElement[bool]:
        clauses = [tags.c.arn == self.table.c.arn, tags.c.key == test.field.tag]
        if test.operator != "Exists":
            clauses.append(_matches(test.operator, tags.c.value, list(test.values)))
        return exists().where(*clauses).correlate(*self.correlated())

    def _on_document(self, start: Node, test: Test) -> ColumnElement[bool]:
        """`test` on the values its field's steps reach from `start`, inside EXISTS when they pass lists."""
        if test.operator == "NotExists":
            return not_(self._on_document(start, Test(test.field, "Exists")))
        froms: list[FromClause] = []
        node = self._walk(start, test.field.steps, froms)
        if test.operator == "Exists":
            predicate = self.json.present(node)
        elif test.checked:
            predicate = self._checked(node, test)
        else:
            kind = test.values[0][0]
            predicate = _matches(test.operator, self._value(node, kind), list(test.values))
            if test.operator == "NotEquals":
                predicate = and_(self.json.present(node), predicate)
        return self._exists(froms, predicate)

    def _checked(self, node: Node, test: Test) -> ColumnElement[bool]:
        """Card values compare by their JSON kind: each (kind, value) only with values of that kind."""
        if test.operator == "NotEquals":
            # Present, and equal to no alternative of its own kind.
            others = [
                or_(not_(self.json.is_kind(node, _JSON_KIND[kind])), self._value(node, kind) != v)
                for kind, v in test.values
            ]
            return and_(self.json.present(node), *others)
        if test.operator == "In":
            return and_(
                self.json.is_kind(node, "string"), _matches("In", self.json.text(node), list(test.values))
            )
        alternatives = [
            and_(
                self.json.is_kind(node, _JSON_KIND[kind]),
                _matches(test.operator, self._value(node, kind), [(kind, v)]),
            )
            for kind, v in test.values
        ]
        return or_(*alternatives) if alternatives else false()

    def _walk(self, node: Node, steps: Sequence[Step], froms: list[FromClause]) -> Node:
        for step in steps:
            if step is Hop.PARSE:
                node = self.json.parsed(node)
            elif isinstance(step, Hop):
                each, node = self.json.elements(node, lax=step is Hop.LAX)
                froms.append(each)
            else:
                node = self.json.key(node, step)
        return node

    def _value(self, node: Node, kind: str) -> ColumnElement[Any]:
        if kind in ("number", "timestamp"):
            return self.json.number(node)
        if kind == "boolean":
            return self.json.boolean(node)
        return self.json.text(node)

    def _exists(self, froms: list[FromClause], predicate: ColumnElement[bool]) -> ColumnElement[bool]:
        if not froms:
            return predicate
        # Each array's elements come from the one before: joined ON true, the function arguments correlate them.
        joined = froms[0]
        for each in froms[1:]:
            joined = joined.join(each, true())
        return select(literal(1)).select_from(joined).where(predicate).correlate(*self.correlated()).exists()


_JSON_KIND = {"text": "string", "number": "number", "timestamp": "number", "boolean": "boolean"}


def _matches(
    operator: str, value: ColumnElement[Any], values: Sequence[tuple[str, Any]]
) -> ColumnElement[bool]:
    """`value <operator> values` for one kind of value (NotEquals without its presence test)."""
    plain = [float(v) if isinstance(v, Decimal) else v for _kind, v in values]
    if operator == "In":
        return value.in_(plain)
    if operator == "Contains":
        return value.icontains(plain[0], autoescape=True)
    if operator == "Equals" and len(plain) > 1:
        return or_(*(value == v for v in plain))
    if not plain:
        return true()
    return _COMPARE[operator](value, plain[0])


def _scaled(seconds: Any, scale: int) -> Any:
    """Epoch seconds as the column's unit: exact, an integer when whole."""
    scaled = Decimal(seconds) * scale
    return int(scaled) if scaled == scaled.to_integral_value() else float(scaled)
