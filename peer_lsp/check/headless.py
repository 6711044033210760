"""Model review on the command line: the editor's review, headless, several files at a time.

`peer check`, `peer fix` and `peer explain` share one `HeadlessReviewer` per run. It builds the
router once (`build_router`, from the same settings as the editor: providers, routes, cache,
guard), keeps one event loop for the whole run (the router's HTTP clients belong to it), and
for each file opens a `Document` in an `Engine`, reviews its units with `review_unit` (at most
``maxReviewsInFlight`` at a time), and stores the outcomes in ``engine.reviews``. The findings
are then ``engine.findings``: syntax and model findings merged, below ``minConfidence`` or
under a ``peer: ignore`` comment hidden, exactly as the server shows them. The file is closed
in the engine afterwards, so memory does not grow with the number of files.

`analyse` does one file; `in_order` does many, a `window` of them at once (enough to keep
every provider's ``maxConcurrency`` busy: the router's lanes cap the HTTP calls), and gives
the results back in the order of the files. Each file's outcomes are kept and its document
closed as soon as its reviews end; what the run says about it (`settle`: the units not
reviewed, the first failure of each kind on stderr) waits for its turn, so that stderr, the
``unreviewed`` counts and the units named first are those of a run one file at a time.

Without a provider (and no local Ollama found) the run is local-only, and says so once on
stderr; ``--no-model`` makes it local-only without asking for any provider, silently. A unit
whose review fails keeps its local findings, and is counted in ``unreviewed``
(`peer_lsp.check.unreviewed`) under the kind of its error: the first failure of each kind is
reported on stderr when its file's turn comes (in file and unit order, not in the order the
answers came), the counts per reason with the first units named at the end
(`report_unreviewed`); a spent budget (`peer_lsp.llm.budget`: the run's budgets apply here,
the router is built ``per_run``) is one such reason, its line naming the budget. A provider
whose API key variable is empty is found before any request and counts every unit reviewed in
the run as not reviewed, cache hits included. What a failed review does to the exit code is
each command's choice (``--allow-unreviewed``). A unit the guard will not send
(``sendExclude``, ``maxRequestTokens``) or too large for the prompt is deliberately not
reviewed: only logged, not counted. So is every unit of a file not worth a review (a lock,
generated, minified or vendored file, a language without units: `peer_lsp.review.worth`),
unless the run reviews ``every_file`` (`peer explain`, asked about one line).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path

from peer_lsp.analysis.engine import Engine
from peer_lsp.check.unreviewed import MISSING_KEY, Unreviewed
from peer_lsp.findings.model import Category
from peer_lsp.syntax.unit import starts_in

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Generator, Iterable, Sequence
    from types import TracebackType
    from typing import Any, TextIO

    from peer_lsp.check.bill import Bill
    from peer_lsp.check.dry_run import Estimate
    from peer_lsp.check.report import Located
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.llm.config import LLMConfig
    from peer_lsp.llm.errors import LLMError
    from peer_lsp.llm.local_models import LocalServer
    from peer_lsp.llm.streams import TextListener
    from peer_lsp.review.batches import ReviewPlan
    from peer_lsp.review.explain import Explained
    from peer_lsp.review.pipeline import ReviewOutcome
    from peer_lsp.review.reviewer import Reviewer
    from peer_lsp.settings.model import Settings
    from peer_lsp.syntax.unit import Unit

    Select = Callable[[Document], Sequence[Unit]]

T = typing.TypeVar("T")
R = typing.TypeVar("R")

log = logging.getLogger(__name__)

LOCAL_ONLY = "no provider configured: local findings only (syntax, local rules)"


def _first_failure(error: LLMError, path: str, unit: str) -> str:
    """The stderr line of the first failure of a kind; a budget's names the budget and
    says what it means for the rest of the run."""
    from peer_lsp.llm.errors import ErrorKind

    if error.kind is ErrorKind.BUDGET:
        return (
            f"reviews stopped at {path} ({unit}): {error}; the units left get local findings only"
        )
    return f"review of {path} ({unit}) failed: {error}"


class ProviderSetupError(Exception):
    """The provider settings were rejected; one message per problem (a usage error)."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True, slots=True)
class Failure:
    """A unit whose review failed: its name and the error (None: it was reviewed, but
    while a provider's API key variable is empty, which counts it as not reviewed)."""

    unit: str
    error: LLMError | None


@dataclass
class Analysis:
    """One file analysed: its document, the findings the editor would show, and what the
    model reviewed (``reviewed``: units; ``models``: who answered)."""

    document: Document
    findings: list[Finding]
    reviewed: list[Unit] = field(default_factory=list)
    models: set[str] = field(default_factory=set)
    path: str = ""
    """The file as the model sees it (`model_path`)."""
    failed: list[Failure] = field(default_factory=list)
    """The units not reviewed, in the units' order: counted by `HeadlessReviewer.settle`."""


def model_path(path: Path, root: Path) -> str:
    """The file as the model and the guard see it: relative to the project when inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


class HeadlessReviewer:
    """The engine and (when configured) the router of one command-line run.

    Use as a context manager: entering builds the router, leaving closes it.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        root: Path,
        prog: str,
        use_model: bool = True,
        every_file: bool = False,
        dry_run: bool = False,
        err: TextIO | None = None,
    ) -> None:
        self.settings = settings
        self.root = Path(os.path.abspath(root))
        self.prog = prog
        self.use_model = use_model
        self.every_file = every_file
        """Review every file's units, also those not worth it (`peer_lsp.review.worth`)."""
        self.err = err or sys.stderr
        self.engine = Engine(settings)
        self.reviewer: Reviewer | None = None
        self.unreviewed = Unreviewed()
        """Units a configured model could not review in this run, by reason."""
        self.missing_keys: list[str] = []
        """Providers whose API key variable is empty (`RouterSetup.missing_keys`)."""
        self._reported = False
        self._said: set[str] = set()
        """Error kinds already reported on stderr (`settle`)."""
        self.units_reviewed = 0
        """Units with an outcome in this run, from a model's answer or the cache."""
        self.units_answered = 0
        """Of those, the units a model answered in this run."""
        self.units_cached = 0
        """Of those, the units the answer cache answered."""
        self._runner: asyncio.Runner | None = None
        self.plan: ReviewPlan | None = None
        """With ``dry_run``: what reviews would send; nothing is sent, no unit is reviewed."""
        if dry_run:
            from peer_lsp.review.batches import ReviewPlan

            self.plan = ReviewPlan()

    # -- the run -----------------------------------------------------------------------------

    def __enter__(self) -> HeadlessReviewer:
        if not self.use_model:
            return self
        from peer_lsp.llm.factory import build_router

        self._runner = asyncio.Runner()
        try:
            ask = self._ask_in_terminal if _interactive() else None
            setup = self._runner.run(
                build_router(self.settings, root=self.root, per_run=True, ask=ask)
            )
        except BaseException:
            self._close_runner()
            raise
        if setup.problems:
            self._close_runner()
            raise ProviderSetupError(setup.problems)
        if setup.router is None:
            if setup.local_model:
                self._say(f"{setup.local_model} (allow it by running peer check in a terminal)")
            self._say(LOCAL_ONLY)
            return self
        from peer_lsp.review.reviewer import Reviewer  # the review pipeline, only when used

        self.reviewer = Reviewer(self.engine, setup.router)
        self.missing_keys = setup.missing_keys
        for message in self.missing_keys:
            self._say(f"{message}: units are counted as not reviewed, cached answers or not")
        if setup.autodetected:
            self._say(f"no provider configured: using the local Ollama model {setup.autodetected}")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.reviewer is not None and self._runner is not None:
            self._runner.run(self.reviewer.aclose())
        self._close_runner()
        if not self._reported:
            self.report_unreviewed()

    def report_unreviewed(self, consequence: str = "local findings only for those units") -> None:
        """Say on stderr (once) which units were not reviewed and why, then ``consequence``."""
        self._reported = True
        lines = self.unreviewed.lines()
        for line in lines:
            self._say(line)
        if lines:
            self._say(consequence)

    @property
    def uses_model(self) -> bool:
        """Whether units are sent to a model in this run."""
        return self.reviewer is not None

    def summary(self, located: Sequence[Located], files: int) -> str | None:
        """The model's summary of the run (`peer_lsp.check.summary`); None without a model or
        in a dry run. A failure is said on stderr and gives None: the run's result stands."""
        if self.reviewer is None or self._runner is None or self.plan is not None:
            return None
        from peer_lsp.check.summary import summarize, summary_request
        from peer_lsp.llm.errors import LLMError

        try:
            return self._runner.run(
                summarize(self.reviewer.router, summary_request(located, files))
            )
        except LLMError as error:
            self._say(f"no summary: {error}")
            return None

    def explain(
        self, finding: Finding, document: Document, path: str, listener: TextListener
    ) -> Explained | None:
        """The model's explanation of ``finding`` (`peer_lsp.review.explain`), its text given
        to ``listener`` as it arrives; None without a model, in a dry run, or for a finding
        outside every unit. Raises `LLMError` when no provider answered and
        `PromptBudgetError` when the unit cannot fit the prompt; Ctrl-C cancels the call
        (the provider's stream is closed) and raises KeyboardInterrupt."""
        if self.reviewer is None or self._runner is None or self.plan is not None:
            return None
        from peer_lsp.review.explain import explain_finding, unit_of

        unit = unit_of(document, finding)
        if unit is None:
            return None
        router = self.reviewer.router
        return self._runner.run(
            explain_finding(router, finding, unit, document, path=path, listener=listener)
        )

    def bill(self, seconds: float) -> Bill | None:
        """What the run sent and cost so far (`peer_lsp.check.bill`); None without a model,
        and in a dry run (`dry_run_estimate`)."""
        if self.reviewer is None or self.plan is not None:
            return None
        from peer_lsp.check.bill import Bill

        router = self.reviewer.router
        return Bill.from_router(
            router.stats(), router.config, units=self.units_answered, seconds=seconds
        )

    def dry_run_estimate(self) -> Estimate | None:
        """In a dry run with a model, what the run would have sent and cost
        (`peer_lsp.check.dry_run`); else None."""
        if self.plan is None or self.reviewer is None:
            return None
        from peer_lsp.check.dry_run import estimate
        from peer_lsp.llm.guard import audit_path

        return estimate(
            self.plan, self.reviewer.router.config, audit_path(self.settings, self.root)
        )

    def run_with_reviewer(self, work: Callable[[Reviewer], Coroutine[Any, Any, T]]) -> T | None:
        """``work(reviewer)`` on the run's event loop, where the router's HTTP clients live
        (`peer suggest-test` asks its model so); None without a model or in a dry run.
        Ctrl-C cancels the work (a provider's stream is closed) and raises KeyboardInterrupt."""
        if self.reviewer is None or self._runner is None or self.plan is not None:
            return None
        return self._runner.run(work(self.reviewer))

    def _close_runner(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None

    def _say(self, message: str) -> None:
        print(f"{self.prog}: {message}", file=self.err)

    async def _ask_in_terminal(self, server: LocalServer) -> bool | None:
        """Whether an autodetected local server may have the project's code: y or n (kept
        for this folder), anything else is no answer."""
        question = (
            f"{self.prog}: found {server.describe()} and no configured provider.\n"
            f"{self.prog}: send this project's code to it for review? [y/n] "
        )
        answer = await asyncio.to_thread(_read_answer, question, self.err)
        return {"y": True, "yes": True, "n": False, "no": False}.get(answer)

    # -- one file ----------------------------------------------------------------------------

    def analyse(self, uri: str, text: str, path: str, select: Select | None = None) -> Analysis:
        """Analyse one file: local findings, and a model review of its units.

        ``select`` picks the units to review (default: all of them); when given, only the
        findings inside those units are kept, plus the file's syntax findings.
        """
        document = self.engine.open(uri, text)
        try:
            units = list(document.units if select is None else select(document))
            analysis = Analysis(document, [], path=path)
            if (
                self.reviewer is not None
                and self._runner is not None
                and units
                and self._worth(document, text, path)
            ):
                outcomes = self._runner.run(self._review_all(document, units, path))
                self._keep(document, outcomes, analysis)
            self._finish(analysis, units, select)
        finally:
            self.engine.close(uri)
        self.settle(analysis.path, analysis.failed)
        return analysis

    async def analyse_async(
        self, uri: str, text: str, path: str, select: Select | None = None
    ) -> Analysis:
        """`analyse` as a task of `in_order`: the same, except that what the run says about
        the file waits for the caller to `settle` it, in the files' order."""
        document = self.engine.open(uri, text)
        try:
            units = list(document.units if select is None else select(document))
            analysis = Analysis(document, [], path=path)
            if self.reviewer is not None and units and self._worth(document, text, path):
                outcomes = await self._review_all(document, units, path)
                self._keep(document, outcomes, analysis)
            self._finish(analysis, units, select)
            return analysis
        finally:
            self.engine.close(uri)

    def _finish(self, analysis: Analysis, units: Sequence[Unit], select: Select | None) -> None:
        """The findings the file shows, while its document is still open."""
        findings = self.engine.findings(analysis.document.uri)
        if select is not None:
            findings = [
                f
                for f in findings
                if f.category is Category.SYNTAX or starts_in(f.span.start_byte, units)
            ]
        analysis.findings = findings

    def _worth(self, document: Document, text: str, path: str) -> bool:
        """Whether the file's units go to the model: not when it is not worth a review
        (`peer_lsp.review.worth`: said in the log; its local findings stay), unless
        ``every_file`` (an explicit request, as `peer explain`'s)."""
        from peer_lsp.review.worth import why_not_review

        if self.every_file:
            return True
        reason = why_not_review(path, document.grammar, text, self.settings)
        if reason is not None:
            log.info("%s not reviewed: %s", path, reason)
        return reason is None

    def _keep(
        self,
        document: Document,
        outcomes: list[tuple[Unit, ReviewOutcome | LLMError | None]],
        analysis: Analysis,
    ) -> None:
        """Keep the outcomes, and note the units not reviewed, in the units' order."""
        from peer_lsp.llm.errors import LLMError

        assert self.reviewer is not None
        for unit, outcome in outcomes:
            name = unit.qualified_name
            if isinstance(outcome, LLMError):
                analysis.failed.append(Failure(name, outcome))
                continue
            if outcome is None:
                continue
            if self.missing_keys and outcome.model:
                analysis.failed.append(Failure(name, None))
            self.reviewer.keep(document.uri, unit, unit.exact_hash, outcome)
            analysis.reviewed.append(unit)
            self.units_reviewed += 1
            if outcome.cached:
                self.units_cached += 1
            elif outcome.model:
                self.units_answered += 1
            if outcome.model:
                analysis.models.add(outcome.model)

    def settle(self, path: str, failed: Sequence[Failure]) -> None:
        """Count a file's units not reviewed (``path``: as the model sees it), and say the
        first failure of each kind: in the files' order, whenever their reviews ended."""
        for failure in failed:
            if self.missing_keys:
                self.unreviewed.add(MISSING_KEY, self.missing_keys[0], path, failure.unit)
                continue
            error = failure.error
            assert error is not None
            self.unreviewed.add_error(error, path, failure.unit)
            if error.kind not in self._said:
                self._said.add(error.kind)
                self._say(_first_failure(error, path, failure.unit))

    async def _review_all(
        self, document: Document, units: Sequence[Unit], path: str
    ) -> list[tuple[Unit, ReviewOutcome | LLMError | None]]:
        """Each unit's outcome; the error when the model failed (reported in the files'
        order by `settle`); None when the guard would not send it."""
        from peer_lsp.llm.guard import GuardRefusal

        assert self.reviewer is not None
        local = self.engine.local_findings(document.uri)
        if self.plan is not None:
            await self.reviewer.plan_units(document, units, self.plan, path=path, local=local)
            return []
        results = await self.reviewer.review_units(document, units, path=path, local=local)
        reviewed: list[tuple[Unit, ReviewOutcome | LLMError | None]] = []
        for unit, result in zip(units, results, strict=True):
            if isinstance(result, GuardRefusal):
                log.info("%s %s not reviewed: %s", path, unit.qualified_name, result)
                reviewed.append((unit, None))
            else:
                reviewed.append((unit, result))
        return reviewed

    # -- many files --------------------------------------------------------------------------

    @property
    def window(self) -> int:
        """How many files `in_order` keeps in flight: the calls the providers that first take
        the review routes can make at once (their ``maxConcurrency``, summed), so that each of
        them stays busy when every file sends at least one request; 1 without a model.

        A provider's lane caps its calls; with this many files, each with at most
        ``maxReviewsInFlight`` reviews in flight, no more reviews wait for a provider's slot
        than when one file is reviewed at a time on a provider of ``maxConcurrency`` 1."""
        if self.reviewer is None:
            return 1
        return review_capacity(self.reviewer.router.config)

    def in_order(
        self,
        items: Iterable[T],
        work: Callable[[T], Coroutine[Any, Any, R]],
        window: int | None = None,
    ) -> Generator[R, None, None]:
        """``work`` on each item, up to ``window`` (default `window`) at once on the run's
        event loop, the results in the items' order.

        A result that is ready waits for the ones before it; at most ``LOOKAHEAD`` windows'
        worth of items are started ahead of the first one not yet given back, so memory is
        bounded by the window and not by how slow one file is. An error raised by ``work``
        is raised when its item's turn comes. Closing the iterator (or an error, Ctrl-C)
        cancels the work still in flight and waits for it to end, before the router closes.
        """
        width = max(1, self.window if window is None else window)
        runner = self._runner
        own = runner is None
        if runner is None:  # no model: the work never waits, but is a coroutine all the same
            runner = asyncio.Runner()
        loop = runner.get_loop()
        source = iter(items)
        running: dict[int, asyncio.Task[R]] = {}
        ended: dict[int, asyncio.Task[R]] = {}
        started = given = 0
        try:
            while True:
                while len(running) < width and started - given < width * LOOKAHEAD:
                    item = next(source, _END)
                    if item is _END:
                        break
                    running[started] = loop.create_task(work(typing.cast("T", item)))
                    started += 1
                if given in ended:
                    yield ended.pop(given).result()
                    given += 1
                    continue
                if not running:
                    return
                runner.run(_first_done(list(running.values())))
                for index in [i for i, task in running.items() if task.done()]:
                    ended[index] = running.pop(index)
        finally:
            if running:
                for task in running.values():
                    task.cancel()
                runner.run(_all_done(list(running.values())))
            if own:
                runner.close()


LOOKAHEAD = 4
"""`HeadlessReviewer.in_order` starts items at most this many windows ahead of the first one
not yet given back."""

_END = object()


async def _first_done(tasks: list[asyncio.Task[R]]) -> None:
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)


async def _all_done(tasks: list[asyncio.Task[R]]) -> None:
    await asyncio.gather(*tasks, return_exceptions=True)


def review_capacity(config: LLMConfig) -> int:
    """The calls the first provider of each route taking reviews can make at once, summed
    (a provider first in several routes counted once); at least 1. Fallback providers are
    left out: they take requests only when the first one fails."""
    from peer_lsp.llm.types import Task

    concurrency = {provider.id: provider.max_concurrency for provider in config.providers}
    first = {
        route.providers[0]
        for route in config.routes
        if route.providers and (not route.tasks or Task.REVIEW in route.tasks)
    }
    return max(1, sum(concurrency.get(pid, 0) for pid in first))


def _interactive() -> bool:
    """A person at a terminal, who can be asked (not CI, not a pipe)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _read_answer(question: str, err: typing.TextIO) -> str:
    print(question, end="", file=err, flush=True)
    try:
        return sys.stdin.readline().strip().lower()
    except (OSError, ValueError):
        return ""
