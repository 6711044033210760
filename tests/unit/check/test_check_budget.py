"""Budgets in `peer check`: two real `peer check` processes share one usage ledger, the second
stops at the daily limit the first reached, says so in one line naming the budget, keeps its
local findings and exits 3 (0 with --allow-unreviewed); a run budget stops a run by itself.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received, Reply
from model_support import configure, run, split_bill, without_bill

from peer_lsp.commands.exits import EXIT_NOT_REVIEWED, EXIT_OK

BILLED = 58_000 + 5
"""What the fake says each answer used: near the daily limit below in one go."""
LIMIT = 60_000


def billed(received: Received) -> Reply:
    """No findings, at a price: ``BILLED`` tokens."""
    text = json.dumps({"findings": []})
    if received.json.get("stream"):
        return oa.stream([text], prompt=58_000, completion=5)
    return oa.ok(text, prompt=58_000, completion=5)


def check(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`peer check` in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "peer_lsp", "check", "--no-progress", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
        timeout=120,
    )


def ledger_rows(path: Path) -> list[tuple[str, str, int, int, int]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT provider, model, input_tokens, output_tokens, requests FROM usage"
        ).fetchall()
    return [tuple(row) for row in rows]


def test_a_second_run_stops_at_the_daily_budget_the_first_reached(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.respond_with(billed)
    ledger = tmp_path / "state" / "usage.sqlite3"
    configure(tmp_path, fake, usageLedger=str(ledger), dailyTokenLimit=LIMIT)
    (tmp_path / "a.py").write_text("def first(x):\n    return x + 1\n", encoding="utf-8")

    first = check(tmp_path, "a.py")
    assert (first.returncode, without_bill(first.stderr)) == (EXIT_OK, "")
    assert ledger_rows(ledger) == [("fake", "m", 58_000, 5, 1)]

    (tmp_path / "b.py").write_text(
        "def second(y):\n    return y * 2\n\n\ndef third(:\n    pass\n", encoding="utf-8"
    )
    second = check(tmp_path, "b.py")
    assert second.returncode == EXIT_NOT_REVIEWED
    assert len(fake.requests) == 1  # nothing more was sent
    before, bill = split_bill(second.stderr)
    assert bill.startswith("0 requests (0 units), 0 units from cache, 0 tokens in, 0 out, ")
    lines = before.splitlines()
    assert lines[0].startswith(
        f"peer check: reviews stopped at b.py (second): daily token budget of {LIMIT:,} "
        f"reached ({BILLED:,} used today, UTC; a review takes up to "
    )
    assert lines[0].endswith("); the units left get local findings only")
    assert lines[1] == "peer check: 2 units were not reviewed by the model:"
    assert lines[2].startswith("peer check:   budget reached (2 units): daily token budget")
    assert "b.py:5:11: error[syntax-error]" in second.stdout  # local findings go on
    allowed = check(tmp_path, "--allow-unreviewed", "b.py")
    assert allowed.returncode == 1  # the syntax error; the budget does not fail the run
    assert ledger_rows(ledger) == [("fake", "m", 58_000, 5, 1)]


def test_a_run_budget_stops_a_run_and_not_the_next(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(billed)
    ledger = str(tmp_path / "u.sqlite3")
    configure(
        tmp_path,
        fake,
        usageLedger=ledger,
        runTokenLimit=LIMIT,
        maxReviewsInFlight=1,
        reviewBatchUnits=1,  # one unit per request: the budget stops between two units
    )
    path = tmp_path / "m.py"
    path.write_text("".join(f"def f{n}(x):\n    return x + {n}\n\n\n" for n in range(3)))
    code, out, err = run(capsys, "check", "--format", "json", str(path))
    assert code == EXIT_NOT_REVIEWED
    assert "peer check: reviews stopped at m.py (f1): run token budget of 60,000 reached " in err
    assert "(58,005 used in this run; a review takes up to " in err
    unreviewed = json.loads(out)["unreviewed"]
    assert (unreviewed["units"], unreviewed["reasons"][0]["reason"]) == (2, "budget")
    assert [unit["unit"] for unit in unreviewed["reasons"][0]["first"]] == ["f1", "f2"]
    path.write_text("def g(x):\n    return -x\n")
    code, _, err = run(capsys, "check", str(path))
    assert (code, without_bill(err)) == (EXIT_OK, "")
    assert len(fake.requests) == 2
