"""Model reviews in the editor: when to review (scheduler), where results go, what the user sees
of the work (progress and the `peer/status` notification). The review itself is the
`Reviewer`'s, shared with `peer check`.

The router is built after `initialized`, off the start-up path, from the resolved settings;
with no provider configured (and no local Ollama) the server stays local-only and says so once
in the status. A failing provider never blocks local diagnostics: they are published first.

A review that fails must not look like a clean one: diagnostics without model findings look
exactly like a review that found nothing. So each cause of failure (the kind of model error:
a refused key, a model not found, a provider unreachable, ...) is told once per start with
window/showMessage, the status says ``error`` with the last failure while any unit's latest
review failed (``notReviewed`` counts them), and a provider whose API key variable is empty
is told at start, before any request: answers from the cache would otherwise hide it until
the first changed unit.

A spent budget (`peer_lsp.llm.budget`) is not a failure of the provider: the status says
``paused`` with the budget, its limit and the use, a warning is shown once per start, local
diagnostics go on, and answers from the cache still show. The next review the budget lets
through (a new UTC day, a raised limit) ends the pause. The status carries the day's use
against the daily limits (``budget``) for clients to show.
"""

from __future__ import annotations

import asyncio
import logging
import typing
import uuid
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from peer_lsp.llm import errors as llm_errors
from peer_lsp.lsp.commands import STATUS
from peer_lsp.review.scheduler import ReviewScheduler, Trigger

if typing.TYPE_CHECKING:
    from collections.abc import Collection

    from pygls.progress import Progress

    from peer_lsp.analysis.engine import Engine
    from peer_lsp.documents.store import Document
    from peer_lsp.llm.local_models import LocalServer
    from peer_lsp.llm.router import Router
    from peer_lsp.lsp.capabilities import ClientFeatures
    from peer_lsp.review.reviewer import Reviewer
    from peer_lsp.syntax.unit import Unit
    from peer_lsp.syntax.unit_diff import UnitDiff

log = logging.getLogger(__name__)

ALLOW_LOCAL = "Use it"
DENY_LOCAL = "Not for this workspace"
"""The answers to the question about an autodetected local model server."""

PUBLISH_EVERY = 0.1
"""Seconds between publishes (and status notifications) while results keep landing."""


def open_circuits(stats: dict[str, typing.Any]) -> list[dict[str, object]]:
    """The providers whose circuit is not closed, from `Router.stats`: each with its
    breaker state, the seconds left before it lets a request through again, and ``cause``,
    the failure that opened it (a refused or missing key): what a status bar must say, not
    only that the circuit is open."""
    providers = stats.get("providers", {})
    return [
        {
            "provider": provider_id,
            "breaker": report.get("breaker"),
            "secondsLeft": report.get("breakerSecondsLeft"),
            "cause": report.get("lastFailure"),
        }
        for provider_id, report in providers.items()
        if report.get("breaker") != "closed"
    ]


class Throttle:
    """Runs ``action`` now, or once ``delay`` seconds later however often it is asked to."""

    def __init__(self, delay: float, action: typing.Callable[[], None]) -> None:
        self._delay = delay
        self._action = action
        self._timer: asyncio.TimerHandle | None = None

    def now(self) -> None:
        self.cancel()
        self._action()

    def soon(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._delay, self.now)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class Host(typing.Protocol):
    """What reviewing needs of the language server (`PeerLanguageServer` has it)."""

    engine: Engine
    client: ClientFeatures
    workspace_root: Path | None

    @property
    def work_done_progress(self) -> Progress: ...
    def notify(self, method: str, params: object) -> None: ...
    def republish(self, uri: str) -> None: ...
    def show(self, kind: types.MessageType, message: str) -> None: ...
    async def ask(
        self, kind: types.MessageType, message: str, answers: list[str]
    ) -> str | None: ...


class Reviewing:
    """The server's side of model reviews: the `Reviewer` (or none), a scheduler, and the
    status it reports."""

    def __init__(self, server: Host) -> None:
        self.server = server
        self.reviewer: Reviewer | None = None
        self.scheduler: ReviewScheduler | None = None
        self.state = "starting"
        self.detail = ""
        self.last_latency_ms = 0.0
        self.last_provider = ""
        self.last_model = ""
        self.tasks: set[asyncio.Task[None]] = set()
        self._verifying: dict[tuple[str, int], tuple[Unit, asyncio.Task[None]]] = {}
        """Automatic second opinions in flight, by document and unit: cancelled on edits."""
        self._progress_token: str | None = None
        self._progress_begun = False
        self._unpublished: set[str] = set()
        self._publishing = Throttle(PUBLISH_EVERY, self._publish_unpublished)
        self._status = Throttle(PUBLISH_EVERY, self._notify_status)
        self._failed: dict[tuple[str, str], str] = {}
        """Units whose latest review failed, by document and qualified name: why."""
        self._told: set[str] = set()
        """Causes of failed reviews the user was shown (once each per start)."""
        self._missing_keys: list[str] = []
        self._unworthy: dict[str, str | None] = {}
        """Documents judged (`peer_lsp.review.worth`) since opened: why not reviewed, or None."""
        self._paused = ""
        """Why reviews are paused (a budget is spent), or empty."""

    @property
    def router(self) -> Router | None:
        """The router reviews go through; None while local-only."""
        return self.reviewer.router if self.reviewer is not None else None

    # -- set-up ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Build the router and scheduler from the current settings."""
        from peer_lsp.llm.factory import build_router

        await self.stop()
        engine = self.server.engine
        settings = engine.settings
        setup = await build_router(
            settings, root=self.server.workspace_root, ask=self._ask_local_model
        )
        for problem in setup.problems:
            log.warning("provider settings: %s", problem)
        if setup.router is None:
            detail = setup.local_model or "no provider configured"
            self._set_state("local", f"{detail}: syntax and local rules only")
            return
        from peer_lsp.review.reviewer import Reviewer  # the review pipeline, only when used

        self.reviewer = Reviewer(engine, setup.router)
        self._failed.clear()
        self._told.clear()
        self._paused = ""
        self._missing_keys = setup.missing_keys
        for message in self._missing_keys:
            self._tell(
                "missing_key",
                f"peer-lsp: {message}: model reviews fail; answers already cached still show",
            )
        triggers = [Trigger(t) for t in settings.review_on if t != "manual"] or [Trigger.MANUAL]
        self.scheduler = ReviewScheduler(
            self._review,
            self._reviewed,
            triggers=triggers,
            debounce=settings.review_debounce_ms / 1000,
            per_file=settings.max_reviews_per_file,
            in_flight=settings.max_reviews_in_flight,
            on_busy=self._busy,
            ready=self._parses,
        )
        engine.reviews.clear_closed()  # made with other settings
        self._unworthy.clear()
        if self._missing_keys:
            self._set_state("error", self._missing_keys[0])
        else:
            self._set_state("idle", setup.autodetected or "")
        for document in engine.documents:
            self.opened(document)

    def restart(self) -> None:
        """Start again with the current settings (after they changed)."""
        self._keep(self.start())

    async def stop(self) -> None:
        if self.scheduler is not None:
            for document in self.server.engine.documents:
                self.scheduler.closed(document.uri)
        for _, task in self._verifying.values():
            task.cancel()
        self._verifying.clear()
        self._publishing.cancel()
        self._status.cancel()
        self._unpublished.clear()
        if self.reviewer is not None:
            await self.reviewer.aclose()
        self.reviewer = None
        self.scheduler = None

    # -- document events ---------------------------------------------------------------------

    def opened(self, document: Document) -> None:
        if self.scheduler is not None and self.reviewer is not None and self._worth(document.uri):
            self.scheduler.opened(document.uri, self.reviewer.unreviewed(document))

    def changed(self, uri: str, diff: UnitDiff) -> None:
        if self.scheduler is not None and diff and self._worth(uri):
            self.scheduler.changed(uri, diff.touched, diff.removed)
        # an edit inside a unit may replace its object: cancel what is not in the document
        for key, (unit, task) in list(self._verifying.items()):
            if key[0] == uri and (not unit.alive or any(unit is u for u in diff.touched)):
                del self._verifying[key]
                task.cancel()

    def saved(self, document: Document) -> None:
        if self.scheduler is not None and self._worth(document.uri):
            self.scheduler.saved(document.uri, [])

    def closed(self, uri: str) -> None:
        if self.scheduler is not None:
            self.scheduler.closed(uri)
        self._unpublished.discard(uri)
        self._unworthy.pop(uri, None)
        for key in [key for key in self._verifying if key[0] == uri]:
            self._verifying.pop(key)[1].cancel()
        for failed in [key for key in self._failed if key[0] == uri]:
            del self._failed[failed]

    def _parses(self, uri: str, unit: Unit) -> bool:
        """Whether a unit is worth a review after a pause in typing: not while it holds a
        syntax error (a half-typed line), which the model would spend tokens to repeat."""
        from peer_lsp.rules.segments import unit_has_error  # loaded with the rules already

        document = self.server.engine.documents.get(uri)
        tree = document.tree if document is not None else None
        return tree is None or not unit_has_error(tree.root_node, unit.start_byte, unit.end_byte)

    def review_now(self, uri: str, line: int | None) -> int:
        """Review the unit at ``line`` (or every unit) of a document now; the count queued.
        Asked for, so also in a document not worth reviewing on its own (`_worth`)."""
        document = self.server.engine.documents.get(uri)
        if document is None or self.scheduler is None or self.reviewer is None:
            return 0
        units = self.reviewer.units_at(document, line)
        self.scheduler.now(uri, units, fresh=True)
        return len(units)

    def _worth(self, uri: str) -> bool:
        """Whether a document's units are reviewed without being asked for: not when it is not
        worth it (`peer_lsp.review.worth`: a lock, generated, minified or vendored file, a
        language without units), judged once per opening with its text then, and logged."""
        if uri not in self._unworthy:
            from peer_lsp.review.worth import why_not_review

            document = self.server.engine.documents.get(uri)
            if document is None:
                return False
            path = self._path(uri)
            settings = self.server.engine.settings
            reason = why_not_review(path, document.grammar, document.text, settings)
            self._unworthy[uri] = reason
            if reason is not None:
                log.info("%s is not reviewed unless asked: %s", path, reason)
        return self._unworthy[uri] is None

    # -- one review --------------------------------------------------------------------------

    async def _review(self, uri: str, units: list[Unit], fresh: bool) -> list[object]:
        """Review units of a document together; each unit's outcome, or None when it failed
        (told to the user) or the guard would not send it."""
        document = self.server.engine.documents.get(uri)
        if document is None or self.reviewer is None:
            return [None] * len(units)
        path = self._path(uri)
        results = await self.reviewer.review_units(document, units, path=path, fresh=fresh)
        return [
            self._settle(uri, unit, result) for unit, result in zip(units, results, strict=True)
        ]

    def _settle(self, uri: str, unit: Unit, result: object) -> object:
        """What a unit's review result means for the status: a failure is kept and told."""
        if isinstance(result, llm_errors.LLMError):
            from peer_lsp.llm.guard import GuardRefusal  # loaded with the router already

            if isinstance(result, GuardRefusal):  # sendExclude, maxRequestTokens: meant so
                log.info("%s not reviewed: %s", unit.qualified_name, result)
                return None
            if result.kind is llm_errors.ErrorKind.BUDGET:
                self._pause(str(result))
                return None
            self._failed[uri, unit.qualified_name] = str(result)
            self._set_state("error", str(result))
            log.warning("review of %s failed: %s", unit.qualified_name, result)
            self._tell(
                "missing_key" if self._missing_keys else result.kind.value,
                f"peer-lsp: a model review failed: {result}. The diagnostics of "
                f"{unit.qualified_name} and of units failing alike are local findings only.",
            )
            return None
        from peer_lsp.review.pipeline import ReviewOutcome

        if isinstance(result, ReviewOutcome):
            self._failed.pop((uri, unit.qualified_name), None)
            if not result.cached:
                self._paused = ""  # the budget let a request through
            self.last_latency_ms = result.latency_ms
            self.last_provider, self.last_model = result.provider, result.model
            if self.state != "reviewing":
                self._set_state(*self._settled_state())
        return result

    def _settled_state(self) -> tuple[str, str]:
        """The state when no review runs: ``error`` while a key is missing or any unit's
        latest review failed (with why), ``paused`` while a budget is spent, else ``idle``."""
        if self._missing_keys:
            return "error", self._missing_keys[0]
        if self._failed:
            return "error", next(reversed(self._failed.values()))
        if self._paused:
            return "paused", f"{self._paused}; local findings only"
        return "idle", ""

    def _pause(self, why: str) -> None:
        """A budget is spent: say so, once per start as a warning, and in the status."""
        log.info("model reviews paused: %s", why)
        self._paused = why
        self._tell(
            "budget",
            f"peer-lsp: model reviews paused: {why}. Local findings continue.",
            types.MessageType.Warning,
        )
        if self.state != "reviewing":
            self._set_state(*self._settled_state())

    async def _ask_local_model(self, server: LocalServer) -> bool | None:
        """window/showMessageRequest: may this local server, found on its own, have the
        workspace's code? None when the user dismissed the question (asked again next start)."""
        message = (
            f"peer-lsp found {server.describe()} and no configured provider. "
            "Send this workspace's code to it for review?"
        )
        try:
            chosen = await self.server.ask(
                types.MessageType.Info, message, [ALLOW_LOCAL, DENY_LOCAL]
            )
        except Exception:  # a client that cannot ask: no answer, nothing sent
            log.info("could not ask about %s", server.describe(), exc_info=True)
            return None
        return None if chosen is None else chosen == ALLOW_LOCAL

    def _tell(
        self, cause: str, message: str, kind: types.MessageType = types.MessageType.Error
    ) -> None:
        """window/showMessage, once per cause."""
        if cause in self._told:
            return
        self._told.add(cause)
        self.server.show(kind, message)

    def _reviewed(self, uri: str, unit: Unit, unit_hash: str, outcome: object) -> None:
        from peer_lsp.review.pipeline import ReviewOutcome

        if not isinstance(outcome, ReviewOutcome) or self.reviewer is None:
            return
        self.reviewer.keep(uri, unit, unit_hash, outcome)
        self._publish_soon(uri)
        medium = self.reviewer.worth_a_second_opinion(outcome)
        if medium:
            self._verify_later(uri, unit, medium)

    def _publish_soon(self, uri: str) -> None:
        """Publish a document's findings after a review: at once when it was the document's
        last one in flight, otherwise with the next few (once per `PUBLISH_EVERY`), since
        each publish sends every finding of the document again."""
        self._unpublished.add(uri)
        if self.scheduler is None or self.scheduler.in_flight(uri) == 0:
            self._publishing.now()
        else:
            self._publishing.soon()

    def _publish_unpublished(self) -> None:
        uris, self._unpublished = self._unpublished, set()
        for uri in uris:
            if self.server.engine.documents.get(uri) is not None:
                self.server.republish(uri)

    # -- second opinions ----------------------------------------------------------------------

    async def second_opinion(self, uri: str, fingerprints: Collection[str]) -> dict[str, object]:
        """A second opinion on model findings of one unit (`Reviewer.second_opinion`), shown
        in the editor at once when a confidence changed."""
        if self.reviewer is None:
            return {"opinion": None, "reason": "no model is configured"}
        try:
            result = await self.reviewer.second_opinion(uri, fingerprints, path=self._path(uri))
        except llm_errors.LLMError as error:
            log.warning("second opinion on findings of %s failed: %s", uri, error)
            return {"opinion": None, "reason": str(error)}
        if result.get("findings"):
            self.server.republish(uri)
        return result

    def _verify_later(self, uri: str, unit: Unit, fingerprints: list[str]) -> None:
        key = (uri, id(unit))
        earlier = self._verifying.pop(key, None)
        if earlier is not None:
            earlier[1].cancel()
        task = asyncio.ensure_future(self._verify_quietly(uri, unit, fingerprints))
        self._verifying[key] = (unit, task)

        def done(finished: asyncio.Task[None]) -> None:
            if self._verifying.get(key, (None, None))[1] is finished:
                del self._verifying[key]
            if not finished.cancelled() and finished.exception() is not None:
                error = finished.exception()
                log.error("a second opinion failed: %s", error, exc_info=error)

        task.add_done_callback(done)

    async def _verify_quietly(self, uri: str, unit: Unit, fingerprints: list[str]) -> None:
        """Setting ``verifyMediumConfidence``: a second opinion on medium-confidence findings,
        only where a route other than the review route takes verify requests."""
        reviewer, path = self.reviewer, self._path(uri)
        if reviewer is None or not reviewer.verify_route_differs(uri, fingerprints[0], path=path):
            return
        result = await self.second_opinion(uri, fingerprints)
        log.info("second opinion on %s: %s", unit.qualified_name, result)

    def _path(self, uri: str) -> str:
        path = to_fs_path(uri) or uri
        root = self.server.workspace_root
        if root is not None:
            try:
                return str(Path(path).relative_to(root))
            except ValueError:
                pass
        return path

    # -- status and progress -----------------------------------------------------------------

    def _busy(self, running: int) -> None:
        if running > 0:
            self._set_state("reviewing")
            self._progress(running)
        else:
            self._set_state(*self._settled_state())
            self._progress(0)

    def _set_state(self, state: str, detail: str = "") -> None:
        """Tell the client at once when the state changes; when only the numbers moved,
        at most once per `PUBLISH_EVERY` (a batch from the cache moves them 200 times)."""
        changed = (state, detail) != (self.state, self.detail)
        self.state = state
        self.detail = detail
        if changed:
            self._status.now()
        else:
            self._status.soon()

    def _notify_status(self) -> None:
        self.server.notify(STATUS, self.status())

    def status(self) -> dict[str, object]:
        """What a status bar shows: provider, model, reviews in flight, cache hit rate, the
        day's use against the budgets."""
        stats = self.router.stats() if self.router is not None else {}
        hits, misses = stats.get("cacheHits", 0), stats.get("cacheMisses", 0)
        first = next(iter(self.router.config.providers), None) if self.router else None
        return {
            "state": self.state,
            "detail": self.detail,
            "provider": self.last_provider or (first.id if first else None),
            "model": self.last_model or (first.model if first else None),
            "inFlight": self.scheduler.outstanding if self.scheduler else 0,
            "cacheHitRate": round(hits / (hits + misses), 3) if hits + misses else None,
            "lastLatencyMs": round(self.last_latency_ms, 1) if self.last_latency_ms else None,
            "notReviewed": len(self._failed),
            "budget": self._budget_today(),
            "circuits": open_circuits(stats),
        }

    def _budget_today(self) -> dict[str, object] | None:
        """The day's use against the daily limits (`Budget.today`); None while local-only."""
        budget = self.router.budget if self.router is not None else None
        return budget.today() if budget is not None else None

    def health(self) -> dict[str, object]:
        """`peer.health`: the status plus per-provider latency, success rate and breakers."""
        report = self.status()
        stats = self.router.stats() if self.router else {}
        report["providers"] = stats.get("providers", {})
        report["cache"] = {"hits": stats.get("cacheHits", 0), "misses": stats.get("cacheMisses", 0)}
        return report

    def _progress(self, running: int) -> None:
        """$/progress while reviews run: begun once the client made the token, ended after."""
        if not self.server.client.work_done_progress:
            return
        if running and self._progress_token is None:
            token = self._progress_token = f"peer-review-{uuid.uuid4().hex[:8]}"
            self._progress_begun = False
            self._keep(self._begin_progress(token, running))
        elif not running and self._progress_token is not None:
            if self._progress_begun:
                self.server.work_done_progress.end(
                    self._progress_token, types.WorkDoneProgressEnd()
                )
            self._progress_token = None

    async def _begin_progress(self, token: str, running: int) -> None:
        progress = self.server.work_done_progress
        try:
            await progress.create_async(token)
        except Exception:  # the client may refuse: progress is optional
            self._progress_token = None if self._progress_token == token else self._progress_token
            return
        model = self.status().get("model") or "the model"
        title = f"reviewing {running} unit{'s' if running != 1 else ''} with {model}"
        progress.begin(token, types.WorkDoneProgressBegin(title=title))
        if self._progress_token == token:
            self._progress_begun = True
        else:  # the reviews finished while the client was creating the token
            progress.end(token, types.WorkDoneProgressEnd())

    def _keep(self, coroutine: typing.Coroutine[typing.Any, typing.Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
