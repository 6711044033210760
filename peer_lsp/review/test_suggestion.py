"""Suggest a test: one test, in the project's style, that fails on a finding's problem.

The model sees what an explanation shows (the finding, its unit numbered, the unit's context)
plus how the project tests (`peer_lsp.review.test_style`: the framework, its style, the head
of one of its test files) and where the new test would go, and is asked for the code of one
test file (template ``review-test-v1``, `Task.TEST`, prose answer). It goes through the
router like a review: redacted by the guard, routed by task, cached by the unit's normalized
code and the prompt's context, so asking again for the same finding sends nothing.

The template asks for code alone; models add a Markdown fence (and a line of prose before
it) all the same. `CodeOnly` takes them off as the text streams in, so that what reaches the
editor or the terminal is the file as it would be saved; `strip_fence` does the same to a
whole answer. A line that could be the closing fence is held back until it is known not to be.

Which findings get the action: those of category ``bug`` or ``security``, from a model or a
local rule, and never a syntax error: the kinds of problem a test can show failing. Style,
maintainability and performance findings are left out.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass

from peer_lsp.findings.model import Category
from peer_lsp.llm.redaction.redact import redact
from peer_lsp.review.prompt.request import (
    DEFAULT_BUDGET_TOKENS,
    ReviewPrompt,
    code_key,
    shrink,
)
from peer_lsp.review.prompt.templates import TEST_TEMPLATE
from peer_lsp.review.prompt.unit_context import UnitContext, explained_finding

if typing.TYPE_CHECKING:
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.llm.router import Router
    from peer_lsp.llm.streams import TextListener
    from peer_lsp.llm.types import LLMRequest
    from peer_lsp.review.test_style import TestStyle
    from peer_lsp.syntax.unit import Unit

TESTABLE = frozenset({Category.BUG, Category.SECURITY})
"""The categories of findings a test is suggested for."""

LANGUAGE_IDS = {"tsx": "typescriptreact"}
"""LSP language ids that are not the grammar's name (for a document opened without one)."""


def offers_test(finding: Finding) -> bool:
    """Whether "suggest a test" is offered for ``finding`` (see the module docstring)."""
    return finding.source != "syntax" and finding.category in TESTABLE


def language_id(document: Document) -> str:
    """The LSP language id of the document (and of a test of it)."""
    if document.language_id:
        return document.language_id
    grammar = document.grammar or ""
    return LANGUAGE_IDS.get(grammar, grammar)


@dataclass(frozen=True, slots=True)
class TestSuggestion:
    """A suggested test: what the editor opens, and who wrote it."""

    __test__ = False  # not a pytest test class, whatever its name

    title: str
    language_id: str
    suggested_name: str
    """The file the test would be saved as, relative to the workspace when inside it."""
    text: str
    """The test file's code, without a Markdown fence."""
    model: str = ""
    """``provider/model`` of the answer."""
    cached: bool = False

    def to_json(self) -> dict[str, object]:
        """The `peer.suggestTest` result (docs/editors.md)."""
        return {
            "title": self.title,
            "languageId": self.language_id,
            "suggestedName": self.suggested_name,
            "text": self.text,
            "model": self.model,
            "cached": self.cached,
        }


def build_test_request(
    finding: Finding,
    unit: Unit,
    document: Document,
    style: TestStyle,
    *,
    path: str,
    suggested_name: str,
    example_name: str = "",
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
) -> LLMRequest:
    """The request for a test of ``finding`` in ``unit``, in the project's ``style``.

    ``path`` is the source shown to the model, ``suggested_name`` the new test file's and
    ``example_name`` the example test's (workspace-relative when the caller has them).
    Raises `PromptBudgetError` when the budget cannot hold the unit.
    """
    context = UnitContext.of(unit, document, path=path)

    def scrub(text: str) -> str:  # what the code's redaction found is redacted here too
        return redact(text, context.secrets).text if text else text

    focus = scrub(explained_finding(finding, unit))
    example = _fenced(scrub(redact(style.example_excerpt).text)) if style.example_excerpt else ""
    extra = (
        ("test_style", style.describe(unit.language)),
        ("test_file", suggested_name),
        ("example_path", example_name if example else ""),
        ("example", example),
    )
    return ReviewPrompt(
        context, budget_tokens, TEST_TEMPLATE, TEST_TEMPLATE.task, focus, extra=extra
    ).render()


def _fenced(text: str) -> str:
    """``text`` in a fence longer than any backtick run in it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


@dataclass(frozen=True, slots=True)
class TestAnswer:
    """The model's test: its code, without the fence, and where it came from."""

    __test__ = False  # not a pytest test class, whatever its name

    code: str
    provider: str
    model: str
    cached: bool = False
    cut: bool = False
    """The model went on past the code's closing fence until its output limit: the code is
    whole, the answer is not, so it was not cached."""

    @property
    def source(self) -> str:
        """``provider/model``, or the provider alone when the model is not known."""
        return f"{self.provider}/{self.model}" if self.model else self.provider


async def suggest_test(
    router: Router,
    request: LLMRequest,
    unit: Unit,
    *,
    listener: TextListener | None = None,
) -> TestAnswer:
    """The model's test for ``request``. ``listener`` sees the code as it streams in,
    already without the fence. Raises what `Router.complete` raises
    (`peer_lsp.llm.errors.LLMError`); an answer with no code in it is refused (not cached,
    the route's next provider asked). An answer cut at the output limit after the code's
    closing fence (a small model that goes on talking) still gives the code, uncached."""
    from peer_lsp.llm.errors import OutputLimit

    code = CodeOnly(listener)
    try:
        response = await router.complete(
            request,
            normalized_code=code_key(request, unit.normalized_hash),
            shrink=shrink,
            validate=_has_code,
            listener=code,
        )
    except OutputLimit as error:
        if not code.complete or not code.text.strip():
            raise
        return TestAnswer(code.text, error.provider, "", cut=True)
    code.finish()
    return TestAnswer(code.text, response.provider, response.model, response.cached)


def _has_code(text: str) -> bool:
    return bool(strip_fence(text).strip())


# -- the fence, taken off as the text streams in ------------------------------------------------

_OPENING = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*[\w+#.-]*[ \t]*$")
_CLOSING = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*$")
MAX_PREAMBLE_LINES = 3
"""Lines of prose before an opening fence that are looked past (``Here is the test:``)."""
MAX_PREAMBLE_CHARS = 600


class CodeOnly:
    """A `TextListener` passing on the code of an answer without its Markdown fence.

    Until the answer's first lines show whether a fence opens it (after at most
    `MAX_PREAMBLE_LINES` lines of prose, dropped with it), nothing is passed on. Then the
    code passes as it comes, line by line, but for a line start that could still become a
    fence: held back until it is known. In a fenced answer the closing fence ends the code
    (prose after it is dropped); in an answer without one, a lone fence line at its very end
    is dropped. ``text`` is what was passed on; ``finish`` passes on what was held back once
    the answer is complete.
    """

    def __init__(self, listener: TextListener | None = None) -> None:
        self.listener = listener
        self._reset()

    def _reset(self) -> None:
        self.text = ""
        self._mode = "start"  # start | fenced | raw | closed
        self._head = ""
        self._pending = ""  # the start of a line that may be a fence, or a lone fence line
        self._line_open = False  # part of the current line was passed on

    @property
    def complete(self) -> bool:
        """Whether the code's closing fence has come: the code is whole."""
        return self._mode == "closed"

    def on_text(self, delta: str) -> None:
        if self._mode == "start":
            self._head += delta
            self._decide(final=False)
        elif self._mode in {"fenced", "raw"}:
            self._lines(delta)

    def on_restart(self) -> None:
        self._reset()
        if self.listener is not None:
            self.listener.on_restart()

    def finish(self) -> None:
        """The answer is complete: pass on what was held back, but for a fence."""
        if self._mode == "start":
            self._decide(final=True)
        pending, self._pending = self._pending, ""
        if self._mode in {"fenced", "raw"} and pending:
            first = pending.split("\n", 1)[0]
            if not (_CLOSING.match(first) and not pending.strip(" \t\n`~")):
                self._give(pending)

    def _decide(self, *, final: bool) -> None:
        """In the answer's first lines: a fence (code follows it), or none (all is code)."""
        lines = self._head.split("\n")
        complete, rest = lines[:-1], lines[-1]
        prose = 0
        for index, line in enumerate(complete):
            if prose >= MAX_PREAMBLE_LINES:
                break
            if _OPENING.match(line):
                self._mode, self._head = "fenced", ""
                self._lines("\n".join([*complete[index + 1 :], rest]))
                return
            if line.strip():
                prose += 1
        if final and prose < MAX_PREAMBLE_LINES and _OPENING.match(rest):
            self._mode, self._head = "closed", ""  # nothing but an opening fence
            return
        undecided = prose < MAX_PREAMBLE_LINES and len(self._head) < MAX_PREAMBLE_CHARS
        if undecided and not final:
            return
        self._mode = "raw"
        head, self._head = self._head.lstrip("\n"), ""
        self._lines(head)

    def _lines(self, delta: str) -> None:
        """Pass on whole and partial lines, holding back what may be a fence."""
        text = self._pending + delta
        self._pending = ""
        out: list[str] = []
        while text:
            end = text.find("\n")
            if self._line_open:
                if end < 0:
                    out.append(text)
                    break
                out.append(text[: end + 1])
                text = text[end + 1 :]
                self._line_open = False
                continue
            if end < 0:
                if text.strip(" \t`~"):
                    out.append(text)
                    self._line_open = True
                else:
                    self._pending = text  # may become a fence
                break
            if _CLOSING.match(text[:end]):
                if self._mode == "fenced":
                    self._mode = "closed"
                    break
                if not text[end + 1 :].strip(" \t\n`~"):
                    self._pending = text  # the answer may end here
                    break
            out.append(text[: end + 1])
            text = text[end + 1 :]
        self._give("".join(out))

    def _give(self, text: str) -> None:
        if not text:
            return
        self.text += text
        if self.listener is not None:
            self.listener.on_text(text)


def strip_fence(text: str) -> str:
    """A whole answer's code, as `CodeOnly` would pass it on."""
    code = CodeOnly()
    code.on_text(text)
    code.finish()
    return code.text
