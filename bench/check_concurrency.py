"""`peer check` with a model over real code against a slow fake provider: wall time against the
ideal the provider's concurrency allows (issue 15: within 20%).

The files are the first ``--files`` ``*.py`` files of the installed ``rich`` package (or of
``--source``), in path order, copied to a temporary folder. The provider is
bench/fake_vendor.py in a process of its own, answering every review "no findings" after
``--latency`` seconds, configured with ``maxConcurrency = --concurrency``; each run gets a
fresh answer cache, so every unit is sent. Three fresh processes are timed:

- ``peer check --no-model --jobs 1``: the local analysis (read, parse, rules) in one process,
  which is where a run with a model does it too;
- ``peer check`` with the model: the wall time, and the requests the fake served;

and the ideal is ``ceil(requests / concurrency) * latency + local``: every slot of the
provider busy from the first request to the last, plus the local analysis, done in the same
process, not overlapped. The ratio is wall / ideal. ``--peer`` runs another checkout (its
folder goes first on PYTHONPATH), e.g. the one before concurrency:

    git worktree add /work/wt/base-conc main
    python bench/check_concurrency.py                           # this checkout
    python bench/check_concurrency.py --peer /work/wt/base-conc  # the one before

The load average is printed before and after: the machine may be shared.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rich_source() -> Path:
    spec = importlib.util.find_spec("rich")
    assert spec is not None
    assert spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def copy_files(source: Path, count: int, into: Path) -> list[Path]:
    """The first ``count`` ``*.py`` files under ``source`` (path order), copied into ``into``."""
    found = sorted(p for p in source.rglob("*.py") if "__pycache__" not in p.parts)[:count]
    copied = []
    for path in found:
        target = into / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(target)
    return copied


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


class FakeVendor:
    """bench/fake_vendor.py --reviews in its own process: its URL, then its counts."""

    def __init__(self, latency: float) -> None:
        self.argv = [sys.executable, str(ROOT / "bench" / "fake_vendor.py")]
        self.argv += ["--reviews", "--latency", str(latency)]
        self.stats: dict[str, object] = {}

    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def __exit__(self, *exc: object) -> None:
        out, _ = self.process.communicate("", timeout=60)
        self.stats = json.loads(out.strip().splitlines()[-1])


def settings(folder: Path, url: str, concurrency: int) -> None:
    lines = [
        f"cacheDir = {json.dumps(str(folder / 'cache'))}",
        f"auditLog = {json.dumps(str(folder / 'audit.jsonl'))}",
        "ollamaAutodetect = false",
        "[[providers]]",
        'preset = "vllm"',
        'id = "fake"',
        'model = "b"',
        f"baseUrl = {json.dumps(url + '/v1')}",
        f"maxConcurrency = {concurrency}",
    ]
    (folder / ".peer.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds of a fresh process, and its stderr."""
    began = time.perf_counter()
    run = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if run.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} exited {run.returncode}:\n{run.stderr}")
    return seconds, run.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--source", type=Path, default=None, help="default: installed rich")
    parser.add_argument("--peer", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)

    env = {**os.environ, "PYTHONPATH": str(args.peer.resolve())}
    peer = [sys.executable, "-m", "peer_lsp", "check", "--no-progress", "--exit-zero"]
    peer += ["--format", "json"]
    with tempfile.TemporaryDirectory(prefix="peer-conc-") as workdir:
        folder = Path(workdir)
        files = copy_files(args.source or rich_source(), args.files, folder / "code")
        print(f"{len(files)} files, {sum(p.stat().st_size for p in files):,} bytes; {load()}")
        local, _ = timed([*peer, "--no-model", "--jobs", "1", "code"], folder, env)
        print(f"local analysis (--no-model --jobs 1): {local:.1f} s")
        vendor = FakeVendor(args.latency)
        with vendor as url:
            settings(folder, url, args.concurrency)
            wall, stderr = timed([*peer, "code"], folder, env)
        requests = int(str(vendor.stats["requests"]))
        ideal = math.ceil(requests / args.concurrency) * args.latency + local
        figures = {
            "peer": str(args.peer),
            "files": len(files),
            "latency_s": args.latency,
            "concurrency": args.concurrency,
            "requests": requests,
            "max_in_flight": vendor.stats["max_in_flight"],
            "local_s": round(local, 2),
            "wall_s": round(wall, 2),
            "ideal_s": round(ideal, 2),
            "ratio": round(wall / ideal, 3),
            "bill": stderr.strip().splitlines()[-1] if stderr.strip() else "",
        }
    for key, value in figures.items():
        print(f"{key:>14}: {value}")
    print(load())
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
