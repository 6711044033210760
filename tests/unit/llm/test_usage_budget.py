"""Budgets in the router, against the real OpenAI-compatible fake and a real SQLite ledger in
tmp_path: a spent budget sends nothing, a provider's own falls through, the overall one does
not, neither opens a breaker; what answers used is counted, the ledger is shared by two
ledgers on one file (two processes' connections) and an unwritable one refuses while a daily
limit is set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received

from peer_lsp.llm import errors
from peer_lsp.llm.budget import Budget, Limits, budget_problems
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_llm_config, parse_provider
from peer_lsp.llm.ledger import Ledger, Spent
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.resilience import BreakerState
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import LLMRequest, Usage
from peer_lsp.settings.model import Settings

DAY = "2026-12-07"
WORST = 9 + 100
"""A `request`'s worst case: about 9 input tokens estimated, at most 100 out."""
USED = 12 + 5
"""What one answer of the fake uses (prompt 12, completion 5)."""


def request(number: int = 0) -> LLMRequest:
    """A request whose worst case is `WORST`, different for each ``number``."""
    user = f"review {number:04d}"
    return LLMRequest(system="You review code.", user=user, stream=False, max_tokens=100)


def for_model(model: str) -> Callable[[Received], bool]:
    return lambda received: received.json["model"] == model


def make_router(
    fake: FakeServer,
    budget: Budget,
    models: tuple[str, ...] = ("a", "b"),
    *,
    cache: DiskCache | None = None,
    **extra: Any,
) -> Router:
    providers = {}
    for model in models:
        raw = {"preset": "vllm", "model": model, "id": model, "baseUrl": f"{fake.url}/v1"}
        providers[model] = OpenAICompatProvider(parse_provider({**raw, **extra.get(model, {})}, 0))
    config = LLMConfig(
        tuple(p.config for p in providers.values()), (RouteConfig("default", models, deadline=30),)
    )
    return Router(config, providers, budget=budget, cache=cache)


def budget(path: Path, *, day: str = DAY, **limits: Any) -> Budget:
    providers = limits.pop("providers", ())
    return Budget(Ledger(path), providers=providers, today=lambda: day, **limits)


def received_models(fake: FakeServer) -> list[str]:
    return [r.json["model"] for r in fake.requests]


async def test_a_spent_daily_budget_sends_nothing_and_opens_no_breaker(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.ok("first"), oa.ok("never"))
    router = make_router(fake, budget(tmp_path / "u.db", daily=Limits(tokens=WORST + 10)))
    assert (await router.complete(request())).text == "first"
    with pytest.raises(errors.BudgetExhausted) as caught:
        await router.complete(request(1))
    assert received_models(fake) == ["a"]  # b is not tried either: the budget is everyone's
    error = caught.value
    assert (error.kind, error.overall, error.falls_through, error.retryable) == (
        errors.ErrorKind.BUDGET,
        True,
        False,
        False,
    )
    assert str(error) == (
        f"daily token budget of {WORST + 10} reached ({USED} used today, UTC; "
        f"a review takes up to {WORST})"
    )
    assert router.breaker("a").state is BreakerState.CLOSED
    assert router.stats()["providers"]["a"]["failures"] == {}


async def test_a_providers_own_budget_falls_through_to_the_next(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.ok("from a"), match=for_model("a"))
    fake.script(oa.ok("from b"), oa.ok("from b again"), match=for_model("b"))
    a = parse_provider({"preset": "vllm", "model": "a", "id": "a", "dailyTokenLimit": WORST}, 0)
    router = make_router(
        fake, budget(tmp_path / "u.db", providers=[a]), a={"dailyTokenLimit": WORST}
    )
    assert (await router.complete(request(1))).provider == "a"
    assert (await router.complete(request(2))).provider == "b"
    assert received_models(fake) == ["a", "b"]
    assert router.breaker("a").state is BreakerState.CLOSED
    assert router.budget is not None
    assert router.budget.today()["providers"] == {
        "a": {"tokens": USED, "cost": 0.0, "tokenLimit": WORST, "costLimit": None}
    }


async def test_a_request_is_sent_only_when_its_worst_case_fits(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.ok(), oa.ok())
    router = make_router(fake, budget(tmp_path / "u.db", daily=Limits(tokens=USED + WORST)), ("a",))
    await router.complete(request(1))
    await router.complete(request(2))  # exactly at the limit: sent
    with pytest.raises(errors.BudgetExhausted):
        await router.complete(request(3))
    assert len(fake.requests) == 2


async def test_cost_budgets_count_at_the_providers_prices(fake: FakeServer, tmp_path: Path) -> None:
    fake.script(oa.ok(), oa.ok())
    prices = {"priceInputPerMtok": 1e6, "priceOutputPerMtok": 5e5}  # a token: $1, $0.5
    worst_cost = 9 * 1 + 100 * 0.5
    router = make_router(
        fake, budget(tmp_path / "u.db", daily=Limits(cost=worst_cost + 10)), ("a",), a=prices
    )
    await router.complete(request())
    with pytest.raises(
        errors.BudgetExhausted,
        match=r"^daily cost budget of 69.00 reached \(14.50 spent today, UTC; a review costs up",
    ):
        await router.complete(request(1))
    assert router.budget is not None
    assert router.budget.today()["cost"] == 12 * 1 + 5 * 0.5


async def test_run_limits_apply_to_a_run_only(fake: FakeServer, tmp_path: Path) -> None:
    fake.script(*(oa.ok() for _ in range(4)))
    run = Limits(tokens=WORST)
    server = make_router(fake, budget(tmp_path / "u.db", run=run), ("a",))
    await server.complete(request(1))
    await server.complete(request(2))  # the server has no run: not limited
    cli = make_router(fake, budget(tmp_path / "u.db", run=run, per_run=True), ("a",))
    await cli.complete(request(3))
    with pytest.raises(errors.BudgetExhausted, match=r"^run token budget of 109 reached \(17 used"):
        await cli.complete(request(4))
    assert len(fake.requests) == 3


async def test_cached_answers_are_never_refused(fake: FakeServer, tmp_path: Path) -> None:
    fake.script(oa.ok("kept"))
    cache = DiskCache(tmp_path / "cache", max_bytes=10_000_000, ttl_seconds=3600)
    limits = Limits(tokens=WORST + 1)
    router = make_router(fake, budget(tmp_path / "u.db", daily=limits), ("a",), cache=cache)
    await router.complete(request(), normalized_code="n")
    again = await router.complete(request(), normalized_code="n")
    assert (again.text, again.cached) == ("kept", True)
    assert len(fake.requests) == 1
    await router.aclose()


async def test_a_cut_off_answer_is_billed_and_counted(fake: FakeServer, tmp_path: Path) -> None:
    fake.script(oa.length_finish())
    router = make_router(fake, budget(tmp_path / "u.db"), ("a",))
    with pytest.raises(errors.Truncated):
        await router.complete(request())
    assert Ledger(tmp_path / "u.db").use(DAY).total == Spent(12 + 2048, 0.0)


async def test_the_count_survives_a_new_router_and_ends_with_the_day(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(oa.ok(), oa.ok())
    limits = Limits(tokens=WORST + 10)
    await make_router(fake, budget(tmp_path / "u.db", daily=limits), ("a",)).complete(request())
    later = make_router(fake, budget(tmp_path / "u.db", daily=limits), ("a",))
    with pytest.raises(errors.BudgetExhausted):
        await later.complete(request(2))
    tomorrow = make_router(fake, budget(tmp_path / "u.db", day="2026-12-08", daily=limits), ("a",))
    await tomorrow.complete(request(3))
    assert len(fake.requests) == 2


def test_a_reservation_holds_the_last_of_a_budget_for_its_request(tmp_path: Path) -> None:
    """Two ledgers on one file, as two processes: the first's request in flight reserves its
    worst case, so the second cannot take the same room; settled, the room comes back."""
    config = parse_provider({"preset": "vllm", "model": "m", "id": "p"}, 0)
    limits = Limits(tokens=2 * WORST - 1)
    editor, terminal = (
        budget(tmp_path / "u.db", daily=limits),
        budget(tmp_path / "u.db", daily=limits),
    )
    ticket = editor.admit(config, 9, 100)
    with pytest.raises(
        errors.BudgetExhausted, match=r"\(0 used today, UTC, 109 in flight; a review takes"
    ):
        terminal.admit(config, 9, 100)
    editor.settle(ticket, Usage(12, 5), 0.0)
    terminal.settle(terminal.admit(config, 9, 100), None, 0.0)  # no answer: nothing counted
    assert Ledger(tmp_path / "u.db").use(DAY).total == Spent(USED, 0.0)


def test_a_reservation_left_by_a_dead_process_expires(tmp_path: Path) -> None:
    config = parse_provider({"preset": "vllm", "model": "m", "id": "p"}, 0)
    clock = [1_000_000.0]
    dead = Budget(Ledger(tmp_path / "u.db"), daily=Limits(tokens=WORST), today=lambda: DAY)
    dead.admit(config, 9, 100)  # never settled
    alive = Budget(
        Ledger(tmp_path / "u.db"),
        daily=Limits(tokens=WORST),
        today=lambda: DAY,
        now=lambda: clock[0],
    )
    clock[0] = 1e12
    alive.admit(config, 9, 100)


async def test_an_unwritable_ledger_refuses_with_a_daily_limit_only(
    fake: FakeServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    path = blocked / "u.db"
    fake.script(oa.ok("counted nowhere"), oa.ok("again"))
    strict = make_router(fake, budget(path, daily=Limits(tokens=1_000_000)), ("a", "b"))
    with pytest.raises(errors.BudgetExhausted, match="usageLedger") as caught:
        await strict.complete(request())
    assert str(blocked / "u.db") in str(caught.value)
    assert fake.requests == []
    loose = make_router(fake, budget(path), ("a",))
    with caplog.at_level(logging.WARNING, logger="peer_lsp.llm.budget"):
        await loose.complete(request(1))
        await loose.complete(request(2))
    warned = [r for r in caplog.records if "cannot be used" in r.getMessage()]
    assert len(warned) == 1
    assert len(fake.requests) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_ledger_file_is_a_ledger_error(tmp_path: Path) -> None:
    path = tmp_path / "u.db"
    Ledger(path).use(DAY)
    path.chmod(0o400)
    config = parse_provider({"preset": "vllm", "model": "m", "id": "p"}, 0)
    with pytest.raises(errors.BudgetExhausted, match="cannot be used"):
        budget(path, daily=Limits(tokens=10_000)).admit(config, 9, 100)


def test_the_ledger_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "u.db"
    Ledger(path).use(DAY)
    assert path.stat().st_mode & 0o077 == 0
    assert path.parent.stat().st_mode & 0o077 == 0


def test_cost_limits_without_prices_are_configuration_problems() -> None:
    providers = [
        {"preset": "openai", "model": "gpt", "id": "hosted", "dailyCostLimit": 2},
        {"preset": "llamacpp", "model": "local", "id": "local"},
        {"preset": "openai", "model": "gpt2", "id": "priced", "priceInputPerMtok": 1},
    ]
    config, problems = parse_llm_config(providers, [])
    assert problems == []
    assert budget_problems(Settings(), config) == [
        "provider 'hosted' has a dailyCostLimit but no priceInputPerMtok or priceOutputPerMtok: "
        "its cost cannot be counted; set its prices"
    ]
    overall = budget_problems(Settings(run_cost_limit=5.0), config)
    assert overall[1:] == [
        "runCostLimit set, but provider 'hosted' has no priceInputPerMtok or priceOutputPerMtok: "
        "its calls would count as free; set its prices"
    ]  # the local one is free indeed; the priced one counts


def test_provider_budgets_are_read_from_the_entry() -> None:
    config, problems = parse_llm_config(
        [{"preset": "openai", "model": "m", "dailyTokenLimit": 5000, "runCostLimit": 0.5}], []
    )
    assert problems == []
    provider = config.providers[0]
    assert (provider.daily_token_limit, provider.run_cost_limit) == (5000, 0.5)
    _, problems = parse_llm_config([{"preset": "openai", "model": "m", "dailyTokenLimit": -1}], [])
    assert problems == [
        "invalid value for 'providers[0].dailyTokenLimit': -1; expected a whole number from 0 to "
        "1000000000000"
    ]
