"""Search: a filter tree compiled to one SQL WHERE clause, sorted and paged by keyset, on either dialect.

    Junction(any, parts) ── AND / OR of its parts          Not(part) ── NOT
    Nested(path, tests)  ── EXISTS (one element of the list at `path` passes every test)
    Test(field, operator, values)
      field on an indexed column (ModelApprovalStatus, CreationTime, ...)  → the column
      ModelPackageGroupName Equals/In of versions → group_id = (SELECT id FROM groups ...), which the
                                                indexes lead with (and then `account =` is left out)
      field.tag (Tags.<key>)                  → EXISTS (SELECT 1 FROM tags WHERE arn = row.arn AND key = :k ...)
      field.steps (a path in `document`)      → JSON functions (dialects.json_access); every EACH/LAX step
                                                adds an array-elements FROM item inside one EXISTS

Nothing is filtered in Python: page() runs one statement (two for a page past the last match), built
and compiled once per shape of query (values are parameters) and run on the driver's connection. The
registry resolves property names and parses values; this module only knows steps, operators and the
value kinds text, number, timestamp (epoch seconds, as documents hold them) and boolean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import Enum
from functools import lru_cache
from itertools import repeat
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Boolean,
    ColumnElement,
    Dialect,
    Float,
    FromClause,
    Integer,
    Select,
    Table,
    Text,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import psycopg as psycopg_driver
from sqlalchemy.dialects.sqlite import pysqlite as sqlite_driver

from registro.store.dialects import Json, Node, json_access, tag_list
from registro.store.direct import Direct
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
    arns: str  # the prefix of every ARN in scope (`arn:aws:sagemaker:<region>:<account>:model-package/`)


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


class Hit(NamedTuple):
    """One row of a page: `tags` is its tag list as wire JSON text (`[{"Key":…,"Value":…}]`, sorted by
    key); `total` how many rows match on all pages together (TotalHits)."""

    id: int
    document: str
    sort_flag: int
    sort_key: Any
    tags: str
    total: int


def page(direct: Direct, query: Query, after: Sequence[Any] | None, limit: int) -> tuple[list[Hit], int]:
    """Up to `limit` rows after the position `after` of an earlier page, and how many rows match in all.

    One statement (two for a page past the last match):

        SELECT ranked.id, shown.document, …, (tags of shown) AS tags, (count of the matches) AS total
        FROM (SELECT id, <sort key> FROM table WHERE <scope> AND <after the position>
              ORDER BY <sort key>, id LIMIT n) AS ranked
        JOIN table AS shown ON shown.id = ranked.id

    `ranked` walks an index in order and stops after `limit` rows when one leads with the filter's
    equality columns and the sort key (store/tables.py, 0003); documents are read for the page's rows
    only, and a sort, where no index gives the order, carries keys, not documents. The count is an
    uncorrelated subquery, run once, on an index alone when every filter has a column.

    The statement is built and compiled once per shape of query (its values taken out, _plan) and run
    as a direct read (store/direct.py: one statement in autocommit, its own snapshot): building it with
    SQLAlchemy per call cost 2.3 ms of a 3-filter search's 3.9 ms in the store, the SQL itself 0.86 ms
    (300 versions, 75 hits); a read() transaction around it another ~0.25 ms.
    """
    skeleton, values = _skeleton(query)
    shape = None if after is None else (after[0], after[1] is None)
    plan = _plan(direct.dialect, skeleton, shape, limit)
    params = dict(
        plan.constants, account=query.account, tags_from=query.arns, tags_to=_next_prefix(query.arns)
    )
    for name, index, code in plan.slots:
        params[name] = _converted(code, values[index])
    if after is not None:
        params.update(after_flag=after[0], after_key=after[1], after_id=after[2])
    found = direct.all(plan.sql, tuple([params[n] for n in plan.order]))
    # tuple.__new__ through map, not Hit._make per row: no Python frame for each of a page's 101 rows.
    rows = list(map(tuple.__new__, repeat(Hit), found))
    if rows:
        return rows, int(rows[0].total)
    if after is None:
        return rows, 0
    counted = direct.one(plan.count_sql, tuple([params[n] for n in plan.count_order]))
    return rows, int(counted[0]) if counted is not None else 0


@dataclass(frozen=True)
class _Plan:
    """A compiled page statement: SQL with `?` parameters and their names in order (and the same for the
    count alone), constants, and where each value of the query goes (name, value index, conversion)."""

    sql: str
    order: tuple[str, ...]
    count_sql: str
    count_order: tuple[str, ...]
    constants: dict[str, Any]
    slots: tuple[tuple[str, int, str], ...]


def _next_prefix(prefix: str) -> str:
    """The least string after every string that starts with `prefix` (not empty), in code point order."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _skeleton(query: Query) -> tuple[Query, list[Any]]:
    """The query with each value replaced by a _Slot (and no account), and the values in slot order."""
    values: list[Any] = []

    def slotted(test: Test) -> Test:
        slots = []
        for kind, value in test.values:
            slots.append((kind, _Slot(len(values))))
            values.append(value)
        return replace(test, values=tuple(slots))

    def condition(part: Condition) -> Condition:
        if isinstance(part, Test):
            return slotted(part)
        if isinstance(part, Nested):
            return Nested(part.path, tuple(slotted(t) for t in part.tests))
        if isinstance(part, Junction):
            return Junction(part.any, tuple(condition(p) for p in part.parts))
        return Not(condition(part.part))

    where = None if query.where is None else condition(query.where)
    return Query(query.resource, "", where, query.sort, ""), values


@lru_cache(maxsize=512)
def _plan(dialect_name: str, query: Query, after: tuple[int, bool] | None, limit: int) -> _Plan:
    """The page statement for a query skeleton, `after` (flag, key missing) of the position if any."""
    dialect = _DIALECTS[dialect_name]
    table = _TABLES[query.resource]
    compiler = _Compiler(json_access(dialect.name), query.resource, table)
    key, nullable = compiler.sort_key(query.sort)
    where = compiler.scope(query)
    source = compiler.source()
    descending = query.sort.descending
    columns: list[ColumnElement[Any]] = [table.c.id.label("id"), key.label("sort_key")]
    keys: list[ColumnElement[Any]] = [key, table.c.id]
    if nullable:
        # Missing values sort last in either order: a flag, ordered with the key, puts them at the end.
        flag = case((key.is_(None), 0), else_=1) if descending else case((key.is_(None), 1), else_=0)
        columns.append(flag.label("sort_flag"))
        keys.insert(0, flag)
    ranked_query = select(*columns).select_from(source).where(*where)
    if after is not None:
        ranked_query = ranked_query.where(_beyond(keys, after, descending))
    ranked = ranked_query.order_by(*_ordered(keys, descending)).limit(limit).subquery("ranked")
    shown = table.alias("shown")
    order: list[ColumnElement[Any]] = [ranked.c.sort_key, ranked.c.id]
    flag_column: ColumnElement[Any] = literal_column(str(_PRESENT[descending]))
    if nullable:
        order.insert(0, ranked.c.sort_flag)
        flag_column = ranked.c.sort_flag
    count = select(func.count()).select_from(source).where(*where)
    statement = (
        select(
            ranked.c.id,
            shown.c.document,
            flag_column.label("sort_flag"),
            ranked.c.sort_key,
            tag_list(dialect.name, tags, shown, (_param("tags_from"), _param("tags_to"))).label("tags"),
            count.scalar_subquery().label("total"),
        )
        .select_from(ranked.join(shown, shown.c.id == ranked.c.id))
        .order_by(*_ordered(order, descending))
    )
    sql, positions, constants = _compiled(statement, dialect)
    count_sql, count_positions, count_constants = _compiled(count, dialect)
    constants.update(count_constants)
    slots = []
    for name in constants:
        match = _SLOT_NAME.fullmatch(name)
        if match is not None:
            slots.append((name, int(match[1]), match[2]))
    return _Plan(sql, positions, count_sql, count_positions, constants, tuple(slots))


_SLOT_NAME = re.compile(r"v(\d+)_(\w+)")


def _compiled(statement: Select[Any], dialect: Dialect) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """SQL with `?` parameters, their names in order, and the values compiled in."""
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    return compiled.string, tuple(compiled.positiontup or ()), dict(compiled.construct_params())


# Dialects to compile with: `?` parameters on both, as store/direct.py takes them.
_DIALECTS: dict[str, Dialect] = {
    "sqlite": sqlite_driver.dialect(),
    "postgresql": psycopg_driver.dialect(paramstyle="qmark"),  # type: ignore[no-untyped-call]
}


# A row's sort flag when it has a sort key, by descending: a row without one gets the other value.
_PRESENT = {True: 1, False: 0}


def position(row: Hit) -> list[Any]:
    """A row's place in the order, as page() takes it back (JSON values: a NextToken carries it)."""
    key = row.sort_key
    if isinstance(key, Decimal):
        key = float(key)
    return [row.sort_flag, key, row.id]


def _ordered(keys: Sequence[ColumnElement[Any]], descending: bool) -> list[ColumnElement[Any]]:
    return [k.desc() if descending else k.asc() for k in keys]


def _beyond(
    keys: Sequence[ColumnElement[Any]], after: tuple[int, bool], descending: bool
) -> ColumnElement[bool]:
    """Rows strictly after the position (after_flag, after_key, after_id) in the order of `keys`: (flag,
    key, id) for a key that may be missing, else (key, id). `after` is (the flag, whether the key is
    missing): a missing key is matched with IS NULL.

    A key that is never missing is also bounded alone (`key <= :after_key` descending): the index walk
    starts at the position instead of skipping every row of the earlier pages.
    """
    after_flag, missing = after
    flag_value: BindParameter[Any] = _param("after_flag")
    key_value: BindParameter[Any] = _param("after_key")
    id_value: BindParameter[Any] = _param("after_id")

    def past(column: ColumnElement[Any], value: Any) -> ColumnElement[bool]:
        beyond: ColumnElement[bool] = column < value if descending else column > value
        return beyond

    if len(keys) == 2:
        key, row_id = keys
        if missing or after_flag != _PRESENT[descending]:
            return false()  # no row of this order is there: every row has a key
        bound = key <= key_value if descending else key >= key_value
        return and_(bound, or_(past(key, key_value), and_(key == key_value, past(row_id, id_value))))
    flag, key, row_id = keys
    if missing:
        return or_(past(flag, flag_value), and_(flag == flag_value, key.is_(None), past(row_id, id_value)))
    return or_(
        past(flag, flag_value),
        and_(flag == flag_value, past(key, key_value)),
        and_(flag == flag_value, key == key_value, past(row_id, id_value)),
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
        if query.where is None:
            return [self.table.c.account == _param("account")]
        if self._pins_group(query.where):
            # The group is looked up in the account already; `account =` as well would make the count
            # read every matching row instead of the (group_id, ...) index alone.
            return [self.condition(query.where)]
        return [self.table.c.account == _param("account"), self.condition(query.where)]

    def sort_key(self, sort: Sort) -> tuple[ColumnElement[Any], bool]:
        """The sort key, and whether a row may lack it."""
        field = sort.field
        column = self.columns.get(field.name)
        if column is not None:
            if column.present is not None:
                return case((column.present, column.value)), True
            return column.value, bool(getattr(column.value, "nullable", True))
        if field.tag is not None:
            value = (
                select(tags.c.value)
                .where(tags.c.arn == self.table.c.arn, tags.c.key == field.tag)
                .correlate(*self.correlated())
                .scalar_subquery()
            )
            return value, True
        node = self._walk(self.root(), field.steps, [])
        return self._value(node, sort.kind), True

    def _pins_group(self, condition: Condition) -> bool:
        """Whether every match is a version of one of the groups a test names (`_in_groups`)."""
        if isinstance(condition, Junction):
            return not condition.any and any(self._pins_group(p) for p in condition.parts)
        return isinstance(condition, Test) and self._by_group(condition)

    def _by_group(self, test: Test) -> bool:
        return (
            self.table is packages
            and test.field.name == "ModelPackageGroupName"
            and test.operator in ("Equals", "In")
        )

    def _in_groups(self, test: Test) -> ColumnElement[bool]:
        """A version of the named group(s), by `group_id`: the indexes of versions lead with it."""
        names = [_bind(value, kind) for kind, value in test.values]
        ids = select(groups.c.id).where(groups.c.account == _param("account"))
        if len(names) == 1:
            return packages.c.group_id == ids.where(groups.c.name == names[0]).scalar_subquery()
        return packages.c.group_id.in_(ids.where(groups.c.name.in_(names)))

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
        if self._by_group(test):
            return self._in_groups(test)
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
        integer = isinstance(column.value.type, Integer)
        matched = _matches(test.operator, column.value, test.values, column.scale, integer=integer)
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
                or_(
                    not_(self.json.is_kind(node, _JSON_KIND[kind])), self._value(node, kind) != _bind(v, kind)
                )
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
    operator: str,
    value: ColumnElement[Any],
    values: Sequence[tuple[str, Any]],
    scale: int = 1,
    *,
    integer: bool = False,
) -> ColumnElement[bool]:
    """`value <operator> values` for one kind of value (NotEquals without its presence test); the values
    are slots, bound as parameters. On an `integer` column numbers are bound as integers, times `scale`d
    to the column's unit."""
    if integer:
        # An integer column is compared with integers, so PostgreSQL keeps to its index (bigint < float8
        # is not an index condition): x > 2.5 is x > 2, x >= 2.5 is x >= 3, x = 2.5 is x = -1 (never).
        code = f"s{scale}{_ROUNDING.get(operator, 'e')}"
        plain = [_param(f"v{v.index}_{code}", BigInteger()) for _kind, v in values]
    else:
        plain = [_bind(v, kind) for kind, v in values]
    if operator == "In":
        return value.in_(plain)
    if operator == "Contains":
        # lower(x) LIKE lower('%…%') ESCAPE '/', as icontains(autoescape=True) writes it for a literal.
        return func.lower(value).like(func.lower(_bind(values[0][1], "text", "c")), escape="/")
    if operator == "Equals" and len(plain) > 1:
        return or_(*(value == v for v in plain))
    if not plain:
        return true()
    return _COMPARE[operator](value, plain[0])


@dataclass(frozen=True)
class _Slot:
    """The place of the `index`th value of a query (page() binds the values of each call)."""

    index: int


def _bind(slot: _Slot, kind: str, code: str = "n") -> BindParameter[Any]:
    """A parameter for a slot's value of `kind`, converted by `code` (_converted) when bound. Typed by
    the value, not by what it is compared with: PostgreSQL would cast 2.5 to a BIGINT column's 2."""
    return _param(f"v{slot.index}_{code}", _KIND_TYPES[kind])


def _param(name: str, type_: Any = None) -> BindParameter[Any]:
    """A parameter page() gives a value to on each call."""
    return bindparam(name, None, type_=type_, required=False)


_KIND_TYPES = {"text": Text(), "number": Float(), "timestamp": Float(), "boolean": Boolean()}


def _converted(code: str, value: Any) -> Any:
    """n: as is, a Decimal as float; s<scale>: epoch seconds in the column's unit (exact, an integer when
    whole); c: a LIKE pattern for a substring, `/` escaping."""
    if code == "n":
        return float(value) if isinstance(value, Decimal) else value
    if code == "c":
        escaped = str(value).replace("/", "//").replace("%", "/%").replace("_", "/_")
        return f"%{escaped}%"
    scaled = Decimal(str(value)) * int(code[1:-1])
    whole = scaled.to_integral_value(rounding=_DECIMAL_ROUNDING[code[-1]])
    if code[-1] == "e" and whole != scaled:
        return -1
    # Stored values fit in 64 bits with room to spare: a bound beyond them compares the same at the edge.
    return max(_INT64_MIN, min(int(whole), _INT64_MAX))


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


# How a number is made an integer for an integer column, by operator: floor, ceiling, or exact (else -1,
# which no stored version number or epoch time equals).
_ROUNDING = {"GreaterThan": "f", "LessThanOrEqualTo": "f", "GreaterThanOrEqualTo": "c", "LessThan": "c"}
_DECIMAL_ROUNDING = {"f": ROUND_FLOOR, "c": ROUND_CEILING, "e": ROUND_FLOOR}
