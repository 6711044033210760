"""Local rule findings of open documents, computed per segment and kept while it is unchanged.

A document is cut into segments, each owned by exactly one place:

- a unit owns its range minus the ranges of the units nested in it (a class owns its header
  and fields, each method owns itself), so a match is never reported twice;
- top-level code outside every unit (imports, module constants, ``main`` blocks) is cut into
  pieces at top-level statement boundaries chosen by the statements' content (so that an
  inserted line moves no boundary but its neighbours), at most `PIECE_LINES` lines each.
  Files cut into line chunks (no functions or classes) are top-level code as a whole: the
  chunks' boundaries move with every inserted line, these pieces' do not.

Each segment's hits are cached under what they depend on: a unit's exact hash, qualified name
and kind; a piece's bytes. Hits are relative to the segment's start, so a unit that moves
keeps its hits and only the segments an edit changed run the query again: the cost of an edit
follows the edit. The per-document caches are rebuilt from what the current text uses on
every analysis, so they never outgrow the document; the gap between two units is looked up as
a whole before it is cut into pieces, so unchanged top-level code costs one dictionary lookup.

Findings are materialized at their current absolute offsets on every analysis, with the rule's
severity (after ``ruleSeverity``), category, explanation and fixed confidence.
"""

from __future__ import annotations

import re
import typing
import zlib
from collections import Counter
from dataclasses import dataclass, field

from peer_lsp.analysis.findings import Finding, Fix, Span, TextEdit, fingerprint
from peer_lsp.rules.catalog import BY_ID
from peer_lsp.rules.common_rules import COMPLEXITY
from peer_lsp.rules.compiled import compiled_rules
from peer_lsp.rules.complexity import count_branches, has_complexity
from peer_lsp.rules.config import RuleConfig
from peer_lsp.rules.model import Edit
from peer_lsp.rules.runner import Hit, run_rules
from peer_lsp.syntax.units import UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node

    from peer_lsp.documents.lines import LineIndex
    from peer_lsp.documents.store import Document
    from peer_lsp.settings import Settings
    from peer_lsp.syntax.units import Unit

MODULE = "<module>"
"""The unit name of findings in top-level code (for their fingerprints)."""

PIECE_LINES = 80
"""Longest piece of top-level code searched (and cached) as one."""

CUT_EVERY = 16
"""A piece of top-level code ends, on average, every this many statements."""

MAX_PIECES = 2048
"""Cached pieces of top-level code kept per document before the cache starts afresh."""

_FUNCTIONS = (UnitKind.FUNCTION, UnitKind.METHOD)

UnitKey = tuple[str, str, UnitKind]


@dataclass(slots=True)
class _State:
    """The cached hits of one document, valid for one rule configuration."""

    config: RuleConfig
    units: dict[UnitKey, tuple[Hit, ...]] = field(default_factory=dict)
    gaps: dict[bytes, tuple[Hit, ...]] = field(default_factory=dict)
    pieces: dict[bytes, tuple[Hit, ...]] = field(default_factory=dict)


def _own_pieces(units: Sequence[Unit], index: int, data: bytes) -> list[tuple[int, int]]:
    """The ranges of ``units[index]`` outside the units nested in it, blank ones left out."""
    unit = units[index]
    pieces: list[tuple[int, int]] = []
    cursor = unit.start_byte
    following = index + 1
    while following < len(units) and units[following].start_byte < unit.end_byte:
        inner = units[following]
        if inner.container is unit:
            if inner.start_byte > cursor:
                pieces.append((cursor, inner.start_byte))
            cursor = max(cursor, inner.end_byte)
        following += 1
    if cursor < unit.end_byte:
        pieces.append((cursor, unit.end_byte))
    return [(a, b) for a, b in pieces if data[a:b].strip()]


def _top_level_pieces(
    root: Node, data: bytes, start: int, end: int, lines: LineIndex
) -> list[tuple[int, int]]:
    """``[start, end)`` cut at top-level statement boundaries into pieces.

    A piece ends after a statement whose text hashes to a multiple of `CUT_EVERY` (so the
    cuts depend on the statements around them, not on line numbers: inserting a line moves
    no cut but the ones next to it), or before it would grow past `PIECE_LINES` lines.
    """
    pieces: list[tuple[int, int]] = []
    node = root.first_child_for_byte(start)
    piece: tuple[int, int] | None = None
    while node is not None and node.start_byte < end:
        a, b = max(node.start_byte, start), min(node.end_byte, end)
        if b > a:
            if piece is not None and lines.line_of(b) - lines.line_of(piece[0]) >= PIECE_LINES:
                pieces.append(piece)
                piece = None
            piece = (a, b) if piece is None else (piece[0], b)
            if zlib.crc32(data[a:b]) % CUT_EVERY == 0:
                pieces.append(piece)
                piece = None
        node = node.next_sibling
    if piece is not None:
        pieces.append(piece)
    return pieces


class RuleProducer:
    """Rule findings per open document (the engine's ``rules`` producer)."""

    def __init__(self) -> None:
        self._states: dict[str, _State] = {}
        self._settings: Settings | None = None
        self._config: RuleConfig | None = None

    def config(self, settings: Settings) -> RuleConfig:
        """The rule configuration of ``settings`` (resolved again only when they change)."""
        if self._config is None or settings is not self._settings:
            self._settings, self._config = settings, RuleConfig.from_settings(settings)
        return self._config

    def forget(self, uri: str) -> None:
        self._states.pop(uri, None)

    def findings(self, document: Document, settings: Settings) -> list[Finding]:
        """The current rule findings of ``document``."""
        grammar, tree = document.grammar, document.tree
        if grammar is None or tree is None:
            return []
        if compiled_rules(grammar) is None and not has_complexity(grammar):
            return []
        config = self.config(settings)
        state = self._states.get(document.uri)
        if state is None or state.config != config:
            state = self._states[document.uri] = _State(config)
        root, data = tree.root_node, document.data
        units = document.units
        fresh_units: dict[UnitKey, tuple[Hit, ...]] = {}
        placed: list[tuple[Hit, int, Unit | None]] = []
        gaps: list[tuple[int, int]] = []
        covered = 0
        for index, unit in enumerate(units):
            if unit.kind is UnitKind.CHUNK:
                continue  # line-bounded chunks move with every new line: top-level code
            key = (unit.exact_hash, unit.qualified_name, unit.kind)
            hits = fresh_units.get(key)
            if hits is None:
                hits = state.units.get(key)
            if hits is None:
                hits = self._unit_hits(root, data, grammar, units, index, config)
            fresh_units[key] = hits
            placed.extend((hit, unit.start_byte, unit) for hit in hits)
            if unit.container is None:
                if unit.start_byte > covered:
                    gaps.append((covered, unit.start_byte))
                covered = max(covered, unit.end_byte)
        if covered < len(data):
            gaps.append((covered, len(data)))
        state.units = fresh_units
        fresh_gaps: dict[bytes, tuple[Hit, ...]] = {}
        fresh_pieces: dict[bytes, tuple[Hit, ...]] = {}
        for start, end in gaps:
            raw = data[start:end]
            if not raw.strip():
                continue
            hits = fresh_gaps.get(raw)
            if hits is None:
                hits = state.gaps.get(raw)
            if hits is None:
                hits = self._gap_hits(document, state, fresh_pieces, start, end, config)
            fresh_gaps[raw] = hits
            placed.extend((hit, start, None) for hit in hits)
        state.gaps = fresh_gaps
        if len(state.pieces) + len(fresh_pieces) > MAX_PIECES:
            state.pieces = fresh_pieces
        else:
            state.pieces.update(fresh_pieces)
        return self._materialize(document, placed, config)

    # -- computing hits ---------------------------------------------------------------------

    def _unit_hits(
        self,
        root: Node,
        data: bytes,
        grammar: str,
        units: Sequence[Unit],
        index: int,
        config: RuleConfig,
    ) -> tuple[Hit, ...]:
        unit = units[index]
        pieces = _own_pieces(units, index, data)
        segment = (unit.start_byte, unit.end_byte)
        hits = run_rules(root, data, grammar, pieces, unit.start_byte, config, segment)
        if COMPLEXITY.id in config.enabled and unit.kind in _FUNCTIONS and has_complexity(grammar):
            score = 1 + count_branches(root, grammar, pieces)
            if score > config.complexity_threshold:
                hits.append(_complexity_hit(unit, score, config.complexity_threshold))
        return tuple(hits)

    def _gap_hits(
        self,
        document: Document,
        state: _State,
        fresh: dict[bytes, tuple[Hit, ...]],
        start: int,
        end: int,
        config: RuleConfig,
    ) -> tuple[Hit, ...]:
        assert document.tree is not None
        assert document.grammar is not None
        root, data = document.tree.root_node, document.data
        hits: list[Hit] = []
        for a, b in _top_level_pieces(root, data, start, end, document.lines):
            raw = data[a:b]
            if not raw.strip():
                continue
            found = fresh.get(raw)
            if found is None:
                found = state.pieces.get(raw)
            if found is None:
                found = tuple(run_rules(root, data, document.grammar, [(a, b)], a, config))
            fresh[raw] = found
            hits.extend(_moved(hit, a - start) for hit in found)
        return tuple(hits)

    # -- placing hits -----------------------------------------------------------------------

    def _materialize(
        self, document: Document, placed: list[tuple[Hit, int, Unit | None]], config: RuleConfig
    ) -> list[Finding]:
        lines = document.lines
        ordinals: Counter[tuple[str, str, str]] = Counter()
        findings: list[Finding] = []
        for hit, base, unit in placed:
            rule = BY_ID[hit.rule_id]
            start, end = base + hit.start, base + hit.end
            unit_name = MODULE if unit is None else unit.qualified_name
            identity = (hit.rule_id, unit_name, hit.excerpt)
            ordinal = ordinals[identity]
            ordinals[identity] += 1
            fix = None
            if hit.fix:
                edits = tuple(TextEdit(base + e.start, base + e.end, e.text) for e in hit.fix)
                fix = Fix(hit.fix_title, edits, verified=True)
            findings.append(
                Finding(
                    span=Span(start, end, lines.line_of(start), lines.line_of(end)),
                    severity=config.severity(rule),
                    category=rule.category,
                    rule_id=rule.id,
                    message=hit.message,
                    source=f"rule:{rule.id}",
                    fingerprint=fingerprint(
                        rule.id if not ordinal else f"{rule.id}#{ordinal}", unit_name, hit.excerpt
                    ),
                    explanation=rule.explanation,
                    confidence=rule.confidence,
                    fix=fix,
                    unit_hash=unit.exact_hash if unit is not None else "",
                    unit_name=unit_name,
                )
            )
        findings.sort(key=lambda f: (f.span.start_byte, f.span.end_byte, f.rule_id))
        return findings


def _moved(hit: Hit, delta: int) -> Hit:
    if not delta:
        return hit
    fix = tuple(Edit(e.start + delta, e.end + delta, e.text) for e in hit.fix)
    return Hit(
        hit.rule_id,
        hit.start + delta,
        hit.end + delta,
        hit.message,
        hit.excerpt,
        fix,
        hit.fix_title,
    )


def _name_range(unit: Unit) -> tuple[int, int]:
    """Where the unit's name is in its text (bytes): the first whole-word occurrence on a line
    that is not a decorator; else its first line."""
    raw = unit.text.encode("utf-8")
    name = unit.name.encode("utf-8")
    pattern = re.compile(rb"(?<![\w$])" + re.escape(name) + rb"(?![\w$])") if name else None
    offset = 0
    for line in raw.splitlines(keepends=True):
        found = pattern.search(line) if pattern else None
        if found and not line.lstrip().startswith(b"@"):
            return offset + found.start(), offset + found.end()
        offset += len(line)
    first = raw.split(b"\n", 1)[0].rstrip(b"\r")
    return 0, len(first)


def _complexity_hit(unit: Unit, score: int, threshold: int) -> Hit:
    """A complexity finding on the unit's name."""
    start, end = _name_range(unit)
    message = (
        f"`{unit.name}` has a cyclomatic complexity of {score} (more than {threshold}):"
        " split it into smaller functions"
    )
    excerpt = unit.text.encode("utf-8")[start:end].decode("utf-8", "replace")
    return Hit(COMPLEXITY.id, start, end, message, excerpt)
