"""How many units keep their normalized hash when black rewraps a file: stdlib modules
formatted with black at line length 40, against the same formatted at 100 (rewrapping only)
and against the original (rewrapping, quotes, and whatever else black changes); units paired
by kind, qualified name and rank (the answer cache's code key is the normalized hash).

    python bench/reformat_sweep.py [--against original] [--show N] [module ...]

Prints, per module and in total, the units whose hash matches, and how many of those differ
in meaning (their Python syntax trees differ: must be 0); ``--show N`` prints the
first N differing units' squeezed forms side by side (to see what black changed). Needs
black (the test extra). A module black cannot format is skipped with a note.
"""

from __future__ import annotations

import argparse
import ast
import collections
import importlib.util
import sys
from pathlib import Path

import black

from peer_lsp.documents.store import Document
from peer_lsp.syntax.unit import Unit

MODULES = (
    "argparse", "textwrap", "json.decoder", "csv", "shlex", "string", "fractions",
    "dataclasses", "heapq", "configparser",
)  # fmt: skip


def source_of(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise SystemExit(f"no source for {module}")
    return Path(spec.origin).read_text(encoding="utf-8")


def units_by_identity(text: str) -> dict[tuple[str, str, int], Unit]:
    document = Document.open("file:///sweep.py", text, "python")
    seen: collections.Counter[tuple[str, str]] = collections.Counter()
    units = {}
    for unit in document.units:
        name = (unit.kind.value, unit.qualified_name)
        units[(*name, seen[name])] = unit
        seen[name] += 1
    return units


def tree_of(unit: Unit, document_text: str) -> str:
    """The unit's syntax tree, dumped (its text re-indented as it stands in the file)."""
    prefix = document_text.encode("utf-8")[: unit.start_byte]
    column = len(prefix) - (prefix.rfind(b"\n") + 1)
    text = " " * column + unit.text
    lines = text.splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return ast.dump(ast.parse("\n".join(line[indent:] for line in lines)))


def sweep(module: str, show: int, against: str) -> tuple[int, int, int]:
    """(units matching, units compared, units shown) for one module."""
    source = source_of(module)
    try:
        wide = source
        if against == "black-100":
            wide = black.format_str(source, mode=black.Mode(line_length=100))
        narrow = black.format_str(source, mode=black.Mode(line_length=40))
    except black.InvalidInput as error:
        print(f"{module}: black cannot format it ({error})", file=sys.stderr)
        return 0, 0, 0
    before, after = units_by_identity(wide), units_by_identity(narrow)
    common = sorted(set(before) & set(after), key=str)
    same = shown = wrong = 0
    for identity in common:
        if before[identity].normalized_hash == after[identity].normalized_hash:
            same += 1
            wrong += tree_of(before[identity], wide) != tree_of(after[identity], narrow)
        elif shown < show:
            shown += 1
            print(f"--- {module} {identity}\n{before[identity].text}\n+++\n{after[identity].text}")
    print(f"{module:<16} {same:>5} / {len(common):<5} units keep their hash, {wrong} unlike")
    return same, len(common), shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--against", choices=("black-100", "original"), default="black-100")
    parser.add_argument("modules", nargs="*", default=MODULES)
    args = parser.parse_args()
    total_same = total = 0
    left = args.show
    for module in args.modules:
        same, count, shown = sweep(module, left, args.against)
        total_same += same
        total += count
        left -= shown
    print(f"{'total':<16} {total_same:>5} / {total:<5} ({total_same / max(total, 1):.1%})")


if __name__ == "__main__":
    main()
