"""The one table of settings: each is `REGISTRO_<NAME>` in the environment, `--<name>` on the command line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | int
    help: str

    @property
    def env(self) -> str:
        return "REGISTRO_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", "address to listen on"),
    Setting("port", 8080, "port for the API and the console"),
    Setting("data_dir", "./registro-data", "folder for the embedded SQLite database"),
    Setting(
        "database_url",
        "",
        "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db "
        "(default: SQLite in the data folder)",
    ),
    Setting("region", "us-east-1", "AWS region written into ARNs"),
    Setting("account_id", "123456789012", "AWS account id written into ARNs"),
)


_DEFAULT = {s.name: s.default for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings; field names are the SETTINGS names, defaults come from that table."""

    host: str = str(_DEFAULT["host"])
    port: int = int(_DEFAULT["port"])
    data_dir: str = str(_DEFAULT["data_dir"])
    database_url: str = str(_DEFAULT["database_url"])
    region: str = str(_DEFAULT["region"])
    account_id: str = str(_DEFAULT["account_id"])

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return "sqlite:///" + os.path.join(os.path.abspath(self.data_dir), "registro.db")

    def with_values(self, values: Mapping[str, Any]) -> Settings:
        """A copy with the given non-None values, converted to each field's type."""
        types = {f.name: type(getattr(self, f.name)) for f in fields(self)}
        given = {k: types[k](v) for k, v in values.items() if v is not None and k in types}
        return replace(self, **given)


def from_env(environ: Mapping[str, str] = os.environ) -> Settings:
    """Defaults, overridden by REGISTRO_* environment variables."""
    return Settings().with_values({s.name: environ.get(s.env) for s in SETTINGS})
