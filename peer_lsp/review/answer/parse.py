"""Model answers → candidate findings: tolerant of what real models return, never raising.

`parse_answer` takes the first JSON value in the answer that holds findings (`find_json`), read
leniently (`lenient_json`), and normalizes each entry into a candidate (`normalize`); a
truncated answer keeps every finding that was complete before the cut.

An answer is *valid* (worth caching and counting as a review) only when it has the shape it
was asked for: findings JSON, whose list is empty or holds at least one usable finding. The
variants real models write around that shape stay valid: a fenced block, prose around the
JSON, a bare list, JSON lines, ``<think>`` blocks, another list key (``issues``...). An answer
in prose ("No issues found."), JSON that holds no findings list, a list of which no entry is a
finding, or an answer cut before its first complete finding is not valid: its ``problem`` says
why, and the reviewer must not take it for a clean review.

Entries that are not objects, were cut off, or have no excerpt or message are dropped with a
reason; `parse_answer` logs each at debug on ``peer_lsp.review`` and `count_reasons` tallies
them for the caller.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from peer_lsp.review.answer.candidates import Candidate, Dropped
from peer_lsp.review.answer.find_json import find_findings, looks_like_json, without_thinking
from peer_lsp.review.answer.normalize import candidate_from

log = logging.getLogger("peer_lsp.review")

MAX_ANSWER_CHARS = 200_000
"""Longer answers are cut here (and then read like any truncated answer)."""

PROSE = "the model answered in prose, not the requested JSON"
NO_FINDINGS_JSON = "the answer holds no readable findings list"
CUT_BEFORE_ANY = "the answer was cut off before its first complete finding"
NO_USABLE_ENTRY = (
    "no entry of the answer's findings list is a finding (each needs a message and the quoted code)"
)
NOT_TEXT = "the answer is not text"
EMPTY = "the answer is empty"
INTERNAL_ERROR = "the answer could not be read (internal error)"


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What one answer held: usable candidates, dropped entries and notes on how it was read.

    ``found``: a JSON value with findings was found (maybe an empty list); ``truncated``: it
    was cut off. ``valid`` says the answer has the requested shape and is worth keeping: an
    empty findings list, or one with at least one usable finding (when cut off, one that
    survived the cut). ``problem`` says why an answer is not valid ("" when it is).
    """

    candidates: list[Candidate] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    found: bool = False
    truncated: bool = False
    valid: bool = False
    problem: str = ""

    @property
    def counts(self) -> dict[str, int]:
        """Dropped entries by reason."""
        return count_reasons(self.dropped)


def count_reasons(dropped: Iterable[Dropped]) -> dict[str, int]:
    """How many entries were dropped for each reason."""
    return dict(Counter(item.reason for item in dropped))


def parse_answer(text: str) -> ParseResult:
    """Candidate findings in a model's answer; never raises, whatever the answer holds."""
    try:
        return _parse(text)
    except Exception:  # a bug here must not cost the user the review; it is still logged
        log.warning("could not parse a model answer", exc_info=True)
        return ParseResult(
            notes=["internal error while parsing; answer ignored"], problem=INTERNAL_ERROR
        )


def _parse(text: str) -> ParseResult:
    notes: list[str] = []
    if not isinstance(text, str):
        return ParseResult(notes=["answer is not text"], problem=NOT_TEXT)
    if len(text) > MAX_ANSWER_CHARS:
        text = text[:MAX_ANSWER_CHARS]
        notes.append(f"answer cut at {MAX_ANSWER_CHARS} characters")
    text = without_thinking(text)
    found = find_findings(text)
    if found is None:
        notes.append("no findings JSON in the answer; read as no findings")
        problem = (
            EMPTY if not text.strip() else NO_FINDINGS_JSON if looks_like_json(text) else PROSE
        )
        return ParseResult(notes=notes, problem=problem)
    entries, truncated = found
    if truncated:
        notes.append("answer was cut off; complete findings kept")
    candidates: list[Candidate] = []
    dropped: list[Dropped] = []
    for entry in entries:
        outcome = candidate_from(entry)
        if isinstance(outcome, Dropped):
            log.debug("dropped model finding %r: %s", outcome.title, outcome.reason)
            dropped.append(outcome)
        else:
            candidates.append(outcome)
    problem = ""
    if truncated and not candidates:
        problem = CUT_BEFORE_ANY
    elif entries and not candidates:
        problem = NO_USABLE_ENTRY
    return ParseResult(candidates, dropped, notes, True, truncated, not problem, problem)
