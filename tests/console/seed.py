"""Data and a server for the browser tests (tests/console/test_browser_*.py).

    running_console(tmp)     a real server on a fresh SQLite file in `tmp` (start_server), and a boto3
                             client for it; stopped on exit
    seed_group(sm, name)     tests/fixtures/packages/model-group-ModelGroup1.json then abalone-v1.json,
                             with the group renamed to `name` (so tests of one module do not meet)
    put_card(sm, arn, card)  UpdateModelPackage ModelCard with the card as compact JSON
    xss_card()               full-card.json with every free-text leaf (and map keys) replaced by PAYLOAD

Everything goes through the API with boto3, as a user of the registry would seed it.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import ACCOUNT, REGION, client, load_fixture, start_server

from registro.settings import Settings

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
PAYLOAD = SCRIPT + IMG  # 67 characters: fits every card text except the 63-character ones

# Card members whose value is one of a few words (schema enums, or the objective's Minimize/Maximize).
_ENUM_KEYS = {"risk_rating", "type"}
# Card strings of at most 63 characters (axis names, facet, condition); a simple metric's string value too.
_SHORT_KEYS = {"x_axis_name", "y_axis_name", "facet", "condition"}


@dataclass
class Console:
    url: str
    sm: Any

    def at(self, path: str) -> str:
        """The absolute URL of a console path ("/console/model-groups")."""
        return self.url + path


@contextmanager
def running_console(tmp: Path) -> Iterator[Console]:
    running = start_server(
        Settings(database_url=f"sqlite:///{tmp / 'registro.db'}", region=REGION, account_id=ACCOUNT)
    )
    try:
        yield Console(running.url, client(running.url))
    finally:
        running.stop()


def unique_group(prefix: str = "G") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def group_request(name: str = "ModelGroup1") -> dict[str, Any]:
    request: dict[str, Any] = load_fixture("packages", "model-group-ModelGroup1.json")
    request["ModelPackageGroupName"] = name
    return request


def package_request(group: str = "ModelGroup1") -> dict[str, Any]:
    request: dict[str, Any] = load_fixture("packages", "abalone-v1.json")
    request["ModelPackageGroupName"] = group
    return request


def seed_group(sm: Any, name: str = "ModelGroup1", versions: int = 1) -> list[str]:
    """The fixture group (renamed) with `versions` copies of abalone-v1.json; their ARNs, oldest first."""
    sm.create_model_package_group(**group_request(name))
    return [sm.create_model_package(**package_request(name))["ModelPackageArn"] for _ in range(versions)]


def full_card() -> dict[str, Any]:
    card: dict[str, Any] = load_fixture("model-cards", "full-card.json")
    return card


def put_card(sm: Any, arn: str, card: dict[str, Any], status: str = "Draft") -> None:
    sm.update_model_package(
        ModelPackageArn=arn,
        ModelCard={"ModelCardContent": json.dumps(card, separators=(",", ":")), "ModelCardStatus": status},
    )


def stored_card(sm: Any, arn: str) -> dict[str, Any]:
    """The card as DescribeModelPackage returns it, parsed."""
    described = sm.describe_model_package(ModelPackageName=arn)
    card: dict[str, Any] = json.loads(described["ModelCard"]["ModelCardContent"])
    return card


def xss_card() -> dict[str, Any]:
    """full-card.json with every free-text value, and every key of its string maps, replaced by PAYLOAD
    (IMG where the schema allows only 63 characters); enums and numbers stay, so the card still validates."""

    def walk(node: Any, key: str = "", kind: str = "") -> Any:
        if isinstance(node, dict):
            is_map = key in ("metadata", "custom_details")
            out = {}
            for k, v in node.items():
                if is_map:
                    out[f"{PAYLOAD} {k}"] = walk(v, "", kind)
                else:
                    out[k] = walk(v, k, node.get("type", kind) if isinstance(node.get("type"), str) else kind)
            return out
        if isinstance(node, list):
            return [walk(v, key, kind) for v in node]
        if isinstance(node, str):
            if key in _ENUM_KEYS or node in ("Minimize", "Maximize"):
                return node
            if key in _SHORT_KEYS or (key == "value" and kind == "string"):
                return IMG
            return PAYLOAD
        return node

    return walk(copy.deepcopy(full_card()))

# Every tab of a version page, by its URL segment (console.md 4).
VERSION_TABS = (
    "overview",
    "activity",
    "quality",
    "explainability",
    "bias",
    "data-quality",
    "recommendations",
    "load-tests",
    "inference",
    "card",
)
