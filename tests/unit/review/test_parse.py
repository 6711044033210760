"""Parsing model answers: tolerant JSON, normalized fields, truncation, and never raising."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import peer_lsp.review.answer.normalize as normalizing
import peer_lsp.review.answer.parse as parsing
from peer_lsp.findings.model import Category, Severity
from peer_lsp.review.answer.candidates import Candidate, Dropped, ProposedFix
from peer_lsp.review.answer.normalize import category_of, confidence_of, severity_of
from peer_lsp.review.answer.parse import ParseResult, count_reasons, parse_answer

FINDING = {
    "severity": "warning",
    "category": "bug",
    "title": "Off-by-one",
    "message": "Reads past the end.",
    "excerpt": "i <= n",
    "line": 3,
    "confidence": 0.7,
}
EXPECTED = Candidate(
    severity="warning",
    category="bug",
    title="Off-by-one",
    message="Reads past the end.",
    excerpt="i <= n",
    line=3,
    confidence=0.7,
)


def only(result: ParseResult) -> Candidate:
    assert len(result.candidates) == 1, result
    return result.candidates[0]


def with_fields(**fields: Any) -> str:
    return json.dumps({"findings": [{**FINDING, **fields}]})


# --- where the JSON is -------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(json.dumps({"findings": [FINDING]}), id="plain"),
        pytest.param(json.dumps({"findings": [FINDING]}, indent=2), id="indented"),
        pytest.param(f"```json\n{json.dumps({'findings': [FINDING]})}\n```", id="fenced"),
        pytest.param(f"```JSON\n{json.dumps({'findings': [FINDING]})}", id="unterminated"),
        pytest.param(f"  ```\n{json.dumps([FINDING])}\n  ```  \n", id="untagged-indented"),
        pytest.param(f"Sure [1]:\n{json.dumps([FINDING])}\nDone {{ok}}.", id="prose"),
        pytest.param(json.dumps(FINDING), id="single-object"),
        pytest.param(json.dumps({"result": {"review": {"problems": [FINDING]}}}), id="wrapped"),
        pytest.param(json.dumps({"findings": FINDING}), id="object-not-list"),
        pytest.param(f"<think>{{maybe}} [x]</think>{json.dumps([FINDING])}", id="think"),
        pytest.param(f"{{'a': 1}} [2]</think>\n{json.dumps([FINDING])}", id="think-no-opening"),
    ],
)
def test_the_findings_value_is_found(answer: str) -> None:
    result = parse_answer(answer)
    assert result.candidates == [EXPECTED]
    assert (result.found, result.truncated, result.valid) == (True, False, True)


def test_an_unclosed_think_block_is_all_thinking() -> None:
    result = parse_answer(f"<THINK>maybe this: {json.dumps([FINDING])}")
    assert (result.candidates, result.found) == ([], False)


def test_code_fences_in_other_languages_are_skipped() -> None:
    answer = (
        "```python\nconfig = {'findings': 1}\nitems = [{'a': 1}]\n```\n"
        f"```json\n{json.dumps([FINDING])}\n```"
    )
    assert parse_answer(answer).candidates == [EXPECTED]


def test_json_lines_are_collected_until_something_else() -> None:
    second = {**FINDING, "title": "Second"}
    answer = f"{json.dumps(FINDING)}\n{json.dumps(second)}\n[1, 2]\n{json.dumps(FINDING)}"
    assert [c.title for c in parse_answer(answer).candidates] == ["Off-by-one", "Second"]


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        pytest.param("No issues found.", parsing.PROSE, id="prose"),
        pytest.param("LGTM 👍", parsing.PROSE, id="short-prose"),
        pytest.param("", parsing.EMPTY, id="empty"),
        pytest.param("   \n", parsing.EMPTY, id="blank"),
        pytest.param('{"findi', parsing.NO_FINDINGS_JSON, id="cut-before-anything"),
        pytest.param(
            "No issues; `items[0]` and `{x}` are safe.", parsing.PROSE, id="code-in-prose"
        ),
        pytest.param('Here: {"findings": [{"mess', parsing.CUT_BEFORE_ANY, id="cut-json"),
        pytest.param("[{'a' 1}]", parsing.NO_FINDINGS_JSON, id="broken-json"),
        pytest.param("The answer is []", parsing.PROSE, id="empty-list-in-prose"),
        pytest.param("It returns `[]` when empty.", parsing.PROSE, id="empty-list-as-code"),
        pytest.param('{"summary": "Looks good."}', parsing.NO_FINDINGS_JSON, id="no-findings-key"),
        pytest.param('{"findings": "none"}', parsing.NO_FINDINGS_JSON, id="findings-not-a-list"),
        pytest.param('{"findings": ["a", 1, null]}', parsing.NO_USABLE_ENTRY, id="list-of-scalars"),
        pytest.param('{"findings": [{"a": 1}, {}]}', parsing.NO_USABLE_ENTRY, id="list-of-junk"),
        pytest.param('[{"title": "t", "line": 3}]', parsing.NO_USABLE_ENTRY, id="no-excerpt"),
        pytest.param('{"findings": []}', "", id="empty-list"),
        pytest.param("[]", "", id="bare-empty-list"),
        pytest.param("```json\n[]\n```", "", id="fenced-empty-list"),
        pytest.param("Here you go:\n```\n[ ]\n```\nNothing to report.", "", id="fenced-in-prose"),
        pytest.param('```json\n{"issues": null}\n```', "", id="null"),
        pytest.param('{"findings": [], "summary": "Fine."}', "", id="empty-with-summary"),
    ],
)
def test_answers_without_findings(answer: str, problem: str) -> None:
    """Only the requested shape is a valid answer: prose, JSON without a findings list, and a
    list of which no entry is a finding are not (they must not be cached as clean reviews)."""
    result = parse_answer(answer)
    assert (result.candidates, result.problem, result.valid) == ([], problem, not problem)


def test_one_usable_entry_makes_a_list_with_junk_valid() -> None:
    result = parse_answer(json.dumps({"findings": ["junk", {"a": 1}, FINDING]}))
    assert (result.candidates, result.valid, result.problem) == ([EXPECTED], True, "")
    assert len(result.dropped) == 2


def test_an_empty_list_in_prose_does_not_hide_the_findings() -> None:
    answer = f"It returns `[]` when empty.\n{json.dumps({'findings': [FINDING]})}"
    assert parse_answer(answer).candidates == [EXPECTED]


# --- lenient JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            '{"findings": [{"severity": "warning", "category": "bug", "title": "Off-by-one",'
            ' "message": "Reads past the end.", "excerpt": "i <= n", "line": 3,'
            ' "confidence": 0.7,},],}',
            id="trailing-commas",
        ),
        pytest.param(
            "{'findings': [{'severity': 'warning', 'category': 'bug', 'title': 'Off-by-one',"
            " 'message': 'Reads past the end.', 'excerpt': 'i <= n', 'line': 3,"
            " 'confidence': 0.7, 'fix': None}]}",
            id="single-quotes",
        ),
        pytest.param(
            '{"findings": [ // one\n{"severity": "warning", /* kind */ "category": "bug",\n'
            '"title": "Off-by-one", "message": "Reads past the end.", "excerpt": "i <= n",\n'
            '"line": 3, "confidence": 70%}]}',
            id="comments-and-percent",
        ),
        pytest.param(
            '{"findings": [{"severity": "warning" "category": "bug" "title": "Off-by-one"'
            ' "message": "Reads past\\u0020the end." "excerpt": "i <= n" "line": 3'
            ' "confidence": 0.7 "extra": True}]}',
            id="missing-commas",
        ),
    ],
)
def test_lenient_json(answer: str) -> None:
    assert parse_answer(answer).candidates == [EXPECTED]


def test_raw_newlines_and_unknown_escapes_in_strings() -> None:
    answer = '{"findings": [{"message": "two\nlines \\q", "excerpt": "a\\tb c", "x": [1 2]}]}'
    found = only(parse_answer(answer))
    assert (found.message, found.excerpt) == ("two\nlines q", "a\tb c")


def test_escaped_surrogate_pairs_in_lenient_json() -> None:
    answer = '[{"message": "m", "excerpt": "s = \\ud83d\\ude00 + \\u00e9",}]'
    assert only(parse_answer(answer)).excerpt == "s = 😀 + é"
    answer = '[{"message": "m", "excerpt": "\\ud83d\\u0041 \\ud83d\\uzz \\ude00",}]'
    assert only(parse_answer(answer)).excerpt == "\ufffdA \ufffduzz \ufffd"


def test_truncated_json_lines_are_marked_truncated() -> None:
    result = parse_answer(f'{json.dumps(FINDING)}\n{{"message": "cut", "excerpt": "x = ')
    assert result.candidates == [EXPECTED]
    assert result.dropped == [Dropped(normalizing.CUT_OFF, "cut")]
    assert result.truncated


def test_lone_surrogates_are_replaced() -> None:
    found = only(parse_answer(with_fields(excerpt="x = '\ud800'", message="\udfff!")))
    assert found.excerpt.encode("utf-8") == "x = '\ufffd'".encode()
    assert found.message == "\ufffd!"


def test_deep_nesting_is_refused_not_a_crash() -> None:
    assert parse_answer("[" * 5000).candidates == []
    assert parse_answer('{"a":' * 3000 + "1" + "}" * 3000).candidates == []


def test_very_long_answers_are_cut() -> None:
    filler = ", ".join([json.dumps(FINDING)] * 8000)
    result = parse_answer(f"[{filler}]")
    assert len(filler) > parsing.MAX_ANSWER_CHARS
    assert result.truncated
    assert result.notes[0].startswith("answer cut")
    assert result.candidates
    assert all(c == EXPECTED for c in result.candidates)


# --- truncation --------------------------------------------------------------------------

FULL = json.dumps({"findings": [FINDING, {**FINDING, "title": "Two"}, {**FINDING, "title": "3"}]})


def test_truncated_answers_keep_the_complete_findings() -> None:
    cut = FULL[: FULL.index('"Two"') + 10]
    result = parse_answer(cut)
    assert result.candidates == [EXPECTED]
    assert result.dropped == [Dropped(normalizing.CUT_OFF, "Two")]
    assert (result.truncated, result.valid) == (True, True)
    assert result.notes == ["answer was cut off; complete findings kept"]


def test_an_answer_cut_before_any_complete_finding_is_not_valid() -> None:
    result = parse_answer(FULL[:40])
    assert (result.candidates, result.truncated, result.valid) == ([], True, False)


@given(st.integers(min_value=0, max_value=len(FULL)))
def test_every_cut_keeps_a_prefix_of_the_findings(cut: int) -> None:
    full = parse_answer(FULL).candidates
    kept = parse_answer(FULL[:cut]).candidates
    assert kept == full[: len(kept)]


# --- normalizing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("error", "error"),
        ("Critical", "error"),
        ("BLOCKER", "error"),
        ("high severity", "error"),
        ("major", "warning"),
        ("medium", "warning"),
        ("warn", "warning"),
        ("minor", "info"),
        ("low", "info"),
        ("Informational", "info"),
        ("nit", "hint"),
        ("trivial", "hint"),
        ("hint", "hint"),
        ("🔴 critical!", "error"),
        ("", "warning"),
        ("urgent-ish", "warning"),
        (3, "warning"),
        (None, "warning"),
    ],
)
def test_severity_words(value: object, expected: str) -> None:
    assert severity_of(value) == expected
    Severity.parse(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bug", "bug"),
        ("correctness", "bug"),
        ("Logic Error", "bug"),
        ("syntax", "bug"),
        ("security vulnerability", "security"),
        ("SQL injection", "security"),
        ("perf", "performance"),
        ("Performance", "performance"),
        ("code smell", "maintainability"),
        ("readability", "maintainability"),
        ("naming convention", "style"),
        ("formatting", "style"),
        ("best practice", "maintainability"),
        (None, "maintainability"),
        (["bug"], "maintainability"),
    ],
)
def test_category_words(value: object, expected: str) -> None:
    assert category_of(value) == expected
    assert Category(expected) is not Category.SYNTAX


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.85, 0.85),
        (0, 0.0),
        (1, 1.0),
        (85, 0.85),
        (8, 0.8),
        (100, 1.0),
        (250, 1.0),
        (-0.3, 0.0),
        ("85%", 0.85),
        ("0.4", 0.4),
        ("7", 0.7),
        ("120%", 1.0),
        ("high", 0.8),
        ("Very High", 0.9),
        ("medium", 0.6),
        ("low", 0.3),
        ("certain", 0.95),
        ("unsure", 0.5),
        ("nan", 0.5),
        (float("nan"), 0.5),
        (float("inf"), 1.0),
        (True, 0.5),
        (None, 0.5),
        ([0.9], 0.5),
    ],
)
def test_confidence_scales(value: object, expected: float) -> None:
    assert confidence_of(value) == pytest.approx(expected)


def test_keys_in_any_case_and_aliases() -> None:
    answer = json.dumps(
        {
            "Issues": [
                {
                    "Severity": "Major",
                    "Type": "Correctness",
                    "Summary": "Off-by-one",
                    "Description": "Reads past the end.",
                    "Code Snippet": "i <= n",
                    "startLine": "3",
                    "End-Line": 4.0,
                    "Confidence Score": "70%",
                    "Rule_ID": "loop-bound",
                    "Reasoning": "Because.",
                    "Recommendation": "Use <.",
                }
            ]
        }
    )
    found = only(parse_answer(answer))
    assert found == Candidate(
        severity="warning",
        category="bug",
        title="Off-by-one",
        message="Reads past the end.",
        excerpt="i <= n",
        explanation="Because.\n\nSuggestion: Use <.",
        line=3,
        end_line=4,
        confidence=0.7,
        rule="loop-bound",
    )


@pytest.mark.parametrize(
    ("fields", "line", "end_line"),
    [
        ({"line": 3}, 3, None),
        ({"line": "L12"}, 12, None),
        ({"line": "12-14"}, 12, 14),
        ({"line": None, "lines": [12, 14]}, 12, 14),
        ({"line": "12", "end_line": "15"}, 12, 15),
        ({"line": 2.5}, None, None),
        ({"line": True}, None, None),
        ({"line": "somewhere"}, None, None),
        ({"line": {"start": 3}}, None, None),
        ({"line": None, "startLine": 9, "endLine": 10}, 9, 10),
        ({"line": -4}, -4, None),
    ],
)
def test_line_numbers(fields: dict[str, Any], line: int | None, end_line: int | None) -> None:
    found = only(parse_answer(with_fields(**fields)))
    assert (found.line, found.end_line) == (line, end_line)


@pytest.mark.parametrize(
    ("fix", "expected"),
    [
        ({"replacement": "x", "start_line": 3, "end_line": 4}, ProposedFix("x", 3, 4)),
        ({"newCode": "x", "lines": "3-5"}, ProposedFix("x", 3, 5)),
        ({"code": "", "line": 3}, ProposedFix("", 3, None)),
        ({"replacement": "x"}, ProposedFix("x")),
        ("return n", ProposedFix("return n")),
        ({"description": "Use a lock"}, None),
        ({"replacement": None, "start_line": 3}, None),
        (None, None),
        (False, None),
        ([1, 2], None),
    ],
)
def test_fix_shapes(fix: object, expected: ProposedFix | None) -> None:
    assert only(parse_answer(with_fields(fix=fix))).fix == expected


def test_suggestion_object_is_a_fix_and_text_is_advice() -> None:
    fix = {"replacement": "x", "line": 3}
    assert only(parse_answer(with_fields(suggestion=fix))).fix == ProposedFix("x", 3)
    found = only(parse_answer(with_fields(suggestion="Use <", explanation="")))
    assert (found.fix, found.explanation) == (None, "Suggestion: Use <")


@pytest.mark.parametrize(
    ("excerpt", "expected"),
    [
        ("`i <= n`", "i <= n"),
        ("```go\nfor i <= n {\n```", "for i <= n {"),
        ("```\ni <= n\nx\n```\n", "i <= n\nx"),
        (["for {", "  i <= n", "}"], "for {\n  i <= n\n}"),
        ("  keep `ticks` ", "  keep `ticks` "),
        (42, "42"),
    ],
)
def test_excerpt_cleanup(excerpt: object, expected: str) -> None:
    assert only(parse_answer(with_fields(excerpt=excerpt))).excerpt == expected


def test_title_falls_back_to_the_first_line_of_the_message() -> None:
    long = "word " * 30
    found = only(parse_answer(with_fields(title="", message=f"{long}\nsecond line")))
    assert len(found.title) == normalizing.TITLE_CHARS
    assert found.title.endswith("…")
    found = only(parse_answer(with_fields(title=None, message="Short.\nMore.")))
    assert found.title == "Short."


def test_defaults_when_fields_are_missing() -> None:
    found = only(parse_answer(json.dumps([{"description": "m", "quote": "x = 1"}])))
    assert found == Candidate(
        severity="warning", category="maintainability", title="m", message="m", excerpt="x = 1"
    )


# --- dropping and reporting --------------------------------------------------------------


def test_unusable_entries_are_dropped_with_reasons_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="peer_lsp.review")
    entries = [
        "a string",
        {**FINDING, "excerpt": ""},
        {**FINDING, "excerpt": None, "title": "gone"},
        {**FINDING, "message": "  "},
        {**FINDING, "message": {"text": "nested"}},
        FINDING,
    ]
    result = parse_answer(json.dumps({"findings": entries}))
    assert result.candidates == [EXPECTED]
    assert [d.reason for d in result.dropped] == [
        normalizing.NOT_AN_OBJECT,
        normalizing.NO_EXCERPT,
        normalizing.NO_EXCERPT,
        normalizing.NO_MESSAGE,
        normalizing.NO_MESSAGE,
    ]
    assert result.dropped[2].title == "gone"
    assert result.counts == {
        normalizing.NOT_AN_OBJECT: 1,
        normalizing.NO_EXCERPT: 2,
        normalizing.NO_MESSAGE: 2,
    }
    debug = [r for r in caplog.records if r.name == "peer_lsp.review"]
    assert len(debug) == 5
    assert all(r.levelno == logging.DEBUG for r in debug)


def test_count_reasons() -> None:
    dropped = [Dropped("a"), Dropped("b", "t"), Dropped("a", "u")]
    assert count_reasons(dropped) == {"a": 2, "b": 1}
    assert count_reasons([]) == {}


def test_an_internal_error_is_logged_and_answered_empty(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_text: str) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(parsing, "find_findings", broken)
    result = parse_answer("{}")
    assert (result.candidates, result.valid) == ([], False)
    assert "internal error" in result.notes[0]
    assert any(r.levelno == logging.WARNING for r in caplog.records)


def test_non_text_answers() -> None:
    assert parse_answer(None).notes == ["answer is not text"]  # type: ignore[arg-type]


# --- never raises ------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        '"',
        "'",
        ",",
        ":",
        "\\",
        "\\u",
        "\\ud800",
        "\\n",
        "//",
        "/*",
        "*/",
        "\n",
        " ",
        "```json\n",
        "```",
        "<think>",
        "</think>",
        '"findings"',
        '"excerpt"',
        '"message"',
        '"fix"',
        '"replacement"',
        '"line"',
        '"confidence"',
        '"severity"',
        '"x = 1"',
        "true",
        "None",
        "NaN",
        "85%",
        "12",
        "-1",
        "1e999",
        "0.5",
        "é",
        "😀",
        "findings",
    ]
)
NEVER_RAISES = settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])


def check_invariants(result: ParseResult) -> None:
    assert not any("internal error" in note for note in result.notes)
    for found in result.candidates:
        Severity.parse(found.severity)
        Category(found.category)
        assert 0.0 <= found.confidence <= 1.0
        assert found.excerpt.strip()
        assert found.message
        assert found.title
        found.excerpt.encode("utf-8")
        found.message.encode("utf-8")


@NEVER_RAISES
@given(st.text())
def test_random_text_never_raises(text: str) -> None:
    check_invariants(parse_answer(text))


@NEVER_RAISES
@given(st.lists(FRAGMENTS | st.text(max_size=3), max_size=60).map("".join))
def test_json_like_fragments_never_raise(text: str) -> None:
    check_invariants(parse_answer(text))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from([*FINDING, "fix", "findings", "x"]), inner, max_size=6)
    ),
    max_leaves=20,
)


@NEVER_RAISES
@given(JSON_VALUES, st.integers(min_value=0), st.booleans())
def test_random_json_cut_anywhere_never_raises(value: object, cut: int, fenced: bool) -> None:
    text = json.dumps({"findings": [value, FINDING]})
    text = text[: cut % (len(text) + 1)]
    check_invariants(parse_answer(f"```json\n{text}" if fenced else text))
