"""No secret of the corpus reaches a model: not through the prompt a unit becomes, not through
the guard's own scan of raw text; and files without secrets are sent exactly as written.

The corpus (secret_corpus.py) holds each secret in the syntaxes real files use. The prompt
path is the one the server and `peer check` take: a `Document` opened from the file's path
(its language picks units, or line chunks when no grammar knows it), `build_review_request`
for every unit, then `Guard.prepare`, whose result is what a provider receives.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received, Reply
from secret_corpus import NEGATIVES, SAMPLES, Filled, Sample, fragments, leaks, materialize

from peer_lsp.documents.store import Document
from peer_lsp.llm.guard import Guard, is_excluded, redact
from peer_lsp.review.prompt.request import build_review_request
from peer_lsp.settings.model import Settings
from peer_lsp.syntax.languages import language_for_path

SEED = 0x5EC2E7


def _filled(sample: Sample) -> Filled:
    """The sample with values of its own: the same for a sample in every test, per seed."""
    return materialize(sample, random.Random(f"{SEED}:{sample.id}"))


def sent_for(path: str, text: str) -> list[str]:
    """Every message a provider would receive for ``path`` holding ``text``."""
    document = Document.open(f"file:///project/{path}", text)
    guard = Guard(Settings(send_exclude=()))
    messages = []
    for unit in document.units:
        request = guard.prepare(build_review_request(unit, document, path=path), "p", "m")
        messages += [request.system, request.user]
    return messages


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_no_secret_in_what_is_sent(sample: Sample) -> None:
    filled = _filled(sample)
    sent = "\n".join(sent_for(sample.path, filled.text))
    assert sent, "the file became no request at all"
    assert leaks(filled, sent) == []


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_the_guard_alone_redacts_the_raw_file(sample: Sample) -> None:
    filled = _filled(sample)
    assert leaks(filled, redact(filled.text).text) == []


@pytest.mark.parametrize("sample", NEGATIVES, ids=lambda s: s.id)
def test_files_without_secrets_are_sent_as_written(sample: Sample) -> None:
    assert redact(sample.text).text == sample.text
    sent = "\n".join(sent_for(sample.path, sample.text))
    assert "<redacted:" not in sent
    document = Document.open(f"file:///project/{sample.path}", sample.text)
    for unit in document.units:
        for line in unit.text.splitlines():
            assert line.strip() in sent


# -- end to end: `peer check` in a process of its own, against the fake vendor ---------------


def _project(folder: Path, fake: FakeServer) -> list[Filled]:
    """The whole corpus as files of one project, configured for ``fake``."""
    filled = [_filled(sample) for sample in SAMPLES]
    for item in filled:
        path = folder / "samples" / item.sample.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.text, encoding="utf-8")
    settings = {
        "cacheDir": str(folder / "cache"),
        "auditLog": str(folder / "state" / "audit.jsonl"),
        "ollamaAutodetect": False,
        "maxReviewsInFlight": 4,
        # every file, config files too: what is not worth a review by default is still
        # sent when the user says so, and must still leave its secrets behind
        "reviewInclude": ["**"],
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    lines += ["[[providers]]", 'preset = "vllm"', 'id = "fake"', 'model = "m"']
    lines.append(f"baseUrl = {json.dumps(fake.url + '/v1')}")
    (folder / ".peer.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return filled


def _check(folder: Path) -> subprocess.CompletedProcess[str]:
    home = folder / "home"
    environment = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    command = [sys.executable, "-m", "peer_lsp", "check", "--log-level", "debug"]
    command += ["--log-file", str(folder / "state" / "peer.log"), "--no-progress", "samples"]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=folder,
        env=environment,
        check=False,
        timeout=300,
    )


def _no_findings(received: Received) -> Reply:
    """An answer without findings, streamed when the request asks for a stream."""
    text = json.dumps({"findings": []})
    return oa.stream([text]) if received.json.get("stream") else oa.ok(text)


def _stored_bytes(folder: Path) -> dict[str, bytes]:
    """Every file the run wrote outside the samples: cache, audit log, log, home."""
    stored = {}
    for path in folder.rglob("*"):
        if path.is_file() and "samples" not in path.relative_to(folder).parts:
            stored[str(path.relative_to(folder))] = path.read_bytes()
    return stored


def _sent_files(fake: FakeServer) -> set[str]:
    return {
        match.group(1)
        for received in fake.requests
        for match in re.finditer(r"^File: samples/(\S+)$", received.text.replace("\\n", "\n"), re.M)
    }


def test_peer_check_sends_no_secret_anywhere(fake: FakeServer, tmp_path: Path) -> None:
    fake.respond_with(_no_findings)
    filled = _project(tmp_path, fake)
    result = _check(tmp_path)
    assert result.returncode in (0, 1), result.stderr
    # every kind of file peer check walks was sent (not .env: sendExclude; not INI: no grammar)
    expected = {
        item.sample.path
        for item in filled
        if language_for_path(item.sample.path) and not is_excluded(item.sample.path)
    }
    assert _sent_files(fake) == expected
    assert {"config/app.yaml", "scripts/export.sh", "docker/Dockerfile"} <= expected
    first_run = len(fake.requests)
    assert first_run >= len(expected)
    # a second run answers from the cache: its keys do not change with the session
    second = _check(tmp_path)
    assert second.returncode in (0, 1), second.stderr
    reasked = len(fake.requests) - first_run  # checked last: the secret checks come first
    places = {f"request {n}": r.body for n, r in enumerate(fake.requests)}
    places |= _stored_bytes(tmp_path)
    assert any(name.startswith("cache") for name in places)
    assert "state/audit.jsonl" in places
    assert "state/peer.log" in places
    output = (result.stdout + result.stderr + second.stdout + second.stderr).encode()
    places["output"] = output
    leaked = [
        (item.sample.id, where)
        for item in filled
        for secret in item.secrets
        for where, data in places.items()
        for part in fragments(secret)
        if part.encode() in data or json.dumps(part).encode()[1:-1] in data
    ]
    assert leaked == []
    assert reasked == 0, f"{reasked} request(s) sent again: the first run's answers not all stored"
