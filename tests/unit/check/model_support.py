"""What the command-line model tests share: a project configured for the fake vendor, and
a fake that finds `eval` in the unit that calls it.

The fake is the real local HTTP server of tests/fakes, playing an OpenAI-compatible vendor
(preset ``vllm``); the settings go through a ``.peer.toml`` in the test's folder, with the
cache and the audit log there too, no Ollama autodetection, and the local rules off (the
`eval` the fake finds is also what ``py-eval`` reports; tests/unit/rules tests the rules).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes import openai as oa
from fakes.review_format import answer, is_explain, placed, unit_prompts
from fakes.server import FakeServer, Received, Reply, Responder

from peer_lsp.cli import main

SOURCE = (
    "import ast\nimport os\n\ndef risky(expr):\n    return eval(expr)\n\n\n"
    "def safe(x):\n    return x + 1\n"
)
EVAL_LINE = 5
FIXED = SOURCE.replace("return eval(expr)", "return ast.literal_eval(expr)")
EVAL_FINDING: dict[str, Any] = {
    "severity": "error",
    "category": "security",
    "title": "eval on caller input",
    "message": "eval executes arbitrary code from expr.",
    "explanation": "Use `ast.literal_eval` for literals.",
    "excerpt": "return eval(expr)",
    "line": 2,
    "end_line": 2,
    "confidence": 0.9,
    "fix": {"replacement": "    return ast.literal_eval(expr)", "start_line": 2, "end_line": 2},
}
_NAME = re.compile(r"^Name: (\S+)$", re.MULTILINE)
_BILL = re.compile(
    r"^peer check: ([\d,]+ requests? \([\d,]+ units?\), [\d,]+ units? from cache, "
    r"[\d,]+ tokens in, [\d,]+ out, [^,]+(?:, [^,]+)*), \d+\.\d s$"
)


def reply(received: Received, findings: list[dict[str, Any]]) -> Reply:
    """An answer holding ``findings`` (in a batch, each with the unit quoting its excerpt),
    streamed when the request asks for a stream."""
    text = placed(user_prompt(received), findings)
    if received.json.get("stream"):
        return oa.stream([text[: len(text) // 2], text[len(text) // 2 :]])
    return oa.ok(text)


def user_prompt(received: Received) -> str:
    content: str = received.json["messages"][-1]["content"]
    return content


def per_unit(findings_of: Callable[[str], list[dict[str, Any]]]) -> Responder:
    """A responder giving each unit asked about (alone or in a batch) ``findings_of(its
    prompt)``, streamed when the request asks for a stream."""

    def respond(received: Received) -> Reply:
        text = answer(user_prompt(received), findings_of)
        if received.json.get("stream"):
            return oa.stream([text[: len(text) // 2], text[len(text) // 2 :]])
        return oa.ok(text)

    return respond


def answer_with(finding: dict[str, Any]) -> Responder:
    """A responder: ``finding`` for the unit that calls eval, nothing for the others."""
    return per_unit(lambda unit: [finding] if "eval(expr)" in unit else [])


def units_sent(fake: FakeServer) -> list[str]:
    """The names of the units the fake was asked to review, in order (not explain)."""
    names = []
    for received in fake.requests:
        if is_explain(received):
            continue
        for _, unit in unit_prompts(user_prompt(received)):
            match = _NAME.search(unit)
            names.append(match.group(1) if match else "?")
    return names


def configure(folder: Path, fake: FakeServer | None, **extra: object) -> Path:
    """A ``.peer.toml`` in ``folder`` using ``fake`` (no provider when None)."""
    settings: dict[str, object] = {
        "cacheDir": str(folder / "cache"),
        "auditLog": str(folder / "audit.jsonl"),
        "ollamaAutodetect": False,
        "disableRules": ["all"],  # model and syntax findings only: rules have their own tests
        **extra,
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    if fake is not None:
        lines += [
            "[[providers]]",
            'preset = "vllm"',
            'id = "fake"',
            'model = "m"',
            f"baseUrl = {json.dumps(fake.url + '/v1')}",
        ]
    path = folder / ".peer.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``peer ARGV`` in this process: exit code, stdout, stderr."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def split_bill(err: str) -> tuple[str, str]:
    """`peer check`'s stderr before its last line, and that line, the bill (which a run with
    a model always ends with), without the program's name and the time."""
    *rest, last = err.splitlines(keepends=True)
    match = _BILL.match(last.rstrip("\n"))
    assert match is not None, f"no bill at the end of {err!r}"
    return "".join(rest), match.group(1)


def without_bill(err: str) -> str:
    """`peer check`'s stderr without the bill it ends with."""
    return split_bill(err)[0]
