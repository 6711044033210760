"""How often fix verification refuses a true fix, and whether it refuses seeded broken ones.

For every function and method of real code under ``PATH`` (files of one language each,
judged by extension), the file is opened with that unit's body emptied (``pass`` in Python,
``{}`` elsewhere), and the "fix" under test puts the original body back. The body is real,
working code, so every name it uses resolves in the real file; but with the body gone, the
names it alone used count as *introduced* by the fix and must resolve through the rest of
the file, its imports, the body's own bindings or the builtins. A refusal is a false
refusal: the rate per language is the price of the name check (``--show`` prints them).

Then, per unit whose restoration verified, a seeded broken fix: the same body, with one
statement first that calls a standard module or class the file does not import (`textwrap`
in Python, `path` in JavaScript, `strconv` in Go, `Objects` in Java, `HashMap` in Rust, an
undefined `$variable` in PHP, `strlen` in C without an include). It must be refused, except
where the language's policy says it cannot be sure (docs/confidence.md: C files that
include anything, Java files using `import java.util.*`, star imports): files where the
whole check is off (a star import) are not seeded, the others count.

    python bench/verify_names.py /usr/lib/python3.11 --limit 400
    python bench/verify_names.py /usr/share/go-1.19/src --limit 300 --show 5
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from peer_lsp.documents.exports import body_of
from peer_lsp.documents.name_rules import rules_for
from peer_lsp.documents.store import Document
from peer_lsp.documents.verify import verify_fix
from peer_lsp.findings.model import TextEdit
from peer_lsp.syntax.languages import language_for_path
from peer_lsp.syntax.unit import Unit, UnitKind

# Per language: the statement a seeded broken fix puts first, and the word that must not be
# in the file for the seed to be unknown to it.
SEEDS: dict[str, tuple[str, str]] = {
    "python": ("textwrap.dedent('x')", "textwrap"),
    "javascript": ("path.join('a');", "path"),
    "typescript": ("path.join('a');", "path"),
    "tsx": ("path.join('a');", "path"),
    "go": ("_ = strconv.Itoa(1);", "strconv"),
    "java": ("Objects.hash(1);", "Objects"),
    "rust": ("let _ = HashMap::<u8, u8>::new();", "HashMap"),
    "php": ("$zz_unset_q = $zz_unknown_q;", "$zz_unknown_q"),
    "c": ('strlen("x");', "strlen"),
    "cpp": ('strlen("x");', "strlen"),
    "csharp": ('var zz_seed_q = new Regex("a");', "Regex"),
}
STUB = {"python": "pass"}


@dataclass
class Tally:
    units: int = 0
    refused: int = 0
    seeded: int = 0
    seeded_refused: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def _body(document: Document, unit: Unit) -> tuple[int, int] | None:
    """The byte range of the unit's body (a block), or None."""
    assert document.tree is not None
    node = document.tree.root_node.descendant_for_byte_range(unit.start_byte, unit.end_byte - 1)
    while node is not None and (node.start_byte > unit.start_byte or node.end_byte < unit.end_byte):
        node = node.parent
    body = body_of(node) if node is not None else None
    if body is None or body.end_byte - body.start_byte < 2:
        return None
    return body.start_byte, body.end_byte


def _stubbed(path: str, text: bytes, grammar: str, unit: Unit, body: tuple[int, int]) -> Document:
    stub = STUB.get(grammar, "{}").encode()
    data = text[: body[0]] + stub + text[body[1] :]
    return Document.open(f"file://{path}", data.decode("utf-8", "replace"), grammar)


def _same_unit(document: Document, unit: Unit) -> Unit | None:
    for candidate in document.units:
        if candidate.start_byte == unit.start_byte and candidate.name == unit.name:
            return candidate
    return None


def _seeded(grammar: str, original: str, column: int) -> str | None:
    """The body with the seed statement first (``column``: where the body starts)."""
    seed, _ = SEEDS[grammar]
    if grammar == "python":
        return f"{seed}\n{' ' * column}{original}"
    if not original.startswith("{"):
        return None
    return "{ " + seed + " " + original[1:]


def _open(grammar: str, document: Document) -> bool:
    """Whether the language's policy accepts any name in this file (a star import...)."""
    rules = rules_for(grammar)
    assert document.tree is not None
    return rules is None or rules.open_file(document.tree.root_node)


def run_file(path: Path, tally: dict[str, Tally], show: int) -> None:
    grammar = language_for_path(str(path))
    if grammar not in SEEDS:
        return
    try:
        text = path.read_bytes()
        source = text.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return
    if len(text) > 300_000:
        return
    document = Document.open(f"file://{path}", source, grammar)
    if document.tree is None or document.tree.root_node.has_error:
        return
    counts = tally.setdefault(grammar, Tally())
    for unit in list(document.units):
        if unit.kind not in (UnitKind.FUNCTION, UnitKind.METHOD):
            continue
        body = _body(document, unit)
        if body is None:
            continue
        original = text[body[0] : body[1]].decode("utf-8", "replace")
        if original.strip() == STUB.get(grammar, "{}"):
            continue
        stubbed = _stubbed(str(path), text, grammar, unit, body)
        target = _same_unit(stubbed, unit) if stubbed.tree is not None else None
        if target is None or stubbed.tree is None or stubbed.tree.root_node.has_error:
            continue
        stub_end = body[0] + len(STUB.get(grammar, "{}").encode())
        counts.units += 1
        verdict = verify_fix(stubbed, target, [TextEdit(body[0], stub_end, original)])
        if not verdict.ok:
            counts.refused += 1
            counts.reasons[verdict.reason.split(",")[0][:60]] += 1
            if len(counts.examples) < show:
                counts.examples.append(
                    f"{path}:{unit.start_line + 1} {unit.name}: {verdict.reason}"
                )
            continue
        seed_word = SEEDS[grammar][1]
        if seed_word.encode() in text or _open(grammar, document):
            continue
        column = body[0] - (text.rfind(b"\n", 0, body[0]) + 1)
        seeded = _seeded(grammar, original, column)
        if seeded is None:
            continue
        counts.seeded += 1
        bad = verify_fix(stubbed, target, [TextEdit(body[0], stub_end, seeded)])
        if not bad.ok:
            counts.seeded_refused += 1
        elif len(counts.missed) < show:
            counts.missed.append(f"{path}:{unit.start_line + 1} {unit.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=300, help="files per language at most")
    parser.add_argument("--show", type=int, default=0, help="refusals to print per language")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    files: dict[str, list[Path]] = {}
    for root in args.paths:
        candidates = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for candidate in candidates:
            grammar = language_for_path(str(candidate))
            if grammar in SEEDS:
                files.setdefault(grammar, []).append(candidate)
    rng = random.Random(args.seed)
    tally: dict[str, Tally] = {}
    for paths in files.values():
        chosen = rng.sample(paths, min(args.limit, len(paths)))
        for path in sorted(chosen):
            run_file(path, tally, args.show)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'language':<11} {'units':>6} {'refused':>8} {'rate':>7}   {'seeded':>6} {'refused':>8}"
    )
    for grammar, counts in sorted(tally.items()):
        rate = counts.refused / counts.units if counts.units else 0.0
        print(
            f"{grammar:<11} {counts.units:>6} {counts.refused:>8} {rate:>7.2%}   "
            f"{counts.seeded:>6} {counts.seeded_refused:>8}"
        )
        for reason, number in counts.reasons.most_common(5):
            print(f"    {number:>5}  {reason}")
        for example in counts.examples:
            print(f"    refused: {example}")
        for example in counts.missed:
            print(f"    seed let through: {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
