"""Aggregates the console lists need for a whole page at once: version counts, latest versions, tags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from registro.store.tables import groups, packages, tags


def group_versions(conn: Connection, group_arns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Group ARN → version count, latest version and its approval, latest approved version; one query.

    Groups without versions are absent from the answer.
    """
    if not group_arns:
        return {}
    counts = (
        select(
            packages.c.group_id,
            func.count().label("versions"),
            func.max(packages.c.version).label("latest"),
            func.max(case((packages.c.approval == "Approved", packages.c.version))).label("latest_approved"),
        )
        .where(packages.c.group_id.in_(select(groups.c.id).where(groups.c.arn.in_(group_arns))))
        .group_by(packages.c.group_id)
        .subquery()
    )
    latest = packages.alias("latest")
    query = (
        select(
            groups.c.arn,
            counts.c.versions,
            counts.c.latest,
            counts.c.latest_approved,
            latest.c.approval.label("latest_approval"),
        )
        .select_from(
            groups.join(counts, counts.c.group_id == groups.c.id).outerjoin(
                latest, and_(latest.c.group_id == counts.c.group_id, latest.c.version == counts.c.latest)
            )
        )
        .where(groups.c.arn.in_(group_arns))
    )
    return {row.arn: dict(row._mapping) for row in conn.execute(query)}


def approval_counts(conn: Connection, group_arn: str) -> dict[str | None, int]:
    """ModelApprovalStatus → number of the group's versions with it; one query."""
    query = (
        select(packages.c.approval, func.count().label("n"))
        .where(packages.c.group_id == select(groups.c.id).where(groups.c.arn == group_arn).scalar_subquery())
        .group_by(packages.c.approval)
    )
    return {row.approval: int(row.n) for row in conn.execute(query)}


def tags_of_many(conn: Connection, arns: Sequence[str], keys: Sequence[str] | None = None) -> dict[str, dict[str, str]]:
    """ARN → its tags (only `keys` when given), sorted by key; one query."""
    if not arns:
        return {}
    query = select(tags.c.arn, tags.c.key, tags.c.value).where(tags.c.arn.in_(arns))
    if keys is not None:
        query = query.where(tags.c.key.in_(keys))
    found: dict[str, dict[str, str]] = {}
    for row in conn.execute(query.order_by(tags.c.arn, tags.c.key)):
        found.setdefault(row.arn, {})[row.key] = row.value
    return found
