"""Migration 0002 fills the `summary` of packages written before it, and lists show them as before."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from conftest import ACCOUNT, REGION, client, new_database, start_server
from sqlalchemy import insert

from registro.settings import Settings
from registro.store import tables
from registro.store.engine import Store

GROUP_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/old-group"


def _at_0001(url: str) -> None:
    store = Store(url)
    config = Config()
    config.set_main_option("script_location", str(files("registro.store") / "migrations"))
    with store.writer.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.commit()
    store.dispose()


def _old_rows(url: str) -> None:
    """A group with one version and an unversioned package, as the 0001 schema stored them."""
    version = {
        "ModelPackageGroupName": "old-group", "ModelPackageVersion": 1,
        "ModelPackageArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/old-group/1",
        "ModelPackageName": "old-group", "ModelPackageDescription": "from before 0002",
        "CreationTime": 1700000000.5, "ModelPackageStatus": "Completed",
        "ModelApprovalStatus": "Approved", "ModelLifeCycle": {"Stage": "Production", "StageStatus": "Deployed"},
        "CustomerMetadataProperties": {"not": "in the summary"},
    }
    unversioned = {
        "ModelPackageName": "old-single", "ModelPackageArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/old-single",
        "CreationTime": 1700000001.0, "ModelPackageStatus": "Completed",
    }
    store = Store(url)
    with store.writer.begin() as conn:
        conn.execute(insert(tables.groups).values(
            id=1, account=ACCOUNT, name="old-group", arn=GROUP_ARN, created_at=1700000000000, next_version=2,
            document=json.dumps({"ModelPackageGroupName": "old-group", "ModelPackageGroupArn": GROUP_ARN,
                                 "CreationTime": 1700000000.0, "ModelPackageGroupStatus": "Completed"}),
        ))
        for doc, group_id, number in ((version, 1, 1), (unversioned, None, None)):
            values: dict[str, Any] = {
                "account": ACCOUNT, "arn": doc["ModelPackageArn"], "group_id": group_id,
                "name": doc["ModelPackageName"], "version": number, "created_at": int(doc["CreationTime"] * 1000),
                "modified_at": int(doc["CreationTime"] * 1000), "approval": doc.get("ModelApprovalStatus"),
                "stage": None, "document": json.dumps(doc),
            }
            conn.execute(insert(tables.packages).values(**values))  # 0001's columns only
    store.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_rows_from_before_0002_list_with_their_summaries(kind: str, tmp_path: Path) -> None:
    url, drop = new_database(kind, tmp_path)
    try:
        _at_0001(url)
        _old_rows(url)
        server = start_server(Settings(database_url=url, region=REGION, account_id=ACCOUNT))
        try:
            sm = client(server.url)
            [listed] = sm.list_model_packages(ModelPackageGroupName="old-group")["ModelPackageSummaryList"]
            assert listed["ModelPackageGroupName"] == "old-group"
            assert "ModelPackageName" not in listed  # a version's summary names its group only
            assert listed["ModelPackageDescription"] == "from before 0002"
            assert listed["ModelApprovalStatus"] == "Approved"
            assert listed["ModelLifeCycle"] == {"Stage": "Production", "StageStatus": "Deployed"}
            assert "CustomerMetadataProperties" not in listed
            [single] = sm.list_model_packages()["ModelPackageSummaryList"]
            assert single["ModelPackageName"] == "old-single"
            # Rows written after the upgrade carry summaries too.
            sm.create_model_package(ModelPackageGroupName="old-group", ModelPackageDescription="after")
            after = sm.list_model_packages(ModelPackageGroupName="old-group", SortBy="CreationTime")
            assert [s["ModelPackageVersion"] for s in after["ModelPackageSummaryList"]] == [1, 2]
        finally:
            server.stop()
    finally:
        drop()
