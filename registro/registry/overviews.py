"""Summaries the console shows beside API lists (not API operations): counts and latest versions
of a page of groups, a group's versions by approval status, tags of many resources at once.

Each is one store query for the whole page, never one per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registro import store
from registro.registry import arns
from registro.registry.context import Context

PROJECT_TAGS = ("sagemaker:project-name", "sagemaker:project-id")


def group_summaries(ctx: Context, group_arns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Group ARN → {VersionCount, LatestVersion, LatestVersionApprovalStatus, LatestApprovedVersion,
    ProjectName, ProjectId}; a group with no versions has VersionCount 0 and None for the rest."""
    with ctx.store.read() as conn:
        versions = store.overviews.group_versions(conn, group_arns)
        project = store.overviews.tags_of_many(conn, group_arns, PROJECT_TAGS)
    summaries = {}
    for arn in group_arns:
        row = versions.get(arn, {})
        tags = project.get(arn, {})
        summaries[arn] = {
            "VersionCount": int(row.get("versions") or 0),
            "LatestVersion": row.get("latest"),
            "LatestVersionApprovalStatus": row.get("latest_approval"),
            "LatestApprovedVersion": row.get("latest_approved"),
            "ProjectName": tags.get(PROJECT_TAGS[0]),
            "ProjectId": tags.get(PROJECT_TAGS[1]),
        }
    return summaries


def approval_counts(ctx: Context, group_name: str) -> dict[str, int]:
    """ModelApprovalStatus → how many of the group's versions have it (absent statuses are left out)."""
    with ctx.store.read() as conn:
        counts = store.overviews.approval_counts(conn, arns.group_ref(ctx, group_name))
    return {status or "": n for status, n in counts.items()}
