"""A class as a prompt shows it: its own lines, with its methods folded into placeholders.

Each method is a unit of its own, reviewed on its own, so a class is reviewed for what belongs
to it alone, and an edit inside a method leaves the class's prompt and cached review as they
were.
"""

from __future__ import annotations

import re
import typing

from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from peer_lsp.documents.store import Document
    from peer_lsp.syntax.unit import Unit


ELIDED = 0
"""The line number of a placeholder line in a skeleton: it stands for elided lines."""
MAX_ELIDED_NAMES = 12


def skeleton(unit: Unit, document: Document, lines: Sequence[str]) -> list[tuple[int, str]]:
    """The unit's ``lines`` numbered from 1; for a class, its members that are units of their
    own (methods, nested classes) folded into placeholder lines.

    A class is reviewed for what belongs to it alone: its header, docstring, fields and the
    statements in its body. Each method is a unit of its own, reviewed on its own, so a run
    of members becomes one placeholder line (number `ELIDED`) naming those that make the
    class's protocol, and an edit inside a method, even to its signature, or one more
    ordinary method leaves the class's prompt and its cached review as they were. Other
    units come back whole.
    """
    numbered = list(enumerate(lines, start=1))
    runs = _runs(unit, document, lines)
    if not runs:
        return numbered
    shown: list[tuple[int, str]] = []
    by_start = {start: (end, names) for start, end, names in runs}
    skip_to = 0
    for number, line in numbered:
        if number <= skip_to:
            continue
        if number in by_start:
            skip_to, names = by_start[number]
            indent = line[: len(line) - len(line.lstrip())]
            shown.append((ELIDED, f"{indent}… lines {number}-{skip_to}: {_names(names)}"))
        else:
            shown.append((number, line))
    return shown


def folded_lines(unit: Unit, document: Document) -> list[tuple[int, int]]:
    """The document lines (0-based, inclusive) that the skeleton of ``unit`` folds away:
    what the model was not shown, so what its answer about the unit cannot be about."""
    if unit.kind is not UnitKind.CLASS:
        return []
    data, index = document.data, document.lines
    start = index.line_start(unit.start_line)
    text = data[start : index.line_end(unit.end_line, data)].decode("utf-8", "replace")
    lines = [line.strip() for line in _LINE_BREAK.split(text)]
    first = unit.start_line
    return [(first + a - 1, first + b - 1) for a, b, _ in _runs(unit, document, lines)]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _runs(unit: Unit, document: Document, lines: Sequence[str]) -> list[tuple[int, int, list[str]]]:
    """Runs of members of a class, as unit lines (1-based, inclusive) and their names; the
    blank lines between two members fold with them."""
    if unit.kind is not UnitKind.CLASS:
        return []
    first = unit.start_line
    runs: list[tuple[int, int, list[str]]] = []
    for child in document.units:
        if child.container is not unit:
            continue
        start, end = child.start_line - first + 1, child.end_line - first + 1
        if runs and _only_blank(lines, runs[-1][1], start):
            runs[-1] = (runs[-1][0], end, [*runs[-1][2], child.name])
        else:
            runs.append((start, end, [child.name]))
    return runs


def _only_blank(lines: Sequence[str], after: int, before: int) -> bool:
    """Whether unit lines strictly between ``after`` and ``before`` (1-based) are all blank."""
    return all(not line.strip() for line in lines[after : before - 1])


_PROTOCOL = frozenset(
    {"constructor", "equals", "hashCode", "compareTo", "clone", "close", "finalize", "toString"}
    | {"Equals", "GetHashCode", "Dispose", "drop", "fmt", "eq", "hash"}
)
"""Member names that say how a class behaves as a whole, besides Python's ``__dunder__``s."""


def _names(names: list[str]) -> str:
    """What a placeholder says of the members it folds: the ones that make the class's
    protocol (``__eq__`` without ``__hash__`` is a class-level bug), not the others, whose
    coming and going would otherwise send the class again with every new method."""
    protocol = [n for n in names if n in _PROTOCOL or (n.startswith("__") and n.endswith("__"))]
    listed = ", ".join(dict.fromkeys(protocol[:MAX_ELIDED_NAMES]))
    return "members, reviewed on their own" + (f" (among them {listed})" if listed else "")
