"""A package's creation record keeps one copy of the created document, the package row's, until the row
changes: its detail then still reads as the document right after the create.

create (versioned / unversioned) → the record's detail is DescribeModelPackage, the row holds no copy
update, update, delete          → the creation record's detail is unchanged; the other records have theirs
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from registro.events.kinds import EventKind
from registro.registry.activity import group_activity, package_activity
from registro.registry.context import Context
from registro.store import tables
from registro.store.activity import AS_STORED


def created_detail(registry_context: Context, arn: str) -> dict[str, Any]:
    (record,) = [
        r for r in package_activity(registry_context, arn) if r["kind"] == EventKind.PACKAGE_CREATED.value
    ]
    detail: dict[str, Any] = record["detail"]
    return detail


def stored_detail(registry_context: Context, arn: str) -> str:
    with registry_context.store.read() as conn:
        return str(
            conn.execute(
                select(tables.activity.c.detail).where(
                    tables.activity.c.resource_arn == arn,
                    tables.activity.c.kind == EventKind.PACKAGE_CREATED.value,
                )
            ).scalar_one()
        )


def stored_document(registry_context: Context, arn: str) -> str:
    with registry_context.store.read() as conn:
        return str(
            conn.execute(select(tables.packages.c.document).where(tables.packages.c.arn == arn)).scalar_one()
        )


@pytest.mark.parametrize("versioned", [True, False])
def test_the_creation_records_detail_is_the_created_document_through_updates_and_delete(
    sm: Any, registry_context: Context, group: str, versioned: bool
) -> None:
    if versioned:
        arn = sm.create_model_package(ModelPackageGroupName=group, CustomerMetadataProperties={"n": "1"})[
            "ModelPackageArn"
        ]
    else:
        arn = sm.create_model_package(
            ModelPackageName=group + "-alone",
            InferenceSpecification={
                "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1"}],
                "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
                "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.xlarge"],
            },
            CustomerMetadataProperties={"n": "1"},
        )["ModelPackageArn"]
    created = json.loads(stored_document(registry_context, arn))
    assert stored_detail(registry_context, arn) == AS_STORED  # one copy: the row's
    assert created_detail(registry_context, arn) == created
    assert created["CustomerMetadataProperties"] == {"n": "1"}

    sm.update_model_package(ModelPackageArn=arn, CustomerMetadataProperties={"n": "2"})
    assert json.loads(stored_detail(registry_context, arn)) == created  # frozen before the row changed
    sm.update_model_package(ModelPackageArn=arn, CustomerMetadataProperties={"n": "3"})
    after = json.loads(stored_document(registry_context, arn))
    assert after["CustomerMetadataProperties"] == {"n": "3"}
    assert created_detail(registry_context, arn) == created
    updates = [
        r for r in package_activity(registry_context, arn) if r["kind"] == EventKind.METADATA_CHANGED.value
    ]
    assert [u["detail"]["CustomerMetadataProperties"] for u in updates] == [{"n": "3"}, {"n": "2"}]

    sm.delete_model_package(ModelPackageName=arn)
    assert created_detail(registry_context, arn) == created
    if versioned:
        (record,) = [
            r for r in group_activity(registry_context, group) if r["kind"] == EventKind.PACKAGE_CREATED.value
        ]
        assert record["detail"] == created


def test_a_created_version_never_changed_reads_as_its_document_in_its_groups_history(
    sm: Any, registry_context: Context, group: str
) -> None:
    arn = sm.create_model_package(ModelPackageGroupName=group)["ModelPackageArn"]
    (record,) = [
        r for r in group_activity(registry_context, group) if r["kind"] == EventKind.PACKAGE_CREATED.value
    ]
    assert record["detail"] == json.loads(stored_document(registry_context, arn))
    assert record["detail"]["ModelPackageArn"] == arn
