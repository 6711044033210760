"""The real-code sweep (bench/sweep.py) as a test: no crash, no hang, no lost edit or finding,
and no syntax finding by default on code that compiles, over 20,000 real files or more.

The corpora live outside the repository, in $PEER_SWEEP_DIR (default ~/.cache/peer-sweep),
installed by ``bash .ci/corpora``. Without them the test is skipped on a developer's machine
and fails in CI (``CI=true``), where .ci/run installs them: a sweep that silently swept
nothing would pass for the wrong reason.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from early import CORPORA, SweepRun, has_corpora, start_sweep

MIN_FILES = 20_000
MIN_LANGUAGES = 6
LANGUAGE_FLOOR = 500
"""A language counts towards MIN_LANGUAGES with at least this many files swept."""
TIMEOUT = 1_800
"""The whole sweep, started at collection (tests/conftest.py) or here."""


@pytest.fixture(scope="module")
def report(request: pytest.FixtureRequest) -> dict[str, Any]:
    if not has_corpora():
        reason = f"no corpora in {CORPORA}: `bash .ci/corpora` installs them"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must sweep real code")
        pytest.skip(reason)
    run: SweepRun = getattr(request.config, "early_sweep", None) or start_sweep()
    printed = run.wait(TIMEOUT)
    print(printed)  # the figures, in the test log
    assert run.report.is_file(), f"the sweep wrote no report: {printed[-2000:]}"
    swept: dict[str, Any] = json.loads(run.report.read_text())
    return swept


def _problems(report: dict[str, Any], *kinds: str) -> list[str]:
    return [line for line in report["problems"] if line.split(":", 1)[0] in kinds]


def test_the_sweep_covers_enough_real_code(report: dict[str, Any]) -> None:
    languages = report["languages"]
    files = sum(row["files"] for row in languages.values())
    replayed = sum(row["replayed"] for row in languages.values())
    broad = sorted(name for name, row in languages.items() if row["files"] >= LANGUAGE_FLOOR)
    assert files >= MIN_FILES
    assert replayed >= MIN_FILES
    assert len(broad) >= MIN_LANGUAGES, broad


def test_no_file_crashes_or_hangs_the_engine(report: dict[str, Any]) -> None:
    assert _problems(report, "crash", "hang", "error") == []


def test_no_edit_or_finding_is_lost(report: dict[str, Any]) -> None:
    assert _problems(report, "lost") == []


def test_no_syntax_finding_by_default_on_code_that_compiles(report: dict[str, Any]) -> None:
    assert _problems(report, "syntax") == []
