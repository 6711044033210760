"""Review prompts: versioned templates filled with one unit and the context it needs.

Templates are package data in ``templates/``: ``<version>.md`` is the system message and
``<version>.user.md`` the user message. The system message holds no placeholders, because
the answer cache keys on it; everything about the unit goes into the user message.
``{name}`` placeholders are filled in one pass and the values are never scanned again, so
code full of braces, ``$`` and ``%`` comes through intact. A line or a paragraph whose
placeholders are all empty is left out: that is how optional context disappears.

The unit is numbered from 1 at its first line, so a prompt does not change when the unit
moves, and shown with what a reviewer would glance at: language, file path, the file's
imports, the enclosing class header, the signatures of sibling functions it calls, and the
findings local checks already made. Trimming to the token budget drops known findings
beyond ten first, then the sibling signatures, then the imports, and last cuts the unit at a
line boundary with a note; the estimate of system plus user message never exceeds the budget.

Secrets are redacted from the code before it is numbered (`peer_lsp.llm.redaction`), so the
syntaxes that only count at the start of a line are seen, and every value found there is also
redacted from the context, the known findings and an explained finding. The guard scans the
finished prompt again, as a second net.

``context_key`` hashes the context exactly as it went into the prompt (and whether the unit
was cut), never the unit text, which the cache key adds in normalized form. Where a secret
was redacted, the code key is a hash of the code as shown, with placeholders numbered instead
of their session hashes: a cache entry never holds a hash of a secret, and stays valid across
sessions.

Shrinking after a context overflow: the router's callback receives nothing but the request,
and an ``LLMRequest`` is frozen and slotted, so it cannot carry the inputs needed to rebuild
it. A ``ReviewPrompt`` is the rebuildable value (a snapshot of the unit and its context, and
a budget). ``build_review_request`` and ``build_explain_request`` remember which prompt made
each request they return, in a small bounded registry that holds the request itself, so its
``id`` cannot be reused while remembered. ``shrink`` looks the request up and renders its
prompt at half the size that was sent, or returns None when the request is unknown,
forgotten, or cannot get smaller. Callers who want no registry use ``ReviewPrompt`` directly:
``prompt.render()`` and ``prompt.smaller()``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
import typing
from collections import OrderedDict
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from peer_lsp.llm.redaction.placeholders import stable_placeholders
from peer_lsp.llm.redaction.redact import redact
from peer_lsp.llm.tokens import estimate_tokens
from peer_lsp.llm.types import LLMRequest, Task
from peer_lsp.review.context import (
    ELIDED,
    context_hash,
    file_imports,
    imports_used,
    sibling_signatures,
    skeleton,
)
from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.syntax.unit import Unit

PROMPT_VERSION = "review-v2"
EXPLAIN_PROMPT_VERSION = "review-explain-v1"
DEFAULT_BUDGET_TOKENS = 6000
MAX_KNOWN_FINDINGS = 10
IMPORT_LINES = 40
SIBLING_LIMIT = 8
MAX_NOTE_CHARS = 200
MAX_EXPLANATION_CHARS = 1500
REGISTRY_SIZE = 512

SEVERITIES = ("error", "warning", "info", "hint")
CATEGORIES = ("bug", "security", "performance", "maintainability", "style")


def _strict_object(properties: dict[str, typing.Any]) -> dict[str, typing.Any]:
    """An object as strict structured output wants it: every property required, no others."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_FIX_SCHEMA = _strict_object(
    {
        "replacement": {"type": "string", "description": "New text of the whole lines."},
        "start_line": {"type": "integer"},
        "end_line": {"type": "integer"},
    }
)

# No numeric bounds: Anthropic's structured output rejects minimum/maximum, so the range of
# confidence is stated in words and clamped when the answer is parsed.
FINDINGS_SCHEMA: typing.Final[dict[str, typing.Any]] = _strict_object(
    {
        "findings": {
            "type": "array",
            "items": _strict_object(
                {
                    "severity": {"type": "string", "enum": list(SEVERITIES)},
                    "category": {"type": "string", "enum": list(CATEGORIES)},
                    "title": {"type": "string"},
                    "message": {"type": "string"},
                    "explanation": {"type": "string", "description": "Markdown."},
                    "excerpt": {"type": "string", "description": "Code quoted exactly."},
                    "line": {"type": "integer"},
                    "end_line": {"type": "integer"},
                    "confidence": {"type": "number", "description": "From 0 to 1."},
                    "fix": {"anyOf": [_FIX_SCHEMA, {"type": "null"}]},
                }
            ),
        }
    }
)


class PromptBudgetError(ValueError):
    """The budget cannot hold the instructions and one line of the unit."""


# -- templates -----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@functools.cache
def load_template(name: str) -> str:
    """The text of ``templates/<name>.md``, read once."""
    path = resources.files("peer_lsp.review") / "templates" / f"{name}.md"
    return path.read_text(encoding="utf-8")


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill ``{name}`` placeholders; drop lines and paragraphs whose placeholders are empty.

    Only lowercase names in single braces are placeholders, so ``{"findings": []}`` in a
    template stays as it is. A placeholder without a value raises KeyError.
    """
    paragraphs = []
    for paragraph in template.strip().split("\n\n"):
        if _all_empty(paragraph, values):
            continue
        lines = [line for line in paragraph.split("\n") if not _all_empty(line, values)]
        paragraphs.append(_PLACEHOLDER.sub(lambda m: values[m.group(1)], "\n".join(lines)))
    return "\n\n".join(paragraphs)


def _all_empty(text: str, values: Mapping[str, str]) -> bool:
    names = _PLACEHOLDER.findall(text)
    return bool(names) and not any(values[name] for name in names)


# -- what a prompt shows ---------------------------------------------------------------------

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
            class_header=scrub(unit.enclosing_class_header or ""),
            siblings=tuple(
                scrub(signature)
                for signature in sibling_signatures(
                    unit, document, SIBLING_LIMIT, text if folded else None
                )
            ),
            known=tuple((line, scrub(note)) for line, note in _known(unit, known_findings)),
            unit_tokens=estimate_tokens(unit.text),
            secrets=code.found,
        )


_FOLDED_RANGE = re.compile(r"… lines \d+-\d+: ")


def _key_line(number: int, line: str) -> str:
    """A skeleton line as the cache sees it: without blanks, and a placeholder without its
    line range, which moves whenever a method grows."""
    flat = " ".join(line.split())
    return _FOLDED_RANGE.sub("… ", flat) if number == ELIDED else flat


def _file_name(uri: str) -> str:
    return PurePosixPath(unquote(urlparse(uri).path)).name


def _unit_lines(unit: Unit, document: Document) -> tuple[str, ...]:
    """The unit's lines; the first gets the blanks before the unit on its line, if only blanks."""
    line_start = document.lines.line_start(unit.start_line)
    before = document.data[line_start : unit.start_byte]
    text = unit.text
    if before and not before.strip():
        text = before.decode("utf-8", errors="replace") + text
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if len(lines) > 1 and not lines[-1]:
        lines.pop()
    return tuple(lines)


def _known(unit: Unit, findings: Sequence[Finding]) -> tuple[tuple[int, str], ...]:
    """Findings inside the unit, by unit line: ``line 3: [rule] message``."""
    first, last = unit.start_line, unit.end_line
    rows = []
    for finding in findings:
        if first <= finding.span.start_line <= last:
            line = finding.span.start_line - first + 1
            rows.append((line, f"line {line}: [{finding.rule_id}] {_one_line(finding.message)}"))
    return tuple(sorted(rows))


def _focus(finding: Finding, unit: Unit) -> str:
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


# -- one prompt, fitted to a budget ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    """A template version and what its requests ask for."""

    version: str
    task: Task
    schema: Mapping[str, typing.Any] | None
    schema_name: str
    max_tokens: int


REVIEW_TEMPLATE = PromptTemplate(PROMPT_VERSION, Task.REVIEW, FINDINGS_SCHEMA, "review", 2048)
EXPLAIN_TEMPLATE = PromptTemplate(EXPLAIN_PROMPT_VERSION, Task.EXPLAIN, None, "explain", 1024)


@dataclass(frozen=True, slots=True)
class _Cut:
    """How much of the context a rendering keeps (None: all of it)."""

    known: int | None = None
    siblings: bool = True
    imports: bool = True
    class_header: bool = True
    lines: int | None = None


def _cuts() -> Iterator[_Cut]:
    """Whole-part cuts in trimming order; the unit itself is cut afterwards."""
    yield _Cut()
    yield _Cut(known=MAX_KNOWN_FINDINGS)
    yield _Cut(known=MAX_KNOWN_FINDINGS, siblings=False)
    yield _Cut(known=MAX_KNOWN_FINDINGS, siblings=False, imports=False)


_LAST_RESORT = (
    _Cut(known=MAX_KNOWN_FINDINGS, siblings=False, imports=False),
    _Cut(known=0, siblings=False, imports=False, class_header=False),
)


@dataclass(frozen=True, slots=True)
class ReviewPrompt:
    """A unit's context, a template and a token budget: everything to render a request.

    ``focus`` is the finding an explain prompt is about.
    """

    context: UnitContext
    budget_tokens: int = DEFAULT_BUDGET_TOKENS
    template: PromptTemplate = REVIEW_TEMPLATE
    task: Task = Task.REVIEW
    focus: str = ""

    def render(self) -> LLMRequest:
        """The request, trimmed to the budget; PromptBudgetError when nothing fits."""
        system = render_template(load_template(self.template.version), {})
        room = self.budget_tokens - estimate_tokens(system)
        user, cut = self._fit(room)
        return LLMRequest(
            system=system,
            user=user,
            max_tokens=self.template.max_tokens,
            json_schema=self.template.schema,
            schema_name=self.template.schema_name,
            task=self.task,
            language=self.context.language,
            unit_tokens=self.context.unit_tokens,
            file=self.context.path,
            unit=self.context.name,
            prompt_version=self.template.version,
            context_key=self._context_key(cut),
        )

    def smaller(self) -> ReviewPrompt | None:
        """This prompt with half the user message it renders to; None when that cannot be.

        The system message is fixed, so only the user message is halved: halving the whole
        budget would refuse every prompt shorter than twice the instructions.
        """
        request = self.render()
        system = estimate_tokens(request.system)
        budget = system + estimate_tokens(request.user) // 2
        prompt = dataclasses.replace(self, budget_tokens=budget)
        try:
            prompt.render()
        except PromptBudgetError:
            return None
        return prompt

    def _fit(self, room: int) -> tuple[str, _Cut]:
        for cut in _cuts():
            user = self._user(cut)
            if estimate_tokens(user) <= room:
                return user, cut
        for base in _LAST_RESORT:
            lines = self._most_lines(base, room)
            if lines:
                cut = dataclasses.replace(base, lines=lines)
                return self._user(cut), cut
        raise PromptBudgetError(
            f"a budget of {self.budget_tokens} tokens cannot hold the {self.template.version} "
            "instructions and one line of the unit"
        )

    def _most_lines(self, base: _Cut, room: int) -> int:
        """How many leading unit lines fit in ``room`` with ``base`` (0: not one)."""
        low, high = 0, len(self.context.lines) - 1  # the whole unit did not fit
        while low < high:
            middle = (low + high + 1) // 2
            if estimate_tokens(self._user(dataclasses.replace(base, lines=middle))) <= room:
                low = middle
            else:
                high = middle - 1
        return low

    def _user(self, cut: _Cut) -> str:
        values = self._values(cut)
        return render_template(load_template(f"{self.template.version}.user"), values)

    def _values(self, cut: _Cut) -> dict[str, str]:
        context = self.context
        numbers = context.numbers or tuple(range(1, len(context.lines) + 1))
        shown = len(context.lines) if cut.lines is None else cut.lines
        total, last = max(numbers), max(numbers[:shown], default=0)
        known = [text for line, text in context.known if line <= last][: cut.known]
        truncated = shown < len(context.lines)
        return {
            "kind": context.kind,
            "language": context.language,
            "path": context.path,
            "name": context.name,
            "imports": "\n".join(context.imports) if cut.imports else "",
            "class_header": context.class_header if cut.class_header else "",
            "siblings": "\n".join(context.siblings) if cut.siblings else "",
            "known_findings": "\n".join(f"- {text}" for text in known),
            "finding": self.focus,
            "code": _numbered(context.lines[:shown], numbers[:shown], total),
            "truncated": (
                f"(unit truncated) Only lines 1-{last} of {total} are shown; do not report "
                "problems in lines you cannot see."
                if truncated
                else ""
            ),
        }

    def _context_key(self, cut: _Cut) -> str:
        values = self._values(cut)
        shown = "" if cut.lines is None else f"{cut.lines}/{len(self.context.lines)}"
        parts = ("imports", "class_header", "siblings", "known_findings", "finding")
        fields = (f"{name}={stable_placeholders(values[name])}" for name in parts)
        return context_hash([*fields, f"shown={shown}"])


def _numbered(lines: Sequence[str], numbers: Sequence[int], total: int) -> str:
    """Lines as ``  12 | code`` inside a fence longer than any backtick run in the code; a
    placeholder for elided lines gets no number."""
    width = len(str(total))
    body = "\n".join(
        f"{'' if number == ELIDED else number:>{width}} |{' ' + line if line else ''}"
        for number, line in zip(numbers, lines, strict=True)
    )
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{body}\n{fence}"


# -- requests, and shrinking them after an overflow -------------------------------------------


class _Issued:
    """The prompts behind recently built requests, oldest forgotten first."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[int, tuple[LLMRequest, ReviewPrompt]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, prompt: ReviewPrompt) -> LLMRequest:
        request = prompt.render()
        with self._lock:
            self._entries[id(request)] = (request, prompt)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        return request

    def prompt_of(self, request: LLMRequest) -> ReviewPrompt | None:
        with self._lock:
            entry = self._entries.get(id(request))
        return entry[1] if entry is not None and entry[0] is request else None


_issued = _Issued(REGISTRY_SIZE)


def build_review_request(
    unit: Unit,
    document: Document,
    *,
    path: str,
    known_findings: Sequence[Finding] = (),
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    task: Task = Task.REVIEW,
) -> LLMRequest:
    """The review request for a unit; ``shrink`` can make it smaller later.

    ``path`` is shown to the model (workspace-relative when the caller has it; the file name
    from the URI when empty). Raises PromptBudgetError when the budget is too small.
    """
    context = UnitContext.of(unit, document, path=path, known_findings=known_findings)
    return _issued.remember(ReviewPrompt(context, budget_tokens, REVIEW_TEMPLATE, task))


def build_explain_request(
    finding: Finding,
    unit: Unit,
    document: Document,
    *,
    path: str = "",
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
) -> LLMRequest:
    """The request for the "explain" action: a markdown answer about one finding."""
    context = UnitContext.of(unit, document, path=path)
    focus = redact(_focus(finding, unit), context.secrets).text
    prompt = ReviewPrompt(context, budget_tokens, EXPLAIN_TEMPLATE, Task.EXPLAIN, focus)
    return _issued.remember(prompt)


def code_key(request: LLMRequest, default: str) -> str:
    """What names the code a request built here shows, for the answer cache (a class
    skeleton is not its unit's full text); ``default`` for a request unknown here."""
    prompt = _issued.prompt_of(request)
    return prompt.context.code_key or default if prompt is not None else default


def shrink(request: LLMRequest) -> LLMRequest | None:
    """A smaller version of a request built here (half its size), for the router's overflow.

    None when the request was not built here, was forgotten, or cannot get smaller.
    """
    prompt = _issued.prompt_of(request)
    smaller = prompt.smaller() if prompt is not None else None
    return _issued.remember(smaller) if smaller is not None else None
