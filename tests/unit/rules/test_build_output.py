"""Files a build wrote (`peer_lsp.rules.build_output`): their rule findings are hints,
through the engine the server and `peer check` share; hand-written code of the same text, or
in a folder that is not a build's, keeps its severity."""

from __future__ import annotations

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.findings.model import Severity
from peer_lsp.rules.build_output import (
    MINIFIED_AVERAGE,
    MINIFIED_LEAST,
    in_build_folder,
    is_build_output,
    is_minified,
)
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


def _evals(text: str, path: str = "/web/lib/app.js", grammar: str = "javascript") -> list[Severity]:
    engine = Engine(Settings())
    engine.open(path, text, grammar)
    return [f.severity for f in engine.findings(path) if f.rule_id.endswith("-eval")]


def test_the_minified_measure() -> None:
    long_line = "x" * (MINIFIED_AVERAGE + 10)
    assert is_minified((long_line + "\n").encode() * 30, "javascript")
    assert not is_minified((long_line + "\n").encode() * 30, "python")
    assert not is_minified(long_line.encode(), "javascript")  # shorter than MINIFIED_LEAST
    assert not is_minified(("y" * 40 + "\n").encode() * (MINIFIED_LEAST // 10), "javascript")


@pytest.mark.parametrize(
    ("path", "built"),
    [
        ("/web/node_modules/vue/dist/vue.cjs.js", True),
        ("file:///home/me/app/dist/main.js", True),
        ("C:\\app\\dist\\main.js", True),
        ("/web/src/dist.js", False),
        ("/web/distribution/main.js", False),
        ("/web/build/main.js", False),
    ],
)
def test_build_folders(path: str, built: bool) -> None:
    assert in_build_folder(path) is built


def test_findings_in_minified_code_are_hints() -> None:
    assert is_minified(_minified().encode(), "javascript")
    assert _evals(_minified()) == [Severity.HINT]


def test_findings_in_a_dist_folder_are_hints() -> None:
    assert _evals(_formatted(), "/web/node_modules/lib/dist/lib.cjs.js") == [Severity.HINT]


def test_hand_written_code_keeps_its_severity() -> None:
    assert not is_build_output("/web/lib/app.js", _formatted().encode(), "javascript")
    assert _evals(_formatted()) == [Severity.WARNING]


def test_a_python_dist_folder_is_not_a_build_output() -> None:
    source = "def run(code):\n    return eval(code)\n"
    assert not is_build_output("/proj/dist/run.py", source.encode(), "python")
    assert _evals(source, "/proj/dist/run.py", "python") == [Severity.WARNING]
