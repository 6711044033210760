"""What a local rule is: a declaration (data) plus a tree-sitter query, and what a match gives it.

A `Rule` says everything a user or a tool needs to know about one check: its id, the
grammars it runs on, its category, severity and fixed confidence, the message shown at the
finding and a markdown explanation (why it is a problem, how to fix it, a reference). Its
patterns live in ``queries/<grammar>/<rule-id>.scm`` (see `peer_lsp.rules.queries`); each
pattern captures the reported node as ``@report``. What a query cannot say is said by small
Python functions: ``check`` decides about one match, ``fix`` builds the edits of a fix from
the captures. Both receive a `Match`.
"""

from __future__ import annotations

import string
import typing
from dataclasses import dataclass, field

from peer_lsp.findings.model import Category, Severity

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from tree_sitter import Node

REPORT = "report"
"""The capture whose range a finding covers; every pattern of a rule has one."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace document bytes ``[start, end)`` with ``text`` (a fix is one or more)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    """One match of a rule's pattern: its captures and the document bytes they point into."""

    captures: Mapping[str, Sequence[Node]]
    data: bytes
    grammar: str

    def node(self, name: str) -> Node | None:
        """The first node captured as ``name``, or None."""
        nodes = self.captures.get(name)
        return nodes[0] if nodes else None

    def nodes(self, name: str) -> Sequence[Node]:
        return self.captures.get(name, ())

    def text(self, node: Node | str | None) -> str:
        """The source text of a node (or of the capture named so); empty for None."""
        if isinstance(node, str):
            node = self.node(node)
        if node is None:
            return ""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    @property
    def report(self) -> Node:
        found = self.node(REPORT)
        assert found is not None, "every rule pattern captures @report"
        return found


@dataclass(frozen=True, slots=True)
class Rule:
    """The declaration of one local rule (docs/rules.md is generated from these).

    ``message`` may name captures in braces (``{callee}``), filled with their text.
    ``confidence`` is fixed and documented: how often a careful reviewer agrees with a
    finding of this rule on ordinary code. ``references`` are CWE ids (``CWE-89``) or URLs.
    ``enabled`` is the default; settings turn rules on and off by id or category.
    """

    id: str
    languages: tuple[str, ...]
    category: Category
    severity: Severity
    confidence: float
    title: str
    message: str
    explanation: str
    references: tuple[str, ...] = ()
    check: Callable[[Match], bool] | None = field(default=None, repr=False, compare=False)
    fix: Callable[[Match], Sequence[Edit] | None] | None = field(
        default=None, repr=False, compare=False
    )
    fix_title: str = ""
    enabled: bool = True
    uses_query: bool = True
    """False for rules computed in Python over whole units (cyclomatic complexity)."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"{self.id}: confidence must be within [0, 1]")
        if (self.fix is None) != (not self.fix_title):
            raise ValueError(f"{self.id}: a fix needs a fix_title, and a fix_title a fix")

    @property
    def cwe(self) -> tuple[str, ...]:
        """The CWE ids among the references (``CWE-89``)."""
        return tuple(ref for ref in self.references if ref.upper().startswith("CWE-"))

    def message_for(self, match: Match) -> str:
        """The message with ``{capture}`` placeholders filled (text shortened to one line)."""
        return _fill(self.message, match, {})

    def fix_title_for(self, match: Match, edits: Sequence[Edit]) -> str:
        """The fix's title; ``{new}`` is the text the fix puts in, ``{capture}`` a capture's."""
        return _fill(self.fix_title, match, {"new": "".join(e.text for e in edits)})


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _fill(template: str, match: Match, known: dict[str, str]) -> str:
    if "{" not in template:
        return template
    values = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if name:
            values[name] = _short(known[name] if name in known else match.text(name))
    return template.format(**values)
