"""The docs name every setting, command, event kind and served operation."""

from __future__ import annotations

from pathlib import Path

import pytest

from registro.api.service_model import SERVED
from registro.cli import parser
from registro.events.kinds import EventKind
from registro.settings import SETTINGS

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
DOCS = README + "".join(p.read_text() for p in sorted((ROOT / "docs").glob("*.md")))


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_with_env_and_flag(setting: object) -> None:
    assert setting.env in README and f"`{setting.flag}`" in README  # type: ignore[attr-defined]


@pytest.mark.parametrize("operation", SERVED)
def test_every_served_operation_is_named_in_the_readme(operation: str) -> None:
    assert operation in README


@pytest.mark.parametrize("kind", list(EventKind), ids=lambda k: k.value)
def test_every_event_kind_is_documented(kind: EventKind) -> None:
    assert f"`{kind.value}`" in DOCS


def test_every_command_is_named_in_the_readme() -> None:
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:
        assert f"registro {name}" in README


def test_settings_fields_are_exactly_the_settings_table() -> None:
    from dataclasses import fields

    from registro.settings import Settings

    assert [f.name for f in fields(Settings)] == [s.name for s in SETTINGS]
