"""`peer check --no-model` against bandit: files per second over the same files, same run.

The file set is every ``*.py`` file of the standard library of the interpreter the venv was
made from (``sysconfig`` ``stdlib``, without ``site-packages``), or of ``--path``; the test
folders stay in unless ``--no-tests``. Both tools are given the same explicit list of files,
so that neither walks, filters or skips differently (peer checks a file it is named
whatever its ``.gitignore`` or excludes say; bandit scans a file it is named).

Each run times, as fresh processes (imports included, as CI would run them), in an order
that rotates from run to run so that neither tool always runs first or last:

- ``peer check --no-model --jobs 2``  (the local analysis in two processes)
- ``peer check --no-model --jobs 1``
- ``bandit -q -f json <files>``       (bandit has no parallel mode)

and reports, per tool, the files each says it analysed, wall seconds (best and median over
``--runs``) and files per second over the files given, then peer's rate over bandit's. The
load average is printed before and after each timing: the machine may be shared.

    python bench/check_throughput.py                  # the stdlib, 2 runs
    python bench/check_throughput.py --runs 3 --no-tests --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TESTS = {"test", "tests", "idle_test"}


def stdlib() -> Path:
    """The standard library of the interpreter running this script (the venv's base)."""
    return Path(sysconfig.get_paths()["stdlib"])


def python_files(root: Path, tests: bool) -> list[Path]:
    """Every ``*.py`` file under ``root`` except ``site-packages`` (and test folders)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = set(path.relative_to(root).parts[:-1])
        if "site-packages" in parts or (not tests and parts & TESTS):
            continue
        if path.is_file():
            found.append(path)
    return found


@dataclass
class Tool:
    name: str
    argv: list[str]
    times: list[float] = field(default_factory=list)
    analysed: int = 0
    """Files the tool says it analysed (the rest it skipped or could not parse)."""


def peer(jobs: int) -> Tool:
    argv = [sys.executable, "-m", "peer_lsp", "check", "--no-model", "--jobs", str(jobs)]
    argv += ["--format", "json", "--no-progress", "--exit-zero"]
    return Tool(f"peer check --no-model --jobs {jobs}", argv)


def bandit() -> Tool:
    executable = shutil.which("bandit", path=str(Path(sys.executable).parent)) or "bandit"
    return Tool("bandit -q -f json", [executable, "-q", "-f", "json"])


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def time_once(tool: Tool, files: list[Path], cwd: Path) -> float:
    """One run of ``tool`` over ``files``: wall seconds; the files it analysed are kept."""
    began = time.perf_counter()
    result = subprocess.run(
        [*tool.argv, *map(str, files)], capture_output=True, text=True, cwd=cwd, check=False
    )
    elapsed = time.perf_counter() - began
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise SystemExit(f"{tool.name} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    document = json.loads(result.stdout)
    if "summary" in document:  # peer
        tool.analysed = document["summary"]["files"]
    else:  # bandit: every file it looked at is in metrics (with _totals); errors did not parse
        failed = {error["filename"] for error in document.get("errors", [])}
        tool.analysed = len(set(document["metrics"]) - {"_totals"} - failed)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--path", type=Path, default=None, help="default: the stdlib")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--no-tests", action="store_true", help="leave out test folders")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    root = args.path or stdlib()
    files = python_files(root, tests=not args.no_tests)
    tools = [peer(2), peer(1), bandit()]
    print(f"{root}: {len(files)} files, {os.cpu_count()} cores, load {load()}")
    with tempfile.TemporaryDirectory() as cwd:  # no project settings of ours apply
        for run in range(args.runs):
            for offset in range(len(tools)):
                tool = tools[(run + offset) % len(tools)]
                before = load()
                elapsed = time_once(tool, files, Path(cwd))
                tool.times.append(elapsed)
                print(
                    f"run {run + 1}: {tool.name}: {elapsed:.2f} s,"
                    f" {len(files) / elapsed:.0f} files/s (load {before} -> {load()})",
                    flush=True,
                )
    report: dict[str, object] = {
        "path": str(root),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "files": len(files),
        "load_after": load(),
        "tools": {},
    }
    print(f"\n{len(files)} files given to each tool; wall time best / median of {args.runs}")
    rates: dict[str, float] = {}
    for tool in tools:
        best, median = min(tool.times), statistics.median(tool.times)
        rates[tool.name] = len(files) / median
        print(
            f"  {tool.name:<32} analysed {tool.analysed:5d}  {best:7.2f} s / {median:7.2f} s"
            f"  {len(files) / best:6.1f} / {len(files) / median:6.1f} files/s"
        )
        report["tools"][tool.name] = {  # type: ignore[index]
            "analysed": tool.analysed,
            "runs_s": [round(t, 3) for t in tool.times],
            "files_per_s_best": round(len(files) / best, 1),
            "files_per_s_median": round(len(files) / median, 1),
        }
    bandit_rate = rates[tools[2].name]
    for tool in tools[:2]:
        ratio = rates[tool.name] / bandit_rate
        print(f"  {tool.name} / bandit (median): {ratio:.2f}x")
        report["tools"][tool.name]["ratio_to_bandit"] = round(ratio, 2)  # type: ignore[index]
    print(f"load average at the end: {load()}")
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
