"""A review request built from a unit's context and a template, fitted to a token budget.

Trimming to the token budget drops known findings beyond ten first, then the sibling
signatures, then the imports, and last cuts the unit at a line boundary with a note; the
estimate of the request (both messages and the answer schema) never exceeds the budget. The
guard scans the finished prompt again for secrets, as a second net.

``context_key`` hashes the context exactly as it went into the prompt (and whether the unit
was cut), never the unit text, which the cache key adds in normalized form.

Shrinking after a context overflow: the router's callback receives nothing but the request.
A ``ReviewPrompt`` is the rebuildable value (a snapshot of the unit and its context, and a
budget), and every request it renders carries it in ``LLMRequest.origin``. That field is part
of the request's value, so a request copied with ``dataclasses.replace`` (routing metadata
added by the caller) still knows its prompt: ``shrink`` renders that prompt at half the size
that was sent, keeping whatever else the caller set, and ``code_key`` reads the name of the
code the prompt shows. A request built elsewhere has no prompt: no smaller version, and the
caller's code key.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass

from peer_lsp.llm.redaction.placeholders import stable_placeholders
from peer_lsp.llm.redaction.redact import redact
from peer_lsp.llm.tokens import estimate_tokens, schema_tokens
from peer_lsp.llm.types import LLMRequest, Task
from peer_lsp.review.prompt.skeleton import ELIDED
from peer_lsp.review.prompt.templates import (
    EXPLAIN_TEMPLATE,
    REVIEW_TEMPLATE,
    PromptTemplate,
    load_template,
    render_template,
)
from peer_lsp.review.prompt.unit_context import UnitContext, context_hash, explained_finding

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.syntax.unit import Unit

DEFAULT_BUDGET_TOKENS = 6000
MAX_KNOWN_FINDINGS = 10


class PromptBudgetError(ValueError):
    """The budget cannot hold the instructions and one line of the unit."""


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

    ``focus`` is the finding an explain prompt is about; ``complexity`` is routing metadata
    for the request (`peer_lsp.rules.complexity`), set here so that no one copies the request
    to add it; ``categories``, those of the known findings, is routing metadata too.
    ``extra`` fills the placeholders a template has beyond the unit's context (a test
    prompt's framework and example test), and is part of the context key.
    """

    context: UnitContext
    budget_tokens: int = DEFAULT_BUDGET_TOKENS
    template: PromptTemplate = REVIEW_TEMPLATE
    task: Task = Task.REVIEW
    focus: str = ""
    complexity: int = 0
    categories: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()

    def render(self) -> LLMRequest:
        """The request, trimmed to the budget; PromptBudgetError when nothing fits."""
        system = render_template(load_template(self.template.version), {})
        system += self.context.instructions
        room = self.budget_tokens - estimate_tokens(system) - schema_tokens(self.template.schema)
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
            complexity=self.complexity,
            origin=self,
            categories=self.categories,
        )

    def smaller(self) -> ReviewPrompt | None:
        """This prompt with half the user message it renders to; None when that cannot be.

        The system message is fixed, so only the user message is halved: halving the whole
        budget would refuse every prompt shorter than twice the instructions.
        """
        request = self.render()
        fixed = estimate_tokens(request.system) + schema_tokens(self.template.schema)
        budget = fixed + estimate_tokens(request.user) // 2
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
            **dict(self.extra),
        }

    def _context_key(self, cut: _Cut) -> str:
        values = self._values(cut)
        shown = "" if cut.lines is None else f"{cut.lines}/{len(self.context.lines)}"
        parts: tuple[str, ...] = (
            "imports",
            "class_header",
            "siblings",
            "known_findings",
            "finding",
        )
        parts += tuple(name for name, _ in self.extra)
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


def build_review_request(
    unit: Unit,
    document: Document,
    *,
    path: str,
    known_findings: Sequence[Finding] = (),
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    task: Task = Task.REVIEW,
    complexity: int = 0,
    categories: Iterable[str] = (),
) -> LLMRequest:
    """The review request for a unit; ``shrink`` can make it smaller later.

    ``path`` is shown to the model (workspace-relative when the caller has it; the file name
    from the URI when empty). The request carries, for routes, the categories of the known
    findings and ``categories`` (a second opinion's: those of the findings it is about).
    Raises PromptBudgetError when the budget is too small.
    """
    context = UnitContext.of(unit, document, path=path, known_findings=known_findings)
    found = {finding.category.value for finding in known_findings}
    categories = tuple(sorted(found.union(categories)))
    prompt = ReviewPrompt(
        context, budget_tokens, REVIEW_TEMPLATE, task, complexity=complexity, categories=categories
    )
    return prompt.render()


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
    focus = redact(explained_finding(finding, unit), context.secrets).text
    return ReviewPrompt(context, budget_tokens, EXPLAIN_TEMPLATE, Task.EXPLAIN, focus).render()


def prompt_of(request: LLMRequest) -> ReviewPrompt | None:
    """The prompt a request was rendered from, None for a request not built here."""
    origin = request.origin
    return origin if isinstance(origin, ReviewPrompt) else None


def code_key(request: LLMRequest, default: str) -> str:
    """What names the code a request built here shows, for the answer cache (a class
    skeleton is not its unit's full text); ``default`` for a request not built here."""
    prompt = prompt_of(request)
    return prompt.context.code_key or default if prompt is not None else default


def shrink(request: LLMRequest) -> LLMRequest | None:
    """A smaller version of a request built here (half its size), for the router's overflow.

    Only what the prompt renders changes; every other field stays as the caller set it.
    None when the request was not built here or cannot get smaller.
    """
    prompt = prompt_of(request)
    smaller = prompt.smaller() if prompt is not None else None
    if smaller is None:
        return None
    rendered = smaller.render()
    return dataclasses.replace(
        request,
        system=rendered.system,
        user=rendered.user,
        context_key=rendered.context_key,
        origin=smaller,
    )
