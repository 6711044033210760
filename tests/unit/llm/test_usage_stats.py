"""The bill read back from audit logs the real guard wrote: percentiles on known latencies,
costs, units, the period, the rotated file, lines of older versions and lines that are not."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from peer_lsp.llm.guard import Guard
from peer_lsp.llm.types import LLMRequest, Usage
from peer_lsp.llm.usage_stats import (
    SCHEMA_VERSION,
    Period,
    iso,
    parse_when,
    percentile,
    read_usage,
)
from peer_lsp.settings.model import Settings

NOW = datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
WEEK = Period(NOW - timedelta(days=7), NOW)


def guard(path: Path) -> Guard:
    return Guard(Settings(audit_log=str(path)))


def request(unit: str = "f", units: int = 1) -> LLMRequest:
    return LLMRequest("Review.", "def f(): pass", file="src/app.py", unit=unit, units=units)


def everything() -> Period:
    """A period that holds whatever the guard just wrote."""
    return Period(datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1))


def restamp(path: Path, when: datetime, *, fmt: str | None = None) -> None:
    """Move every line of the log to ``when`` (as a log kept over days would have them)."""
    lines = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        record["ts"] = iso(when) if fmt is None else when.strftime(fmt)
        lines.append(json.dumps(record, separators=(",", ":")))
    path.write_text("\n".join(lines) + "\n")


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert [percentile(values, p) for p in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0], 50) == 1.0
    assert percentile([], 50) is None


def test_latency_percentiles_tokens_and_cost_of_known_answers(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    g = guard(path)
    for latency in range(100, 0, -1):  # 100 ms .. 1 ms, in no sorted order of writing
        g.audit(
            request(), "groq", "llama", "sent", Usage(1000, 200, 100), float(latency),
            route="default", cost=0.0015,
        )  # fmt: skip
    g.audit(request(), "openai", "gpt", "sent", Usage(10, 5), 1234.5, route="strong")

    report = read_usage(path, everything()).to_json()
    groq, openai = report["models"]
    assert (groq["provider"], groq["model"], openai["provider"]) == ("groq", "llama", "openai")
    assert groq["latencyMs"] == {"p50": 50.0, "p95": 95.0, "p99": 99.0}
    assert (groq["requests"], groq["answered"], groq["cached"]) == (100, 100, 0)
    assert (groq["inputTokens"], groq["outputTokens"], groq["cachedInputTokens"]) == (
        100_000,
        20_000,
        10_000,
    )
    assert groq["cost"] == pytest.approx(0.15)
    assert (openai["cost"], openai["unpriced"]) == (None, 1)  # no price: unknown, not free
    total = report["total"]
    assert total["cost"] == pytest.approx(0.15)
    assert (total["answered"], total["unpriced"], total["inputTokens"]) == (101, 1, 100_010)
    assert total["latencyMs"] == {"p50": 51.0, "p95": 96.0, "p99": 100.0}


def test_cache_hit_rate_counts_units_and_outcomes_are_told_apart(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    g = guard(path)
    g.audit(request("A, B, C", units=3), "groq", "m", "sent", Usage(300, 30), 900.0, cost=0.01)
    for unit in ("D", "E", "F"):
        g.audit(request(unit), "groq", "m", "cached", route="default")
    g.audit(request(), "groq", "m", "error:rate_limited")
    g.audit(request(), "groq", "m", "error:rate_limited")
    g.audit(request(), "groq", "m", "error:timeout")
    g.audit(request(), "groq", "m", "cancelled")
    g.audit(request(), "groq", "m", "refused:too-large")
    g.audit(request(), "groq", "m", "paused:budget")  # an outcome of a later version

    [groq] = read_usage(path, everything()).to_json()["models"]
    assert (groq["answered"], groq["unitsAnswered"], groq["cached"]) == (1, 3, 3)
    assert groq["cacheHitRate"] == 0.5
    assert groq["requests"] == 1 + 3 + 1  # answered, failed, cancelled: not cached or refused
    assert groq["failures"] == {"rate_limited": 2, "timeout": 1}
    assert (groq["cancelled"], groq["refused"]) == (1, {"too-large": 1})
    assert groq["other"] == {"paused:budget": 1}


def test_only_the_period_counts_in_either_time_format(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    old, recent, edited = tmp_path / "old", tmp_path / "recent", tmp_path / "edited"
    for part, when, fmt in (
        (old, NOW - timedelta(days=8), None),
        (recent, NOW - timedelta(days=1), None),
        (edited, NOW - timedelta(days=2), "%Y-%m-%d %H:%M:%S+00:00"),  # by hand
    ):
        guard(part).audit(request(), "groq", "m", "sent", Usage(10, 1), 5.0, cost=0.5)
        restamp(part, when, fmt=fmt)
    path.write_text(old.read_text() + recent.read_text() + edited.read_text())

    week = read_usage(path, WEEK)
    assert (week.lines, week.total().answered, week.total().cost) == (2, 2, 1.0)
    day = read_usage(path, Period(NOW - timedelta(days=1, seconds=1), NOW))
    assert day.total().answered == 1
    assert read_usage(path, Period(NOW - timedelta(days=30), NOW)).total().answered == 3
    ended = read_usage(path, Period(NOW - timedelta(days=30), NOW - timedelta(days=1)))
    assert ended.total().answered == 2  # until is excluded: the line of exactly a day ago


def test_the_rotated_file_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    g = guard(path)
    g.audit(request(), "groq", "m", "sent", Usage(10, 1), 5.0)
    path.rename(tmp_path / "audit.jsonl.1")
    g.audit(request(), "groq", "m", "cached")
    report = read_usage(path, everything())
    assert report.files == [str(tmp_path / "audit.jsonl.1"), str(path)]
    assert (report.total().answered, report.total().cached) == (1, 1)


def test_malformed_lines_are_counted_never_fatal(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    guard(path).audit(request(), "groq", "m", "sent", Usage(10, 1), 5.0, cost=0.25)
    stamp = json.loads(path.read_text())["ts"]
    garbage = [
        b"not json at all",
        b'{"ts":"' + stamp.encode() + b'","provider":"groq"',  # cut off mid-write
        b"[1, 2, 3]",
        b'{"provider":"groq","model":"m","outcome":"sent"}',  # no time
        b'{"ts":"yesterday","provider":"groq","outcome":"sent"}',
        b'{"ts":"' + stamp.encode() + b'","provider":"groq","model":"m"}',  # no outcome
        b'{"ts":"' + stamp.encode() + b'","provider":7,"outcome":"sent"}',
        b"\xff\xfe\x00 binary",
        b"",
    ]
    with path.open("ab") as log:
        log.write(b"\n".join(garbage) + b"\n")
        # wrong types in optional fields are unknown values, not a malformed line
        fields = {"ts": stamp, "provider": "groq", "model": "m", "outcome": "sent"}
        fields |= {"input_tokens": "many", "latency_ms": -1, "cost": True, "units": 0}
        log.write(json.dumps(fields).encode() + b"\n")
    report = read_usage(path, everything())
    assert report.malformed == 8
    [groq] = report.to_json()["models"]
    assert (groq["answered"], groq["inputTokens"], groq["cost"], groq["unpriced"]) == (
        2,
        10,
        0.25,
        1,
    )
    assert groq["latencyMs"]["p99"] == 5.0


def test_lines_of_an_older_version_read_with_unknowns(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    line = {
        "ts": iso(NOW - timedelta(hours=1)), "provider": "groq", "model": "m", "task": "review",
        "file": "a.py", "unit": "f", "outcome": "sent", "estimated_input_tokens": 90,
        "input_tokens": 100, "output_tokens": 10, "cached_input_tokens": 0, "latency_ms": 300.0,
        "payload_sha256": "0" * 64, "redactions": 0, "redaction_kinds": {},
    }  # fmt: skip
    path.write_text(json.dumps(line) + "\n" + json.dumps(line | {"outcome": "cached"}) + "\n")
    [groq] = read_usage(path, WEEK).to_json()["models"]
    assert (groq["answered"], groq["unitsAnswered"], groq["cached"]) == (1, 1, 1)
    assert (groq["cost"], groq["unpriced"], groq["inputTokens"]) == (None, 1, 100)


def test_the_json_form_keeps_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    guard(path).audit(request(), "groq", "m", "sent", Usage(10, 1), 5.0, cost=0.25)
    report = read_usage(path, everything()).to_json()
    assert report["version"] == SCHEMA_VERSION == 1
    assert list(report) == [
        "version", "since", "until", "auditLog", "files", "lines", "malformed", "problems",
        "models", "total",
    ]  # fmt: skip
    figures = [
        "requests", "answered", "unitsAnswered", "cached", "cacheHitRate", "latencyMs",
        "inputTokens", "outputTokens", "cachedInputTokens", "cost", "unpriced", "failures",
        "cancelled", "refused", "other",
    ]  # fmt: skip
    assert list(report["models"][0]) == ["provider", "model", *figures]
    assert list(report["total"]) == figures
    assert list(report["total"]["latencyMs"]) == ["p50", "p95", "p99"]


def test_a_missing_log_is_an_empty_bill_and_an_unreadable_one_a_problem(tmp_path: Path) -> None:
    empty = read_usage(tmp_path / "audit.jsonl", WEEK)
    assert (empty.files, empty.problems, empty.lines, empty.models) == ([], [], 0, {})
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    unreadable = read_usage(folder, WEEK)
    assert len(unreadable.problems) == 1
    assert str(folder) in unreadable.problems[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("today", datetime(2026, 12, 7, tzinfo=UTC)),
        ("24h", NOW - timedelta(hours=24)),
        ("7d", NOW - timedelta(days=7)),
        ("90m", NOW - timedelta(minutes=90)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-12-01T09:30Z", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
        ("2026-12-01T11:30+02:00", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
    ],
)
def test_times_on_the_command_line(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "7 days", "-3d", "2026-13-01", ""])
def test_what_is_not_a_time_says_what_is(text: str) -> None:
    with pytest.raises(ValueError, match="expected now, today, a span"):
        parse_when(text, NOW)


def test_today_is_the_utc_day_so_far() -> None:
    late = datetime(2026, 12, 7, 23, 59, tzinfo=UTC)
    period = Period.today(late)
    assert period.since == datetime(2026, 12, 7, tzinfo=UTC)
    assert period.until > late
