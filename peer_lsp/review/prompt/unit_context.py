"""What a prompt shows about a unit, copied when the prompt is built, and its cache identity.

The unit is numbered from 1 at its first line, so a prompt does not change when the unit
moves, and shown with what a reviewer would glance at: language, file path, the file's
imports it uses, the line declaring the enclosing class (after its decorators or annotations
when they are short), the signatures of sibling functions it calls, and the findings local
checks already made. A class is shown as a skeleton, its members folded. Lines break where the
document's line index breaks them (``\r`` alone too), so a unit line number in the prompt, a
known finding's line and a fix's lines all name the same line; a known finding inside a
folded member is left to that member's prompt.

Secrets are redacted from the code before it is numbered (`peer_lsp.llm.redaction`), so the
syntaxes that only count at the start of a line are seen, and every value found there is also
redacted from the context, the known findings and an explained finding. Where a secret was
redacted, the code key is a hash of the code as shown, with placeholders numbered instead of
their session hashes: a cache entry never holds a hash of a secret, and stays valid across
sessions. `context_hash` names context for the answer cache, so that a changed import
invalidates a cached review while a moved or reformatted unit does not.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import typing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from peer_lsp.llm.redaction.placeholders import stable_placeholders
from peer_lsp.llm.redaction.redact import redact
from peer_lsp.llm.tokens import estimate_tokens
from peer_lsp.review.prompt.callees import sibling_signatures
from peer_lsp.review.prompt.imports import file_imports, imports_used
from peer_lsp.review.prompt.instructions import instructions_for
from peer_lsp.review.prompt.skeleton import ELIDED, skeleton
from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.syntax.unit import Unit

IMPORT_LINES = 40
SIBLING_LIMIT = 8
MAX_HEADER_LINES = 4
MAX_NOTE_CHARS = 200
MAX_EXPLANATION_CHARS = 1500

_KIND_WORDS = {
    UnitKind.FUNCTION: "function",
    UnitKind.METHOD: "method",
    UnitKind.CLASS: "class",
    UnitKind.CHUNK: "section of a file",
}


@dataclass(frozen=True, slots=True)
class UnitContext:
    """What a prompt shows about a unit, copied when it is built (units change in place).

    ``lines`` are the unit's lines as shown, the first one with its indentation, and
    ``numbers`` their unit line numbers (`ELIDED` for the placeholder of a method body that
    a class skeleton leaves out; empty: 1 to n). ``known`` pairs the unit line of each known
    finding with its one-line description. ``code_key`` names the code as shown, for the
    answer cache: the unit's normalized hash, or for a skeleton a hash of what it shows.
    """

    language: str
    path: str
    kind: str
    name: str
    lines: tuple[str, ...]
    numbers: tuple[int, ...] = ()
    code_key: str = ""
    imports: tuple[str, ...] = ()
    class_header: str = ""
    siblings: tuple[str, ...] = ()
    known: tuple[tuple[int, str], ...] = ()
    unit_tokens: int = 0
    secrets: Mapping[str, str] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    """The secrets redacted from the code, by value: redacted too wherever else they occur."""
    instructions: str = ""
    """The project's own review instructions for this file (`instructions_for`), or empty."""

    @classmethod
    def of(
        cls,
        unit: Unit,
        document: Document,
        *,
        path: str = "",
        known_findings: Sequence[Finding] = (),
    ) -> UnitContext:
        whole = _unit_lines(unit, document)
        shown = skeleton(unit, document, whole)
        code = redact("\n".join(line for _, line in shown))
        lines = tuple(code.text.split("\n"))
        numbers = tuple(number for number, _ in shown)
        folded = len(shown) != len(whole)
        code_key = unit.normalized_hash
        if folded or code.count:
            # the code as shown, never a hash of a secret; placeholders as in any session
            tag = "redacted" if code.count else "skeleton"
            shown_code = zip(numbers, stable_placeholders(code.text).split("\n"), strict=True)
            code_key = context_hash([tag, *(_key_line(n, line) for n, line in shown_code)])
        text = "\n".join(lines)

        def scrub(value: str) -> str:
            return redact(value, code.found).text if value else value

        return cls(
            language=unit.language,
            path=path or _file_name(document.uri),
            kind=_KIND_WORDS[unit.kind],
            name="" if unit.kind is UnitKind.CHUNK else unit.qualified_name,
            lines=lines,
            numbers=numbers,
            code_key=code_key,
            imports=tuple(
                scrub(line) for line in imports_used(file_imports(document, IMPORT_LINES), text)
            ),
            class_header=scrub(_class_header(unit)),
            siblings=tuple(
                scrub(signature)
                for signature in sibling_signatures(
                    unit, document, SIBLING_LIMIT, text if folded else None
                )
            ),
            known=tuple(
                (line, scrub(note)) for line, note in _known(unit, known_findings, numbers)
            ),
            unit_tokens=estimate_tokens(unit.text),
            secrets=code.found,
            instructions=instructions_for(_file_path(document.uri)).section(),
        )


_FOLDED_RANGE = re.compile(r"… lines \d+-\d+: ")


def _key_line(number: int, line: str) -> str:
    """A skeleton line as the cache sees it: without blanks, and a placeholder without its
    line range, which moves whenever a method grows."""
    flat = " ".join(line.split())
    return _FOLDED_RANGE.sub("… ", flat) if number == ELIDED else flat


def _class_header(unit: Unit) -> str:
    """The line declaring the class ``unit`` belongs to, after the class's decorators or
    annotations when they are short (``@dataclass(frozen=True)`` says what a method may do)."""
    if unit.enclosing_class_header is None or unit.container is None:
        return ""
    lines = [*unit.container.preamble, unit.enclosing_class_header]
    return "\n".join(lines if len(lines) <= MAX_HEADER_LINES else lines[-1:])


def _file_name(uri: str) -> str:
    return PurePosixPath(unquote(urlparse(uri).path)).name


def _file_path(uri: str) -> Path | None:
    """The local file a ``file:`` URI (or, from `peer check`, a plain path) names; None for
    other schemes (an unsaved buffer)."""
    parts = urlparse(uri)
    if parts.scheme == "file":
        return Path(url2pathname(parts.path))
    return Path(uri) if uri and not parts.scheme else None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _unit_lines(unit: Unit, document: Document) -> tuple[str, ...]:
    """The unit's lines; the first gets the blanks before the unit on its line, if only blanks."""
    line_start = document.lines.line_start(unit.start_line)
    before = document.data[line_start : unit.start_byte]
    text = unit.text
    if before and not before.strip():
        text = before.decode("utf-8", errors="replace") + text
    lines = _LINE_BREAK.split(text)  # as the document counts lines, so numbers agree
    if len(lines) > 1 and not lines[-1]:
        lines.pop()
    return tuple(lines)


def _known(
    unit: Unit, findings: Sequence[Finding], numbers: Sequence[int]
) -> tuple[tuple[int, str], ...]:
    """Findings on the unit's lines the prompt shows (``numbers``), by unit line as numbered
    there: ``line 3: [rule] message``. A finding in a member folded out of a class skeleton
    is left to the member's own prompt, which shows its line."""
    first = unit.start_line
    shown = frozenset(numbers) - {ELIDED}
    rows = []
    for finding in findings:
        line = finding.span.start_line - first + 1
        if line in shown:
            rows.append((line, f"line {line}: [{finding.rule_id}] {_one_line(finding.message)}"))
    return tuple(sorted(rows))


def explained_finding(finding: Finding, unit: Unit) -> str:
    """The finding to explain, as the explain prompt shows it."""
    first = finding.span.start_line - unit.start_line + 1
    last = finding.span.end_line - unit.start_line + 1
    lines = f"line {first}" if last <= first else f"lines {first}-{last}"
    head = (
        f"[{finding.rule_id}] {finding.severity.label}, {finding.category.value}, {lines}: "
        f"{_one_line(finding.message)}"
    )
    explanation = finding.explanation.strip()[:MAX_EXPLANATION_CHARS]
    return f"{head}\n\n{explanation}" if explanation else head


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_NOTE_CHARS else line[: MAX_NOTE_CHARS - 1] + "…"


def context_hash(parts: Iterable[str]) -> str:
    """A stable hash of prompt context; parts are length-prefixed, so no two lists collide."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
