"""Splitting an answer about several units into one answer per unit, as models write it."""

from __future__ import annotations

import json

import pytest

from peer_lsp.review.answer.batch_answer import split_batch_answer
from peer_lsp.review.answer.parse import parse_answer

IDS = ["U1", "U2", "U3"]
EVAL = {
    "severity": "error",
    "category": "security",
    "title": "eval on input",
    "message": "eval runs code.",
    "explanation": "",
    "excerpt": "eval(x)",
    "line": 2,
    "end_line": 2,
    "confidence": 0.9,
    "fix": None,
}
LEAK = {**EVAL, "title": "file never closed", "category": "bug", "excerpt": "open(p)"}


def titles(answer: str) -> list[str]:
    parsed = parse_answer(answer)
    assert parsed.valid, parsed.problem
    return [c.title for c in parsed.candidates]


def split(text: str) -> dict[str, list[str]]:
    return {unit: titles(a) for unit, a in split_batch_answer(text, IDS).answers.items()}


CANONICAL = json.dumps(
    {
        "units": [
            {"unit": "U1", "findings": [EVAL]},
            {"unit": "U2", "findings": []},
            {"unit": "U3", "findings": [LEAK]},
        ]
    }
)


@pytest.mark.parametrize(
    "text",
    [
        CANONICAL,
        f"Here is my review.\n\n```json\n{CANONICAL}\n```\n\nHope it helps.",
        f"<think>U1 calls eval, U3 leaks</think>{CANONICAL}",
        json.dumps({"U1": {"findings": [EVAL]}, "U2": [], "U3": {"findings": [LEAK]}}),
        json.dumps(
            [
                {"id": "u1", "issues": [EVAL]},
                {"id": "Unit U2", "findings": None},
                {"id": 3, "findings": [LEAK]},
            ]
        ),
        json.dumps({"findings": [{**EVAL, "unit": "U1"}, {**LEAK, "unit": "U3"}]}),
    ],
    ids=["canonical", "fenced", "thinking", "keyed", "list-with-other-names", "flat"],
)
def test_every_way_of_answering_per_unit_is_read(text: str) -> None:
    assert split(text) == {"U1": ["eval on input"], "U2": [], "U3": ["file never closed"]}


def test_a_unit_left_out_is_unanswered_not_clean() -> None:
    text = json.dumps(
        {"units": [{"unit": "U1", "findings": [EVAL]}, {"unit": "U3", "findings": []}]}
    )
    answer = split_batch_answer(text, IDS)
    assert answer.unanswered(IDS) == ["U2"]


def test_the_last_unit_of_a_cut_answer_is_unanswered() -> None:
    cut = CANONICAL[: CANONICAL.index('"file never closed"')]
    answer = split_batch_answer(cut, IDS)
    assert sorted(answer.answers) == ["U1", "U2"]
    assert answer.unanswered(IDS) == ["U3"]


def test_a_cut_flat_list_answers_no_unit() -> None:
    flat = json.dumps({"findings": [{**EVAL, "unit": "U1"}, {**LEAK, "unit": "U3"}]})
    assert split_batch_answer(flat[:-30], IDS).answers == {}


def test_a_flat_entry_naming_no_unit_answers_no_unit() -> None:
    flat = json.dumps({"findings": [{**EVAL, "unit": "U1"}, LEAK]})
    assert split_batch_answer(flat, IDS).answers == {}


@pytest.mark.parametrize(
    "text",
    [
        "No issues found in any unit.",
        json.dumps({"findings": [EVAL]}),  # a single unit's answer: whose?
        json.dumps({"units": [{"unit": "U7", "findings": [EVAL]}]}),  # not a unit asked about
        json.dumps({"units": "none"}),
        "",
    ],
)
def test_answers_that_name_no_unit_asked_about_answer_none(text: str) -> None:
    assert split_batch_answer(text, IDS).answers == {}


def test_ids_are_never_confused_with_numbers_in_findings() -> None:
    text = json.dumps({"units": [{"unit": "U2", "findings": [{**EVAL, "line": 1}]}]})
    assert split(text) == {"U2": ["eval on input"]}
