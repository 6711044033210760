"""Minified files (`peer_lsp.rules.minified`): their rule findings are hints, through the
engine the server and `peer check` share; hand-written code of the same text is not."""

from __future__ import annotations

from peer_lsp.analysis.engine import Engine
from peer_lsp.findings.model import Severity
from peer_lsp.rules.minified import MINIFIED_AVERAGE, MINIFIED_LEAST, is_minified
from peer_lsp.settings.model import Settings

STATEMENT = "function f{n}(a){{var b=a+{n};return b*2}}"
SINK = "function run(c){return eval(c)}"


def _minified() -> str:
    """One long line of small functions and an ``eval`` of a parameter, as a bundler writes."""
    body = ";".join(STATEMENT.format(n=n) for n in range(120))
    return f"{body};{SINK};\n"


def _formatted() -> str:
    """The same code, one statement a line."""
    lines = [STATEMENT.format(n=n) for n in range(120)]
    return "\n".join([*lines, SINK, ""])


def _evals(text: str) -> list[Severity]:
    engine = Engine(Settings())
    engine.open("/web/lib/app.js", text, "javascript")
    return [f.severity for f in engine.findings("/web/lib/app.js") if f.rule_id == "js-eval"]


def test_the_measure() -> None:
    long_line = "x" * (MINIFIED_AVERAGE + 10)
    assert is_minified((long_line + "\n").encode() * 30, "javascript")
    assert not is_minified((long_line + "\n").encode() * 30, "python")
    assert not is_minified(long_line.encode(), "javascript")  # shorter than MINIFIED_LEAST
    assert not is_minified(("y" * 40 + "\n").encode() * (MINIFIED_LEAST // 10), "javascript")


def test_findings_in_minified_code_are_hints() -> None:
    assert is_minified(_minified().encode(), "javascript")
    assert _evals(_minified()) == [Severity.HINT]


def test_the_same_code_written_by_hand_keeps_its_severity() -> None:
    assert not is_minified(_formatted().encode(), "javascript")
    assert _evals(_formatted()) == [Severity.WARNING]
