"""Keyset pages: rows strictly after a position in a (sort key..., id) order, never OFFSET."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, or_


@dataclass(frozen=True)
class Window:
    """What every List operation asks: name and creation-time filters, sort, and the page."""

    name_contains: str | None
    created_after: int | None  # epoch ms, strict
    created_before: int | None
    sort_by_name: bool
    descending: bool
    after: Sequence[Any] | None  # position of the previous page's last row
    limit: int


def filtered(query: Select[Any], table: Table, window: Window) -> Select[Any]:
    """`query` narrowed by the window's name (case-insensitive substring) and creation-time filters."""
    if window.name_contains:
        query = query.where(table.c.name.icontains(window.name_contains, autoescape=True))
    if window.created_after is not None:
        query = query.where(table.c.created_at > window.created_after)
    if window.created_before is not None:
        query = query.where(table.c.created_at < window.created_before)
    return query


def page(
    query: Select[Any],
    keys: Sequence[ColumnElement[Any]],
    after: Sequence[Any] | None,
    *,
    descending: bool,
    limit: int,
) -> Select[Any]:
    """`query` ordered by `keys` (the last one unique), starting after `after`, `limit` rows."""
    if after is not None:
        if len(after) != len(keys):
            raise ValueError("position does not match the sort keys")
        # (k1, k2, k3) > (a1, a2, a3) spelled out: row-value comparison is not portable to every index.
        clauses = []
        for i, key in enumerate(keys):
            equal = [keys[j] == after[j] for j in range(i)]
            beyond = key < after[i] if descending else key > after[i]
            clauses.append(and_(*equal, beyond))
        bound = keys[0] <= after[0] if descending else keys[0] >= after[0]  # see page_text()
        query = query.where(bound, or_(*clauses))
    order = [k.desc() if descending else k.asc() for k in keys]
    return query.order_by(*order).limit(limit)


# --- the same windows as SQL text, for direct reads (store/direct.py) --------------------------------


def filtered_text(window: Window, name: str, created: str) -> tuple[list[str], list[Any]]:
    """filtered()'s conditions as `?` SQL on the columns `name` and `created`, and their values."""
    clauses: list[str] = []
    values: list[Any] = []
    if window.name_contains:
        escaped = window.name_contains.lower().replace("/", "//").replace("%", "/%").replace("_", "/_")
        clauses.append(f"lower({name}) LIKE ? ESCAPE '/'")
        values.append(f"%{escaped}%")
    if window.created_after is not None:
        clauses.append(f"{created} > ?")
        values.append(window.created_after)
    if window.created_before is not None:
        clauses.append(f"{created} < ?")
        values.append(window.created_before)
    return clauses, values


def page_text(keys: Sequence[str], window: Window) -> tuple[str, str, list[Any]]:
    """page() as SQL text: (condition for rows after the window's position or "", ORDER BY … LIMIT ?, values)."""
    values: list[Any] = []
    after = ""
    if window.after is not None:
        if len(window.after) != len(keys):
            raise ValueError("position does not match the sort keys")
        beyond = "<" if window.descending else ">"
        clauses = []
        for i, key in enumerate(keys):
            clauses.append(" AND ".join([*(f"{k} = ?" for k in keys[:i]), f"{key} {beyond} ?"]))
            values.extend([*window.after[:i], window.after[i]])
        # The leading bound repeats what the OR implies: it lets both databases start the index range there
        # instead of filtering from the first row (a later page would cost more than the first).
        after = f"{keys[0]} {beyond}= ? AND (" + " OR ".join(f"({c})" for c in clauses) + ")"
        values.insert(0, window.after[0])
    direction = " DESC" if window.descending else ""
    order = "ORDER BY " + ", ".join(k + direction for k in keys) + " LIMIT ?"
    return after, order, values
