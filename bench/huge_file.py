"""Cost of a file over ``maxFileBytes``: opening it and typing into it, in the engine.

Builds a Python file of the asked size, opens it in an `Engine` with default settings
(maxFileBytes 2 MB), then types one character at a time in the middle of it, the way an
editor sends keystrokes. Prints the open time and the keystrokes' total, median and worst.

    python bench/huge_file.py --mb 10 --keystrokes 50
"""

from __future__ import annotations

import argparse
import statistics
import time

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange

BLOCK = '''
class Account{n}:
    """A bank account."""

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("amount must be positive")
        self.balance += amount
        return self.balance


def total_{n}(accounts):
    return sum(account.balance for account in accounts)
'''


def source(size: int) -> str:
    """Python text of at least ``size`` bytes, made of distinct classes and functions."""
    parts: list[str] = []
    length = 0
    while length < size:
        part = BLOCK.format(n=len(parts))
        parts.append(part)
        length += len(part)
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--keystrokes", type=int, default=50)
    args = parser.parse_args()
    text = source(int(args.mb * 1_000_000))
    engine = Engine()
    uri = "file:///huge.py"

    began = time.perf_counter()
    document = engine.open(uri, text, "python", 1)
    open_ms = (time.perf_counter() - began) * 1000

    line = document.lines.line_count // 2
    typed: list[float] = []
    for version in range(2, args.keystrokes + 2):
        column = version - 2
        change = TextChange("x", (line, column, line, column))
        began = time.perf_counter()
        engine.change(uri, [change], version)
        typed.append((time.perf_counter() - began) * 1000)

    print(f"file: {len(document.data) / 1e6:.1f} MB, {document.lines.line_count} lines")
    print(f"open: {open_ms:.1f} ms ({len(document.units)} units)")
    print(
        f"{len(typed)} keystrokes: {sum(typed):.1f} ms in all, "
        f"median {statistics.median(typed):.2f} ms, worst {max(typed):.2f} ms"
    )


if __name__ == "__main__":
    main()
