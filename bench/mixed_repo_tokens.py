"""What a whole `peer check .` sends to a model in a mixed repository: requests and estimated
input tokens, per peer-lsp tree (e.g. before and after a change), against the fake vendor.

    python bench/mixed_repo_tokens.py --tree /work/wt/base-eligible --tree .
    python bench/mixed_repo_tokens.py --repo ~/src/rich --tree ../base --tree .

Without ``--repo`` a mixed repository is built in a temporary folder from what is installed:
hand-written modules of the standard library and the standard library's generated
``stringprep.py`` under ``src/``, a pure-Python package from site-packages copied into
``vendor/`` (as projects vendor one), import-linter's hand-written ``explorer.js`` under
``web/`` with a ``package.json`` and the real ``package-lock.json`` that ``npm install
--package-lock-only`` writes for it (npm asks the registry; without npm or a network there is
no lock file, and the run says so), this repository's README.md and pyproject.toml, a GitHub
workflow, and the ``.peer.toml`` that points peer at the fake.

Each tree runs ``python -m peer_lsp check --format json .`` in that folder with ``PYTHONPATH``
set to the tree, a fresh answer cache, and the fake vendor of tests/fakes in this process
answering every request at once with no findings. The fake records each request; its input
is estimated with `peer_lsp.llm.tokens` (system and user message, and the answer schema the
request carries, which vendors bill as input too), and
attributed to the file the prompt names (``File: ...``). Printed per tree: requests, input
tokens, files sent, the files sending most, and the files one tree sent and the next did not,
with the reason `peer_lsp.review.worth` gives. Token counts are estimates (3.5 characters a
token), the same for every tree; time is not the point here (the fake answers at once).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakes import openai as oa  # noqa: E402
from fakes import review_format  # noqa: E402
from fakes.server import FakeServer, Received, Reply  # noqa: E402

from peer_lsp.llm.tokens import estimate_tokens, schema_tokens  # noqa: E402

STDLIB_MODULES = (
    "textwrap.py",
    "shlex.py",
    "getopt.py",
    "fnmatch.py",
    "colorsys.py",
    "calendar.py",
    "difflib.py",
    "stringprep.py",
    "json/__init__.py",
    "json/decoder.py",
    "json/encoder.py",
    "json/scanner.py",
    "json/tool.py",
)
VENDORED = "pathspec"
NPM_PACKAGES = ("express@4", "lodash@4")
WORKFLOW = """\
name: ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ["3.11", "3.12", "3.13"]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python }}
      - run: pip install -e .[test]
      - run: pytest -q
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
        working-directory: web
"""
_FILE = re.compile(r"^File: (\S+)$", re.MULTILINE)


def build_mixed_repo(folder: Path) -> list[str]:
    """Fill ``folder`` with a mixed repository; the notes on what could not be made."""
    notes: list[str] = []
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for module in STDLIB_MODULES:
        target = folder / "src" / module
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stdlib / module, target)
    import importlib.util

    vendored = importlib.util.find_spec(VENDORED)
    if vendored is not None and vendored.origin is not None:
        shutil.copytree(
            Path(vendored.origin).parent,
            folder / "vendor" / VENDORED,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    else:
        notes.append(f"{VENDORED} is not installed: no vendor/ folder")
    web = folder / "web"
    web.mkdir()
    linter = importlib.util.find_spec("importlinter")
    if linter is not None and linter.origin is not None:
        script = Path(linter.origin).parent / "ui" / "static" / "explorer.js"
        if script.is_file():
            shutil.copyfile(script, web / "explorer.js")
    (web / "package.json").write_text(
        json.dumps({"name": "web", "version": "1.0.0", "private": True}, indent=2) + "\n"
    )
    npm = shutil.which("npm")
    if npm is None:
        notes.append("npm is not installed: no package-lock.json")
    else:
        done = subprocess.run(
            [npm, "install", "--package-lock-only", "--no-audit", "--no-fund", *NPM_PACKAGES],
            cwd=web,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            notes.append(f"npm install --package-lock-only failed: {done.stderr.strip()[:200]}")
    shutil.copyfile(ROOT / "README.md", folder / "README.md")
    shutil.copyfile(ROOT / "pyproject.toml", folder / "pyproject.toml")
    workflows = folder / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(WORKFLOW)
    return notes


def write_settings(folder: Path, url: str, cache: Path) -> None:
    """The ``.peer.toml`` of the run: only keys every tree knows."""
    (folder / ".peer.toml").write_text(
        f"cacheDir = {json.dumps(str(cache))}\n"
        f"auditLog = {json.dumps(str(cache / 'audit.jsonl'))}\n"
        "ollamaAutodetect = false\n"
        "[[providers]]\n"
        'preset = "vllm"\nid = "fake"\nmodel = "m"\n'
        f"baseUrl = {json.dumps(url + '/v1')}\n"
    )


def nothing_found(received: Received) -> Reply:
    """No findings, for one unit or for each unit of a batch."""
    text = review_format.answer(received.json["messages"][-1]["content"], lambda _unit: [])
    return oa.stream([text]) if received.json.get("stream") else oa.ok(text)


@dataclass
class Run:
    tree: str
    exit_code: int = 0
    seconds: float = 0.0
    requests: int = 0
    tokens: int = 0
    by_file: dict[str, list[int]] = field(default_factory=dict)
    """File -> [requests, estimated input tokens]."""


def measure(tree: Path, repo: Path, fake: FakeServer) -> Run:
    """One `peer check .` of ``repo`` with the peer-lsp of ``tree``."""
    fake.requests.clear()
    with tempfile.TemporaryDirectory(prefix="peer-mixed-cache-") as cache:
        write_settings(repo, fake.url, Path(cache))
        env = {**os.environ, "PYTHONPATH": str(tree)}
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "peer_lsp", "check", "--format", "json", "."],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
        seconds = time.perf_counter() - started
    run = Run(str(tree), done.returncode, seconds)
    by_file: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for received in list(fake.requests):
        messages = received.json["messages"]
        user = messages[-1]["content"]
        schema = (received.json.get("response_format") or {}).get("json_schema", {})
        tokens = estimate_tokens("".join(m["content"] for m in messages))
        tokens += schema_tokens(schema.get("schema"))
        found = _FILE.search(user)
        entry = by_file[found.group(1) if found else "?"]
        entry[0] += 1
        entry[1] += tokens
        run.requests += 1
        run.tokens += tokens
    run.by_file = dict(by_file)
    if done.returncode not in (0, 1):
        print(f"  exit {done.returncode}: {done.stderr.strip()[:400]}", file=sys.stderr)
    return run


def reason(repo: Path, path: str) -> str:
    """Why this tree's `peer_lsp.review.worth` does not review ``path``."""
    try:
        from peer_lsp.review.worth import why_not_review
        from peer_lsp.settings.model import Settings
        from peer_lsp.syntax.languages import language_for_path
    except ImportError:
        return "?"
    text = (repo / path).read_text(encoding="utf-8", errors="replace")
    return why_not_review(path, language_for_path(path), text, Settings()) or "reviewed"


def report(runs: list[Run], repo: Path) -> None:
    for run in runs:
        print(f"\n{run.tree}: exit {run.exit_code}, {run.seconds:.1f} s")
        print(
            f"  {run.requests:,} requests, ~{run.tokens:,} input tokens, "
            f"{len(run.by_file)} files sent"
        )
        top = sorted(run.by_file.items(), key=lambda item: -item[1][1])[:8]
        for name, (requests, tokens) in top:
            print(f"    {name:45} {requests:5} requests  ~{tokens:8,} tokens")
    for before, after in itertools.pairwise(runs):
        dropped = sorted(set(before.by_file) - set(after.by_file))
        if not dropped:
            continue
        print(f"\nsent by {before.tree}, not by {after.tree}:")
        kinds: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
        for name in dropped:
            requests, tokens = before.by_file[name]
            why = reason(repo, name)
            print(f"    {name:45} {requests:5} requests  ~{tokens:8,} tokens  {why}")
            kind = "no units" if why.startswith("no units") else why.split(" (")[0]
            for index, value in enumerate((1, requests, tokens)):
                kinds[kind][index] += value
        for kind, (count, requests, tokens) in sorted(kinds.items()):
            print(f"  {kind:14} {count:3} files {requests:5} requests  ~{tokens:8,} tokens")
        saved = before.tokens - after.tokens
        share = saved / before.tokens if before.tokens else 0.0
        print(
            f"  {before.requests - after.requests:,} requests and ~{saved:,} input tokens "
            f"fewer ({share:.0%})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, help="a repository to copy and check")
    parser.add_argument("--tree", type=Path, action="append", required=True)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="peer-mixed-") as scratch:
        repo = Path(scratch) / "repo"
        if args.repo is not None:
            shutil.copytree(args.repo, repo, ignore=shutil.ignore_patterns(".git"))
        else:
            repo.mkdir()
            for note in build_mixed_repo(repo):
                print(f"note: {note}")
        files = [p for p in repo.rglob("*") if p.is_file()]
        print(f"repository: {len(files)} files, {sum(p.stat().st_size for p in files):,} bytes")
        with FakeServer() as fake:
            fake.respond_with(nothing_found)
            runs = [measure(tree.resolve(), repo, fake) for tree in args.tree]
        report(runs, repo)
        if args.json is not None:
            args.json.write_text(json.dumps([run.__dict__ for run in runs], indent=2) + "\n")
    print(f"\nload average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
