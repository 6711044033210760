"""The editor-latency benchmark's inputs (bench/editor_latency.py, bench/typing_script.py):
the generated files parse, the start-up file has exactly the one syntax error it claims,
and every typing edit's ``parses`` flag agrees with a parser that is not peer's (Python's
``compile()``, V8 through a real ``node`` process).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from editor_latency import (  # noqa: E402
    generate_javascript,
    generate_python,
    plan_edits,
    startup_source,
)
from typing_script import _Key, apply, node_check, parses, typing_edits  # noqa: E402

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")


def _node_parses_file(path: Path) -> bool:
    node = shutil.which("node")
    assert node is not None
    return (
        subprocess.run([node, "--check", str(path)], capture_output=True, check=False).returncode
        == 0
    )


def _replay(lines: list[str], edits: list) -> list[list[str]]:
    """Every state of the file, after each edit."""
    state, states = list(lines), []
    for e in edits:
        apply(state, e.line, e.column, e.text, e.removed)
        states.append(list(state))
    return states


@needs_node
def test_generated_javascript_parses_with_node_and_has_the_exact_size(tmp_path: Path) -> None:
    for n in (150, 1000, 3000):
        source = generate_javascript(n, 7)
        assert len(source.lines) == n
        path = tmp_path / f"g{n}.js"
        path.write_text(source.text)
        assert _node_parses_file(path), n
        assert all(source.lines[c].strip() == "}" for c in source.closer_lines)
        assert source.body_lines
    assert generate_javascript(1000, 7).lines == generate_javascript(1000, 7).lines


@needs_node
def test_startup_files_have_one_syntax_error_at_the_line_they_name(tmp_path: Path) -> None:
    source, line = startup_source("python")
    assert len(source.lines) == 1000
    assert not parses(source.lines)
    with pytest.raises(SyntaxError) as raised:
        compile(source.text, "startup.py", "exec")
    assert raised.value.lineno == line + 1  # "'[' was never closed" at the open bracket

    source, line = startup_source("javascript")
    assert len(source.lines) == 1000
    path = tmp_path / "startup.js"
    path.write_text(source.text)
    assert not _node_parses_file(path)
    fixed = list(source.lines)
    fixed[line] = fixed[line].replace(";", "];")
    assert node_check(fixed) == (True, [])


@needs_node
def test_javascript_typing_flags_agree_with_node_on_every_state(tmp_path: Path) -> None:
    source = generate_javascript(400, 3)
    edits = typing_edits(source.lines, source.body_lines, 100, 3, "javascript", source.closer_lines)
    assert len(edits) == 100
    states = _replay(source.lines, edits)
    # the script deleted a function's closing brace, broke the file, and typed it again
    deleted = [n for n, e in enumerate(edits) if e.removed]
    assert deleted
    n = deleted[0]
    before = states[n - 1] if n else source.lines
    assert before[edits[n].line].strip() == "}"
    assert not edits[n].parses
    retyped = n + len("  CACHE.set(label, total);\n") + len(before[edits[n].line])
    assert edits[retyped].text == "}"
    assert edits[retyped].parses
    assert sum(e.parses for e in edits) >= 5
    # node --check, one process per state, says the same as the one-process check
    for n, state in enumerate(states):
        path = tmp_path / f"state{n}.js"
        path.write_text("\n".join(state) + "\n")
        assert _node_parses_file(path) == edits[n].parses, (n, edits[n])


def test_python_typing_goes_through_docstrings_and_retyped_brackets() -> None:
    source = generate_python(600, 5)
    edits = typing_edits(source.lines, source.body_lines, 400, 5, "python", source.closer_lines)
    states = _replay(source.lines, edits)
    assert [parses(s) for s in states] == [e.parses for e in edits]
    typed = "".join(e.text for e in edits)
    assert '"""' in typed
    deleted = [n for n, e in enumerate(edits) if e.removed and n + 8 < len(edits)]
    assert deleted
    for n in deleted:
        closer = (states[n - 1] if n else source.lines)[edits[n].line][edits[n].column]
        assert closer in ")]"
        assert not edits[n].parses
        # the same bracket is typed again where it was, after ", total", and the file parses
        retyped = edits[n + len(", total") + 1]
        assert retyped.text == closer
        assert retyped.parses


def test_typing_plan_keeps_deletions_as_ranges() -> None:
    source = generate_python(600, 5)
    planned = plan_edits(source, 400, 5, "typing")
    deletions = [e for e in planned if e.end > e.start]
    assert deletions
    assert all(e.text == "" and e.end == e.start + 1 for e in deletions)


@needs_node
def test_node_check_flags_each_key_on_the_state_it_leaves() -> None:
    keys = [_Key(0, 10, "[", 0), _Key(0, 11, "]", 0), _Key(0, 11, "", 1), _Key(0, 10, "", 1)]
    assert node_check(["let a = 1;"], keys) == (True, [False, True, False, True])
    assert node_check(["let a = ;"]) == (False, [])
