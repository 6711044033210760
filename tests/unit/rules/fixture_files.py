"""Reading rule fixtures: ``fixtures/<rule-id>/bad.<ext>`` and ``good.<ext>``.

A bad fixture marks each expected finding with a caret line under the code: a comment whose
``^`` characters sit in the columns the finding covers on the line above (the nearest line
that is not itself a caret line), e.g.::

    value = eval(source)
    #       ^^^^^^^^^^^^

Columns count a tab as 4 (Go fixtures are indented with tabs; caret lines use spaces).
A good fixture holds look-alike code on which the rule must stay silent. A grammar without a
fixture file of its own reads its base grammar's (TypeScript and TSX read JavaScript's, C++
reads C's), so a JavaScript fixture is also checked as TypeScript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from peer_lsp.rules.queries import BASE_GRAMMAR

FIXTURES = Path(__file__).parent / "fixtures"

EXTENSIONS = {
    "python": ".py",
    "javascript": ".js",
    "typescript": ".ts",
    "tsx": ".tsx",
    "go": ".go",
    "java": ".java",
    "c": ".c",
    "cpp": ".cpp",
}
_JSX = {"javascript": ".jsx", "tsx": ".tsx"}
_CARETS = re.compile(r"^(\s*(?:#|//|/\*)\s*)(\^+)\s*(?:\*/)?\s*$")


TAB = 4


@dataclass(frozen=True)
class Expected:
    """A finding a fixture expects: 0-based line, start and end column (ASCII, tabs as 4)."""

    line: int
    start: int
    end: int


def fixture_path(rule_id: str, kind: str, grammar: str) -> Path | None:
    """The fixture for ``grammar``, or its base grammar's; None when there is none."""
    current: str | None = grammar
    while current is not None:
        for extension in (EXTENSIONS[current], _JSX.get(current)):
            if extension is None:
                continue
            path = FIXTURES / rule_id / f"{kind}{extension}"
            if path.is_file():
                return path
        current = BASE_GRAMMAR.get(current)
    return None


def expected(text: str) -> set[Expected]:
    """The findings the caret lines of ``text`` ask for."""
    found: set[Expected] = set()
    target = -1
    for number, line in enumerate(text.splitlines()):
        match = _CARETS.match(line.expandtabs(TAB))
        if match is None:
            target = number
            continue
        start = len(match.group(1))
        found.add(Expected(target, start, start + len(match.group(2))))
    return found


def column(line: str, index: int) -> int:
    """The display column of character ``index`` of ``line`` (tabs as 4)."""
    return len(line[:index].expandtabs(TAB))
