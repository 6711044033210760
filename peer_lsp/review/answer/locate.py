"""Candidate findings → byte ranges of the document, found by the code they quote.

Models are poor at line numbers, so a finding is placed where its quoted excerpt occurs inside
the reviewed unit, never elsewhere in the document; the model's line only chooses between
several occurrences (the one whose first line is nearest wins, the earlier on a tie). The
excerpt is searched in the unit's bytes in four passes, stopping at the first that matches:

1. verbatim (leading and trailing whitespace trimmed; ``\\n`` also tried as ``\\r\\n``);
2. whitespace runs collapsed to one space on both sides, which also forgives re-indented
   lines, tabs for spaces and CRLF for LF;
3. whitespace ignored altogether (``f(a,b)`` for ``f(a, b)``);
4. passes 1-3 again with line numbers removed, when every line of the excerpt starts with a
   consecutive number as in the prompt's listing (``12 | code``).

Only pass 1 is ``exact``. Whitespace is ASCII whitespace, so a match found in the collapsed
view maps back to whole UTF-8 characters of the document. Excerpts with fewer than three
non-blank characters, or three ASCII punctuation marks (``"}"``, ``"});"``), are too ambiguous.
A class is reviewed as a skeleton (`peer_lsp.review.prompt.skeleton`): its excerpts are only
matched outside the members the skeleton folded, which the model did not see and which are
reviewed on their own, so a member's finding repeated in the class's answer is dropped.

A proposed fix names unit lines; `to_fix_edit` turns them into one `TextEdit` over whole lines,
keeping the last line's terminator, re-indenting a replacement the model gave without
indentation, and writing the document's line endings. Line numbers are the part of an answer
we trust least, so the fix is placed by the finding's excerpt too. The lines tried, in order:

1. moved by the finding's own error (the line where its excerpt was found minus the line the
   model gave it), since a model numbers its finding and its fix alike;
2. as given;
3. the lines, as many as the fix names, touching the finding that the replacement resembles
   most (difflib ratio at least `MIN_RESEMBLANCE`), when no lines away from the finding
   resemble it as much, and only when the given lines are at most `MAX_FIX_DRIFT` lines from
   the finding: a fix ten lines past the unit was meant for other code, not miscounted.

A placement is refused when it leaves the unit, touches a member a class skeleton folded, does
not touch the quoted code, or would change text on the unit's first or last line that lies
outside the unit and that the replacement does not keep unchanged; the fix is refused, with
the reason of the first placement, when every one is. A fix without lines replaces the
located excerpt. Whether the fix parses is checked later, by verification.
"""

from __future__ import annotations

import difflib
import itertools
import logging
import re
import string
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from peer_lsp.findings.model import Span, TextEdit
from peer_lsp.review.answer.candidates import Candidate, Dropped, ProposedFix
from peer_lsp.review.answer.parse import count_reasons
from peer_lsp.review.prompt.skeleton import folded_lines

if TYPE_CHECKING:
    from peer_lsp.documents.store import Document
    from peer_lsp.syntax.unit import Unit
    from peer_lsp.text.lines import LineIndex

log = logging.getLogger("peer_lsp.review")

NOT_FOUND = "excerpt not found in the unit"
FOLDED = "excerpt only in a member the prompt folded"
TOO_SHORT = "excerpt too short to locate"
DUPLICATE = "duplicate of a finding at the same range"
FIX_OUTSIDE = "fix lines fall outside the unit"
FIX_INVERTED = "fix ends before it starts"
FIX_UNANCHORED = "fix has no lines and no located excerpt"
FIX_MISPLACED = "fix lines do not touch the quoted code"
FIX_CROSSES = "fix would change text outside the unit"
FIX_FOLDED = "fix lines fall in a member the prompt folded"

MAX_MATCHES = 1000
MAX_CONTENT_WINDOWS = 400
MIN_RESEMBLANCE = 0.5
MAX_FIX_DRIFT = 5
"""Lines between a fix's given lines and its finding's code beyond which the fix is not
placed by resemblance: a few lines off is a miscount, further off is a fix meant elsewhere."""
"""How alike a replacement and the lines it is placed on must be (difflib ratio) when only
their content places a fix."""
_PUNCTUATION = frozenset(string.punctuation)


@dataclass(frozen=True, slots=True)
class Located:
    """A candidate placed at ``[start_byte, end_byte)`` of the document.

    ``exact`` is True when the excerpt was found verbatim, False when only ignoring
    whitespace or the prompt's line numbers.
    """

    candidate: Candidate
    start_byte: int
    end_byte: int
    exact: bool

    def span(self, document: Document) -> Span:
        """The range with its 0-based first and last lines (the line of its last byte)."""
        lines = document.lines
        last = lines.line_of(max(self.end_byte - 1, self.start_byte))
        return Span(self.start_byte, self.end_byte, lines.line_of(self.start_byte), last)


class LocateResult(NamedTuple):
    """The located candidates of one unit, in the model's order, and the dropped ones."""

    located: list[Located]
    dropped: list[Dropped]

    @property
    def counts(self) -> dict[str, int]:
        """Dropped candidates by reason."""
        return count_reasons(self.dropped)


def locate(candidate: Candidate, unit: Unit, document: Document) -> Located | Dropped:
    """Where in ``unit`` the candidate's excerpt is, or why it cannot be placed."""
    excerpt = candidate.excerpt.strip()
    if _trivial(excerpt):
        return _drop(TOO_SHORT, candidate.title, repr(excerpt))
    start, end = _unit_bounds(unit, document)
    haystack = document.data[start:end]
    hint = None if candidate.line is None else unit.start_line + candidate.line - 1
    hidden = _hidden(unit, document)
    folded = False
    for numbered, needle in enumerate(_needles(excerpt)):
        for exact, found in _passes(haystack, needle):
            matches = [(a + start, b + start) for a, b in found]
            shown = [m for m in matches if not any(_overlap(m, h) for h in hidden)]
            folded = folded or len(shown) < len(matches)
            if shown:
                first, last = _closest(shown, hint, document.lines)
                return Located(candidate, first, last, exact and not numbered)
    return _drop(FOLDED if folded else NOT_FOUND, candidate.title, repr(excerpt[:60]))


def locate_all(candidates: Iterable[Candidate], unit: Unit, document: Document) -> LocateResult:
    """Locate every candidate, keeping one per (range, category): the most confident."""
    located: list[Located] = []
    dropped: list[Dropped] = []
    kept: dict[tuple[int, int, str], int] = {}
    for candidate in candidates:
        outcome = locate(candidate, unit, document)
        if isinstance(outcome, Dropped):
            dropped.append(outcome)
            continue
        key = (outcome.start_byte, outcome.end_byte, candidate.category)
        if key not in kept:
            kept[key] = len(located)
            located.append(outcome)
            continue
        index = kept[key]
        weaker = outcome
        if candidate.confidence > located[index].candidate.confidence:
            weaker, located[index] = located[index], outcome
        dropped.append(_drop(DUPLICATE, weaker.candidate.title, ""))
    return LocateResult(located, dropped)


def _drop(reason: str, title: str, detail: str, what: str = "finding") -> Dropped:
    log.debug("dropped model %s %r: %s %s", what, title, reason, detail)
    return Dropped(reason, title)


def _trivial(excerpt: str) -> bool:
    visible = "".join(excerpt.split())
    return len(visible) < 3 or (len(visible) == 3 and all(c in _PUNCTUATION for c in visible))


def _hidden(unit: Unit, document: Document) -> list[tuple[int, int]]:
    """Byte ranges of the unit that its prompt did not show: the members a class skeleton
    folds (whole lines)."""
    lines, data = document.lines, document.data
    return [
        (lines.line_start(first), lines.line_end(last, data))
        for first, last in folded_lines(unit, document)
    ]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _unit_bounds(unit: Unit, document: Document) -> tuple[int, int]:
    size = len(document.data)
    return min(unit.start_byte, size), min(unit.end_byte, size)


# --- matching ---------------------------------------------------------------------------

_WHITESPACE = re.compile(rb"\s+")
_NUMBERED = re.compile(r"^[ \t]*(\d+)[ \t]*[|:][ \t]?", re.MULTILINE)


def _needles(excerpt: str) -> list[bytes]:
    """The excerpt as UTF-8, then without the prompt's line numbers if it carries them."""
    needles = [excerpt.encode("utf-8", "replace")]
    unnumbered = _without_line_numbers(excerpt)
    if unnumbered is not None and not _trivial(unnumbered):
        needles.append(unnumbered.strip().encode("utf-8", "replace"))
    return needles


def _without_line_numbers(excerpt: str) -> str | None:
    """The excerpt without ``12 | `` prefixes, if every non-blank line has consecutive ones."""
    lines = [line for line in excerpt.splitlines() if line.strip()]
    numbers = [_NUMBERED.match(line) for line in lines]
    if not lines or any(match is None for match in numbers):
        return None
    values = [int(match.group(1)) for match in numbers if match is not None]
    if any(b != a + 1 for a, b in itertools.pairwise(values)):
        return None
    return _NUMBERED.sub("", excerpt)


def _passes(haystack: bytes, needle: bytes) -> Iterable[tuple[bool, list[tuple[int, int]]]]:
    """(exact, matches) for each pass, lazily: later views are built only when needed."""
    yield True, _find_all(haystack, needle)
    crlf = needle.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if crlf != needle:
        yield True, _find_all(haystack, crlf)
    for drop in (False, True):
        view, origin = _view(haystack, drop)
        pattern = _view(needle, drop)[0].strip()
        if pattern:
            found = _find_all(view, pattern)
            yield False, [(origin[a], origin[b - 1] + 1) for a, b in found]


def _find_all(haystack: bytes, needle: bytes) -> list[tuple[int, int]]:
    matches: list[tuple[int, int]] = []
    index = haystack.find(needle)
    while index >= 0 and len(matches) < MAX_MATCHES:
        matches.append((index, index + len(needle)))
        index = haystack.find(needle, index + 1)
    return matches


def _view(data: bytes, drop: bool) -> tuple[bytes, list[int]]:
    """``data`` with whitespace runs collapsed to one space (or dropped), and the offset in
    ``data`` of every byte of the result.
    """
    out = bytearray()
    origin: list[int] = []
    position = 0
    for run in _WHITESPACE.finditer(data):
        out += data[position : run.start()]
        origin.extend(range(position, run.start()))
        if not drop:
            out.append(0x20)
            origin.append(run.start())
        position = run.end()
    out += data[position:]
    origin.extend(range(position, len(data)))
    return bytes(out), origin


def _closest(
    matches: Sequence[tuple[int, int]], hint: int | None, lines: LineIndex
) -> tuple[int, int]:
    """The match whose first line is nearest the hinted line; the first one without a hint."""
    if hint is None:
        return matches[0]
    return min(matches, key=lambda match: abs(lines.line_of(match[0]) - hint))


# --- fixes ------------------------------------------------------------------------------


def to_fix_edit(
    fix: ProposedFix, unit: Unit, document: Document, anchor: Located | None = None
) -> TextEdit | Dropped:
    """The document edit for a proposed fix, or why it is refused (module docstring).

    ``anchor`` is the located finding the fix belongs to: it places a fix without lines, moves
    fix lines by the error of the finding's own line, and is the code a fix must touch.
    """
    title = anchor.candidate.title if anchor else ""
    if fix.start_line is None:
        if anchor is None:
            return _drop(FIX_UNANCHORED, title, "", "fix")
        return _anchored_edit(fix.replacement, anchor, document)
    start = fix.start_line
    end = fix.end_line if fix.end_line is not None else start
    if end < start:
        return _drop(FIX_INVERTED, title, f"lines {start}-{end}", "fix")
    folded = folded_lines(unit, document)
    refusal = ""
    for first, last in _placements(fix.replacement, start, end, unit, document, anchor, folded):
        reason = _refusal(first, last, unit, document, anchor, folded)
        edit = None if reason else _line_edit(fix.replacement, first, last, unit, document)
        if edit is not None:
            return edit
        refusal = refusal or reason or FIX_CROSSES
    return _drop(refusal, title, f"lines {start}-{end}", "fix")


def _placements(
    replacement: str,
    start: int,
    end: int,
    unit: Unit,
    document: Document,
    anchor: Located | None,
    folded: Sequence[tuple[int, int]],
) -> Iterable[tuple[int, int]]:
    """Document lines (0-based, inclusive) a fix of unit lines ``start..end`` may mean, most
    likely first: the lines as given; moved by the error of the finding's line, when the model
    numbered its finding and its fix alike; and the lines near the finding that the
    replacement resembles most, when no other lines in the unit resemble it as much and the
    given lines are at most `MAX_FIX_DRIFT` lines from the finding."""
    given = (unit.start_line + start - 1, unit.start_line + end - 1)
    shift = _line_error(anchor, unit, document)
    if shift:
        yield given[0] + shift, given[1] + shift
    yield given
    if anchor is not None and _drift(given, anchor.span(document)) <= MAX_FIX_DRIFT:
        found = _by_content(replacement, end - start + 1, unit, document, anchor, folded)
        if found is not None:
            yield found


def _drift(lines: tuple[int, int], span: Span) -> int:
    """Lines between ``lines`` (first, last) and ``span`` (0 when they touch)."""
    return max(lines[0] - span.end_line, span.start_line - lines[1], 0)


def _line_error(anchor: Located | None, unit: Unit, document: Document) -> int:
    """How many lines the finding's quoted code is below the line the model gave it."""
    if anchor is None or anchor.candidate.line is None:
        return 0
    return anchor.span(document).start_line - (unit.start_line + anchor.candidate.line - 1)


def _refusal(
    first: int,
    last: int,
    unit: Unit,
    document: Document,
    anchor: Located | None,
    folded: Sequence[tuple[int, int]],
) -> str:
    """Why a fix may not replace document lines ``first..last`` ("" when it may)."""
    if first < unit.start_line or last > unit.end_line:
        return FIX_OUTSIDE
    if any(first <= b and a <= last for a, b in folded):
        return FIX_FOLDED
    if anchor is not None and not _touches(anchor.span(document), first, last):
        return FIX_MISPLACED
    return ""


def _by_content(
    replacement: str,
    count: int,
    unit: Unit,
    document: Document,
    anchor: Located,
    folded: Sequence[tuple[int, int]],
) -> tuple[int, int] | None:
    """The ``count`` lines touching the finding that ``replacement`` resembles most, if it
    resembles them enough and no lines away from the finding as much."""
    wanted = " ".join(replacement.split())
    windows = unit.end_line - unit.start_line + 2 - count
    if not wanted or windows <= 0 or windows > MAX_CONTENT_WINDOWS:
        return None
    data, lines = document.data, document.lines
    span = anchor.span(document)
    best, best_score, rival = None, 0.0, 0.0
    for first in range(unit.start_line, unit.start_line + windows):
        last = first + count - 1
        if any(first <= b and a <= last for a, b in folded):
            continue
        text = data[lines.line_start(first) : lines.line_end(last, data)]
        score = difflib.SequenceMatcher(
            None, " ".join(text.decode("utf-8", "replace").split()), wanted, autojunk=False
        ).ratio()
        if not _touches(span, first, last):
            rival = max(rival, score)
        elif score > best_score:
            best, best_score = (first, last), score
    return best if best_score >= MIN_RESEMBLANCE and best_score > rival else None


def _touches(span: Span, first: int, last: int) -> bool:
    return first <= span.end_line and span.start_line <= last


def _line_edit(
    replacement: str, first: int, last: int, unit: Unit, document: Document
) -> TextEdit | None:
    """Replace lines ``first..last`` (document, 0-based), clipped to the unit; None when the
    clipped text is not kept by the replacement.
    """
    data, lines = document.data, document.lines
    begin, finish = lines.line_start(first), lines.line_end(last, data)
    text = _reindent(_plain(replacement), _indent(data, begin))
    if not text and unit.start_line < first and last < unit.end_line:
        return TextEdit(begin, lines.line_start(last + 1), "")  # delete the lines entirely
    unit_start, unit_end = _unit_bounds(unit, document)
    if begin < unit_start:
        kept = _keep_prefix(text, data[begin:unit_start].decode("utf-8", "replace"))
        if kept is None:
            return None
        text, begin = kept, unit_start
    if finish > unit_end:
        kept = _keep_suffix(text, data[unit_end:finish].decode("utf-8", "replace"))
        if kept is None:
            return None
        text, finish = kept, unit_end
    return TextEdit(begin, finish, text.replace("\n", _newline(data, unit_start)))


def _anchored_edit(replacement: str, anchor: Located, document: Document) -> TextEdit:
    """Replace the located excerpt; continuation lines take the indentation of its line."""
    data = document.data
    line_start = document.lines.line_start(document.lines.line_of(anchor.start_byte))
    indent = _indent(data, line_start)
    text = textwrap.dedent(_plain(replacement)).strip()
    first, *rest = text.split("\n")
    text = "\n".join([first, *(indent + line if line.strip() else line for line in rest)])
    newline = _newline(data, anchor.start_byte)
    return TextEdit(anchor.start_byte, anchor.end_byte, text.replace("\n", newline))


def _plain(replacement: str) -> str:
    """LF line endings and no final line break (the replaced lines keep theirs)."""
    text = replacement.replace("\r\n", "\n").replace("\r", "\n")
    return text.removesuffix("\n")


def _indent(data: bytes, line_start: int) -> str:
    match = re.match(rb"[ \t]*", data[line_start : line_start + 256])
    return match.group().decode("ascii") if match else ""


def _reindent(text: str, indent: str) -> str:
    """Give a replacement written flush left the indentation of the first replaced line."""
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if not indent or first[:1] in (" ", "\t"):
        return text
    return "\n".join(indent + line if line.strip() else line for line in lines)


def _keep_prefix(text: str, prefix: str) -> str | None:
    """The replacement after the text that precedes the unit on its first line."""
    if text.startswith(prefix):
        return text[len(prefix) :]
    if not prefix.strip():
        return text.lstrip(" \t")
    return None


def _keep_suffix(text: str, suffix: str) -> str | None:
    """The replacement before the text that follows the unit on its last line."""
    if text.endswith(suffix):
        return text[: len(text) - len(suffix)]
    if not suffix.strip():
        return text.rstrip(" \t")
    return None


def _newline(data: bytes, near: int) -> str:
    """The line terminator used from ``near`` on (else anywhere in the document)."""
    index = data.find(b"\n", near)
    if index < 0:
        index = data.find(b"\n")
    return "\r\n" if index > 0 and data[index - 1] == 0x0D else "\n"
