"""Token and cost budgets: a request whose budget is spent is not sent.

Budgets are overall (settings ``dailyTokenLimit``, ``dailyCostLimit``, ``runTokenLimit``,
``runCostLimit``) or one provider's (the same keys in its entry); 0 is no limit. Tokens are
input plus output as the provider bills them (cached input included); cost is from the
provider's prices (`ProviderConfig.cost`, the figure `peer.health` shows). A day is a UTC day
and is counted in the usage ledger (`peer_lsp.llm.ledger`), which every peer process of the
user shares; a run is one `peer check` (or ``fix``, ``explain``), counted in memory. The
server has no run: its run limits are not applied.

**A request that would cross a limit is not sent.** Before the HTTP call the router asks
`Budget.admit` with the request's worst case: its estimated input tokens (after redaction)
plus the most output it allows (the provider's ``maxOutputTokens``, else the request's
``max_tokens``), priced at the provider's prices. It is sent only when what was used, plus
what requests in flight have reserved, plus that worst case fits in every limit that applies;
the worst case is then reserved until the answer comes, and replaced by the actual use. So a
limit is a ceiling: it is crossed only by the estimate's error (the input estimate is about
four characters a token), never by a request in flight in another process. The price is that
the last worst case of a budget (about 2,500 tokens for a review) is not spent. Cached
answers cost nothing and are never refused. An answer that is cut off or of the wrong shape
was billed all the same, so it is counted.

The overall budgets stop every provider (`BudgetExhausted` with ``overall``); a provider's
own stops that one, and the route falls through to its next. Neither is a failure of the
provider: the breaker does not count it.

**A ledger that cannot be written** (read-only state directory, a full disk, a locked file
past the busy timeout): with a daily limit that applies, the request is refused (overall),
since a budget that silently stops counting does not hold; the message names the file and
``usageLedger``, the setting that moves it. Without daily limits, one warning, and requests
go on uncounted.

**Shared by a CI matrix**: a command-line run whose ``redisUrl`` is set counts its daily
budgets in Redis instead (`peer_lsp.llm.shared_limits.RedisLedger`), so every runner on that
Redis shares them; the run budgets stay each process's.
"""

from __future__ import annotations

import logging
import threading
import time
import typing
from dataclasses import dataclass, field

from peer_lsp.llm.config import default_deadline
from peer_lsp.llm.errors import BudgetExhausted
from peer_lsp.llm.ledger import DayUse, Ledger, LedgerError, Spent, UsageLedger, utc_day

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from peer_lsp.llm.config import LLMConfig, ProviderConfig
    from peer_lsp.llm.options import BudgetSettings
    from peer_lsp.llm.types import Usage

log = logging.getLogger(__name__)

RESERVATION_MARGIN_S = 60.0
"""A reservation lasts the provider's default deadline plus this: long enough for any
answer, short enough that one left by a killed process frees its share soon."""


@dataclass(frozen=True, slots=True)
class Limits:
    """One scope's limits; 0 is none."""

    tokens: int = 0
    cost: float = 0.0

    def __bool__(self) -> bool:
        return self.tokens > 0 or self.cost > 0

    def refusal(self, period: str, spent: Spent, held: Spent, want: Spent) -> str | None:
        """Why ``want`` more does not fit after ``spent`` and what requests in flight
        ``held`` (``period``: daily or run); None when it does."""
        if self.tokens and spent.tokens + held.tokens + want.tokens > self.tokens:
            flight = f", {held.tokens:,} in flight" if held.tokens else ""
            return (
                f"{period} token budget of {self.tokens:,} reached ({spent.tokens:,} used"
                f"{_WHEN[period]}{flight}; a review takes up to {want.tokens:,})"
            )
        if self.cost and spent.cost + held.cost + want.cost > self.cost:
            flight = f", {_money(held.cost)} in flight" if held.cost else ""
            return (
                f"{period} cost budget of {_money(self.cost)} reached ({_money(spent.cost)} "
                f"spent{_WHEN[period]}{flight}; a review costs up to {_money(want.cost)})"
            )
        return None


_WHEN = {"daily": " today, UTC", "run": " in this run"}
"""How each period's use is told."""


def _money(amount: float) -> str:
    return f"{amount:,.4f}".rstrip("0").rstrip(".") if amount < 1 else f"{amount:,.2f}"


@dataclass(slots=True)
class Ticket:
    """An admitted request: what it reserved, where, to be settled once."""

    provider: str
    model: str
    day: str
    want: Spent
    reservation: int | None = None


@dataclass(slots=True)
class _Run:
    """What this run used and reserved, overall and per provider."""

    used: dict[str, Spent] = field(default_factory=dict)
    reserved: dict[str, Spent] = field(default_factory=dict)

    def spent(self, provider: str | None) -> tuple[Spent, Spent]:
        """Used and reserved: by everyone (``provider`` None), or by one provider."""
        if provider is None:
            return sum(self.used.values(), Spent()), sum(self.reserved.values(), Spent())
        return self.used.get(provider, Spent()), self.reserved.get(provider, Spent())

    def add(self, book: dict[str, Spent], provider: str, amount: Spent) -> None:
        book[provider] = book.get(provider, Spent()) + amount


class Budget:
    """The budgets of one router, checked before each request and charged after it.

    ``per_run``: apply the run limits (a command-line run; the server has none). ``now`` is
    wall-clock seconds (reservations expire across processes), ``today`` the UTC day.
    """

    def __init__(
        self,
        ledger: UsageLedger | None,
        *,
        daily: Limits = Limits(),
        run: Limits = Limits(),
        per_run: bool = False,
        providers: Iterable[ProviderConfig] = (),
        now: Callable[[], float] = time.time,
        today: Callable[[], str] = utc_day,
    ) -> None:
        self.ledger = ledger
        self.daily = daily
        self.run = run if per_run else Limits()
        self.per_run = per_run
        self._now = now
        self._today = today
        self._run = _Run()
        self._lock = threading.Lock()
        self._warned = False
        self._own = {
            p.id: Limits(p.daily_token_limit, p.daily_cost_limit)
            for p in providers
            if p.daily_token_limit or p.daily_cost_limit
        }
        """Providers with daily limits of their own, for `today`."""

    @classmethod
    def from_settings(
        cls,
        settings: BudgetSettings,
        config: LLMConfig,
        *,
        root: str | Path | None,
        per_run: bool,
        ledger: UsageLedger | None = None,
    ) -> Budget:
        """The budgets the settings and ``config``'s providers set, counted in ``ledger``,
        else in the SQLite ledger the settings name."""
        return cls(
            ledger or Ledger(ledger_path(settings.usage_ledger, root)),
            daily=Limits(settings.daily_token_limit, settings.daily_cost_limit),
            run=Limits(settings.run_token_limit, settings.run_cost_limit),
            per_run=per_run,
            providers=config.providers,
        )

    def close(self) -> None:
        if self.ledger is not None:
            self.ledger.close()

    # -- before and after a request ---------------------------------------------------------

    def admit(self, config: ProviderConfig, input_tokens: int, max_output: int) -> Ticket:
        """A ticket for a request of at most ``input_tokens`` in and ``max_output`` out to
        ``config``'s provider, or `BudgetExhausted` naming the budget, its limit and the use."""
        from peer_lsp.llm.types import Usage

        worst = Usage(input_tokens, max_output)
        want = Spent(input_tokens + max_output, config.cost(worst))
        pid = config.id
        with self._lock:
            self._admit_run(config, want)
            ticket = Ticket(pid, config.model, self._today(), want)
            self._admit_day(config, ticket)
            self._run.add(self._run.reserved, pid, want)
        return ticket

    def settle(self, ticket: Ticket, usage: Usage | None, cost: float) -> None:
        """Charge what the answer used (``usage`` None: no answer, nothing spent), and free
        the ticket's reservation."""
        spent = Spent(usage.input_tokens + usage.output_tokens, cost) if usage else None
        with self._lock:
            reserved = self._run.reserved
            reserved[ticket.provider] = Spent(
                reserved[ticket.provider].tokens - ticket.want.tokens,
                reserved[ticket.provider].cost - ticket.want.cost,
            )
            if spent is not None:
                self._run.add(self._run.used, ticket.provider, spent)
            used = (usage.input_tokens, usage.output_tokens, cost) if usage else None
            if self.ledger is None or (used is None and ticket.reservation is None):
                return
            try:
                self.ledger.settle(
                    ticket.reservation, ticket.day, ticket.provider, ticket.model, used
                )
            except LedgerError as error:
                self._warn(error)

    def _admit_run(self, config: ProviderConfig, want: Spent) -> None:
        if not self.per_run:
            return
        own = Limits(config.run_token_limit, config.run_cost_limit)
        reason = self.run.refusal("run", *self._run.spent(None), want)
        if reason is not None:
            raise BudgetExhausted(reason, overall=True)
        reason = own.refusal("run", *self._run.spent(config.id), want)
        if reason is not None:
            raise BudgetExhausted(reason, provider=config.id, overall=False)

    def _admit_day(self, config: ProviderConfig, ticket: Ticket) -> None:
        """Reserve the ticket's worst case in the ledger when a daily limit applies."""
        if self.ledger is None:
            return
        own = Limits(config.daily_token_limit, config.daily_cost_limit)
        if not self.daily and not own:
            return
        refused: list[bool] = []

        def refuse(use: DayUse) -> str | None:
            reason = self.daily.refusal("daily", use.total, use.total_reserved, ticket.want)
            if reason is None:
                pid = config.id
                reason = own.refusal("daily", use.of(pid), use.reserved_by(pid), ticket.want)
                refused.append(False)
            else:
                refused.append(True)
            return reason

        now = self._now()
        expires = now + default_deadline((config,)) + RESERVATION_MARGIN_S
        try:
            outcome = self.ledger.reserve(
                ticket.day, config.id, ticket.want, expires, now=now, refuse=refuse
            )
        except LedgerError as error:
            raise BudgetExhausted(
                f"{error}; with a daily budget set, no request is sent uncounted "
                "(the usageLedger setting moves the ledger)"
            ) from None
        if isinstance(outcome, str):
            overall = refused[-1]
            raise BudgetExhausted(outcome, provider="" if overall else config.id, overall=overall)
        ticket.reservation = outcome

    def _warn(self, error: LedgerError) -> None:
        if not self._warned:
            self._warned = True
            log.warning("%s; usage is not counted while it cannot be written", error)

    # -- what the user sees -----------------------------------------------------------------

    def today(self) -> dict[str, object]:
        """The day's use against the daily limits, for the editor's status: ``day``,
        ``tokens``, ``cost``, ``tokenLimit`` and ``costLimit`` (None: no limit), and the same
        per provider that has limits of its own (``providers``)."""
        day = self._today()
        use = DayUse()
        if self.ledger is not None:
            try:
                use = self.ledger.use(day)
            except LedgerError as error:
                self._warn(error)
        return {
            "day": day,
            **_against(use.total, self.daily),
            "providers": {pid: _against(use.of(pid), limits) for pid, limits in self._own.items()},
        }


def _against(spent: Spent, limits: Limits) -> dict[str, object]:
    return {
        "tokens": spent.tokens,
        "cost": round(spent.cost, 6),
        "tokenLimit": limits.tokens or None,
        "costLimit": limits.cost or None,
    }


def ledger_path(setting: str, root: str | Path | None) -> Path:
    """The ledger the ``usageLedger`` setting names: a relative path from the workspace
    folder, empty for the user state directory (`peer_lsp.llm.ledger.default_ledger`)."""
    from pathlib import Path

    from peer_lsp.llm.ledger import default_ledger

    if not setting:
        return default_ledger()
    path = Path(setting).expanduser()
    if not path.is_absolute() and root is not None:
        path = Path(root) / path
    return path


def budget_problems(settings: BudgetSettings, config: LLMConfig) -> list[str]:
    """Cost budgets that cannot hold: a provider's own cost limit without a price, and an
    overall one while a hosted provider has no price (its calls would count as free)."""
    from peer_lsp.llm.config import is_local

    problems = []
    for provider in config.providers:
        if provider.priced:
            continue
        for key, value in (
            ("dailyCostLimit", provider.daily_cost_limit),
            ("runCostLimit", provider.run_cost_limit),
        ):
            if value:
                problems.append(
                    f"provider {provider.id!r} has a {key} but no priceInputPerMtok or "
                    "priceOutputPerMtok: its cost cannot be counted; set its prices"
                )
        overall = [
            key
            for key, value in (
                ("dailyCostLimit", settings.daily_cost_limit),
                ("runCostLimit", settings.run_cost_limit),
            )
            if value
        ]
        if overall and not is_local(provider.base_url):
            problems.append(
                f"{' and '.join(overall)} set, but provider {provider.id!r} has no "
                "priceInputPerMtok or priceOutputPerMtok: its calls would count as free; "
                "set its prices"
            )
    return problems
