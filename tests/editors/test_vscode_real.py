"""The VS Code extension in a real VS Code, against the real server and a fake model.

VS Code is code-server (VS Code in a browser) shown by Debian's Chromium, headless, and driven
through playwright-core by tests/editors/vscode_driver.mjs, as a user would: the packaged
extension (editors/vscode/peer-lsp.vsix, from .ci/editors) is installed into a fresh
extensions folder, ``peer.server.command`` starts this checkout's server with this
interpreter, and a workspace holds a Python file with a syntax error, a ``== None`` that a
local rule reports (with a fix), and two problems only the fake model reports (with verified
fixes). The driver waits for, and records, the Problems panel, the status bar item, the hover
of a model finding, the quick-fix menu of the rule's finding and that fix applied, then
"peer: Fix All" applied, then saves; this test asserts on what it saw and on the saved file.

Installed by .ci/vscode (outside the repository), found through ``PEER_CODE_SERVER``,
``PEER_PLAYWRIGHT_CORE`` and ``PEER_CHROMIUM``. Without them the test is skipped, unless
``PEER_VSCODE_REQUIRED=1`` (CI sets it): then it fails. When it fails, its screenshots are
kept in ``$PEER_ARTIFACTS/vscode`` (default tests/editors/artifacts/vscode, ignored by git).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from editor_workspace import EMPTY, INDEX, SOURCE
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Gate, Received, Reply

ROOT = Path(__file__).resolve().parents[2]
VSIX = ROOT / "editors" / "vscode" / "peer-lsp.vsix"
DRIVER = Path(__file__).with_name("vscode_driver.mjs")
ARTIFACTS = Path(os.environ.get("PEER_ARTIFACTS") or Path(__file__).with_name("artifacts"))

STEP_TIMEOUT_MS = 30_000
"""Longest wait of one step in the browser (the first review includes the server's start)."""
LISTENING = re.compile(r"HTTP server listening on (http://127\.0\.0\.1:\d+/)")
STATUS = r"peer: m · \d+% cached"
"""The status bar item once the model answered (its check mark is an icon, not text)."""
RUN_TIMEOUT_S = 240
"""Longest whole run, so that a browser that hangs fails the test instead of the suite."""

QUICK_FIXED = SOURCE.replace("value == None", "value is None")
ALL_FIXED = QUICK_FIXED.replace("len(values)\n", "len(values) if values else 0.0\n").replace(
    "words[1]", "words[0]"
)

# Problems no local rule reports: only the model finds them, each with a fix the server
# verifies before offering it.


@dataclass(frozen=True)
class Tools:
    """What .ci/vscode installed."""

    code_server: Path
    playwright: Path
    chromium: Path
    node: Path


def tools() -> Tools:
    """The installed programs, or skip (fail when ``PEER_VSCODE_REQUIRED=1``)."""
    found = {
        "PEER_CODE_SERVER": os.environ.get("PEER_CODE_SERVER", ""),
        "PEER_PLAYWRIGHT_CORE": os.environ.get("PEER_PLAYWRIGHT_CORE", ""),
        "PEER_CHROMIUM": os.environ.get("PEER_CHROMIUM", ""),
    }
    missing = [name for name, value in found.items() if not value or not Path(value).exists()]
    node = shutil.which("node")
    if node is None:
        missing.append("node on PATH")
    if not VSIX.is_file():
        missing.append(f"{VSIX.relative_to(ROOT)} (npm run package)")
    if missing:
        reason = f'no real VS Code here ({", ".join(missing)}): eval "$(bash .ci/vscode)"'
        if os.environ.get("PEER_VSCODE_REQUIRED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    assert node is not None
    return Tools(
        Path(found["PEER_CODE_SERVER"]),
        Path(found["PEER_PLAYWRIGHT_CORE"]),
        Path(found["PEER_CHROMIUM"]),
        Path(node),
    )


EXPLAINED = ["An empty list ", "makes `len(values)` zero: ", "the division raises."]
HELD = ["With one word, ", "index 1 is past the end."]
"""The fake model's explanations: the first in full, the second cut off after its first piece
(the rest held until the connection closes)."""


SUGGESTED = ["def test_average_of_no_values():\n", "    assert average([]) == 0.0\n"]
"""The fake model's suggested test, in two pieces."""


def model(held: Gate) -> Callable[[Received], Reply]:
    """The fake model: reviews as `review`; explanations streamed as `explanation`, tests
    as `SUGGESTED`."""

    def answer(received: Received) -> Reply:
        if review_format.is_explain(received):
            return explanation(received, held)
        if review_format.is_test(received):
            return oa.stream(SUGGESTED)
        return review(received)

    return answer


def explanation(received: Received, held: Gate) -> Reply:
    """The average's finding explained in full; the first word's held after its first piece."""
    prompt = received.json["messages"][-1]["content"]
    if EMPTY["title"] in prompt:
        return oa.stream(EXPLAINED)
    answer = oa.stream(HELD)
    assert answer.chunks is not None
    first = next(i for i, chunk in enumerate(answer.chunks) if HELD[0] in str(chunk))
    return dataclasses.replace(answer, paused=held, pause_after=first + 1)


def review(received: Received) -> Reply:
    """The fake model: each problem while it is in the code, nothing once it is fixed."""
    text = review_format.answer(received.json["messages"][-1]["content"], problems)
    if received.json.get("stream"):
        answer = oa.stream([text])
        assert answer.chunks is not None
        answer.chunks = [  # the model the request named, as a vendor answers
            c.replace(f'"model": "{oa.MODEL}"', '"model": "m"') if isinstance(c, str) else c
            for c in answer.chunks
        ]
        return answer
    answer = oa.ok(text)
    assert isinstance(answer.body, dict)
    answer.body["model"] = "m"
    return answer


def problems(unit: str) -> list[dict[str, Any]]:
    """What the fake model finds in one unit's prompt (alone or in a batch)."""
    findings: list[dict[str, Any]] = []
    if "def average" in unit and "return total / len(values)\n" in unit:
        findings.append(EMPTY)
    if "def first_word" in unit and "return words[1]" in unit:
        findings.append(INDEX)
    return findings


class Listening:
    """Copies code-server's output to its log, and tells where it listens once it says so."""

    def __init__(self, process: subprocess.Popen[str], log: Path) -> None:
        self._process = process
        self._log = log
        self._url: str | None = None
        self._said = threading.Event()
        self.copied = threading.Thread(target=self._copy, daemon=True)
        self.copied.start()

    def _copy(self) -> None:
        assert self._process.stdout is not None
        with self._log.open("w", encoding="utf-8") as sink:
            for line in self._process.stdout:
                sink.write(line)
                sink.flush()
                found = LISTENING.search(line)
                if found and self._url is None:
                    self._url = found.group(1)
                    self._said.set()
        self._said.set()  # it ended without listening

    def address(self, timeout: float) -> str:
        """``http://127.0.0.1:PORT/``, once code-server listens."""
        self._said.wait(timeout)
        log = self._log.read_text(encoding="utf-8") if self._log.exists() else ""
        assert self._url is not None, f"code-server does not listen:\n{log}"
        return self._url


@dataclass
class CodeServer:
    """A running code-server: its address and its log."""

    url: str
    log: Path


@pytest.fixture
def code_server(tmp_path: Path, fake: FakeServer) -> Iterator[tuple[Tools, CodeServer]]:
    """code-server with its own user-data and extensions folders, the packaged extension
    installed, settings that start this checkout's server against the fake model, and the
    workspace folder open."""
    found = tools()
    user_data = tmp_path / "user-data"
    extensions = tmp_path / "extensions"
    home = tmp_path / "home"
    for folder in (user_data / "User", extensions, home):
        folder.mkdir(parents=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    base = [str(found.node), str(found.code_server)]
    dirs = ["--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    installed = subprocess.run(
        [*base, *dirs, "--install-extension", str(VSIX)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert any(p.name.startswith("peer-lsp.peer-lsp-") for p in extensions.iterdir())

    settings = {
        # a fresh VS Code, without what would cover the editor
        "security.workspace.trust.enabled": False,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "extensions.ignoreRecommendations": True,
        "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "files.autoSave": "off",
        "editor.hover.delay": 100,
        "peer.server.command": [
            sys.executable,
            "-m",
            "peer_lsp",
            "serve",
            "--log-file",
            str(tmp_path / "peer.log"),
        ],
        "peer.providers": [
            {"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}
        ],
        "peer.cacheDir": str(tmp_path / "cache"),
        "peer.auditLog": str(tmp_path / "audit.jsonl"),
        "peer.reviewOn": ["open"],
        "peer.ollamaAutodetect": False,
        "peer.logLevel": "debug",
    }
    (user_data / "User" / "settings.json").write_text(json.dumps(settings), encoding="utf-8")

    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / ".peer.toml").write_text("", encoding="utf-8")
    (workspace / "app.py").write_text(SOURCE, encoding="utf-8")

    log = tmp_path / "code-server.log"
    process = subprocess.Popen(
        [
            *base,
            *dirs,
            "--auth",
            "none",
            "--bind-addr",
            "127.0.0.1:0",  # a free port, which it prints
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--disable-getting-started-override",
            str(workspace),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    listening = Listening(process, log)
    try:
        address = listening.address(timeout=60)
        yield found, CodeServer(f"{address}?folder={workspace}", log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        listening.copied.join(timeout=10)


def drive(tmp_path: Path, found: Tools, server: CodeServer) -> dict[str, Any]:
    """Run the driver against ``server``; return what it saw."""
    screenshots = tmp_path / "screenshots"
    config = {
        "url": server.url,
        "file": "app.py",
        "playwright": str(found.playwright),
        "chromium": str(found.chromium),
        "screenshots": str(screenshots),
        "results": str(tmp_path / "results.json"),
        "timeout_ms": STEP_TIMEOUT_MS,
        "problems": [
            "'(' was never closed",
            "Compare to `None` with `is`",
            EMPTY["title"],
            INDEX["title"],
        ],
        "status": STATUS,
        "hover": {"line": 3, "column": 20, "expect": "Confidence"},
        "explain": {"line": 3, "column": 5, "expect": "".join(EXPLAINED).replace("`", "")},
        "explain_closed": {"line": 8, "column": 5, "expect": HELD[0].strip()},
        "suggest_test": {"line": 3, "column": 5, "expect": SUGGESTED[1].strip()},
        "quick_fix": {
            "line": 12,
            "column": 20,
            "title": "Replace `==` with `is`",
            "expect": "return value is None",
        },
        "fix_all_expect": ["if values else 0.0", "return words[0]"],
    }
    config_file = tmp_path / "driver.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [str(found.node), str(DRIVER), str(config_file)],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    results_file = tmp_path / "results.json"
    assert results_file.exists(), f"the driver wrote no results: {done.returncode}\n{done.stderr}"
    results: dict[str, Any] = json.loads(results_file.read_text(encoding="utf-8"))
    return results


def keep_screenshots(tmp_path: Path, name: str) -> Path:
    """Copy the run's screenshots and logs where CI keeps artifacts; return the folder."""
    target = ARTIFACTS / "vscode" / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shots = tmp_path / "screenshots"
    if shots.is_dir():
        shutil.copytree(shots, target, dirs_exist_ok=True)
    for log in ("code-server.log", "peer.log", "results.json"):
        if (tmp_path / log).is_file():
            shutil.copy(tmp_path / log, target / log)
    return target


def step(results: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in results["steps"] if s["step"] == name)
    return found


@pytest.mark.e2e
def test_review_hover_quick_fix_and_fix_all_in_real_vscode(
    tmp_path: Path, fake: FakeServer, code_server: tuple[Tools, CodeServer]
) -> None:
    held = fake.gate()  # never opened: the second explanation stays unfinished
    fake.respond_with(model(held))
    found, server = code_server
    results: dict[str, Any] = {}
    try:
        results = drive(tmp_path, found, server)
        assert "failure" not in results, json.dumps(results, indent=2)

        rows = step(results, "problems")["rows"]
        assert rows[0] == "4 problems in file app.py of folder ."
        seen = sorted(re.sub(r"\(\d+% confident\)", "(N% confident)", row) for row in rows[1:])
        assert seen == sorted(
            [
                f"Error: {EMPTY['title']} (N% confident) at line 3 and character 5."
                " generated by peer",
                f"Warning: {INDEX['title']} (N% confident) at line 8 and character 5."
                " generated by peer",
                "Warning: Compare to `None` with `is` / `is not`, not `==`"
                " at line 12 and character 12. generated by peer",
                "Error: '(' was never closed at line 15 and character 6. generated by peer",
            ]
        )
        assert step(results, "problems")["squiggles"] == {"error": 2, "warning": 2}

        status = step(results, "status")
        assert re.fullmatch(STATUS, status["text"])
        assert "Model: m (fake)" in status["label"]  # the tooltip's markdown

        hover = step(results, "hover")["text"]
        assert EMPTY["title"] in hover
        assert EMPTY["explanation"] in hover
        assert re.search(r"Confidence: [█░]{10} \d+%", hover), hover
        assert "Fix: verified" in hover

        explained = step(results, "explain")
        assert any("Explain this finding" in action for action in explained["actions"])
        assert EMPTY["title"] in explained["text"]  # the finding's document, rendered
        assert "".join(EXPLAINED).replace("`", "") in explained["text"]  # the model's, streamed
        closed = step(results, "explain closed while streaming")
        assert HELD[0].strip() in closed["text"]
        assert HELD[1] not in closed["text"]
        (unfinished,) = [
            r
            for r in fake.requests
            if review_format.is_explain(r) and INDEX["title"] in r.body.decode()
        ]
        assert fake.wait_until(lambda: unfinished.disconnected), "closing the view did not hang up"
        assert not unfinished.completed

        suggested = step(results, "suggest a test")["text"]
        assert "".join(SUGGESTED).rstrip("\n") in suggested
        (asked,) = [r for r in fake.requests if review_format.is_test(r)]
        assert "def average" in asked.json["messages"][-1]["content"]

        quick_fix = step(results, "quick fix")
        assert any("Replace `==` with `is`" in action for action in quick_fix["actions"])
        assert QUICK_FIXED.rstrip("\n") in quick_fix["text"]
        assert ALL_FIXED.rstrip("\n") in step(results, "fix all")["text"]

        assert (tmp_path / "workspace" / "app.py").read_text(encoding="utf-8") == ALL_FIXED
    except BaseException:
        kept = keep_screenshots(tmp_path, "review_hover_quick_fix_and_fix_all")
        print(f"screenshots and logs kept in {kept}", file=sys.stderr)
        raise
