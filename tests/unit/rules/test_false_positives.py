"""Every rule over a large body of ordinary code found on this machine, offline: the Python
standard library, installed Python packages and installed JavaScript/TypeScript packages.

That code is mostly fine, so what the rules report there is mostly noise: each rule's count
must stay under a bound. The bounds come from reviewing what the rules reported (see
docs/rules.md for what was tuned): the counts left are true matches of the pattern that a
reviewer of library code would often accept (``eval`` in an interpreter, ``pickle`` in
multiprocessing, complex parser functions), concentrated in the libraries' own tests.

Files are sampled deterministically (every n-th in sorted order) to keep the test under
~20 s on two cores (3,700 files); a corpus that is not installed is skipped, so the bounds are upper
bounds. Run with ``-s`` to see the counts.
"""

from __future__ import annotations

import sysconfig
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.rules.catalog import RULES
from peer_lsp.rules.model import Rule
from peer_lsp.settings.model import Settings

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
REPO = Path(__file__).resolve().parents[3]
JS_ROOTS = (
    Path("/usr/lib/node_modules"),
    Path("/usr/share/nodejs"),
    STDLIB / "site-packages",
    REPO / "editors" / "vscode" / "node_modules",
)
MAX_BYTES = 300_000

# (name, roots, suffixes, grammar or "" for the file's own, take every n-th file, leave out)
CORPORA = (
    ("python stdlib", (STDLIB,), (".py",), "", 2, ("site-packages",)),
    ("python packages", (SITE_PACKAGES,), (".py",), "", 10, ()),
    ("javascript packages", JS_ROOTS, (".js", ".mjs", ".cjs"), "", 3, ()),
    ("typescript packages", JS_ROOTS, (".ts", ".tsx"), "", 2, ()),
    ("javascript as typescript", JS_ROOTS, (".js",), "typescript", 10, ()),
)

BOUNDS: dict[str, int] = {
    "complexity": 1400,
    "py-eval": 300,
    "py-bare-except": 160,
    "py-pickle-load": 140,
    "py-mutable-default": 25,
    "py-chmod-world-writable": 18,
    "js-eval": 18,
    "py-shell-injection": 12,
    # test/test_tarfile.py extracting its own test archives without a filter, on purpose.
    "py-tar-extract": 12,
    "py-insecure-tempfile": 10,
    # test/test_urllib.py, urllib's own tests requesting http:// URLs from a fake connection.
    "py-cleartext-transport": 18,
    "js-inner-html": 10,
}
"""Most findings allowed per rule over the whole sample; a rule not named here: DEFAULT."""
DEFAULT_BOUND = 8


def sample(
    roots: tuple[Path, ...], suffixes: tuple[str, ...], every: int, leave_out: tuple[str, ...]
) -> Iterator[Path]:
    """Every ``every``-th file with one of ``suffixes`` under ``roots``, in sorted order."""
    found: set[Path] = set()
    for root in roots:
        if root.is_dir():
            found.update(
                path
                for path in root.rglob("*")
                if path.suffix in suffixes
                and not path.name.endswith(".d.ts")
                and not any(part in leave_out for part in path.relative_to(root).parts)
                and path.is_file()
            )
    yield from sorted(found)[::every]


@pytest.fixture(scope="module")
def counts() -> Counter[str]:
    """Findings per rule over the whole sample (each rule on, whatever its default)."""
    engine = Engine(Settings(enable_rules=("all",)))
    found: Counter[str] = Counter()
    files = 0
    for _, roots, suffixes, grammar, every, leave_out in CORPORA:
        for path in sample(roots, suffixes, every, leave_out):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if len(data) > MAX_BYTES or b"\0" in data[:8192]:
                continue
            text = data.decode("utf-8", "replace")
            uri = str(path) if not grammar else f"{path}.ts"
            document = engine.open(uri, text, grammar)
            found.update(f.rule_id for f in engine.rules.findings(document, engine.settings))
            engine.close(uri)
            files += 1
    if files < 500:
        pytest.skip(f"only {files} files of ordinary code found on this machine")
    print(f"\n{files} files: " + ", ".join(f"{rule} {n}" for rule, n in found.most_common()))
    return found


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_few_findings_on_ordinary_code(counts: Counter[str], rule: Rule) -> None:
    assert counts[rule.id] <= BOUNDS.get(rule.id, DEFAULT_BOUND)
