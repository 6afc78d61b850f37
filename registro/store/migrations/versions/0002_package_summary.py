"""Packages carry their ListModelPackages summary as wire JSON, so a list page is joined text.

Existing rows are filled from their documents here, with the summary members as botocore 1.44.8
names them (frozen: a migration must not change with a later botocore).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_MEMBERS = (
    "ModelPackageName",
    "ModelPackageGroupName",
    "ModelPackageVersion",
    "ModelPackageArn",
    "ModelPackageDescription",
    "CreationTime",
    "ModelPackageStatus",
    "ModelApprovalStatus",
    "ModelLifeCycle",
    "ModelPackageRegistrationType",
)
_BATCH = 10_000


def _summary(text: str) -> str:
    document = json.loads(text)
    summary = {k: document[k] for k in _MEMBERS if document.get(k) is not None}
    if "ModelPackageVersion" in summary:
        summary.pop("ModelPackageName", None)
    return json.dumps(summary, ensure_ascii=False, separators=(",", ":"))


def upgrade() -> None:
    op.add_column("model_packages", sa.Column("summary", sa.Text))
    conn = op.get_bind()
    packages = sa.table("model_packages", sa.column("id"), sa.column("document"), sa.column("summary"))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(packages.c.id, packages.c.document)
            .where(packages.c.id > last)
            .order_by(packages.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        conn.execute(
            packages.update().where(packages.c.id == sa.bindparam("row_id")).values(summary=sa.bindparam("text")),
            [{"row_id": r.id, "text": _summary(r.document)} for r in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    op.drop_column("model_packages", "summary")
