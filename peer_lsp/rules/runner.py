"""Run the rules of a grammar over byte ranges of a syntax tree: matches become hits.

A hit is a rule finding before it is placed in a document: its range and its fix are relative
to the start of the segment it was found in (a unit, or a piece of top-level code), so that
the segment's hits can be kept while the segment moves (`peer_lsp.rules.producer`).

The ranges a segment owns are searched with the query cursor limited to each of them, and a
match counts only where its ``@report`` node starts inside one: a match is reported by exactly
one segment, even when its pattern spans a class and a method nested in it.

The query runs within a budget (`peer_lsp.syntax.budget`): on a tree it cannot search in
time, `run_rules` raises `OverBudget` rather than answer with part of the hits.
"""

from __future__ import annotations

import logging
import typing
from dataclasses import dataclass

from peer_lsp.rules.fixes import FixBudget, verified
from peer_lsp.rules.memo import run_scope
from peer_lsp.rules.model import REPORT, Edit, Match
from peer_lsp.rules.predicates import holds
from peer_lsp.rules.ruleset import BUILTIN, RuleSet
from peer_lsp.syntax.budget import BudgetedCursor

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node

    from peer_lsp.rules.compiled import CompiledRules
    from peer_lsp.rules.config import RuleConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule finding relative to its segment: ``[start, end)`` and fix edits shifted by
    the segment's start. ``fix`` is empty when the rule has none or it did not verify."""

    rule_id: str
    start: int
    end: int
    message: str
    excerpt: str
    fix: tuple[Edit, ...] = ()
    fix_title: str = ""


def _shift(edits: Sequence[Edit], delta: int) -> tuple[Edit, ...]:
    return tuple(Edit(e.start + delta, e.end + delta, e.text) for e in edits)


def run_rules(
    root: Node,
    data: bytes,
    grammar: str,
    pieces: Sequence[tuple[int, int]],
    base: int,
    config: RuleConfig,
    segment: tuple[int, int] | None = None,
    ruleset: RuleSet = BUILTIN,
) -> list[Hit]:
    """The hits of the enabled rules whose report starts inside ``pieces``, relative to
    ``base``. Fixes are verified on ``segment`` (default: from the first piece's start to the
    last piece's end). ``ruleset``: the built-in rules, or a project's and plugins'. Raises
    `OverBudget` when the query cannot search a piece in time."""
    compiled = ruleset.compiled(grammar)
    if compiled is None or not pieces or not config.enabled:
        return []
    with run_scope():  # the producer's, when it opened one for the whole document
        return _run(compiled, root, data, grammar, pieces, base, config, segment)


def _run(
    compiled: CompiledRules,
    root: Node,
    data: bytes,
    grammar: str,
    pieces: Sequence[tuple[int, int]],
    base: int,
    config: RuleConfig,
    segment: tuple[int, int] | None,
) -> list[Hit]:
    cursor = BudgetedCursor(compiled.query, f"{grammar} rules")
    owners, checks = compiled.owners, compiled.checks
    hits: list[Hit] = []
    seen: set[tuple[str, int, int]] = set()
    verifying = FixBudget()
    for start, end in pieces:
        cursor.set_byte_range(start, end)
        for index, captures in cursor.matches(root):
            rule = owners[index]
            if rule.id not in config.enabled:
                continue
            reported = captures.get(REPORT)
            if not reported or not start <= reported[0].start_byte < end:
                continue
            if not all(
                holds(name, node, grammar, data)
                for name, capture in checks[index]
                for node in captures.get(capture, ())
            ):
                continue
            node = reported[0]
            key = (rule.id, node.start_byte, node.end_byte)
            if key in seen:
                continue
            match = Match(captures, data, grammar)
            if rule.check is not None and not rule.check(match):
                continue
            seen.add(key)
            edits: tuple[Edit, ...] = ()
            if rule.fix is not None:
                edits = tuple(rule.fix(match) or ())
                span = segment or (pieces[0][0], pieces[-1][1])
                if edits and not verifying.spend(span[1] - span[0]):
                    edits = ()  # the finding stays, without a quick fix
                elif edits and not verified(grammar, data[span[0] : span[1]], edits, span[0]):
                    log.debug("%s: fix at %d did not verify", rule.id, node.start_byte)
                    edits = ()
            hits.append(
                Hit(
                    rule.id,
                    node.start_byte - base,
                    node.end_byte - base,
                    rule.message_for(match),
                    match.text(node),
                    _shift(edits, -base),
                    rule.fix_title_for(match, edits) if edits else "",
                )
            )
    hits.sort(key=lambda h: (h.start, h.end, h.rule_id))
    return hits
