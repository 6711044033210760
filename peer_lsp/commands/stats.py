"""`peer stats`: the bill, per provider and model, read from the audit log over a period.

The log is the one the settings name (``auditLog``, found like `peer check` finds its
settings, or from ``--config``), else the default in the user state directory; ``--audit-log``
names one directly. Its rotated file ``audit.jsonl.1`` is read too. The period runs from
``--since`` (default: 7 days ago) to ``--until`` (default: now). The figures are
`peer_lsp.llm.usage_stats`', the ones the editor's health view shows; ``--format json`` prints
its `UsageReport.to_json` (docs/providers.md, "The bill").

Exit codes: 0 when the log was read (a missing log is an empty bill, said on stderr), 1 when a
file of it exists but could not be read, 2 for usage errors (a time that is not one, a period
that ends before it starts).
"""

from __future__ import annotations

import json
import sys
import typing
from datetime import UTC, datetime
from pathlib import Path

from peer_lsp.commands.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from peer_lsp.llm.usage_stats import Period, parse_when, read_usage

if typing.TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence

    from peer_lsp.llm.usage_stats import UsageReport
    from peer_lsp.settings.model import Settings

PROG = "peer stats"
DEFAULT_SINCE = "7d"

COLUMNS = (
    "provider", "model", "requests", "answered", "cached", "hit rate", "p50 ms", "p95 ms",
    "p99 ms", "tokens in", "tokens out", "cost", "failed", "refused",
)  # fmt: skip
NUMERIC = frozenset(COLUMNS[2:])


def run_stats(args: argparse.Namespace) -> int:
    """Run `peer stats` for parsed arguments; the exit code."""
    from peer_lsp.commands.output import quiet_broken_pipe

    return quiet_broken_pipe(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    try:
        period = Period(parse_when(args.since, now), parse_when(args.until, now))
    except ValueError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_USAGE
    if period.since >= period.until:
        print(f"{PROG}: --since must be before --until", file=sys.stderr)
        return EXIT_USAGE
    path = _audit_log(args)
    if path is None:
        return EXIT_USAGE
    report = read_usage(path, period)
    if not report.files and not report.problems:
        print(f"{PROG}: no audit log at {path}: nothing was sent yet", file=sys.stderr)
    for problem in report.problems:
        print(f"{PROG}: {problem}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(render(report))
    return EXIT_FAILED if report.problems else EXIT_OK


def _audit_log(args: argparse.Namespace) -> Path | None:
    """``--audit-log``, else the settings' ``auditLog`` (relative to the project folder),
    else the default; None after reporting a settings file that cannot be read."""
    if args.audit_log:
        return Path(args.audit_log).expanduser().absolute()
    from peer_lsp.llm.guard import audit_path  # with the redaction patterns: only when needed

    loaded = _settings(args.config)
    if loaded is None:
        return None
    settings, base = loaded
    return audit_path(settings, base)


def _settings(config: str | None) -> tuple[Settings, Path] | None:
    """The settings ``--config`` names (a file or a project folder), else those found from
    the current folder, and the folder a relative ``auditLog`` is relative to. A rejected
    setting is a warning: only ``auditLog`` matters here."""
    from peer_lsp.settings.files import (
        SettingsFileError,
        find_project_config,
        load_settings,
        load_settings_file,
    )

    start = Path(config).absolute() if config else Path.cwd()
    try:
        if start.is_dir() or not config:
            settings, problems = load_settings(start)
            found = find_project_config(start).path
            base = found.parent if found else start
        else:
            settings, problems = load_settings_file(start)
            base = start.parent
    except SettingsFileError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return None
    for problem in problems:
        print(f"{PROG}: warning: {problem}", file=sys.stderr)
    return settings, base


def render(report: UsageReport) -> str:
    """The report as text: the period, one row per provider and model, the total, then
    failures and refusals by kind and what could not be counted."""
    data = report.to_json()
    since, until = _when(data["since"]), _when(data["until"])
    lines = [f"{PROG}: {since} to {until} UTC, from {report.audit_log}", ""]
    models: list[Mapping[str, typing.Any]] = data["models"]
    if not models:
        lines.append("Nothing was sent or answered from the cache in this period.")
    else:
        rows = [list(COLUMNS)]
        rows += [_row(m["provider"], m["model"], m) for m in models]
        rows.append(_row("total", "", data["total"]))
        lines.append(_table(rows))
        lines.extend(_details("failed", "failures", models))
        lines.extend(_details("refused", "refused", models))
        lines.extend(_details("other outcomes", "other", models))
        unpriced = [m for m in models if m["unpriced"]]
        for m in unpriced:
            lines.append(
                f"cost: {_plural(m['unpriced'], 'answer')} of {m['provider']}/{m['model']} "
                "without a price (priceInputPerMtok, priceOutputPerMtok): not in the cost"
            )
        cancelled = data["total"]["cancelled"]
        if cancelled:
            lines.append(f"cancelled: {_plural(cancelled, 'request')} abandoned by the caller")
    if report.malformed:
        lines.append(f"skipped {_plural(report.malformed, 'malformed line')}")
    return "\n".join(lines)


def _row(provider: str, model: str, figures: Mapping[str, typing.Any]) -> list[str]:
    latency = figures["latencyMs"]
    rate = figures["cacheHitRate"]
    cost = figures["cost"]
    return [
        provider,
        model,
        _count(figures["requests"]),
        _count(figures["answered"]),
        _count(figures["cached"]),
        "-" if rate is None else f"{rate:.0%}",
        *("-" if latency[p] is None else _count(round(latency[p])) for p in ("p50", "p95", "p99")),
        _count(figures["inputTokens"]),
        _count(figures["outputTokens"]),
        "-" if cost is None else f"{cost:.4f}",
        _count(sum(figures["failures"].values())),
        _count(sum(figures["refused"].values())),
    ]


def _details(title: str, key: str, models: Sequence[Mapping[str, typing.Any]]) -> list[str]:
    """``failed: groq/llama: rate_limited 2, timeout 1`` for each model that has any."""
    lines = []
    for m in models:
        kinds: Mapping[str, int] = m[key]
        if kinds:
            counts = ", ".join(f"{kind} {_count(n)}" for kind, n in kinds.items())
            lines.append(f"{title}: {m['provider']}/{m['model']}: {counts}")
    return lines


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(
            cell.rjust(width) if name in NUMERIC else cell.ljust(width)
            for cell, width, name in zip(row, widths, COLUMNS, strict=True)
        ).rstrip()
        for row in rows
    )


def _count(value: int) -> str:
    return f"{value:,}"


def _plural(value: int, noun: str) -> str:
    return f"{value:,} {noun}{'' if value == 1 else 's'}"


def _when(stamp: str) -> str:
    """``2026-12-01T09:30:00.000Z`` as ``2026-12-01 09:30``."""
    return stamp[:16].replace("T", " ")
