"""The import rules of docs/architecture.md hold, and the checker would see them broken.

``lint-imports`` reads the contracts in pyproject.toml. The second test breaks each kind of
rule in a copy of the package (an upward import, a function-level import that closes a
circle, LSP in the engine, a model in syntax) and expects each to be named.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
TIMEOUT = 120


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_every_contract_is_kept() -> None:
    ran = lint_imports(ROOT)

    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "BROKEN" not in ran.stdout


@pytest.fixture(scope="module")
def broken_copy(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """A copy of the package with one import of each forbidden kind added."""
    root = tmp_path_factory.mktemp("broken")
    shutil.copy(ROOT / "pyproject.toml", root)
    shutil.copytree(ROOT / "peer_lsp", root / "peer_lsp", ignore=shutil.ignore_patterns("*.pyc"))
    added = {
        "peer_lsp/text/lines.py": "import peer_lsp.documents.store\n",
        "peer_lsp/syntax/nodes.py": "def _later() -> None:\n    import peer_lsp.syntax.budget\n",
        "peer_lsp/documents/lines_extra.py": "import lsprotocol\n",
        "peer_lsp/syntax/normalize.py": "import peer_lsp.llm.types\n",
    }
    for name, code in added.items():
        path = root / name
        path.write_text((path.read_text() if path.exists() else "") + "\n" + code)
    return lint_imports(root)


@pytest.mark.parametrize(
    "expected",
    [
        "peer_lsp.text is not allowed to import peer_lsp.documents",
        "No cycles are allowed in peer_lsp.syntax.",
        "peer_lsp.documents.lines_extra -> lsprotocol",
        "peer_lsp.syntax.normalize -> peer_lsp.llm.types",
    ],
)
def test_the_checker_names_each_broken_rule(
    broken_copy: subprocess.CompletedProcess[str], expected: str
) -> None:
    assert broken_copy.returncode == 1
    assert expected in broken_copy.stdout
