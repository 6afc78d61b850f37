"""Indexes for Search: each leads with the equality columns of a common filter and ends with a sort key.

A Search page walks one of them in order and stops after MaxResults rows (store/search.py); the exact
TotalHits count reads the same index alone. Four on model_packages, not one per (filter, sort) pair:
each costs every create. SQLite's own CPU for one INSERT + COMMIT of a version (20,000 rows, WAL) went
from ~70 to ~100 us with these four (~30 us of a create's ~800 us in-process). A sort without its own
index (LastModifiedTime over the whole account, say) sorts the matching keys, not documents.

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
    # ModelApprovalStatus within a group: in the default order, and with a CreationTime range or order.
    # Both: without ANALYZE statistics SQLite's planner, given only the first, took (group_id, created_at)
    # for `CreationTime >` and read every row in range (loadtest Search: 716 us of SQL against 373 us);
    # given only the second, it took (group_id, modified_at) for the default order and read rows until
    # 101 were approved (3-filter Search at 1,000,000 versions: 322 ms, 4.3 s for page 2, against 5 ms).
    ("ix_packages_group_approval_modified", "model_packages", ["group_id", "approval", "modified_at", "id"]),
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
