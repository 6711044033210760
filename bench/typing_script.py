"""A typing script for the editor-latency benchmark: statements typed a key at a time.

Most states of a file someone is typing in do not parse: an unclosed bracket or string, a
``def``/``if``/``for`` header not yet followed by its body. This script types whole
statements into function bodies one character per edit, a new line first, so the file
passes through those states and parses again when each statement is done. Every edit says
whether the file parses after it (``compile()``, outside the timed path), so latencies can
be reported per state.

    python bench/typing_script.py 10000     # how many edits of each state a run would make
"""

from __future__ import annotations

import random
import sys
from typing import NamedTuple

STATEMENTS = (
    "values = compute(total, [index, 2], key={'a': (1, 2)})",
    'note = "a half-typed string that closes at the end"',
    "if total > 10 and label:\n    total -= len(items)",
    "for item in sorted(items, reverse=True):\n    total += item",
    "def helper(value, scale=2):\n    return value * scale",
    "while total > 100:\n    total //= 2",
    "result = [item * 2 for item in items if item]",
)
"""What gets typed, at the indentation of the body line it follows."""


class TypedEdit(NamedTuple):
    """One keystroke: insert ``text`` at (line, column), columns in UTF-16 code units."""

    line: int
    column: int
    text: str
    parses: bool
    """Whether the whole file parses after this edit."""


def parses(lines: list[str]) -> bool:
    try:
        compile("\n".join(lines) + "\n", "<typed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def typing_edits(lines: list[str], body_lines: list[int], count: int, seed: int) -> list[TypedEdit]:
    """``count`` keystrokes typing `STATEMENTS` after random body lines of ``lines``.

    ``lines`` is the file as opened; it is not changed. The lines after an insertion move
    down, so body line numbers are shifted as statements are added.
    """
    rng = random.Random(seed + 2)
    lines = list(lines)
    # not after a header: a statement between it and its body would never parse
    body = sorted(n for n in body_lines if not lines[n].rstrip().endswith(":"))
    edits: list[TypedEdit] = []
    while len(edits) < count:
        at = rng.choice(body)
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        statement = rng.choice(STATEMENTS).replace("\n", "\n" + indent)
        line, column = at, len(lines[at])
        for char in "\n" + indent + statement:
            if len(edits) == count:
                break
            edits.append(_type(lines, line, column, char))
            if char == "\n":
                line, column = line + 1, 0
            else:
                column += 1
        added = line - at
        body = [n + added if n > at else n for n in body]
    return edits


def _type(lines: list[str], line: int, column: int, char: str) -> TypedEdit:
    """Apply one keystroke to ``lines`` (ASCII: columns are UTF-16 units too)."""
    text = lines[line]
    if char == "\n":
        lines[line : line + 1] = [text[:column], text[column:]]
    else:
        lines[line] = text[:column] + char + text[column:]
    return TypedEdit(line, column, char, parses(lines))


if __name__ == "__main__":
    from editor_latency import generate_python

    source = generate_python(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, 1)
    typed = typing_edits(source.lines, source.body_lines, 200, 1)
    broken = sum(not edit.parses for edit in typed)
    print(f"{len(typed)} keystrokes: {len(typed) - broken} leave the file parsing, {broken} not")
