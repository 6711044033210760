"""Locating candidates in their unit, turning fixes into edits, and the corpus end to end."""

from __future__ import annotations

import logging
from itertools import zip_longest

import pytest
from corpus import CASES, SOURCES, Case, Edit, Want
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peer_lsp.documents.store import Document
from peer_lsp.findings.model import TextEdit
from peer_lsp.review.answer.candidates import Candidate, Dropped, ProposedFix
from peer_lsp.review.answer.locate import (
    DUPLICATE,
    FIX_CROSSES,
    FIX_INVERTED,
    FIX_MISPLACED,
    FIX_OUTSIDE,
    FIX_UNANCHORED,
    NOT_FOUND,
    TOO_SHORT,
    Located,
    locate,
    locate_all,
    to_fix_edit,
)
from peer_lsp.review.answer.parse import parse_answer
from peer_lsp.syntax.unit import Unit


def open_source(key: str) -> Document:
    uri, language_id, text = SOURCES[key]
    return Document.open(uri, text, language_id)


def unit_named(document: Document, name: str) -> Unit:
    return next(unit for unit in document.units if unit.qualified_name == name)


def candidate(excerpt: str, line: int | None = None, **fields: object) -> Candidate:
    values: dict[str, object] = {
        "severity": "warning",
        "category": "bug",
        "title": "t",
        "message": "m",
        "excerpt": excerpt,
        "line": line,
    }
    values.update(fields)
    return Candidate(**values)  # type: ignore[arg-type]


def located_text(document: Document, item: Located) -> str:
    return document.data[item.start_byte : item.end_byte].decode("utf-8")


# --- the corpus --------------------------------------------------------------------------


def observe(item: Located, unit: Unit, document: Document, want: Want | None) -> Want:
    """What happened to one located candidate, in the shape of the corpus expectations."""
    found = item.candidate
    fix: Edit | str | None = None
    if found.fix is not None:
        edit = to_fix_edit(found.fix, unit, document, item)
        if isinstance(edit, Dropped):
            fix = edit.reason
        else:
            lines = document.lines
            first, last = lines.line_of(edit.start_byte), lines.line_of(edit.end_byte)
            fix = Edit(first + 1, last + 1, edit.new_text)
    return Want(
        title=found.title,
        line=document.lines.line_of(item.start_byte) + 1,
        category=found.category,
        severity=found.severity,
        confidence=found.confidence,
        exact=item.exact,
        quoted=located_text(document, item) if want and want.quoted is not None else None,
        fix=fix,
    )


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_corpus_case(case: Case) -> None:
    document = open_source(case.source)
    unit = unit_named(document, case.unit)
    parsed = parse_answer(case.answer)
    result = locate_all(parsed.candidates, unit, document)
    observed = [
        observe(item, unit, document, want)
        for item, want in zip_longest(result.located, case.want)
        if item is not None
    ]
    assert observed == list(case.want)
    assert [d.reason for d in [*parsed.dropped, *result.dropped]] == list(case.dropped)


def test_corpus_covers_every_kind_of_answer() -> None:
    kinds = {case.id.split("/", 1)[0] for case in CASES}
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)
    assert kinds >= {
        "well-formed",
        "fenced",
        "chatty",
        "shape",
        "lenient",
        "lines",
        "whitespace",
        "overlap",
        "truncated",
        "fix",
        "dropped",
        "unicode",
        "crlf",
    }
    languages = {SOURCES[case.source][1] for case in CASES}
    assert languages >= {"python", "javascript", "go", "java"}


# --- locate ------------------------------------------------------------------------------

PY = """\
def first(items):
    for item in items:
        print(item)
    return items


def second(items):
    for item in items:
        print(item)
"""


@pytest.fixture
def py() -> Document:
    return Document.open("file:///t.py", PY, "python")


def test_exact_match_is_trimmed_and_exact(py: Document) -> None:
    unit = unit_named(py, "first")
    found = locate(candidate("  print(item)\n"), unit, py)
    assert isinstance(found, Located)
    assert found.exact
    assert located_text(py, found) == "print(item)"
    assert found.span(py).start_line == 2


def test_search_never_leaves_the_unit(py: Document) -> None:
    unit = unit_named(py, "second")
    found = locate(candidate("print(item)", line=1), unit, py)
    assert isinstance(found, Located)
    assert py.lines.line_of(found.start_byte) == 8
    assert locate(candidate("return items"), unit, py) == Dropped(NOT_FOUND, "t")


def test_line_hint_picks_the_nearest_of_several_matches() -> None:
    text = "def f(x):\n    x += 1\n    x += 1\n    x += 1\n    return x\n"
    document = Document.open("file:///f.py", text, "python")
    unit = unit_named(document, "f")
    lines = [
        document.lines.line_of(item.start_byte)
        for line in (None, 1, 2, 3, 4, 40, -5)
        if isinstance(item := locate(candidate("x += 1", line), unit, document), Located)
    ]
    assert lines == [1, 1, 1, 2, 3, 3, 1]


@pytest.mark.parametrize(
    ("excerpt", "reason"),
    [
        pytest.param("}", TOO_SHORT, id="brace"),
        pytest.param(" ) \n", TOO_SHORT, id="paren-with-spaces"),
        pytest.param("ab", TOO_SHORT, id="two-letters"),
        pytest.param("});", TOO_SHORT, id="three-punctuation"),
        pytest.param("", TOO_SHORT, id="empty"),
        pytest.param("print(other)", NOT_FOUND, id="absent"),
    ],
)
def test_unlocatable_excerpts(py: Document, excerpt: str, reason: str) -> None:
    assert locate(candidate(excerpt), unit_named(py, "first"), py) == Dropped(reason, "t")


def test_three_characters_with_a_letter_are_enough(py: Document) -> None:
    found = locate(candidate("m)\n"), unit_named(py, "first"), py)
    assert isinstance(found, Dropped)
    found = locate(candidate("ms)"), unit_named(py, "first"), py)
    assert isinstance(found, Located)
    assert located_text(py, found) == "ms)"


@pytest.mark.parametrize(
    ("excerpt", "quoted"),
    [
        pytest.param("for item in items:\nprint(item)", "for item in items:\n        print(item)"),
        pytest.param("print( item )", None, id="spaces-inside-parentheses-not-collapsed"),
        pytest.param("print(item)\n\n\n    return items", "print(item)\n    return items"),
        pytest.param("print (item)", "print(item)", id="space-removed"),
        pytest.param("1 | def first(items):\n2 |     for item in items:", None, id="numbered"),
    ],
)
def test_whitespace_insensitive_matches(py: Document, excerpt: str, quoted: str | None) -> None:
    found = locate(candidate(excerpt), unit_named(py, "first"), py)
    assert isinstance(found, Located)
    assert not found.exact
    if quoted is not None:
        assert located_text(py, found) == quoted


def test_whitespace_match_maps_back_to_multibyte_characters() -> None:
    text = 'def f():\n    s = "ä😀"  +   "ü"\n    return "日本" +  s\n'
    document = Document.open("file:///u.py", text, "python")
    unit = unit_named(document, "f")
    found = locate(candidate('s = "ä😀" + "ü"'), unit, document)
    assert isinstance(found, Located)
    assert (found.exact, located_text(document, found)) == (False, 's = "ä😀"  +   "ü"')
    found = locate(candidate('return "日本"+s'), unit, document)
    assert isinstance(found, Located)
    assert located_text(document, found) == 'return "日本" +  s'
    assert document.data[found.end_byte :] == b"\n"


def test_numbers_are_stripped_only_when_consecutive() -> None:
    text = "def f():\n    table = {\n        1: 'one',\n        3: 'three',\n    }\n"
    document = Document.open("file:///n.py", text, "python")
    unit = unit_named(document, "f")
    found = locate(candidate("1: 'one',\n3: 'three',"), unit, document)
    assert isinstance(found, Located)
    assert located_text(document, found) == "1: 'one',\n        3: 'three',"


def test_crlf_excerpt_written_with_lf_is_exact() -> None:
    document = Document.open("file:///c.py", PY.replace("\n", "\r\n"), "python")
    found = locate(
        candidate("for item in items:\n        print(item)"), document.units[0], document
    )
    assert isinstance(found, Located)
    assert found.exact
    assert located_text(document, found) == "for item in items:\r\n        print(item)"


def test_locate_all_deduplicates_same_range_and_category(py: Document) -> None:
    unit = unit_named(py, "first")
    low = candidate("print(item)", title="low", confidence=0.2)
    high = candidate("print(item)", title="high", confidence=0.9)
    other = candidate("print(item)", title="other", category="style", confidence=0.1)
    tie = candidate("print(item)", title="tie", confidence=0.9)
    result = locate_all([low, high, other, tie], unit, py)
    assert [item.candidate.title for item in result.located] == ["high", "other"]
    assert result.dropped == [Dropped(DUPLICATE, "low"), Dropped(DUPLICATE, "tie")]
    assert result.counts == {DUPLICATE: 2}
    located, dropped = result
    assert (located, dropped) == (result.located, result.dropped)


def test_every_drop_is_logged_at_debug(py: Document, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="peer_lsp.review")
    unit = unit_named(py, "first")
    locate_all([candidate("}"), candidate("nowhere()", title="gone")], unit, py)
    messages = [r.getMessage() for r in caplog.records if r.name == "peer_lsp.review"]
    assert len(messages) == 2
    assert TOO_SHORT in messages[0]
    assert "'gone'" in messages[1]
    assert NOT_FOUND in messages[1]
    assert all(r.levelno == logging.DEBUG for r in caplog.records)


def test_stale_unit_past_the_end_of_the_document_does_not_crash(py: Document) -> None:
    unit = unit_named(py, "second")
    py.data = py.data[: unit.start_byte + 5]
    assert locate(candidate("print(item)"), unit, py) == Dropped(NOT_FOUND, "t")


# --- fixes -------------------------------------------------------------------------------


def fix_for(document: Document, unit: Unit, excerpt: str, fix: ProposedFix) -> TextEdit | Dropped:
    anchor = locate(candidate(excerpt), unit, document)
    assert isinstance(anchor, Located)
    return to_fix_edit(fix, unit, document, anchor)


def apply(document: Document, edit: TextEdit) -> str:
    data = document.data
    return (data[: edit.start_byte] + edit.new_text.encode() + data[edit.end_byte :]).decode()


def test_fix_replaces_whole_lines_and_keeps_the_terminator(py: Document) -> None:
    unit = unit_named(py, "first")
    fix = ProposedFix("        print(item, end='')\n", 3, 3)
    edit = fix_for(py, unit, "print(item)", fix)
    assert isinstance(edit, TextEdit)
    assert apply(py, edit) == PY.replace(
        "print(item)\n    return", "print(item, end='')\n    return"
    )


def test_fix_on_the_first_line_stays_inside_the_unit() -> None:
    text = "class A:\n    def m(self):\n        return 1\n"
    document = Document.open("file:///m.py", text, "python")
    unit = unit_named(document, "A.m")
    for replacement in ("    def m(self) -> int:", "def m(self) -> int:", "  def m(self) -> int:"):
        edit = fix_for(document, unit, "def m(self):", ProposedFix(replacement, 1, 1))
        assert isinstance(edit, TextEdit)
        assert edit.start_byte == unit.start_byte
        assert apply(document, edit) == text.replace("):", ") -> int:")


def test_fix_without_lines_needs_an_anchor(py: Document) -> None:
    unit = unit_named(py, "first")
    assert to_fix_edit(ProposedFix("x"), unit, py) == Dropped(FIX_UNANCHORED)
    edit = to_fix_edit(ProposedFix("print(items)", 3, 3), unit, py)
    assert isinstance(edit, TextEdit)


def test_anchored_multiline_fix_takes_the_indentation_of_its_line(py: Document) -> None:
    unit = unit_named(py, "first")
    fix = ProposedFix("    for item in sorted(items):\n        print(item)\n")
    edit = fix_for(py, unit, "for item in items:\n        print(item)", fix)
    assert isinstance(edit, TextEdit)
    assert apply(py, edit) == PY.replace("in items:", "in sorted(items):", 1)


@pytest.mark.parametrize(
    ("fix", "reason"),
    [
        pytest.param(ProposedFix("x", 0, 1), FIX_OUTSIDE, id="line-zero"),
        pytest.param(ProposedFix("x", -3, -1), FIX_OUTSIDE, id="negative"),
        pytest.param(ProposedFix("x", 4, 5), FIX_OUTSIDE, id="past-the-end"),
        pytest.param(ProposedFix("x", 10**12), FIX_OUTSIDE, id="huge"),
        pytest.param(ProposedFix("x", 3, 2), FIX_INVERTED, id="inverted"),
        pytest.param(ProposedFix("x", 1, 1), FIX_MISPLACED, id="misplaced"),
    ],
)
def test_refused_fixes(py: Document, fix: ProposedFix, reason: str) -> None:
    unit = unit_named(py, "first")
    assert fix_for(py, unit, "print(item)", fix) == Dropped(reason, "t")


def test_fix_end_line_defaults_to_start_line(py: Document) -> None:
    unit = unit_named(py, "first")
    edit = fix_for(py, unit, "return items", ProposedFix("    return list(items)", 4))
    assert isinstance(edit, TextEdit)
    assert apply(py, edit) == PY.replace("return items", "return list(items)")


def test_fix_keeps_what_follows_the_unit_on_its_last_line() -> None:
    text = "func f() int {\n\treturn 1\n} // end\n"
    document = Document.open("file:///f.go", text, "go")
    unit = unit_named(document, "f")
    assert document.data[unit.end_byte :] == b" // end\n"
    edit = fix_for(document, unit, "return 1", ProposedFix("\treturn 2\n} // end", 2, 3))
    assert isinstance(edit, TextEdit)
    assert edit.end_byte == unit.end_byte
    assert apply(document, edit) == text.replace("1", "2")
    edit = fix_for(document, unit, "return 1", ProposedFix("\treturn 2\n}", 2, 3))
    assert edit == Dropped(FIX_CROSSES, "t")


def test_fix_keeps_what_precedes_the_unit_on_its_first_line() -> None:
    text = "class A { m() {\n  return 1;\n} }\n"
    document = Document.open("file:///a.js", text, "javascript")
    unit = unit_named(document, "A.m")
    fix = ProposedFix("class A { m(x) {\n  return x;\n} }\n", 1, 3)
    edit = fix_for(document, unit, "return 1;", fix)
    assert isinstance(edit, TextEdit)
    assert (edit.start_byte, edit.end_byte) == (unit.start_byte, unit.end_byte)
    assert apply(document, edit) == "class A { m(x) {\n  return x;\n} }\n"
    fix = ProposedFix("class B { m(x) {\n  return x;\n} }", 1, 3)
    assert fix_for(document, unit, "return 1;", fix) == Dropped(FIX_CROSSES, "t")


# --- properties --------------------------------------------------------------------------

UNICODE_PY = """\
def f(name):
    s = "ä😀 — 日本"  +   name
    if name == "Zoë":\r
\ts = s.upper()  # ünïcode
    return  s
"""


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_quoted_slice_is_found_with_any_whitespace(data: st.DataObject) -> None:
    document = Document.open("file:///p.py", UNICODE_PY, "python")
    unit = unit_named(document, "f")
    start = data.draw(st.integers(0, len(unit.text) - 1))
    end = data.draw(st.integers(start + 1, len(unit.text)))
    words = unit.text[start:end].split()
    gaps = data.draw(
        st.lists(st.sampled_from(["", " ", "\n", "\t  ", "\r\n"]), min_size=len(words))
    )
    excerpt = "".join(word + gap for word, gap in zip(words, gaps, strict=False))
    found = locate(candidate(excerpt), unit, document)
    if isinstance(found, Dropped):
        assert found.reason == TOO_SHORT
        return
    text = located_text(document, found)
    assert "".join(text.split()) == "".join(excerpt.split())
    assert unit.start_byte <= found.start_byte < found.end_byte <= unit.end_byte
    assert text == text.strip()


@settings(max_examples=200)
@given(
    st.one_of(st.none(), st.integers(-3, 12)),
    st.one_of(st.none(), st.integers(-3, 12)),
    st.text(alphabet=" \t\nabc{}();", max_size=30),
    st.booleans(),
)
def test_fix_edits_never_leave_the_unit(
    start: int | None, end: int | None, replacement: str, anchored: bool
) -> None:
    document = Document.open("file:///p.py", f"x = 1\n{UNICODE_PY}y = 2\n", "python")
    unit = unit_named(document, "f")
    anchor = locate(candidate("s.upper()"), unit, document) if anchored else None
    assert not isinstance(anchor, Dropped)
    edit = to_fix_edit(ProposedFix(replacement, start, end), unit, document, anchor)
    if isinstance(edit, TextEdit):
        assert unit.start_byte <= edit.start_byte <= edit.end_byte <= unit.end_byte
