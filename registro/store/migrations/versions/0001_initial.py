"""Initial schema: groups, packages, tags, client tokens, activity, meta."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_package_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account", sa.String(12), nullable=False),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("arn", sa.String(256), nullable=False, unique=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("next_version", sa.BigInteger, nullable=False),
        sa.Column("policy", sa.Text),
        sa.Column("document", sa.Text, nullable=False),
        sa.UniqueConstraint("account", "name", name="uq_groups_account_name"),
    )
    op.create_table(
        "model_packages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account", sa.String(12), nullable=False),
        sa.Column("arn", sa.String(256), nullable=False, unique=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("model_package_groups.id")),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("version", sa.BigInteger),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("modified_at", sa.BigInteger, nullable=False),
        sa.Column("approval", sa.String(32)),
        sa.Column("stage", sa.String(63)),
        sa.Column("document", sa.Text, nullable=False),
        sa.UniqueConstraint("group_id", "version", name="uq_packages_group_version"),
    )
    op.create_index("ix_packages_group_created", "model_packages", ["group_id", "created_at", "id"])
    op.create_index("ix_packages_account_name", "model_packages", ["account", "name", "id"])
    op.create_index("ix_packages_account_created", "model_packages", ["account", "created_at", "id"])
    op.create_table(
        "tags",
        sa.Column("arn", sa.String(256), primary_key=True),
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )
    op.create_table(
        "client_tokens",
        sa.Column("scope", sa.String(256), primary_key=True),
        sa.Column("token", sa.String(36), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("result_arn", sa.String(256), nullable=False),
    )
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("account", sa.String(12), nullable=False),
        sa.Column("group_name", sa.String(63)),
        sa.Column("version", sa.BigInteger),
        sa.Column("resource_arn", sa.String(256), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("detail_type", sa.String(64), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("by", sa.String(256), nullable=False),
        sa.Column("access_key", sa.String(128), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("previous", sa.Text),
    )
    op.create_index("ix_activity_resource", "activity", ["resource_arn", "id"])
    op.create_index("ix_activity_group", "activity", ["account", "group_name", "id"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("meta", "activity", "client_tokens", "tags", "model_packages", "model_package_groups"):
        op.drop_table(table)
