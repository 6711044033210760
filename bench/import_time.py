"""Start-up cost of imports: ``python -X importtime -c "import MODULE"``, summarised.

Reports, as the median of several runs, the cumulative import time of each module asked
for, the share of ``lsprotocol.types`` in it, the largest imports, and the wall time of
the whole interpreter run (start-up included).

    python bench/import_time.py pygls.lsp.server peer_lsp.server --runs 5
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ENV = dict(os.environ)
"""Like the editor benchmark: a writable bytecode cache even under PYTHONDONTWRITEBYTECODE."""
ENV.pop("PYTHONDONTWRITEBYTECODE", None)

_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def wall_ms(module: str) -> float:
    """Wall time of ``python -c "import MODULE"`` without -X importtime's own overhead."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, env=ENV)
    return (time.perf_counter() - began) * 1000


def importtime(module: str) -> tuple[dict[str, tuple[int, int, int]], float]:
    """{module: (self us, cumulative us, depth)} for one run, and the run's wall time."""
    began = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    wall = (time.perf_counter() - began) * 1000
    found: dict[str, tuple[int, int, int]] = {}
    for line in proc.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            self_us, cum_us, indent, name = match.groups()
            found[name] = (int(self_us), int(cum_us), len(indent))
    return found, wall


def cumulative_ms(module: str, *, after: str = "", runs: int = 5) -> float:
    """Median cumulative ``-X importtime`` of ``module`` in ms, imported right after the
    statement ``after`` (say ``import httpx``, for what ``module`` adds to it), with a warm
    bytecode cache of its own, as an installed package has."""
    code = f"{after}; import {module}" if after else f"import {module}"
    env = dict(ENV)
    samples = []
    with tempfile.TemporaryDirectory(prefix="peer-importtime-") as cache:
        env["PYTHONPYCACHEPREFIX"] = cache
        for run in range(runs + 1):  # the first run fills the cache
            proc = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", code],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            found = [m for m in map(_LINE.match, proc.stderr.splitlines()) if m]
            cumulative = [int(m[2]) for m in found if m[4] == module]
            if run and cumulative:
                samples.append(cumulative[0] / 1000)
    if not samples:
        raise RuntimeError(f"{module} is not in -X importtime's output")
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", default=["pygls.lsp.server"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="peer-importtime-") as cache:
        ENV["PYTHONPYCACHEPREFIX"] = cache
        for module in ["sys", *args.modules]:
            wall_ms(module)  # fills the bytecode cache and the page cache
        return report(args)


def report(args: argparse.Namespace) -> int:
    bare = statistics.median(wall_ms("sys") for _ in range(args.runs))
    print(f"`python -c 'import sys'` wall time: {bare:.0f} ms (median of {args.runs})")
    for module in args.modules:
        runs = [importtime(module) for _ in range(args.runs)]
        total = statistics.median(r[0][module][1] for r in runs) / 1000
        types_ms = statistics.median(r[0].get("lsprotocol.types", (0, 0, 0))[1] for r in runs)
        types_ms /= 1000
        wall = statistics.median(wall_ms(module) for _ in range(args.runs))
        print(f"\nimport {module}: {total:.0f} ms cumulative (median of {args.runs} runs)")
        print(f"  lsprotocol.types: {types_ms:.0f} ms = {100 * types_ms / total:.0f}% of it")
        print(f"  `python -c 'import {module}'` wall time, without -X importtime: {wall:.0f} ms")
        last = runs[-1][0]
        top_level = sorted(
            ((cum, name) for name, (_s, cum, _d) in last.items() if "." not in name),
            reverse=True,
        )[: args.top]
        print(
            "  largest top-level packages (last run, cumulative ms): "
            + ", ".join(f"{name} {cum / 1000:.0f}" for cum, name in top_level)
        )
        biggest_self = sorted(((s, n) for n, (s, _c, _d) in last.items()), reverse=True)
        print(
            "  largest self times (last run, ms): "
            + ", ".join(f"{name} {s / 1000:.0f}" for s, name in biggest_self[: args.top])
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
