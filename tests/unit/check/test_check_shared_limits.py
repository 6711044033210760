"""A CI matrix on one Redis (``redisUrl``): several real `peer check --shard K/N` processes,
each with a usage ledger of its own as on separate machines, share one provider's rate limit
and one daily budget (`peer_lsp.llm.shared_limits`), proven at the fake vendor: the requests
of all of them together stay within what one process may send.

Also the Redis ledger's contract, as `peer_lsp.llm.budget` uses it, against a real Redis.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import real_redis
import redis
from fakes import openai as oa
from fakes.review_format import answer
from fakes.server import FakeServer, Received, Reply
from model_support import user_prompt

from peer_lsp.commands.exits import EXIT_NOT_REVIEWED, EXIT_OK
from peer_lsp.llm.budget import Budget, Limits
from peer_lsp.llm.config import parse_provider
from peer_lsp.llm.errors import BudgetExhausted
from peer_lsp.llm.ledger import Spent
from peer_lsp.llm.shared_limits import RedisLedger

SHARDS = 3
FILES = 12
UNITS_PER_FILE = 3
PER_MINUTE = 120
"""2 requests a second, bursts of 20 (`TokenBucket`'s default: a tenth of a minute's)."""
SKEW_S = 4.0
"""Slack between Redis letting a request go and the fake receiving it, on a busy machine
where a runner's event loop is analysing other files meanwhile (seconds; 2.6 s was seen at a
load average of 11 on 2 cores). Runners without the shared bucket send all 36 requests
within about 1.3 s, far outside it."""
BILLED = 1_000
DAILY = 10 * BILLED


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with real_redis.redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_server: str) -> str:
    return real_redis.emptied(redis_server)


def make_tree(root: Path) -> None:
    """``FILES`` files of ``UNITS_PER_FILE`` functions in a repository."""
    (root / ".git").mkdir(parents=True)
    for number in range(FILES):
        functions = [
            f"def f{number}_{k}(items):\n    total = 0\n    for item in items:\n"
            f"        if item > {k}:\n            total += item * {number}\n    return total\n"
            for k in range(UNITS_PER_FILE)
        ]
        (root / f"mod{number}.py").write_text("\n\n".join(functions), encoding="utf-8")


def settings(
    root: Path, fake: FakeServer, redis_url: str, daily: int = DAILY, **provider: object
) -> None:
    """One provider (the fake), one unit a request, the answer cache and limits in Redis."""
    lines = [
        f"redisUrl = {json.dumps(redis_url)}",
        f"auditLog = {json.dumps(str(root / 'audit.jsonl'))}",
        "ollamaAutodetect = false",
        'disableRules = ["all"]',
        "reviewBatchUnits = 1",
        f"dailyTokenLimit = {daily}",
        "[[providers]]",
        'preset = "vllm"',
        'id = "fake"',
        'model = "m"',
        f"baseUrl = {json.dumps(fake.url + '/v1')}",
        *(f"{key} = {json.dumps(value)}" for key, value in provider.items()),
    ]
    (root / ".peer.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def billed(received: Received) -> Reply:
    """No findings, each answer billed ``BILLED`` tokens."""
    text = answer(user_prompt(received), lambda unit: [])
    counts = {"prompt": BILLED - 10, "completion": 10}
    if received.json.get("stream"):
        return oa.stream([text], **counts)
    return oa.ok(text, **counts)


def matrix(root: Path, tmp_path: Path) -> list[subprocess.CompletedProcess[str]]:
    """``SHARDS`` real `peer check --shard K/N` processes at once, each with a state
    directory (and so a SQLite usage ledger) of its own, as on separate runners."""
    started = []
    for index in range(1, SHARDS + 1):
        state = tmp_path / f"runner{index}"
        state.mkdir()
        env = {**os.environ, "NO_COLOR": "1", "XDG_STATE_HOME": str(state)}
        command = [sys.executable, "-m", "peer_lsp", "check", "--no-progress"]
        command += ["--format", "json", "--shard", f"{index}/{SHARDS}", "."]
        started.append(
            subprocess.Popen(
                command,
                cwd=root,
                env=env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    done = []
    for process in started:
        out, err = process.communicate(timeout=180)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def test_a_matrix_shares_one_rate_limit(fake: FakeServer, redis_url: str, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_tree(root)
    settings(root, fake, redis_url, daily=0, requestsPerMinute=PER_MINUTE)
    fake.respond_with(billed)
    results = matrix(root, tmp_path)
    for result in results:
        assert result.returncode == EXIT_OK, result.stderr
    reviewed = sum(json.loads(r.stdout)["summary"]["files"] for r in results)
    assert reviewed == FILES + 1  # and .peer.toml
    times = sorted(received.at for received in fake.requests)
    assert len(times) == FILES * UNITS_PER_FILE
    rate, burst = PER_MINUTE / 60, PER_MINUTE / 6
    # 16 of the 36 requests wait for the shared bucket to refill at 2 a second: the last is
    # let go 8 s after the first (runners each with a bucket of their own would not wait);
    # the fake sees them later by however long a busy runner takes to send (``SKEW_S``)
    span = times[-1] - times[0]
    assert span >= (len(times) - burst) / rate - SKEW_S
    # and any stretch: at most the burst plus what the rate refills meanwhile
    for first in range(len(times)):
        for last in range(first, len(times)):
            count = last - first + 1
            allowed = burst + rate * (times[last] - times[first] + SKEW_S)
            assert count <= allowed, (first, last, times[last] - times[first])


def test_a_matrix_shares_one_daily_budget(fake: FakeServer, redis_url: str, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_tree(root)
    # every request reserves at least its maxOutputTokens, which is what each answer bills
    settings(root, fake, redis_url, maxOutputTokens=BILLED)
    fake.respond_with(billed)
    results = matrix(root, tmp_path)
    assert 0 < len(fake.requests) * BILLED <= DAILY
    assert {r.returncode for r in results} <= {EXIT_OK, EXIT_NOT_REVIEWED}
    assert any(r.returncode == EXIT_NOT_REVIEWED for r in results)
    stopped = [r.stderr for r in results if r.returncode == EXIT_NOT_REVIEWED]
    assert all("daily token budget of 10,000 reached" in err for err in stopped), stopped
    with redis.Redis.from_url(redis_url) as client:
        (key,) = client.keys("peer-lsp:usage:*")
        usage = client.hgetall(key)
    assert int(usage[b"tokens:fake"]) == len(fake.requests) * BILLED
    assert int(usage[b"requests:fake"]) == len(fake.requests)


# -- the Redis ledger ---------------------------------------------------------------------------

PROVIDER = parse_provider({"preset": "vllm", "id": "p", "model": "m", "baseUrl": "http://x"}, 0)


def budget(url: str, *, clock: list[float]) -> Budget:
    return Budget(
        RedisLedger(url),
        daily=Limits(tokens=1_000),
        providers=[PROVIDER],
        now=lambda: clock[0],
        today=lambda: "2026-12-07",
    )


def test_two_budgets_on_one_redis_share_the_day(redis_url: str) -> None:
    clock = [1_000.0]
    one, two = budget(redis_url, clock=clock), budget(redis_url, clock=clock)
    try:
        ticket = one.admit(PROVIDER, 300, 300)  # 600 reserved
        with pytest.raises(BudgetExhausted, match="daily token budget of 1,000 reached"):
            two.admit(PROVIDER, 300, 300)  # 600 + 600 > 1,000
        one.settle(ticket, None, 0.0)  # no answer: the reservation is freed, nothing spent
        ticket = two.admit(PROVIDER, 300, 300)
        from peer_lsp.llm.types import Usage

        two.settle(ticket, Usage(500, 100), 0.0)
        assert one.today()["tokens"] == 600
        use = one.ledger.use("2026-12-07", reserved=True, now=clock[0]) if one.ledger else None
        assert use is not None
        assert use.of("p") == Spent(600, 0.0)
        assert use.total_reserved == Spent()
        with pytest.raises(BudgetExhausted):
            one.admit(PROVIDER, 300, 300)  # 600 used + 600 > 1,000
    finally:
        one.close()
        two.close()


def test_a_reservation_left_by_a_killed_process_expires(redis_url: str) -> None:
    clock = [1_000.0]
    gone, alive = budget(redis_url, clock=clock), budget(redis_url, clock=clock)
    try:
        gone.admit(PROVIDER, 400, 400)  # never settled: its process was killed
        with pytest.raises(BudgetExhausted):
            alive.admit(PROVIDER, 400, 400)
        clock[0] += 24 * 3600  # long past any deadline; the same day for the test
        alive.admit(PROVIDER, 400, 400)
    finally:
        gone.close()
        alive.close()


def test_redis_unreachable_refuses_rather_than_counting_nothing() -> None:
    port = real_redis.free_port()
    failing = budget(f"redis://127.0.0.1:{port}/0", clock=[0.0])
    with pytest.raises(BudgetExhausted, match="cannot be used"):
        failing.admit(PROVIDER, 10, 10)
    failing.close()
