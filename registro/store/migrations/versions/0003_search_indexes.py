"""Indexes for Search: each leads with the equality columns of a common filter and ends with a sort key.

A Search page walks one of them in order and stops after MaxResults rows (store/search.py); the exact
TotalHits count reads the same index alone. Three on model_packages, not one per (filter, sort) pair:
each costs every create. In-process on SQLite, CreateModelPackage CPU (median of 4 runs, noisy) was
795 -> 1,000 us with five and 764 -> 782 us with three. A sort without its own index (LastModifiedTime
within a group and approval status, or over the whole account) sorts the matching keys, not documents.

At 1,000,000 versions the upgrade took 19 s on SQLite and 9 s on PostgreSQL (with six indexes).
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_INDEXES = (
    # ModelPackage, default SortBy LastModifiedTime: a group's versions
    ("ix_packages_group_modified", "model_packages", ["group_id", "modified_at", "id"]),
    # ModelApprovalStatus within a group, with or without a CreationTime range: the count reads it alone.
    # Not (..., modified_at, id) for the default sort: without ANALYZE statistics SQLite then took
    # (group_id, created_at) for `CreationTime >` and read every row in range (loadtest Search: 716 us of
    # SQL against 373 us); sorting the matching keys costs less.
    ("ix_packages_group_approval_created", "model_packages", ["group_id", "approval", "created_at", "id"]),
    # ModelApprovalStatus across the account's groups, newest first or within a creation-time range
    ("ix_packages_account_approval_created", "model_packages", ["account", "approval", "created_at", "id"]),
    # ModelPackageGroup, default SortBy CreationTime
    ("ix_groups_account_created", "model_package_groups", ["account", "created_at", "id"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
