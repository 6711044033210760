"""The router: one request in, one complete answer out, from the first provider that gives it.

Layered like httpx's ``send``, one concern per layer:

``complete`` — cache lookup, then in-flight de-duplication (identical requests share one
call; the call is cancelled only when every caller has gone), then
``_with_deadline`` — the route's total deadline over everything below, then
``_with_fallback`` — the route's providers in order, skipping open breakers; context
overflow gets one smaller prompt from the caller, then
``_with_retries`` — retries on one provider with full-jitter backoff or the server's hint,
within one attempt budget per request, then
``_attempt`` — guard (redact, refuse, audit), concurrency and rate limits, the budgets
(`peer_lsp.llm.budget`: a request whose budget is spent is not sent; what an answer used is
charged, complete or not), one HTTP call, and the check that the answer is complete and has
the shape the caller asked for.

An answer the caller's ``validate`` refuses (a model that ignored structured output and wrote
prose) is neither returned nor cached, nor taken from the cache: it is an `UnusableAnswer`
that is not retried on the same provider, whose requests are sent at temperature 0 by default
and would mostly get the same answer again, but falls through to the route's next provider, a
different model that may comply. With no provider left the caller gets the error. It does not
count against the provider's circuit breaker: the provider answered.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from peer_lsp.llm import errors
from peer_lsp.llm.cache.answers import AnswerCache, store_response
from peer_lsp.llm.cache.key import cache_key
from peer_lsp.llm.config import default_deadline
from peer_lsp.llm.in_flight import InFlight, request_key
from peer_lsp.llm.lanes import ProviderLane
from peer_lsp.llm.resilience import BreakerState, CircuitBreaker, Clock, Sleep, full_jitter
from peer_lsp.llm.streams import OnText, Relay, TextListener, ignore_text
from peer_lsp.llm.tokens import request_tokens
from peer_lsp.llm.types import Finish, LLMRequest, LLMResponse, Usage

if typing.TYPE_CHECKING:
    from peer_lsp.llm.budget import Budget, Ticket
    from peer_lsp.llm.config import LLMConfig, RouteConfig
    from peer_lsp.llm.providers.base import Provider
    from peer_lsp.llm.shared_limits import SharedLimits

log = logging.getLogger(__name__)

RETRIES_PER_PROVIDER = 2
MAX_RETRY_HINT = 20.0
"""A server asking to wait longer than this is skipped in favour of the next provider."""

Shrink = Callable[[LLMRequest], LLMRequest | None]
Validate = Callable[[str], bool]


class RequestGuard(typing.Protocol):
    """What the router needs from the guard (peer_lsp.llm.guard.Guard)."""

    def prepare(self, request: LLMRequest, provider: str, model: str) -> LLMRequest: ...

    def redacted(self, request: LLMRequest) -> LLMRequest: ...

    def audit(
        self,
        request: LLMRequest,
        provider: str,
        model: str,
        outcome: str,
        usage: Usage | None = None,
        latency_ms: float | None = None,
        *,
        route: str | None = None,
        cost: float | None = None,
    ) -> None: ...


@dataclass
class _Budget:
    attempts_left: int
    shrunk: bool = False


class Router:
    """Routes requests over configured providers. See the module docstring for the layers."""

    def __init__(
        self,
        config: LLMConfig,
        providers: Mapping[str, Provider],
        *,
        cache: AnswerCache | None = None,
        guard: RequestGuard | None = None,
        budget: Budget | None = None,
        shared: SharedLimits | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self._cache = cache
        self._guard = guard
        self.budget = budget
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._shared = shared
        self._lanes = {
            pid: ProviderLane.for_provider(provider, clock, sleep, shared)
            for pid, provider in providers.items()
        }
        self._in_flight = InFlight()
        self.cache_hits = 0
        self.cache_misses = 0

    @property
    def deduplicated(self) -> int:
        """Requests that joined an identical one in flight instead of calling again."""
        return self._in_flight.deduplicated

    async def aclose(self) -> None:
        """Close the providers, then the cache (which then persists its hit and miss counts)."""
        for lane in self._lanes.values():
            await lane.provider.aclose()
        if self.budget is not None:
            self.budget.close()
        if self._shared is not None:
            await self._shared.aclose()
        if self._cache is not None:
            await self._cache.aclose()

    # -- routing -----------------------------------------------------------------------------

    def route_for(self, request: LLMRequest) -> RouteConfig:
        """The first route whose conditions the request meets."""
        for route in self.config.routes:
            if route.tasks and request.task not in route.tasks:
                continue
            if route.languages and request.language not in route.languages:
                continue
            if route.categories and not _carries(request, route.categories):
                continue
            if route.max_unit_tokens and request.unit_tokens > route.max_unit_tokens:
                continue
            if route.min_complexity and request.complexity < route.min_complexity:
                continue
            return route
        raise errors.ConfigurationError(
            f"no route takes {request.task.value} requests"
            + (f" for {request.language}" if request.language else "")
        )

    def deadline_of(self, route: RouteConfig) -> float:
        """The route's deadline; for a route built without one (Ollama found by
        autodetection), the one its providers need (`default_deadline`)."""
        if route.deadline is not None:
            return route.deadline
        lanes = (self._lanes[p] for p in route.providers if p in self._lanes)
        return default_deadline(lane.provider.config for lane in lanes)

    # -- layer 1: cache and de-duplication ---------------------------------------------------

    def as_sent(self, request: LLMRequest) -> LLMRequest:
        """``request`` as the guard lets it leave the machine: redacted."""
        return self._guard.redacted(request) if self._guard is not None else request

    async def complete(
        self,
        request: LLMRequest,
        *,
        normalized_code: str = "",
        bypass_cache: bool = False,
        shrink: Shrink | None = None,
        validate: Validate | None = None,
        store: bool = True,
        route: RouteConfig | None = None,
        listener: TextListener | None = None,
    ) -> LLMResponse:
        """A complete answer for ``request``, from the cache or the route's providers.

        ``normalized_code`` names the code under review for the cache key (whitespace and
        comments do not matter); ``bypass_cache`` skips the lookup (a re-review) but still
        stores the fresh answer unless ``store`` is False (an answer about several units,
        which the caller stores unit by unit with `remember`); ``shrink`` returns a smaller
        request after a context overflow; ``validate`` rejects answers that must not be
        cached or returned; ``route`` is the route to take instead of the first that
        matches (`route_for`): a batch goes where each of its units would have gone.
        ``listener`` sees the answer's text as it streams in; a cached answer, or one another
        caller asked for first, reaches it whole.
        """
        chosen = route if route is not None else self.route_for(request)
        if not bypass_cache:
            cached = await self._cached(request, chosen, normalized_code, validate)
            if cached is not None:
                if listener is not None:
                    listener.on_text(cached.text)
                return cached
        key = request_key(request, f"{chosen.name}:{bypass_cache}", normalized_code)
        relay = Relay(listener) if listener is not None else None
        response = await self._in_flight.join(
            key,
            lambda: self._fresh(request, chosen, normalized_code, shrink, validate, store, relay),
        )
        if relay is not None and not relay.given:  # joined a call another caller made
            relay.on_text(response.text)
        return response

    async def lookup(
        self, request: LLMRequest, *, normalized_code: str = "", validate: Validate | None = None
    ) -> LLMResponse | None:
        """The cached answer ``complete`` would return for ``request``, or None (counted as a
        hit or a miss); nothing is sent."""
        return await self._cached(request, self.route_for(request), normalized_code, validate)

    async def remember(
        self, request: LLMRequest, response: LLMResponse, *, normalized_code: str = ""
    ) -> None:
        """Store ``response`` as the answer to ``request``, as if ``complete`` had got it: a
        unit's share of an answer about several units, found again when the unit comes alone."""
        if self._cache is None or response.provider not in self._lanes:
            return
        model = f"{response.provider}/{self._lanes[response.provider].provider.config.model}"
        await store_response(self._cache, cache_key(request, model, normalized_code), response)

    async def _cached(
        self,
        request: LLMRequest,
        route: RouteConfig,
        normalized_code: str,
        validate: Validate | None = None,
    ) -> LLMResponse | None:
        """The cached answer of the route's first provider that has one. An answer
        ``validate`` refuses (stored before the check existed) counts as none."""
        if self._cache is None:
            return None
        for provider_id in route.providers:
            lane = self._lanes.get(provider_id)
            if lane is None:
                continue
            model = f"{provider_id}/{lane.provider.config.model}"
            hit = await self._cache.get(cache_key(request, model, normalized_code))
            if hit is not None and validate is not None and not validate(hit.text):
                log.info(
                    "cached answer of %s ignored: %s", provider_id, _refusal(request, hit.text)
                )
                hit = None
            if hit is not None:
                self.cache_hits += 1
                if self._guard is not None:
                    model_name = lane.provider.config.model
                    self._guard.audit(request, provider_id, model_name, "cached", route=route.name)
                return hit.to_response()
        self.cache_misses += 1
        return None

    async def _fresh(
        self,
        request: LLMRequest,
        route: RouteConfig,
        normalized_code: str,
        shrink: Shrink | None,
        validate: Validate | None,
        store: bool = True,
        relay: Relay | None = None,
    ) -> LLMResponse:
        response = await self._with_deadline(request, route, shrink, validate, relay)
        if store:
            await self.remember(request, response, normalized_code=normalized_code)
        return response

    # -- layer 2: deadline -------------------------------------------------------------------

    async def _with_deadline(
        self,
        request: LLMRequest,
        route: RouteConfig,
        shrink: Shrink | None,
        validate: Validate | None,
        relay: Relay | None = None,
    ) -> LLMResponse:
        deadline = self.deadline_of(route)
        try:
            async with asyncio.timeout(deadline):
                return await self._with_fallback(request, route, shrink, validate, relay)
        except TimeoutError:
            raise errors.DeadlineExceeded(
                f"no answer within the route's {deadline:g} s deadline"
            ) from None

    # -- layer 3: fallback over the route's providers ----------------------------------------

    async def _with_fallback(
        self,
        request: LLMRequest,
        route: RouteConfig,
        shrink: Shrink | None,
        validate: Validate | None,
        relay: Relay | None = None,
    ) -> LLMResponse:
        budget = _Budget(self.config.max_attempts)
        failures: list[errors.LLMError] = []
        for provider_id in route.providers:
            lane = self._lanes.get(provider_id)
            if lane is None:
                continue
            if not lane.breaker.allow():
                failures.append(
                    errors.Overloaded(
                        f"skipped: circuit open for {lane.breaker.seconds_left():.0f} s more"
                        + (f", after: {lane.last_failure}" if lane.last_failure else ""),
                        provider=provider_id,
                    )
                )
                continue
            try:
                return await self._with_retries(
                    lane, request, budget, shrink, validate, route.name, relay
                )
            except errors.LLMError as error:
                failures.append(error)
                if not error.falls_through or budget.attempts_left <= 0:
                    raise
                log.info("falling through from %s: %s", provider_id, error)
        if failures:
            raise failures[-1]
        raise errors.ConfigurationError(f"route {route.name!r} has no usable provider")

    # -- layer 4: retries on one provider ----------------------------------------------------

    async def _with_retries(
        self,
        lane: ProviderLane,
        request: LLMRequest,
        budget: _Budget,
        shrink: Shrink | None,
        validate: Validate | None,
        route: str = "",
        relay: Relay | None = None,
    ) -> LLMResponse:
        retries = 0
        while True:
            budget.attempts_left -= 1
            try:
                response = await self._attempt(lane, request, validate, route, relay)
            except errors.ContextOverflow:
                smaller = shrink(request) if shrink is not None and not budget.shrunk else None
                if smaller is None or budget.attempts_left <= 0:
                    raise
                budget.shrunk = True
                request = smaller
                continue
            except errors.LLMError as error:
                if not error.retryable or retries >= RETRIES_PER_PROVIDER:
                    raise
                if budget.attempts_left <= 0:
                    raise
                delay = self._delay(error, retries)
                if delay is None:
                    raise
                retries += 1
                await self._sleep(delay)
                continue
            lane.breaker.record_success()
            return response

    def _delay(self, error: errors.LLMError, retries: int) -> float | None:
        """Seconds before the next try; None when the server's hint is too long to wait."""
        if error.retry_after is not None:
            return error.retry_after if error.retry_after <= MAX_RETRY_HINT else None
        return full_jitter(retries, self._rng)

    # -- layer 5: one attempt ----------------------------------------------------------------

    async def _attempt(
        self,
        lane: ProviderLane,
        request: LLMRequest,
        validate: Validate | None,
        route: str = "",
        relay: Relay | None = None,
    ) -> LLMResponse:
        provider = lane.provider
        model = provider.config.model
        sent = self._guard.prepare(request, provider.id, model) if self._guard else request
        async with lane.slots:
            if lane.bucket is not None:
                await lane.bucket.acquire()
            ticket = self._admit(lane, sent)
            lane.in_flight += 1
            lane.max_in_flight = max(lane.max_in_flight, lane.in_flight)
            lane.stats.calls += 1
            try:
                if relay is not None:
                    relay.begin_attempt()
                on_text = relay.on_text if relay is not None else ignore_text
                response = await self._send(provider, sent, ticket, on_text)
                _check_complete(response)
                if validate is not None and not validate(response.text):
                    raise errors.UnusableAnswer(
                        _refusal(request, response.text), provider=provider.id, retry=False
                    )
            except errors.LLMError as error:
                lane.record_failure(error)
                if self._guard is not None:
                    outcome = f"error:{error.kind.value}"
                    self._guard.audit(sent, provider.id, model, outcome, route=route or None)
                raise
            except asyncio.CancelledError:
                lane.stats.cancelled += 1
                if self._guard is not None:
                    self._guard.audit(sent, provider.id, model, "cancelled", route=route or None)
                raise
            finally:
                lane.in_flight -= 1
        cost = lane.record_success(response)
        if self._guard is not None:
            self._guard.audit(
                sent, provider.id, model, "sent", response.usage, response.latency_ms,
                route=route or None, cost=cost,
            )  # fmt: skip
        return response

    async def _send(
        self, provider: Provider, sent: LLMRequest, ticket: Ticket | None, on_text: OnText
    ) -> LLMResponse:
        """One HTTP call; its ticket settled with what the answer used (billed whether or not
        the answer is complete), or with nothing when there is no answer."""
        if ticket is None or self.budget is None:
            return await provider.send(sent, on_text=on_text)
        try:
            response = await provider.send(sent, on_text=on_text)
        except BaseException:
            self.budget.settle(ticket, None, 0.0)
            raise
        self.budget.settle(ticket, response.usage, provider.config.cost(response.usage))
        return response

    def _admit(self, lane: ProviderLane, sent: LLMRequest) -> Ticket | None:
        """The budget's ticket for a request about to be sent (None without budgets), or
        `BudgetExhausted`: audited, and not a failure of the provider."""
        if self.budget is None:
            return None
        config = lane.provider.config
        # the guard's estimate is of the redacted text: what is sent
        estimated = getattr(sent, "estimated_tokens", 0)
        if not estimated:
            estimated = request_tokens(sent.system, sent.user, sent.json_schema)
        try:
            return self.budget.admit(config, estimated, lane.provider.output_tokens(sent))
        except errors.BudgetExhausted:
            if self._guard is not None:
                self._guard.audit(sent, config.id, config.model, "refused:budget")
            raise

    # -- stats -------------------------------------------------------------------------------

    def stats(self) -> dict[str, typing.Any]:
        """Per-provider breaker state, calls, failures, tokens, cost and latency; cache and
        de-duplication counts. Plain data, ready for JSON."""
        return {
            "providers": {pid: lane.report() for pid, lane in self._lanes.items()},
            "cacheHits": self.cache_hits,
            "cacheMisses": self.cache_misses,
            "deduplicated": self.deduplicated,
            "inFlight": len(self._in_flight),
        }

    def breaker(self, provider_id: str) -> CircuitBreaker:
        return self._lanes[provider_id].breaker

    def open_providers(self) -> list[str]:
        return [p for p, lane in self._lanes.items() if lane.breaker.state is BreakerState.OPEN]


def _carries(request: LLMRequest, categories: tuple[str, ...]) -> bool:
    """Whether the request carries one of the route's categories."""
    return not set(request.categories).isdisjoint(categories)


def _check_complete(response: LLMResponse) -> None:
    """Only a finished answer counts: a cut-off or refused one is an error."""
    if response.finish is Finish.LENGTH:
        raise errors.OutputLimit(
            "the answer hit the output token limit", provider=response.provider, retry=False
        )
    if response.finish in (Finish.REFUSAL, Finish.CONTENT_FILTER):
        raise errors.Refused("the model declined to answer", provider=response.provider)
    if not response.text.strip():
        raise errors.ServerError("the answer is empty", provider=response.provider)


_JSON_START = re.compile(r"""\{\s*["']|\[\s*[\]{]""")


def _refusal(request: LLMRequest, text: str) -> str:
    """Why ``validate`` refused an answer, as far as the router can tell without reading it."""
    if request.json_schema is None:
        return "the answer is not valid for this request"
    if _JSON_START.search(text) is None:
        return "the model answered in prose, not the requested JSON"
    return "the model's JSON answer does not have the requested shape"
