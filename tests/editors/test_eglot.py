"""The Emacs configuration in docs/editors.md works: eglot connects and shows peer's findings.

Emacs runs in batch mode (tests/editors/eglot_driver.el) with the documentation's elisp block
loaded as it is; the test adds a workspace configuration naming the fake model, so a model
finding arriving through Flymake also shows that eglot passes the `peer` settings. CI installs
Debian's emacs-nox and elpa-eglot (.ci/editors); elsewhere the test is skipped without Emacs.
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
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Received, Reply

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "editors.md"
DRIVER = Path(__file__).with_name("eglot_driver.el")

SOURCE = (
    "def first_word(text):\n    words = text.split()\n    return words[1]\n\n\nprint('unclosed'\n"
)
INDEX = {
    "severity": "warning",
    "category": "bug",
    "title": "the first word is at index 0",
    "message": "words[1] is the second word.",
    "excerpt": "return words[1]",
    "line": 3,
    "end_line": 3,
    "confidence": 0.85,
}


def documented_config() -> str:
    """The first elisp block of the Emacs section of docs/editors.md."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Emacs") :]
    match = re.search(r"```elisp\n(.*?)```", section, re.DOTALL)
    assert match is not None, "docs/editors.md has no elisp block under ## Emacs"
    return match.group(1)


def review(received: Received) -> Reply:
    user: str = received.json["messages"][-1]["content"]
    text = review_format.answer(user, lambda unit: [INDEX] if "return words[1]" in unit else [])
    return oa.stream([text]) if received.json.get("stream") else oa.ok(text)


def run_emacs(
    tmp_path: Path,
    source: str,
    settings: dict[str, Any],
    expect: list[str],
    actions: list[dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], str]:
    """Emacs in batch with the documented configuration and eglot_driver.el, on a file of
    ``source`` in a fresh project: what the driver saw, and Emacs's stderr."""
    emacs = shutil.which("emacs")
    if emacs is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs emacs-nox and elpa-eglot (.ci/editors); emacs is missing")
        pytest.skip("Emacs is not installed (apt-get install emacs-nox elpa-eglot)")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / ".git").mkdir()  # a project root for eglot
    path = workspace / "app.py"
    path.write_text(source, encoding="utf-8")
    config_el = tmp_path / "config.el"
    config_el.write_text(documented_config(), encoding="utf-8")
    config = {
        "config": str(config_el),
        "settings": {
            "cacheDir": str(tmp_path / "cache"),
            "auditLog": str(tmp_path / "audit.jsonl"),
            "ollamaAutodetect": False,
            **settings,
        },
        "file": str(path),
        "expect": expect,
        "actions": actions or [],
        "results": str(tmp_path / "results.json"),
        "timeout": 20,
    }
    env = driver_environment(tmp_path, config)
    done = subprocess.run(
        [emacs, "--batch", "-l", str(DRIVER)],
        env=env,
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    results_file = tmp_path / "results.json"
    assert results_file.exists(), f"Emacs wrote no results ({done.returncode}):\n{done.stderr}"
    results: dict[str, Any] = json.loads(results_file.read_text(encoding="utf-8"))
    return results, done.stderr


@pytest.mark.e2e
def test_documented_eglot_configuration_connects_and_shows_findings(
    tmp_path: Path, fake: FakeServer
) -> None:
    fake.respond_with(review)
    settings = {
        "providers": [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}],
        "reviewOn": ["open"],
    }
    expect = ["'(' was never closed", f"{INDEX['title']} ("]
    results, stderr = run_emacs(tmp_path, SOURCE, settings, expect)

    assert results["failure"] is None, f"{results}\n{stderr[-3000:]}"
    assert results["server"] == "peer-lsp"
    assert results["command"] == ["peer-lsp"]
    found = sorted((d["line"], d["text"]) for d in results["diagnostics"])
    assert [line for line, _ in found] == [2, 5]
    # eglot shows "source [code]: message"
    assert re.fullmatch(
        r"peer \[model:bug\]: the first word is at index 0 \(\d+% confident\)", found[0][1]
    )
    assert found[1][1] == "peer [syntax-error]: '(' was never closed"


NONE_TESTS = (
    "def is_missing(value):\n"
    "    return value == None\n"
    "\n"
    "\n"
    "def is_present(value):\n"
    "    return value != None\n"
)
QUICK_FIXED = NONE_TESTS.replace("value == None", "value is None")


@pytest.mark.e2e
def test_quick_fix_and_fix_all_edit_the_buffer_in_eglot(tmp_path: Path) -> None:
    """eglot 1.9 cannot resolve code actions: the edits come inside them, and eglot applies
    them (documentChanges at the buffer's version). Local rules only, no model."""
    actions = [
        {
            "step": "quick fix",
            "line": 1,
            "column": 16,  # on `==`
            "kind": "quickfix",
            "title": "Replace `==` with `is`",
            "expect": "return value is None",
        },
        {
            "step": "fix all",
            "line": 0,
            "column": 0,
            "kind": "source.fixAll.peer",
            "title": "Apply 1 verified peer fix",
            "expect": "return value is not None",
        },
    ]
    expect = ["peer [py-none-comparison]"]
    results, stderr = run_emacs(tmp_path, NONE_TESTS, {}, expect, actions)

    assert results["failure"] is None, f"{results}\n{stderr[-3000:]}"
    assert [line for line, _ in sorted((d["line"], d["text"]) for d in results["diagnostics"])] == [
        1,
        5,
    ]
    quick_fix, fix_all = results["steps"]
    assert quick_fix == {"step": "quick fix", "text": QUICK_FIXED}
    assert fix_all == {
        "step": "fix all",
        "text": QUICK_FIXED.replace("value != None", "value is not None"),
    }
