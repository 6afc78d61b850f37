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
        query = query.where(or_(*clauses))
    order = [k.desc() if descending else k.asc() for k in keys]
    return query.order_by(*order).limit(limit)
