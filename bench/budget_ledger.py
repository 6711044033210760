"""What the budget costs each request, and the stores it could have used (decision 0012).

Each request the router sends is checked before it goes (`Budget.admit`: with a daily limit,
a reservation read and written in the ledger in one transaction) and charged after its
answer (`Budget.settle`: the reservation swapped for the use). This times that pair, the
whole request-path cost of budgets, for

- ``sqlite, daily limit``  the ledger as shipped: two ``BEGIN IMMEDIATE`` transactions
- ``sqlite, no limit``     only the charge (no limit set: nothing to reserve)
- ``json + flock``         the same two steps on a JSON file: lock, read, change, write
                           (write to a temporary file and rename, so a crash leaves the old one)
- ``diskcache``            the same two steps in a ``diskcache.Cache`` transaction

over ``--requests`` requests on a file in a fresh temporary folder (the same file system as
``/tmp``), after a warm-up, with a ledger already holding ``--days`` days of 5 providers' rows
(a year of use by default). Reported: median, p95 and p99 in microseconds per request. Then
the same with two processes charging the same file at once (``--contended``), the case of
an editor's server and a `peer check` both reviewing.

    python bench/budget_ledger.py
    python bench/budget_ledger.py --requests 5000 --contended
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from peer_lsp.llm.budget import Budget, Limits
from peer_lsp.llm.config import parse_provider
from peer_lsp.llm.ledger import Ledger
from peer_lsp.llm.types import Usage

DAY = "2026-12-07"
PROVIDER = parse_provider(
    {"preset": "openai", "model": "gpt-4o-mini", "id": "openai", "priceInputPerMtok": 0.15}, 0
)
Step = Callable[[], None]


def _history(ledger: Ledger, days: int) -> None:
    for day in range(days):
        for provider in range(5):
            ledger.settle(None, f"2025-{day:04d}", f"p{provider}", "m", (1000, 100, 0.01))


def sqlite_request(path: Path, *, limited: bool, days: int) -> Step:
    ledger = Ledger(path)
    _history(ledger, days)
    daily = Limits(tokens=10**12) if limited else Limits()
    budget = Budget(ledger, daily=daily, today=lambda: DAY)

    def step() -> None:
        ticket = budget.admit(PROVIDER, 400, 2048)
        budget.settle(ticket, Usage(380, 120), PROVIDER.cost(Usage(380, 120)))

    return step


@contextlib.contextmanager
def _locked_json(path: Path) -> Iterator[dict[str, list[float]]]:
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(path.read_text()) if path.exists() else {}
            yield data
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(data))
            os.replace(temporary, path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def json_request(path: Path, *, days: int) -> Step:
    with _locked_json(path) as data:
        for day in range(days):
            for provider in range(5):
                data[f"2025-{day:04d}|p{provider}|m"] = [1000, 100, 0.01]

    def step() -> None:
        key = f"{DAY}|openai|gpt-4o-mini"
        with _locked_json(path) as data:  # check and reserve
            data.setdefault("reserved", [0, 0.0])
            data["reserved"] = [data["reserved"][0] + 2448, data["reserved"][1] + 0.0003]
        with _locked_json(path) as data:  # settle
            data["reserved"] = [data["reserved"][0] - 2448, data["reserved"][1] - 0.0003]
            row = data.setdefault(key, [0, 0, 0.0])
            data[key] = [row[0] + 380, row[1] + 120, row[2] + 0.0001]

    return step


def diskcache_request(path: Path, *, days: int) -> Step:
    import diskcache

    cache = diskcache.Cache(str(path))
    for day in range(days):
        for provider in range(5):
            cache.set(f"2025-{day:04d}|p{provider}|m", (1000, 100, 0.01))

    def step() -> None:
        key = f"{DAY}|openai|gpt-4o-mini"
        with cache.transact():
            reserved = cache.get("reserved", (0, 0.0))
            cache.set("reserved", (reserved[0] + 2448, reserved[1] + 0.0003))
        with cache.transact():
            reserved = cache.get("reserved", (0, 0.0))
            cache.set("reserved", (reserved[0] - 2448, reserved[1] - 0.0003))
            row = cache.get(key, (0, 0, 0.0))
            cache.set(key, (row[0] + 380, row[1] + 120, row[2] + 0.0001))

    return step


def _make(store: str, folder: Path, days: int) -> Step:
    if store == "sqlite, daily limit":
        return sqlite_request(folder / "usage.sqlite3", limited=True, days=days)
    if store == "sqlite, no limit":
        return sqlite_request(folder / "usage.sqlite3", limited=False, days=days)
    if store == "json + flock":
        return json_request(folder / "usage.json", days=days)
    return diskcache_request(folder / "usage.diskcache", days=days)


STORES = ("sqlite, daily limit", "sqlite, no limit", "json + flock", "diskcache")


def _time(step: Step, requests: int) -> list[float]:
    for _ in range(min(200, requests)):
        step()
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1e6)
    return times


def _worker(
    store: str, folder: str, requests: int, out: multiprocessing.Queue[list[float]]
) -> None:
    out.put(_time(_make(store, Path(folder), 0), requests))


def _row(name: str, times: list[float]) -> str:
    times = sorted(times)
    q = statistics.quantiles(times, n=100)
    return f"{name:<22} {statistics.median(times):>9.1f} {q[94]:>9.1f} {q[98]:>9.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--contended", action="store_true", help="also two processes at once")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    print(
        f"{'store':<22} {'p50 µs':>9} {'p95 µs':>9} {'p99 µs':>9}   (check + charge, one request)"
    )
    for store in STORES:
        with tempfile.TemporaryDirectory() as folder:
            print(_row(store, _time(_make(store, Path(folder), args.days), args.requests)))
    if args.contended:
        print("two processes charging one file at once:")
        for store in STORES:
            with tempfile.TemporaryDirectory() as folder:
                _make(store, Path(folder), args.days)  # create it first
                queue: multiprocessing.Queue[list[float]] = multiprocessing.Queue()
                workers = [
                    multiprocessing.Process(
                        target=_worker, args=(store, folder, args.requests, queue)
                    )
                    for _ in range(2)
                ]
                for worker in workers:
                    worker.start()
                times = queue.get() + queue.get()
                for worker in workers:
                    worker.join()
                print(_row(store, times))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
