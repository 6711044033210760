"""peer's code actions in Vim with ALE, which cannot resolve them and echoes diagnostics bare.

Vim runs in Ex mode (tests/editors/ale_driver.vim) with Debian's vim-ale 3.3 registering peer
as an LSP linter with the configuration of docs/editors.md, read from it as it is. ALE
declares no codeAction/resolve and no documentChanges, echoes only the range, code and
message of the diagnostic nearest the cursor, and none when the cursor is inside a word: the
quick fixes and fix-all must come with their edits as ``changes``, and peer must know its
findings by place. CI installs Debian's vim and vim-ale (.ci/editors); elsewhere the test is
skipped without them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from driver_env import driver_environment

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "editors.md"
DRIVER = Path(__file__).with_name("ale_driver.vim")
ALE = Path("/usr/share/vim/vimfiles/pack/dist-bundle/opt/ale")
"""Where Debian's vim-ale puts the plugin (`packadd ale`)."""

SOURCE = (
    "def is_missing(value):\n"
    "    return value == None\n"
    "\n"
    "\n"
    "def is_present(value):\n"
    "    return value != None\n"
    "\n"
    "\n"
    "def is_unset(value):\n"
    "    return value == None\n"
)
WORD_FIXED = SOURCE.replace("    return value == None\n", "    return value is None\n", 1)
ECHO_FIXED = WORD_FIXED.replace("value != None", "value is not None")
ALL_FIXED = ECHO_FIXED.replace("value == None", "value is None")


def documented_config() -> str:
    """The vim block of the ALE section of docs/editors.md."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Vim (ALE)") :]
    match = re.search(r"```vim\n(.*?)```", section, re.DOTALL)
    assert match is not None, "docs/editors.md has no vim block under ## Vim (ALE)"
    return match.group(1)


def run_vim(tmp_path: Path, actions: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """Vim in Ex mode with ALE, the documented configuration and ale_driver.vim, on SOURCE in
    a fresh project: what the driver saw, and Vim's output."""
    vim = shutil.which("vim")
    if vim is None or not ALE.is_dir():
        if os.environ.get("CI"):
            pytest.fail("CI installs vim and vim-ale (.ci/editors); one is missing")
        pytest.skip("Vim with ALE is not installed (apt-get install vim vim-ale)")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    path = workspace / "app.py"
    path.write_text(SOURCE, encoding="utf-8")
    config_vim = tmp_path / "config.vim"
    config_vim.write_text(documented_config(), encoding="utf-8")
    config = {
        "config": str(config_vim),
        "file": str(path),
        "diagnostics": 3,
        "actions": actions,
        "results": str(tmp_path / "results.json"),
        "timeout": 20,
    }
    env = driver_environment(tmp_path, config)
    done = subprocess.run(
        [vim, "-N", "-u", str(DRIVER), "-i", "NONE", "-es"],
        env=env,
        cwd=workspace,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    results_file = tmp_path / "results.json"
    assert results_file.exists(), f"Vim wrote no results ({done.returncode}):\n{done.stdout}"
    results: dict[str, Any] = json.loads(results_file.read_text(encoding="utf-8"))
    return results, done.stdout


@pytest.mark.e2e
def test_quick_fixes_and_fix_all_edit_the_buffer_in_vim_with_ale(tmp_path: Path) -> None:
    actions = [
        {  # inside `value`: ALE asks for the word's range and sends no diagnostic
            "step": "quick fix on a word",
            "line": 1,
            "column": 13,
            "title": "Replace `==` with `is`",
            "expect": "    return value is None\n\n\ndef is_present",
        },
        {  # at the start of `value`: ALE echoes the diagnostic there, without data or source
            "step": "quick fix on a diagnostic",
            "line": 5,
            "column": 11,
            "title": "Replace `!=` with `is not`",
            "expect": "return value is not None",
        },
        {
            "step": "fix all",
            "line": 8,
            "column": 4,
            "title": "Apply 1 verified peer fix",
            "expect": "def is_unset(value):\n    return value is None",
        },
    ]
    results, output = run_vim(tmp_path, actions)

    assert results["failure"] is None, f"{results}\n{output[-3000:]}"
    found = [(d["lnum"], d["code"]) for d in results["diagnostics"]]
    assert found == [
        (2, "py-none-comparison"),
        (6, "py-none-comparison"),
        (10, "py-none-comparison"),
    ]
    on_word, on_diagnostic, fix_all = results["steps"]
    assert on_word["text"] == WORD_FIXED
    assert on_diagnostic["text"] == ECHO_FIXED
    assert fix_all["text"] == ALL_FIXED
    # the finding's own actions, then fix-all
    assert on_word["offered"][:2] == [
        "Replace `==` with `is`",
        "Ignore this finding (py-none-comparison)",
    ]
    assert on_word["offered"][-1] == "Apply 3 verified peer fixes"
