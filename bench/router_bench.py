"""Router figures against the local fake vendor (tests/fakes), as the router issue asks.

    python bench/router_bench.py [--quick] [--runs N] [--json out.json]

1. overhead: p50/p95 of router.complete minus provider.send, same zero-latency fake, with
   and without the cache and the guard in the path;
2. throughput: 1,000 distinct reviews at concurrency 8 against a 50 ms fake, compared with
   the ideal 1000 / 8 x 50 ms = 6.25 s: eight in flight as `peer check` holds them, all at
   once behind the provider's limit, and plain httpx as the floor; median of ``--runs``;
3. cache hits: latency of router.complete when the disk cache has the answer;
4. failures: a provider failing 30% of calls (429 with Retry-After, 500/502/503, no answer
   until the first-byte timeout) with a healthy fallback: every request must complete, each
   with its own answer, none lost, none answered twice.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_provider
from peer_lsp.llm.guard import Guard
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import LLMRequest
from peer_lsp.settings.options import resolve

ROOT = Path(__file__).resolve().parents[1]


class Vendor:
    """bench/fake_vendor.py in its own process: its URL, then its counts when closed."""

    def __init__(self, *args: str) -> None:
        self.args = args
        self.stats: dict[str, Any] = {}

    async def __aenter__(self) -> str:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bench" / "fake_vendor.py"),
            *self.args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.process.stdout is not None
        return (await self.process.stdout.readline()).decode().strip()

    async def __aexit__(self, *exc: object) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        self.stats = json.loads(await self.process.stdout.readline())
        await self.process.wait()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def provider(url: str, pid: str, **extra: Any) -> OpenAICompatProvider:
    raw = {"preset": "vllm", "model": pid, "id": pid, "baseUrl": f"{url}/v1", **extra}
    return OpenAICompatProvider(parse_provider(raw, 0))


def router(
    providers: list[OpenAICompatProvider],
    *,
    cache: DiskCache | None = None,
    guard: Guard | None = None,
) -> Router:
    config = LLMConfig(
        tuple(p.config for p in providers),
        (RouteConfig("default", tuple(p.id for p in providers), deadline=60),),
        max_attempts=6,
    )
    return Router(config, {p.id: p for p in providers}, cache=cache, guard=guard)


def review(n: int) -> LLMRequest:
    code = f"def unit_{n}(items):\n    total = 0\n    for item in items:\n        total += item\n"
    return LLMRequest("You review code. Answer in JSON.", f"```python\n{code}```", stream=False)


class TimedProvider(OpenAICompatProvider):
    """Records how long each send took, so router time = complete() minus send()."""

    sent_ms: list[float]

    async def send(self, request: LLMRequest, timeouts: Any = None) -> Any:
        started = time.perf_counter()
        try:
            return await super().send(request, timeouts)
        finally:
            self.sent_ms.append((time.perf_counter() - started) * 1000)


async def bench_overhead(calls: int, workdir: Path) -> dict[str, Any]:
    settings, _ = resolve({"auditLog": str(workdir / "audit.jsonl")})
    results: dict[str, Any] = {}
    async with Vendor() as url:
        for label, extras in (
            ("router only", False),
            ("router + guard + cache miss and store", True),
        ):
            raw = {"preset": "vllm", "model": "a", "id": "a", "baseUrl": f"{url}/v1"}
            timed = TimedProvider(parse_provider(raw, 0))
            timed.sent_ms = []
            cache = (
                DiskCache(workdir / label.replace(" ", "-"), max_bytes=10**9, ttl_seconds=1e6)
                if extras
                else None
            )
            subject = router([timed], cache=cache, guard=Guard(settings) if extras else None)
            for n in range(20):  # warm up connections and code paths
                await subject.complete(review(-n - 1), normalized_code=f"w{n}")
            timed.sent_ms.clear()
            overhead = []
            for n in range(calls):
                started = time.perf_counter()
                await subject.complete(review(n), normalized_code=f"u{n}")
                overhead.append((time.perf_counter() - started) * 1000 - timed.sent_ms[-1])
            results[label] = {
                "p50_ms": round(statistics.median(overhead), 3),
                "p95_ms": round(percentile(overhead, 0.95), 3),
            }
            await subject.aclose()
    return results


async def _through_router(url: str, count: int, latency: float, burst: bool) -> dict[str, Any]:
    """``count`` reviews through the router, eight at a time: held back by the caller as
    `peer check` and the editor's scheduler do (``maxReviewsInFlight``), or all at once
    (``burst``), queued by the provider's own ``maxConcurrency``."""
    subject = router([provider(url, "a", maxConcurrency=8)])
    # Steady state is the figure: the first calls open the HTTP client and its eight
    # connections, a one-time cost reported apart.
    started = time.perf_counter()
    await asyncio.gather(*(subject.complete(review(-n - 1)) for n in range(8)))
    cold_start = time.perf_counter() - started - latency
    callers = asyncio.Semaphore(count if burst else 8)

    async def one(n: int) -> str:
        async with callers:
            response = await subject.complete(review(n))
            return str(json.loads(response.text)["unit"])

    started = time.perf_counter()
    answers = await asyncio.gather(*(one(n) for n in range(count)))
    elapsed = time.perf_counter() - started
    await subject.aclose()
    return {"elapsed": elapsed, "answers": answers, "cold_start": cold_start}


async def _through_httpx(url: str, count: int) -> dict[str, Any]:
    """The floor: the same requests with plain ``httpx.AsyncClient.post``, eight at a time."""
    import httpx

    adapter = provider(url, "a")
    endpoint = adapter.url(review(0), False)
    async with httpx.AsyncClient() as client:
        callers = asyncio.Semaphore(8)

        async def one(n: int) -> str:
            async with callers:
                response = await client.post(endpoint, json=adapter.body(review(n), False))
                content = response.json()["choices"][0]["message"]["content"]
                return str(json.loads(content)["unit"])

        await asyncio.gather(*(one(-n - 1) for n in range(8)))
        started = time.perf_counter()
        answers = await asyncio.gather(*(one(n) for n in range(count)))
        elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "answers": answers, "cold_start": None}


async def bench_throughput(count: int, latency: float, runs: int) -> dict[str, Any]:
    """Each way ``runs`` times, interleaved so that a noisy moment hits all of them; the
    median run is the figure (this 2-core VM varies by about 2 points from run to run)."""
    ways = {
        "router, 8 reviews in flight (as peer check)": lambda url: _through_router(
            url, count, latency, burst=False
        ),
        f"router, all {count} at once (provider maxConcurrency 8)": lambda url: _through_router(
            url, count, latency, burst=True
        ),
        "plain httpx, 8 in flight (the floor)": lambda url: _through_httpx(url, count),
    }
    ideal = count / 8 * latency
    samples: dict[str, list[dict[str, Any]]] = {way: [] for way in ways}
    for _ in range(runs):
        for way, run in ways.items():
            vendor = Vendor("--latency", str(latency))
            async with vendor as url:
                outcome = await run(url)
            outcome["service"] = vendor.stats["mean_service_s"]
            outcome["max_in_flight"] = vendor.stats["max_in_flight"]
            samples[way].append(outcome)
    report: dict[str, Any] = {"requests": count, "ideal_s": round(ideal, 3), "runs": runs}
    for way, outcomes in samples.items():
        elapsed = sorted(o["elapsed"] for o in outcomes)
        median = statistics.median(elapsed)
        service = statistics.median(o["service"] for o in outcomes)
        report[way] = {
            "elapsed_s_median": round(median, 3),
            "elapsed_s_all": [round(e, 3) for e in elapsed],
            "over_ideal_pct": round((median / ideal - 1) * 100, 1),
            "over_ideal_pct_all": [round((e / ideal - 1) * 100, 1) for e in elapsed],
            "vendor_mean_service_ms": round(service * 1000, 2),
            "over_measured_ideal_pct": round((median / (count / 8 * service) - 1) * 100, 1),
            "answered_with_their_own_answer": min(
                sum(1 for n, a in enumerate(o["answers"]) if a == f"unit_{n}") for o in outcomes
            ),
            "max_in_flight_seen_by_vendor": max(o["max_in_flight"] for o in outcomes),
        }
        colds = [o["cold_start"] for o in outcomes if o["cold_start"] is not None]
        if colds:
            report[way]["cold_start_ms_median"] = round(statistics.median(colds) * 1000, 1)
    return report


async def bench_cache_hits(count: int, workdir: Path) -> dict[str, Any]:
    vendor = Vendor()
    async with vendor as url:
        cache = DiskCache(workdir / "hits", max_bytes=10**9, ttl_seconds=1e6)
        subject = router([provider(url, "a")], cache=cache)
        for n in range(count):
            await subject.complete(review(n), normalized_code=f"u{n}")
        timed = []
        for n in range(count):
            started = time.perf_counter()
            response = await subject.complete(review(n), normalized_code=f"u{n}")
            timed.append((time.perf_counter() - started) * 1000)
            assert response.cached
        await subject.aclose()
    return {
        "hits": count,
        "p50_ms": round(statistics.median(timed), 3),
        "p95_ms": round(percentile(timed, 0.95), 3),
        "max_ms": round(max(timed), 3),
        "provider_calls": vendor.stats["requests"],
        "provider_calls_during_hits": vendor.stats["requests"] - count,
    }


async def bench_failures(count: int) -> dict[str, Any]:
    vendor = Vendor("--fail-rate", "0.3")
    async with vendor as url:
        timeouts = {"connect": 1, "first_byte": 0.3, "idle": 0.3}
        primary = provider(url, "a", maxConcurrency=8, timeouts=timeouts)
        fallback = provider(url, "b", maxConcurrency=8)
        subject = router([primary, fallback])
        semaphore = asyncio.Semaphore(8)

        async def one(n: int) -> str:
            async with semaphore:
                response = await subject.complete(review(n))
                return str(json.loads(response.text)["unit"])

        started = time.perf_counter()
        outcomes = await asyncio.gather(*(one(n) for n in range(count)), return_exceptions=True)
        elapsed = time.perf_counter() - started
        stats = subject.stats()["providers"]
        await subject.aclose()
    answered = [o for o in outcomes if isinstance(o, str)]
    return {
        "requests": count,
        "completed": len(answered),
        "lost": sum(1 for o in outcomes if isinstance(o, BaseException)),
        "answered_with_their_own_answer": sum(
            1 for n, o in enumerate(outcomes) if o == f"unit_{n}"
        ),
        "duplicated": len(answered) - len(set(answered)),
        "injected_failures": vendor.stats["injected"],
        "attempts_a": stats["a"]["calls"],
        "attempts_b": stats["b"]["calls"],
        "failures_a": stats["a"]["failures"],
        "elapsed_s": round(elapsed, 2),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a smoke run")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5, help="throughput runs per way (median)")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        report = {
            "overhead": await bench_overhead(int(1000 * scale), workdir),
            "throughput": await bench_throughput(
                int(1000 * scale), 0.05, 1 if args.quick else args.runs
            ),
            "cache_hits": await bench_cache_hits(int(2000 * scale), workdir),
            "failures": await bench_failures(int(1000 * scale)),
        }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
