"""Keyset pages: rows strictly after a position in a (sort key..., id) order, never OFFSET.

A window becomes SQL text with `?` parameters for the store's direct reads (store/direct.py): a List
page is one statement, and building it with SQLAlchemy cost more than running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


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


def filtered(window: Window, name: str, created: str) -> tuple[list[str], list[Any]]:
    """The window's name (case-insensitive substring) and creation-time filters as `?` SQL on the columns
    `name` and `created`, and their values."""
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


def page(keys: Sequence[str], window: Window) -> tuple[str, str, list[Any]]:
    """Rows after the window's position in the order of `keys` (the last one unique): (the condition, or
    "" on the first page; ORDER BY … LIMIT ?; the condition's values)."""
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


def statement(
    columns: str, table: str, clauses: Sequence[str], values: Sequence[Any], window: Window, keys: Sequence[str]
) -> tuple[str, tuple[Any, ...]]:
    """One List page: SELECT `columns` FROM `table` WHERE `clauses` (with `values`), the window's filters
    on its `name` and `created_at` columns and position, in the order of `keys`; and all its values."""
    more, more_values = filtered(window, "name", "created_at")
    after, order, after_values = page(keys, window)
    where = " AND ".join([*clauses, *more, *([after] if after else [])])
    return (
        f"SELECT {columns} FROM {table} WHERE {where} {order}",
        (*values, *more_values, *after_values, window.limit),
    )
