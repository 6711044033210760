"""`peer_lsp.llm.resilience` against the libraries that do backoff, circuit breaking and rate
limiting: what each costs (size, import time) and whether tests can drive it without waiting.

    pip install tenacity stamina backoff pybreaker circuitbreaker purgatory aiolimiter
    python bench/resilience_libraries.py [--runs N]

The router's tests never sleep: the router takes a ``clock``, a ``sleep`` and an ``rng``
(tests/unit/llm/test_router.py). Each probe below asks a library to do one of our jobs
under a hand-driven clock, and reports what happened in real (wall) time and whether the
library noticed the fake clock at all. Libraries that are not installed are skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import importlib.metadata
import random
import time
from collections.abc import Callable
from pathlib import Path

from import_time import cumulative_ms

from peer_lsp.llm.errors import ErrorKind
from peer_lsp.llm.resilience import CircuitBreaker, TokenBucket, full_jitter

ALREADY_LOADED = "import asyncio, dataclasses, enum, random, time, typing"
"""Loaded before the router is (pygls needs asyncio): the import times are what each adds."""

# module to import -> distribution
LIBRARIES = {
    "peer_lsp.llm.resilience": None,
    "tenacity": "tenacity",
    "stamina": "stamina",
    "backoff": "backoff",
    "pybreaker": "pybreaker",
    "circuitbreaker": "circuitbreaker",
    "purgatory": "purgatory",
    "aiolimiter": "aiolimiter",
}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def installed_kib(distribution: str) -> float:
    files = importlib.metadata.distribution(distribution).files or []
    return sum(Path(str(f.locate())).stat().st_size for f in files if f.locate().exists()) / 1024


def costs(runs: int) -> None:
    print(f"## Cost: installed size, dependencies, import ms after `{ALREADY_LOADED}`\n")
    print("| module | installed KiB | requires | import ms |\n| --- | --- | --- | --- |")
    for module, dist in LIBRARIES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            print(f"| {module} | not installed | | |")
            continue
        size = f"{installed_kib(dist):.0f}" if dist else "(in peer-lsp)"
        requires = ", ".join(importlib.metadata.requires(dist) or []) if dist else ""
        requires = ", ".join(r for r in requires.split(", ") if "extra ==" not in r)
        ms = cumulative_ms(module, after=ALREADY_LOADED, runs=runs)
        print(f"| {module} | {size} | {requires or '-'} | {ms:.1f} |")
    print()


def probe_backoff() -> list[str]:
    """Full jitter: a delay uniform in [0, min(cap, base * 2**n)], from a seeded rng."""
    rows = []
    ours = [full_jitter(n, random.Random(7)) for n in range(6)]
    again = [full_jitter(n, random.Random(7)) for n in range(6)]
    rows.append(f"| ours | full jitter, rng passed in | repeatable: {ours == again} |")
    try:
        import tenacity
    except ImportError:
        return rows
    wait = tenacity.wait_random_exponential(multiplier=0.5, max=8)
    state = tenacity.RetryCallState(None, None, (), {})
    highs = []
    for attempt in range(1, 7):
        state.attempt_number = attempt
        random.seed(7)
        highs.append(max(wait(state) for _ in range(2000)))
    rows.append(
        "| tenacity wait_random_exponential | full jitter, module `random` only "
        f"| highest of 2000 per attempt: {', '.join(f'{h:.2f}' for h in highs)} |"
    )
    try:
        import stamina  # noqa: F401
    except ImportError:
        return rows
    rows.append(
        "| stamina | exponential + additive jitter (not full jitter); "
        "`stamina.set_testing` turns waits off | - |"
    )
    return rows


def probe_breakers() -> list[str]:
    """Open after 3 failures, then 31 s pass on the fake clock: does a probe get through?"""
    clock = Clock()
    ours = CircuitBreaker(clock=clock)
    for _ in range(3):
        ours.record_failure(ErrorKind.SERVER)
    clock.now += 31
    rows = [f"| ours | {ours.allow()} (now {ours.state.value}) | clock= |"]
    ours = CircuitBreaker(clock=clock)
    ours.record_failure(ErrorKind.AUTH)
    rows.append(f"| ours, one auth failure | open for {ours.seconds_left():.0f} s | per kind |")

    def fails() -> None:
        raise RuntimeError("server error")

    try:
        import pybreaker

        breaker = pybreaker.CircuitBreaker(fail_max=3, reset_timeout=30)
        for _ in range(3):
            with contextlib.suppress(RuntimeError, pybreaker.CircuitBreakerError):
                breaker.call(fails)
        clock.now += 31  # pybreaker reads datetime.now(UTC) itself
        rows.append(f"| pybreaker | {breaker.current_state} after 31 fake s | no clock |")
    except ImportError:
        pass
    try:
        import circuitbreaker

        fab = circuitbreaker.CircuitBreaker(failure_threshold=3, recovery_timeout=30)
        guarded = fab(fails)
        for _ in range(3):
            with contextlib.suppress(RuntimeError, circuitbreaker.CircuitBreakerError):
                guarded()
        rows.append(f"| circuitbreaker | {fab.state} after 31 fake s | no clock |")
    except ImportError:
        pass
    return rows


async def probe_bucket() -> list[str]:
    """600 per minute, burst 1: three acquisitions need two waits of 0.1 s."""
    clock, waits = Clock(), list[float]()

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.now += seconds

    ours = TokenBucket(600, burst=1, clock=clock, sleep=sleep)
    rows = [await _timed_acquires("ours", ours.acquire, waits)]
    try:
        import aiolimiter
    except ImportError:
        return rows
    limiter = aiolimiter.AsyncLimiter(1, 0.1)  # the event loop's clock, the loop's timers
    rows.append(await _timed_acquires("aiolimiter", limiter.acquire, []))
    return rows


async def _timed_acquires(name: str, acquire: Callable[[], object], waits: list[float]) -> str:
    began = time.perf_counter()
    for _ in range(3):
        await acquire()  # type: ignore[misc]
    wall = (time.perf_counter() - began) * 1000
    return f"| {name} | {wall:.0f} ms wall | waits seen by the test: {waits or 'none'} |"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    costs(args.runs)
    print("## Backoff\n\n| library | kind | under test |\n| --- | --- | --- |")
    print("\n".join(probe_backoff()), end="\n\n")
    print("## Breaker after 3 failures and 31 s\n\n| library | lets a probe through | clock |")
    print("| --- | --- | --- |\n" + "\n".join(probe_breakers()), end="\n\n")
    print("## Token bucket: 3 acquisitions at 600/min, burst 1\n")
    print("| library | real time | waits |\n| --- | --- | --- |")
    print("\n".join(await probe_bucket()))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
