"""A fix is placed by the code its finding quotes, as the finding is: line numbers a few lines
off do not lose it, a fix meant for other code is still refused, and a class's answer is read
against what its skeleton showed."""

from __future__ import annotations

import json

import pytest
from corpus import SOURCES

from peer_lsp.documents.store import Document
from peer_lsp.findings.model import TextEdit
from peer_lsp.llm.types import Finish, LLMResponse, Usage
from peer_lsp.review.answer import locate
from peer_lsp.review.answer.candidates import Dropped
from peer_lsp.review.answer.locate import locate_all, to_fix_edit
from peer_lsp.review.answer.parse import parse_answer
from peer_lsp.review.pipeline import findings_from_answer
from peer_lsp.syntax.unit import Unit

# (source, unit, excerpt, unit line of the excerpt, replacement of that line)
FIXES = [
    (
        "py",
        "find_user",
        "% name",
        2,
        '    rows = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchall()',
    ),
    ("js", "readConfig", 'eval("(" + text + ")")', 3, "  const config = JSON.parse(text);"),
    ("go", "Count", "i <= len(items)", 3, "\tfor i := 0; i < len(items); i++ {"),
    (
        "java",
        "Report.join",
        "i <= parts.size()",
        3,
        "        for (int i = 0; i < parts.size(); i++) {",
    ),
]
OFFSETS = [d for d in range(-5, 6) if d]


def _open(key: str) -> Document:
    uri, language_id, text = SOURCES[key]
    return Document.open(uri, text, language_id)


def _unit(document: Document, name: str) -> Unit:
    return next(unit for unit in document.units if unit.qualified_name == name)


def _edit(document: Document, unit: Unit, answer: dict[str, object]) -> TextEdit | Dropped:
    parsed = parse_answer(json.dumps({"findings": [answer]}))
    (located,), _ = locate_all(parsed.candidates, unit, document)
    assert located.candidate.fix is not None
    return to_fix_edit(located.candidate.fix, unit, document, located)


def _answer(excerpt: str, line: int, replacement: str, fix_line: int) -> dict[str, object]:
    return {
        "severity": "error",
        "category": "bug",
        "title": "Wrong",
        "message": "Wrong.",
        "excerpt": excerpt,
        "line": line,
        "confidence": 0.9,
        "fix": {"replacement": replacement, "start_line": fix_line, "end_line": fix_line},
    }


def _replaced_line(document: Document, edit: TextEdit | Dropped) -> int:
    assert isinstance(edit, TextEdit), edit
    lines = document.lines
    first, last = lines.line_of(edit.start_byte), lines.line_of(edit.end_byte)
    assert first == last
    return first


@pytest.mark.parametrize("offset", OFFSETS)
@pytest.mark.parametrize(("source", "name", "excerpt", "line", "replacement"), FIXES)
def test_a_fix_numbered_like_its_finding_is_placed_by_the_excerpt(
    source: str, name: str, excerpt: str, line: int, replacement: str, offset: int
) -> None:
    document = _open(source)
    unit = _unit(document, name)
    answer = _answer(excerpt, line + offset, replacement, line + offset)
    edit = _edit(document, unit, answer)
    assert _replaced_line(document, edit) == unit.start_line + line - 1
    assert isinstance(edit, TextEdit)
    assert edit.new_text == replacement


@pytest.mark.parametrize("offset", OFFSETS)
@pytest.mark.parametrize(("source", "name", "excerpt", "line", "replacement"), FIXES)
def test_a_fix_whose_lines_alone_are_off_is_placed_by_what_it_replaces(
    source: str, name: str, excerpt: str, line: int, replacement: str, offset: int
) -> None:
    document = _open(source)
    unit = _unit(document, name)
    edit = _edit(document, unit, _answer(excerpt, line, replacement, line + offset))
    assert _replaced_line(document, edit) == unit.start_line + line - 1


@pytest.mark.parametrize(
    ("source", "name", "excerpt", "line", "replacement", "fix_line"),
    [
        (
            "java",
            "Report.join",
            "i <= parts.size()",
            3,
            "            out += parts.get(i).trim();",
            4,
        ),
        ("py", "find_user", "% name", 2, "    if not rows:", 4),
        ("go", "Count", "i <= len(items)", 3, "\treturn n + 0", 6),
    ],
)
def test_a_fix_for_other_code_is_still_refused(
    source: str, name: str, excerpt: str, line: int, replacement: str, fix_line: int
) -> None:
    document = _open(source)
    unit = _unit(document, name)
    edit = _edit(document, unit, _answer(excerpt, line, replacement, fix_line))
    assert isinstance(edit, Dropped)
    assert edit.reason == locate.FIX_MISPLACED


@pytest.mark.parametrize(("source", "name", "excerpt", "line", "replacement"), FIXES)
def test_a_fix_far_from_its_finding_is_not_placed_by_resemblance(
    source: str, name: str, excerpt: str, line: int, replacement: str
) -> None:
    """Ten lines past the unit is a fix meant for other code, not a miscount: even a
    replacement that resembles the quoted line is refused (seeded corpus: a model's fix of a
    signature, numbered past the unit, was placed on the signature and verified)."""
    document = _open(source)
    unit = _unit(document, name)
    far = unit.end_line - unit.start_line + 1 + 10
    edit = _edit(document, unit, _answer(excerpt, line, replacement, far))
    assert isinstance(edit, Dropped)
    assert edit.reason == locate.FIX_OUTSIDE


def test_a_shift_past_the_unit_is_refused_not_clipped() -> None:
    document = _open("py")
    unit = _unit(document, "find_user")
    # quoted at line 6 of the unit but said to be at line 1: the shift of 5 moves the fix's
    # line 2 past the unit's end, and line 2 itself is other code
    edit = _edit(document, unit, _answer("return rows[0]", 1, "    return None", 2))
    assert isinstance(edit, Dropped)
    assert edit.reason == locate.FIX_OUTSIDE


CLASS = """\
import json


class Store:
    limit = 10

    def load(self, raw, seen=[]):
        data = eval(raw)
        return data[: self.limit]
"""


def _response(findings: list[dict[str, object]]) -> LLMResponse:
    text = json.dumps({"findings": findings})
    return LLMResponse(text, Finish.STOP, Usage(), "fake", "m")


def test_a_member_finding_repeated_in_the_class_answer_is_shown_once() -> None:
    document = Document.open("file:///w/store.py", CLASS)
    store, load = _unit(document, "Store"), _unit(document, "Store.load")
    repeated = _answer("data = eval(raw)", 4, "        data = json.loads(raw)", 4)
    own = {**_answer("limit = 10", 2, "    limit = 100", 2), "title": "Small limit"}
    in_class = findings_from_answer(_response([repeated, own]), document, store)
    in_method = findings_from_answer(_response([{**repeated, "line": 2}]), document, load)
    assert [f.message for f in in_class.findings] == ["Small limit"]
    assert [d.reason for d in in_class.dropped] == [locate.FOLDED]
    (finding,) = in_method.findings
    assert finding.span.start_line == 7
    # a class fix may not write over lines the skeleton folded either
    wide = _answer("limit = 10", 2, "    limit = 100", 2)
    wide["fix"] = {"replacement": "    limit = 100\n", "start_line": 2, "end_line": 6}
    refused = _edit(document, store, wide)
    assert isinstance(refused, Dropped)
    assert refused.reason == locate.FIX_FOLDED
