"""The documentation that is derived from code stays in step with it."""

from __future__ import annotations

import re
from pathlib import Path

from peer_lsp.lsp.commands import Command
from peer_lsp.settings.model import SPECS
from peer_lsp.settings.reference import reference_table

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_reference_is_current() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert reference_table() in text, (
        "regenerate the table with peer_lsp.settings.reference.reference_table"
    )


def test_every_setting_is_documented() -> None:
    table = reference_table()
    for spec in SPECS:
        assert f"| `{spec.key}` |" in table


def test_every_server_command_is_documented_with_its_arguments() -> None:
    text = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\s*\| `(peer\.\w+)` \| `([^`]*)` \| (.*?) \|$", text, re.MULTILINE)
    assert rows == [(str(c), c.arguments, c.summary) for c in Command]


def test_the_architecture_names_every_module() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = [
        path
        for path in (ROOT / "peer_lsp").rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    ]
    assert [p for p in modules if p.name not in text] == []


def test_the_readme_counts_the_local_rules() -> None:
    from peer_lsp.rules.catalog import RULES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{len(RULES)} local rules" in readme
