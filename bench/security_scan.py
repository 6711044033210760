"""Security scan throughput: `peer check --security` over the Python standard library.

Runs the real command line in a fresh process, as CI would, over the standard library of
the interpreter the venv was made from (``sysconfig`` ``stdlib``; its ``site-packages`` is
left out with ``--exclude``), and reports:

- files checked and skipped, total wall time (process start to exit, imports included), and
  files per second;
- findings per rule (from the JSON output).

Each run is repeated (``--runs``, default 2) because the machine may be shared; the fastest
and the median are reported. ``peer check`` analyses files in one process per usable core
(``--jobs``, decision 0009), so the cores free of other load matter;
bench/check_throughput.py compares one process with two, and both with bandit.

    python bench/security_scan.py                 # the standard library, 2 runs
    python bench/security_scan.py --runs 3 --path /some/tree --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path
from typing import Any


def stdlib() -> Path:
    """The standard library of the interpreter running this script (the venv's base)."""
    return Path(sysconfig.get_paths()["stdlib"])


def scan(path: Path, exclude: list[str]) -> tuple[float, dict[str, Any]]:
    """One `peer check --security` run: wall seconds and the JSON document it printed."""
    argv = [sys.executable, "-m", "peer_lsp", "check", "--security", "--format", "json"]
    argv += ["--no-progress", "--exit-zero", str(path)]
    for pattern in exclude:
        argv += ["--exclude", pattern]
    began = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - began
    if result.returncode != 0:
        raise SystemExit(f"peer check failed ({result.returncode}):\n{result.stderr}")
    return elapsed, json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--path", type=Path, default=None, help="default: the stdlib")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    path = args.path or stdlib()
    exclude = ["site-packages/"] if args.path is None else []
    times: list[float] = []
    document: dict[str, Any] = {}
    for run in range(args.runs):
        elapsed, document = scan(path, exclude)
        times.append(elapsed)
        summary = document["summary"]
        print(
            f"run {run + 1}: {elapsed:.2f} s, {summary['files']} files"
            f" ({summary['skipped']} skipped), {summary['findings']} findings",
            file=sys.stderr,
        )
    files = document["summary"]["files"]
    by_rule = Counter(f["rule"] for f in document["findings"])
    best, median = min(times), statistics.median(times)
    report = {
        "path": str(path),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "runs": [round(t, 3) for t in times],
        "files": files,
        "skipped": document["summary"]["skipped"],
        "best_s": round(best, 3),
        "median_s": round(median, 3),
        "files_per_s_best": round(files / best, 1),
        "files_per_s_median": round(files / median, 1),
        "findings": document["summary"]["findings"],
        "by_rule": dict(by_rule.most_common()),
    }
    print(f"{path}: {files} files, {report['skipped']} skipped")
    print(f"time: best {best:.2f} s, median {median:.2f} s over {len(times)} runs")
    print(f"files per second: {files / best:.0f} (best), {files / median:.0f} (median)")
    print("findings per rule:")
    for rule, count in by_rule.most_common():
        print(f"  {count:5d}  {rule}")
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
