"""The real-code sweep started as soon as the tests are collected, in the background.

It takes minutes of CPU on two cores, while most other tests spend their time waiting on a
server, an editor or a fake vendor. So, when the sweep test is among the tests to run, the
sweep starts right after collection, at low priority (``nice``: the other tests come first),
and the test waits for it at its turn (`SweepRun.wait`, with a deadline). Its output goes to a
file, not a pipe a busy test could leave unread.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPORA = Path(os.environ.get("PEER_SWEEP_DIR") or Path.home() / ".cache" / "peer-sweep")
PER_LANGUAGE = 3_700
"""Files swept per language at most: 21,000 files in about 6 minutes on 2 cores (the JDK
alone has 15,000; docs/benchmarks.md)."""
FILE_TIMEOUT = 120
"""Seconds a file may take before it counts as a hang: twice the sweep's default, since in
the background at low priority it shares the cores with the other tests."""
NICENESS = 10


@dataclass
class SweepRun:
    """A sweep running in the background: its process, report and log."""

    process: subprocess.Popen[bytes]
    report: Path
    log: Path

    def wait(self, timeout: float) -> str:
        """Wait for the sweep to end (TimeoutExpired past ``timeout``); what it printed."""
        self.process.wait(timeout=timeout)
        return self.log.read_text(encoding="utf-8", errors="replace")


def has_corpora() -> bool:
    return CORPORA.is_dir() and any(CORPORA.iterdir())


def start_sweep() -> SweepRun:
    """Start `bench/sweep.py` over the corpora, niced, writing its JSON report to a new
    temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="peer-sweep-"))
    report, log = folder / "sweep.json", folder / "sweep.log"
    argv = [
        sys.executable,
        str(ROOT / "bench" / "sweep.py"),
        f"--max-per-language={PER_LANGUAGE}",
        f"--timeout={FILE_TIMEOUT}",
        "--json",
        str(report),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.nice(NICENESS),  # noqa: PLW1509 (no threads yet)
        )
    return SweepRun(process, report, log)
