"""The command line as a user runs it: `registro serve`, `registro db upgrade`, `--help`, REGISTRO_* env vars."""

from __future__ import annotations

import re
import subprocess
import urllib.request
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from conftest import REGISTRO_CLI, clean_env, client, new_database, serving
from sqlalchemy import create_engine, inspect, text

from registro.settings import SETTINGS
from registro.store import tables


def run(args: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*REGISTRO_CLI, *args],
        check=False,
        cwd=cwd,
        env=dict(env or clean_env()),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_serve_answers_health_and_boto3_and_keeps_its_data_in_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serving(["--data-dir", str(data_dir)], cwd=tmp_path) as server:
        with urllib.request.urlopen(server.url + "/health", timeout=5) as answer:
            assert answer.status == 200
        sm = client(server.url)
        arn = sm.create_model_package_group(ModelPackageGroupName="served")["ModelPackageGroupArn"]
        version = sm.create_model_package(ModelPackageGroupName="served")["ModelPackageArn"]
        assert sm.describe_model_package_group(ModelPackageGroupName="served")["ModelPackageGroupArn"] == arn
        assert sm.describe_model_package(ModelPackageName="served/1")["ModelPackageArn"] == version
        sm.close()
    assert (data_dir / "registro.db").is_file()
    assert not (tmp_path / "registro-data").exists(), "serve ignored --data-dir and used the default"
    # The data outlives the process: a new server on the same data dir sees it.
    with serving(["--data-dir", str(data_dir)], cwd=tmp_path) as again:
        sm = client(again.url)
        assert sm.describe_model_package(ModelPackageName=version)["ModelPackageVersion"] == 1
        sm.close()


def schema(url: str) -> dict[str, Any]:
    """Tables with their columns and indexes, the Alembic revision and the paging key."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            shape = {
                name: (
                    sorted(c["name"] for c in found.get_columns(name)),
                    sorted(str(i["name"]) for i in found.get_indexes(name)),
                )
                for name in found.get_table_names()
            }
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            token_keys = conn.execute(text("SELECT value FROM meta WHERE key = 'token_key'")).scalars().all()
    finally:
        engine.dispose()
    return {"tables": shape, "revision": revision, "token_keys": token_keys}


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(files("registro.store") / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_db_upgrade_creates_the_schema_and_a_second_run_changes_nothing(kind: str, tmp_path: Path) -> None:
    url, drop = new_database(kind, tmp_path)
    try:
        first = run(["db", "upgrade", "--database-url", url], cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        created = schema(url)
        assert set(created["tables"]) == {t.name for t in tables.metadata.sorted_tables} | {"alembic_version"}
        for table in tables.metadata.sorted_tables:
            assert created["tables"][table.name][0] == sorted(c.name for c in table.columns), table.name
        assert created["revision"] == [head_revision()]
        assert len(created["token_keys"]) == 1

        second = run(["db", "upgrade", "--database-url", url], cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert schema(url) == created
    finally:
        drop()
    assert not (tmp_path / "registro-data").exists(), "db upgrade ignored --database-url"


def test_serve_help_lists_every_setting_with_its_env_var(tmp_path: Path) -> None:
    shown = run(["serve", "--help"], cwd=tmp_path, env=clean_env(COLUMNS="100"))
    assert shown.returncode == 0, shown.stderr
    # One block per option: from a line starting with `  --flag` to the next such line.
    blocks = {
        m.group(1): " ".join(m.group(0).split())
        for m in re.finditer(r"^  (--[a-z-]+)(.*\n)(?:(?!  --).*\n?)*", shown.stdout, re.MULTILINE)
    }
    for setting in SETTINGS:
        assert setting.flag in blocks, f"{setting.flag} missing from `registro serve --help`:\n{shown.stdout}"
        assert setting.env in blocks[setting.flag], f"{setting.flag}'s help does not name {setting.env}"
        assert repr(setting.default) in blocks[setting.flag], (
            f"{setting.flag}'s help does not give its default"
        )


def test_serve_takes_its_database_from_registro_database_url(tmp_path: Path) -> None:
    url, drop = new_database("postgresql", tmp_path)
    try:
        with serving([], cwd=tmp_path, env=clean_env(REGISTRO_DATABASE_URL=url)) as server:
            sm = client(server.url)
            arn = sm.create_model_package_group(ModelPackageGroupName="from-env")["ModelPackageGroupArn"]
            sm.close()
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                stored = conn.execute(text("SELECT arn FROM model_package_groups")).scalars().all()
        finally:
            engine.dispose()
        assert stored == [arn]
    finally:
        drop()
    assert not (tmp_path / "registro-data").exists(), "serve ignored REGISTRO_DATABASE_URL and used SQLite"
