"""`peer stats` over a full audit log: how long the bill takes on the largest log the guard keeps.

    python bench/stats_log.py [--mb 10] [--rounds 5] [--keep DIR]

1. Writes a synthetic audit log the size the guard rotates at (``--mb``, default 10 MB:
   `peer_lsp.llm.guard.MAX_AUDIT_BYTES`) as ``audit.jsonl.1``, and as much again as
   ``audit.jsonl``: the most `peer stats` ever reads. Lines are shaped as the guard writes
   them (every field, a 64-hex payload hash): 3 providers, 4 models, outcomes in the
   proportions of a working day (70 % sent, 20 % cached, 5 % errors of 3 kinds, 3 % refused,
   2 % cancelled), times spread evenly over the last 28 days, oldest first.
2. Times `read_usage` in this process, ``--rounds`` times each, for three periods: the
   default (7 days: a quarter of the lines counted, the rest dropped on their timestamp),
   today (what `peer.health` reads: almost every line dropped), and all 28 days (every
   line decoded and counted). Prints the median and the lines per second.
3. Times ``python -m peer_lsp stats --format json`` as a process over the default period
   (start-up included), ``--rounds`` times, and prints the median.
4. Reports the peak memory (tracemalloc) of one `read_usage` over all 28 days: the
   latencies kept for the percentiles are the only thing that grows with the log.

Numbers depend on the machine and its load: the script prints ``os.getloadavg()``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from peer_lsp.llm.guard import MAX_AUDIT_BYTES
from peer_lsp.llm.usage_stats import Period, iso, read_usage

MODELS = (("openai", "gpt-4.1-mini"), ("openai", "gpt-4.1"), ("groq", "llama"), ("ollama", "qwen"))
PRICES = {"openai": (0.4, 1.6), "groq": (0.59, 0.79), "ollama": None}
DAYS = 28


def outcome(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.70:
        return "sent"
    if roll < 0.90:
        return "cached"
    if roll < 0.95:
        return rng.choice(("error:rate_limited", "error:timeout", "error:server"))
    if roll < 0.98:
        return rng.choice(("refused:excluded", "refused:too-large"))
    return "cancelled"


def line(rng: random.Random, when: datetime) -> bytes:
    provider, model = rng.choice(MODELS)
    result = outcome(rng)
    sent = result == "sent"
    tokens_in, tokens_out = rng.randint(200, 3000), rng.randint(20, 400)
    prices = PRICES[provider]
    cost = None
    if sent and prices is not None:
        cost = round((tokens_in * prices[0] + tokens_out * prices[1]) / 1e6, 9)
    record = {
        "ts": iso(when), "provider": provider, "model": model, "task": "review",
        "file": f"src/module_{rng.randint(0, 400)}.py",
        "unit": f"Class.method_{rng.randint(0, 99)}",
        "units": 1, "route": "default", "outcome": result,
        "estimated_input_tokens": tokens_in, "input_tokens": tokens_in if sent else None,
        "output_tokens": tokens_out if sent else None, "cached_input_tokens": 0 if sent else None,
        "latency_ms": round(rng.lognormvariate(7, 0.5), 1) if sent else None, "cost": cost,
        "payload_sha256": f"{rng.getrandbits(256):064x}", "redactions": 0, "redaction_kinds": {},
    }  # fmt: skip
    return (json.dumps(record, separators=(",", ":")) + "\n").encode()


def write_logs(folder: Path, size: int, now: datetime) -> tuple[Path, int]:
    """``audit.jsonl.1`` and ``audit.jsonl`` of ``size`` bytes each; the path, the lines."""
    rng = random.Random(15)
    sample = len(line(rng, now))
    per_file = size // sample + 1
    total = 2 * per_file
    start = now - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / total
    count = 0
    for name in ("audit.jsonl.1", "audit.jsonl"):
        with (folder / name).open("wb") as log:
            written = 0
            while written < size:
                data = line(rng, start + step * count)
                log.write(data)
                written += len(data)
                count += 1
    return folder / "audit.jsonl", count


def timed(rounds: int, work: object) -> float:
    """The median wall time of ``work()`` in seconds."""
    assert callable(work)
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=MAX_AUDIT_BYTES / 1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="write the logs here and keep them")
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path, lines = write_logs(folder, int(args.mb * 1_000_000), now)
        size = sum(p.stat().st_size for p in (path, path.with_name(path.name + ".1")))
        print(f"audit log: 2 files, {size / 1e6:.1f} MB, {lines:,} lines, over {DAYS} days")
        print(f"load average: {os.getloadavg()}")
        periods = {
            "7 days (default)": Period(now - timedelta(days=7), now),
            "today (peer.health)": Period.today(now),
            f"all {DAYS} days": Period(now - timedelta(days=DAYS + 1), now),
        }
        for name, period in periods.items():
            report = read_usage(path, period)
            seconds = timed(args.rounds, lambda period=period: read_usage(path, period))
            print(
                f"read_usage, {name:<20} {seconds * 1000:7.0f} ms median of {args.rounds}"
                f"  ({lines / seconds:,.0f} lines/s; {report.lines:,} lines counted,"
                f" {report.malformed} malformed)"
            )
        command = [sys.executable, "-m", "peer_lsp", "stats", "--audit-log", str(path)]
        command += ["--format", "json"]
        seconds = timed(
            args.rounds, lambda: subprocess.run(command, check=True, capture_output=True)
        )
        print(f"peer stats (process, 7 days)   {seconds * 1000:7.0f} ms median of {args.rounds}")
        tracemalloc.start()
        read_usage(path, periods[f"all {DAYS} days"])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"peak memory of read_usage over all {DAYS} days: {peak / 1e6:.1f} MB")
        print(f"load average: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
