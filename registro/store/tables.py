"""Every table, in SQLAlchemy Core: the schema in one file (the migrations create it).

model_package_groups ─┬─< model_packages (versions: group_id set; unversioned: group_id null)
                      └─< activity (by group name; versions add their number)
tags (by resource ARN) · client_tokens (by scope ARN) · meta (server-wide keys)
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

groups = Table(
    "model_package_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account", String(12), nullable=False),
    Column("name", String(63), nullable=False),
    Column("arn", String(256), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),  # epoch milliseconds
    Column("next_version", BigInteger, nullable=False),  # the version the next create takes
    Column("policy", Text),
    Column("document", Text, nullable=False),  # DescribeModelPackageGroup's members, as JSON
    UniqueConstraint("account", "name", name="uq_groups_account_name"),
    Index("ix_groups_account_created", "account", "created_at", "id"),  # 0003: Search
)

packages = Table(
    "model_packages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account", String(12), nullable=False),
    Column("arn", String(256), nullable=False, unique=True),
    Column("group_id", Integer, ForeignKey("model_package_groups.id")),
    Column("name", String(63), nullable=False),  # unversioned: its name; version: the group's
    Column("version", BigInteger),
    Column("created_at", BigInteger, nullable=False),
    Column("modified_at", BigInteger, nullable=False),
    Column("approval", String(32)),
    Column("stage", String(63)),
    Column("document", Text, nullable=False),  # DescribeModelPackage's stored members, as JSON
    Column("summary", Text),  # its ModelPackageSummary, as wire JSON (every row has one since 0002)
    UniqueConstraint("group_id", "version", name="uq_packages_group_version"),
    Index("ix_packages_group_created", "group_id", "created_at", "id"),
    Index("ix_packages_account_name", "account", "name", "id"),
    Index("ix_packages_account_created", "account", "created_at", "id"),
    # 0003: Search walks these in sort order (equality columns first, then the sort key)
    Index("ix_packages_group_modified", "group_id", "modified_at", "id"),
    Index("ix_packages_group_approval_modified", "group_id", "approval", "modified_at", "id"),
    # 0004: modified_at after them, so a LastModifiedTime page over a created_at range reads the index alone
    Index("ix_packages_group_approval_created", "group_id", "approval", "created_at", "id", "modified_at"),
    Index("ix_packages_account_approval_created", "account", "approval", "created_at", "id", "modified_at"),
)

tags = Table(
    "tags",
    metadata,
    Column("arn", String(256), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("value", String(256), nullable=False),
)

client_tokens = Table(
    "client_tokens",
    metadata,
    Column("scope", String(256), primary_key=True),  # the group, package or account it is scoped to
    Column("token", String(36), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("result_arn", String(256), nullable=False),
)

activity = Table(
    "activity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("account", String(12), nullable=False),
    Column("group_name", String(63)),  # null for unversioned packages
    Column("version", BigInteger),
    Column("resource_arn", String(256), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("detail_type", String(64), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("by", String(256), nullable=False),
    Column("access_key", String(128), nullable=False),
    Column("request_id", String(64), nullable=False),
    Column("detail", Text, nullable=False),  # the event's `detail`, frozen at commit
    Column("previous", Text),  # earlier values of the changed members, for the console
    Index("ix_activity_resource", "resource_arn", "id"),
    Index("ix_activity_group", "account", "group_name", "id"),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
