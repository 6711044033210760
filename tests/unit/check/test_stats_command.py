"""`peer stats`, run as a real process, on audit logs written by real requests: the router
with its guard and disk cache, against the fake vendor over HTTP. Known prices, known token
counts and known minimum latencies; errors, cache hits and refusals; the period, the rotated
file the guard makes past 10 MB, malformed lines, settings, exit codes, and the JSON keys."""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes import openai as oa
from fakes.server import FakeServer

from peer_lsp.llm import errors
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_provider
from peer_lsp.llm.guard import MAX_AUDIT_BYTES, Guard
from peer_lsp.llm.providers.openai_compat import OpenAICompatProvider
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import LLMRequest
from peer_lsp.llm.usage_stats import iso, percentile
from peer_lsp.settings.model import Settings

KEY = "gsk_test_key_0123456789abcdefghij"
PRICE_IN, PRICE_OUT = 0.5, 1.5  # per million tokens
UNITS = 20
DELAY_STEP = 0.005  # unit i answers after (i + 1) * 5 ms
REPEATED = 5


def make_router(fake: FakeServer, tmp_path: Path, audit: Path) -> Router:
    """``groq`` (priced) takes everything but Go; ``backup`` (no price) takes Go."""
    priced = parse_provider(
        {
            "preset": "groq", "id": "groq", "model": "llama", "baseUrl": f"{fake.url}/v1",
            "priceInputPerMtok": PRICE_IN, "priceOutputPerMtok": PRICE_OUT,
        },
        0,
    )  # fmt: skip
    free = parse_provider(
        {"preset": "groq", "id": "backup", "model": "small", "baseUrl": f"{fake.url}/v1"}, 1
    )
    environ = {"GROQ_API_KEY": KEY}
    routes = (RouteConfig("go", ("backup",), languages=("go",)), RouteConfig("default", ("groq",)))
    return Router(
        LLMConfig((priced, free), routes),
        {
            "groq": OpenAICompatProvider(priced, environ=environ),
            "backup": OpenAICompatProvider(free, environ=environ),
        },
        cache=DiskCache(tmp_path / "cache", max_bytes=10_000_000, ttl_seconds=3600),
        guard=Guard(Settings(audit_log=str(audit))),
    )


def review(number: int, **extra: Any) -> LLMRequest:
    code = f"def f{number}(): return {number}"
    fields: dict[str, Any] = {"file": "src/app.py", "unit": f"f{number}", **extra}
    return LLMRequest("Review.", f"```\n{code}\n```", stream=False, prompt_version="v1", **fields)


async def traffic(fake: FakeServer, tmp_path: Path, audit: Path) -> None:
    """20 answers with known tokens and delays, 5 of them again from the cache, 2 failures,
    1 refusal, and 2 answers of the provider that has no price."""
    router = make_router(fake, tmp_path, audit)
    try:
        for number in range(UNITS):
            answer = oa.ok('{"findings": []}', prompt=1000, completion=100)
            answer.first_byte_delay = (number + 1) * DELAY_STEP
            fake.script(answer)
            await router.complete(review(number), normalized_code=f"n{number}")
        for number in range(REPEATED):
            assert (await router.complete(review(number), normalized_code=f"n{number}")).cached
        fake.script(oa.error(400, message="bad"), oa.rate_limited(retry_after="60"))
        for number in (100, 101):
            with pytest.raises(errors.LLMError):
                await router.complete(review(number), normalized_code=f"n{number}")
        with pytest.raises(errors.InvalidRequest):
            await router.complete(review(102, file="config/.env"), normalized_code="n102")
        fake.script(oa.ok("{}", prompt=50, completion=5), oa.ok("{}", prompt=50, completion=5))
        for number in (200, 201):
            await router.complete(review(number, language="go"), normalized_code=f"n{number}")
    finally:
        await router.aclose()


def peer_stats(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["XDG_STATE_HOME"] = str(Path(cwd or ".").absolute() / "state")  # never the user's log
    return subprocess.run(
        [sys.executable, "-m", "peer_lsp", "stats", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


def as_json(*argv: str, cwd: Path | None = None) -> dict[str, Any]:
    done = peer_stats(*argv, "--format", "json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The audit log of `traffic`, recorded once for the module."""
    folder = tmp_path_factory.mktemp("traffic")
    with FakeServer() as fake:
        asyncio.run(traffic(fake, folder, folder / "audit.jsonl"))
    return (folder / "audit.jsonl").read_bytes()


@pytest.fixture
def audit(recorded: bytes, tmp_path: Path) -> Path:
    """A copy of that log, for this test to read and change."""
    path = tmp_path / "audit.jsonl"
    path.write_bytes(recorded)
    return path


def test_the_bill_of_real_requests(audit: Path) -> None:
    report = as_json("--audit-log", str(audit))
    assert report["files"] == [str(audit)]
    assert (report["lines"], report["malformed"]) == (30, 0)
    backup, groq = report["models"]
    assert (groq["provider"], groq["model"], backup["model"]) == ("groq", "llama", "small")
    assert groq["requests"] == UNITS + 2
    assert (groq["answered"], groq["cached"]) == (UNITS, REPEATED)
    assert groq["cacheHitRate"] == REPEATED / (UNITS + REPEATED)
    assert (groq["inputTokens"], groq["outputTokens"]) == (UNITS * 1000, UNITS * 100)
    assert groq["cost"] == pytest.approx(UNITS * (1000 * PRICE_IN + 100 * PRICE_OUT) / 1e6)
    assert groq["unpriced"] == 0
    assert groq["failures"] == {"invalid_request": 1, "rate_limited": 1}
    assert groq["refused"] == {"excluded": 1}
    assert (backup["answered"], backup["cost"], backup["unpriced"]) == (2, None, 2)
    assert backup["inputTokens"] == 100

    # the latencies the provider measured, as the log has them: nearest-rank percentiles
    # of those, each at least the delay the fake held its answer back
    logged = sorted(
        float(line["latency_ms"])
        for line in map(json.loads, audit.read_text().splitlines())
        if line["provider"] == "groq" and line["outcome"] == "sent"
    )
    delays = [(number + 1) * DELAY_STEP * 1000 for number in range(UNITS)]
    for p in (50, 95, 99):
        expected = percentile(logged, p)
        assert expected is not None
        assert groq["latencyMs"][f"p{p}"] == round(expected, 1)
        assert expected >= delays[math.ceil(p / 100 * UNITS) - 1]

    total = report["total"]
    assert (total["requests"], total["answered"], total["cached"]) == (UNITS + 4, UNITS + 2, 5)
    assert total["cost"] == groq["cost"]
    assert total["unpriced"] == 2


def test_the_table(audit: Path) -> None:
    done = peer_stats("--audit-log", str(audit))
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0].startswith("peer stats: ")
    assert lines[0].endswith(f"UTC, from {audit}")
    header = lines[2].split()
    assert header[:4] == ["provider", "model", "requests", "answered"]
    groq = next(line for line in lines if line.startswith("groq")).split()
    assert groq[:6] == ["groq", "llama", "22", "20", "5", "20%"]
    assert groq[9:] == ["20,000", "2,000", "0.0130", "2", "1"]
    backup = next(line for line in lines if line.startswith("backup")).split()
    assert backup[11] == "-"  # no price: no cost, not a cost of 0
    total = next(line for line in lines if line.startswith("total")).split()
    assert total[1:5] == ["24", "22", "5", "19%"]
    assert "failed: groq/llama: invalid_request 1, rate_limited 1" in lines
    assert "refused: groq/llama: excluded 1" in lines
    assert any(line.startswith("cost: 2 answers of backup/small without a price") for line in lines)


def test_the_period(audit: Path) -> None:
    log = ("--audit-log", str(audit))
    assert as_json(*log, "--since", "today")["total"]["answered"] == UNITS + 2
    past = as_json(*log, "--since", "2020-01-01", "--until", "2020-02-01")
    assert (past["models"], past["lines"], past["since"]) == ([], 0, "2020-01-01T00:00:00.000Z")
    assert as_json(*log, "--since", "2h", "--until", "1h")["lines"] == 0
    done = peer_stats(*log, "--since", "2020-01-01", "--until", "2020-01-01")
    assert (done.returncode, done.stdout) == (2, "")
    assert "--since must be before --until" in done.stderr
    done = peer_stats(*log, "--since", "2019-12-01", "--until", "2020-01-01")
    assert "Nothing was sent or answered from the cache in this period." in done.stdout
    done = peer_stats(*log, "--since", "last tuesday")
    assert (done.returncode, done.stdout) == (2, "")
    assert "not a time: 'last tuesday'" in done.stderr


def test_a_log_past_10_mb_is_rotated_by_the_guard_and_both_files_are_read(
    fake: FakeServer, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    old = {
        "ts": iso(datetime.now(UTC) - timedelta(days=30)), "provider": "groq",
        "model": "llama", "task": "review", "file": "src/old.py", "unit": "g", "units": 1,
        "route": "default", "outcome": "sent", "input_tokens": 10, "output_tokens": 1,
        "latency_ms": 100.0, "cost": 0.001, "payload_sha256": "0" * 64,
    }  # fmt: skip
    line = json.dumps(old, separators=(",", ":")) + "\n"
    count = MAX_AUDIT_BYTES // len(line) + 1
    audit.write_text(line * count)
    asyncio.run(traffic(fake, tmp_path, audit))
    rotated = tmp_path / "audit.jsonl.1"
    assert rotated.stat().st_size > MAX_AUDIT_BYTES  # the guard moved it aside
    assert len(audit.read_text().splitlines()) == 30

    week = as_json("--audit-log", str(audit))
    assert week["files"] == [str(rotated), str(audit)]
    assert week["total"]["answered"] == UNITS + 2
    months = as_json("--audit-log", str(audit), "--since", "60d")
    assert months["total"]["answered"] == UNITS + 2 + count
    assert months["lines"] == 30 + count
    assert months["models"][1]["cost"] == pytest.approx(0.013 + count * 0.001)


def test_malformed_lines_are_skipped_and_counted(audit: Path) -> None:
    with audit.open("ab") as log:
        log.write(b"{not json\n\xff\xfe\n" + b'{"ts":"' + iso(datetime.now(UTC)).encode() + b'"\n')
    done = peer_stats("--audit-log", str(audit))
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "skipped 3 malformed lines"
    report = as_json("--audit-log", str(audit))
    assert (report["malformed"], report["total"]["answered"]) == (3, UNITS + 2)


def test_the_log_the_settings_name(audit: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "logs").mkdir(parents=True)
    audit.rename(project / "logs" / "audit.jsonl")
    (project / ".peer.toml").write_text('auditLog = "logs/audit.jsonl"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    inside = as_json(cwd=project)  # found from the current folder
    assert inside["auditLog"] == str(project / "logs" / "audit.jsonl")
    assert inside["total"]["answered"] == UNITS + 2
    for config in (project / ".peer.toml", project):
        named = as_json("--config", str(config), cwd=elsewhere)
        assert named["auditLog"] == str(project / "logs" / "audit.jsonl")
    default = peer_stats(cwd=elsewhere)  # no settings: the user state directory's, empty
    assert default.returncode == 0
    assert f"no audit log at {elsewhere / 'state' / 'peer-lsp' / 'audit.jsonl'}" in default.stderr


def test_an_unreadable_log_fails(tmp_path: Path) -> None:
    folder = tmp_path / "audit.jsonl"
    folder.mkdir()
    done = peer_stats("--audit-log", str(folder))
    assert done.returncode == 1
    assert f"cannot read {folder}" in done.stderr


def test_the_json_keys_are_stable(audit: Path) -> None:
    report = as_json("--audit-log", str(audit))
    assert report["version"] == 1
    assert set(report) == {
        "version", "since", "until", "auditLog", "files", "lines", "malformed", "problems",
        "models", "total",
    }  # fmt: skip
    figures = {
        "requests", "answered", "unitsAnswered", "cached", "cacheHitRate", "latencyMs",
        "inputTokens", "outputTokens", "cachedInputTokens", "cost", "unpriced", "failures",
        "cancelled", "refused", "other",
    }  # fmt: skip
    for model in report["models"]:
        assert set(model) == {"provider", "model", *figures}
    assert set(report["total"]) == figures
    assert datetime.fromisoformat(report["until"]) - datetime.fromisoformat(
        report["since"]
    ) == timedelta(days=7)
