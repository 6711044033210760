"""Local rule findings of open documents, computed per segment and kept while it is unchanged.

A document is cut into segments (`peer_lsp.rules.segments`: each unit's own code, pieces of
top-level code). Each segment's hits are cached under what they depend on: a unit's exact
hash, qualified name and kind; a piece's bytes (a segment with a syntax error in it is not
cached: error recovery makes its parse depend on its surroundings). Hits are relative to the
segment's start, so a unit that moves keeps its hits.

After an edit, only the top-level units and stretches of top-level code around the changed
byte ranges are looked at again (`RuleProducer`), and of those only the segments whose text
changed run the query: the cost of an edit follows the edit, not the size of the file. The
caches are rebuilt from what the text uses whenever every unit is visited (on open, after a
settings change, or when they grow past twice the document's units). A closed document's
caches are kept a while (`KEEP_CLOSED`): reopening it runs no query for the code unchanged.

A document whose queries run over their budget (`peer_lsp.syntax.budget`: nesting or error
recovery that tree-sitter cannot search in time) has no rule findings from then on, until it
parses again if the error recovery was the cause (an unclosed docstring typed into a large
file), else until it is closed: searching it again after every keystroke would cost the
budget every time.

The cached hits become findings on every analysis (`peer_lsp.rules.placement`).
"""

from __future__ import annotations

import logging
import re
import typing
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, field

from peer_lsp.rules.build_output import is_build_output
from peer_lsp.rules.common_rules import COMPLEXITY
from peer_lsp.rules.complexity import count_branches, has_complexity
from peer_lsp.rules.config import TEST_CODE_NORMAL, RuleConfig, RuleSettings
from peer_lsp.rules.model import Edit
from peer_lsp.rules.placement import place_findings
from peer_lsp.rules.ruleset import BUILTIN, RuleSet
from peer_lsp.rules.runner import Hit, run_rules
from peer_lsp.rules.segments import (
    code_has_error,
    edit_region,
    own_pieces,
    segment_units,
    start_of,
    top_level_pieces,
    top_unit_at,
    unit_has_error,
)
from peer_lsp.rules.test_paths import is_test_path
from peer_lsp.syntax.budget import OverBudget
from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from tree_sitter import Node, Tree

    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.syntax.unit import Unit

log = logging.getLogger(__name__)

MAX_PIECES = 2048
"""Cached pieces of top-level code kept per document before the cache starts afresh."""

KEEP_CLOSED = 32
"""Closed documents whose caches are kept, so that reopening one runs no query."""

_FUNCTIONS = (UnitKind.FUNCTION, UnitKind.METHOD)

UnitKey = tuple[str, str, UnitKind]

_FILE_START = 0
"""Key of the top-level code before the first top-level unit (other gaps: id of the unit
they follow)."""


@dataclass(slots=True)
class _State:
    """The cached and the placed hits of one document, valid for one rule configuration."""

    config: RuleConfig
    by_unit: dict[UnitKey, tuple[Hit, ...]] = field(default_factory=dict)
    """Hits of each unit identity seen, relative to the unit."""
    by_gap: dict[bytes, tuple[Hit, ...]] = field(default_factory=dict)
    """Hits of each stretch of top-level code between two units, relative to its start."""
    pieces: dict[bytes, tuple[Hit, ...]] = field(default_factory=dict)
    units: dict[int, tuple[Unit, tuple[Hit, ...]]] = field(default_factory=dict)
    """The units of the document that have hits, by id."""
    gaps: dict[int, tuple[Unit | None, int, tuple[Hit, ...]]] = field(default_factory=dict)
    """Top-level code that has hits, by the id of the unit it follows (`_FILE_START`): that
    unit, where the code starts after the unit's end, and the hits."""


class RuleProducer:
    """Rule findings per open document (the engine's ``rules`` producer).

    The first analysis of a document visits every unit; after an edit only the top-level
    units and stretches of top-level code around the changed byte ranges are looked at again,
    and of those only the ones whose text changed run the queries. A unit that left the
    document outside those regions (error recovery elsewhere can re-extract units) makes the
    analysis visit every unit again, looking each up by its hash.

    ``ruleset``: the rules it runs, the built-in ones by default; a project's rules and the
    enabled plugins' run in a producer of their own (`peer_lsp.rules.extra_producer`).
    """

    def __init__(self, ruleset: RuleSet = BUILTIN) -> None:
        self.ruleset = ruleset
        self._states: dict[str, _State] = {}
        self._closed: OrderedDict[str, _State] = OrderedDict()
        self._stopped: dict[str, tuple[OverBudget, int]] = {}
        self._stopped_broken: set[str] = set()
        """Documents whose rules stopped while they did not parse: on again once they do."""
        self._settings: RuleSettings | None = None
        self._config: RuleConfig | None = None

    def config(self, settings: RuleSettings) -> RuleConfig:
        """The rule configuration of ``settings`` (resolved again only when they change)."""
        if self._config is None or settings is not self._settings:
            config = RuleConfig.from_settings(settings, self.ruleset.rules)
            self._settings, self._config = settings, config
        return self._config

    def forget(self, uri: str) -> None:
        """The document closed: keep its caches a while (they hold hits by text, not by
        place), for when it is opened again."""
        self._stopped.pop(uri, None)
        self._stopped_broken.discard(uri)
        state = self._states.pop(uri, None)
        if state is None:
            return
        self._closed[uri] = state
        self._closed.move_to_end(uri)
        while len(self._closed) > KEEP_CLOSED:
            self._closed.popitem(last=False)

    def findings(
        self,
        document: Document,
        settings: RuleSettings,
        changed: Sequence[tuple[int, int]] | None = None,
    ) -> list[Finding]:
        """The current rule findings of ``document``; ``changed``: the byte ranges an edit
        changed since the last call (None: look at everything). Empty once a query ran over
        its budget on the document."""
        grammar, tree = document.grammar, document.tree
        if grammar is None or tree is None:
            return []
        if document.uri in self._stopped:
            if not self._parses_again(document.uri, tree):
                return []
            changed = None
        complexity = self.ruleset.builtin and has_complexity(grammar)
        if self.ruleset.compiled(grammar) is None and not complexity:
            return []
        config = self.config(settings)
        state = self._states.get(document.uri)
        if state is None or state.config != config:
            state = self._states[document.uri] = self._new_state(document.uri, config)
            changed = None
        try:
            if changed is None or not self._update(document, state, changed):
                self._visit_all(document, state)
        except OverBudget as error:
            line = document.lines.line_of(min(error.offset, len(document.data)))
            broken = tree.root_node.has_error
            until = "it parses again" if broken else "the document is closed"
            log.warning("rules off until %s: %s (line %d)", until, error, line + 1)
            self._stopped[document.uri] = (error, line)
            if broken:
                self._stopped_broken.add(document.uri)
            del self._states[document.uri]
            return []
        return place_findings(
            document.lines,
            state.config,
            state.units.values(),
            state.gaps.values(),
            test_file=state.config.test_code != TEST_CODE_NORMAL and is_test_path(document.uri),
            built=is_build_output(document.uri, document.data, grammar),
            by_id=self.ruleset.by_id,
        )

    def _parses_again(self, uri: str, tree: Tree) -> bool:
        """Whether rules stopped by a syntax error's recovery may search the document again:
        it parses now. A document over budget without errors stays off until closed."""
        if uri not in self._stopped_broken or tree.root_node.has_error:
            return False
        log.info("rules back on: the document parses again")
        del self._stopped[uri]
        self._stopped_broken.discard(uri)
        return True

    def back_when_parsed(self, uri: str) -> bool:
        """Whether the stopped rules of a document come back once it parses again."""
        return uri in self._stopped_broken

    def stopped(self, uri: str) -> tuple[OverBudget, int] | None:
        """Why the rules of an open document are off, and the line (0-based) where their
        query stopped; None while they are on."""
        return self._stopped.get(uri)

    def _new_state(self, uri: str, config: RuleConfig) -> _State:
        """A document's state, with the caches it had when closed under the same rules."""
        state = _State(config)
        closed = self._closed.pop(uri, None)
        if closed is not None and closed.config == config:
            state.by_unit, state.by_gap, state.pieces = closed.by_unit, closed.by_gap, closed.pieces
        return state

    # -- which segments to look at ----------------------------------------------------------

    def _visit_all(self, document: Document, state: _State) -> None:
        """Look up every unit and all top-level code; keep only what the text still uses."""
        fresh_units: dict[UnitKey, tuple[Hit, ...]] = {}
        fresh_gaps: dict[bytes, tuple[Hit, ...]] = {}
        state.units, state.gaps = {}, {}
        units = segment_units(document)
        self._visit(
            document, state, 0, len(units), None, 0, len(document.data), fresh_units, fresh_gaps
        )
        state.by_unit, state.by_gap = fresh_units, fresh_gaps

    def _update(
        self, document: Document, state: _State, changed: Sequence[tuple[int, int]]
    ) -> bool:
        """Look again at the regions around ``changed`` only; False when that is not enough."""
        units, size = segment_units(document), len(document.data)
        regions: list[tuple[int, int]] = []
        for start, end in sorted(edit_region(units, a, b, size) for a, b in changed):
            if regions and start <= regions[-1][1]:
                regions[-1] = (regions[-1][0], max(regions[-1][1], end))
            else:
                regions.append((start, end))

        def inside(start: int, end: int) -> bool:
            return any(a <= start and end <= b for a, b in regions)

        for key, (unit, _) in list(state.units.items()):
            if not unit.alive:
                if not inside(unit.start_byte, unit.end_byte):
                    return False
                del state.units[key]
        for key, (anchor, _, _) in list(state.gaps.items()):
            if anchor is not None and not anchor.alive:
                if not inside(anchor.end_byte, anchor.end_byte):
                    return False
                del state.gaps[key]
        for start, end in regions:
            low = bisect_left(units, start, key=start_of)
            high = bisect_left(units, end, key=start_of)
            anchor = top_unit_at(units, start - 1) if start else None
            self._visit(document, state, low, high, anchor, start, end, state.by_unit, state.by_gap)
        return (
            len(state.by_unit) <= 2 * len(units) + 256 and len(state.by_gap) <= 2 * len(units) + 256
        )

    def _visit(
        self,
        document: Document,
        state: _State,
        low: int,
        high: int,
        anchor: Unit | None,
        start: int,
        end: int,
        by_unit: dict[UnitKey, tuple[Hit, ...]],
        by_gap: dict[bytes, tuple[Hit, ...]],
    ) -> None:
        """Place the hits of ``units[low:high]`` and of the top-level code between them, from
        ``start`` (where the code after ``anchor`` begins) to ``end``; found hits go to the
        ``by_unit`` and ``by_gap`` caches."""
        assert document.tree is not None
        assert document.grammar is not None
        root, data, grammar = document.tree.root_node, document.data, document.grammar
        units = segment_units(document)
        covered = start
        for index in range(low, high):
            unit = units[index]
            key = (unit.exact_hash, unit.qualified_name, unit.kind)
            if unit_has_error(root, unit.start_byte, unit.end_byte):
                hits = self._unit_hits(root, data, grammar, units, index, state.config)
            else:
                hits = by_unit.get(key) or state.by_unit.get(key)  # type: ignore[assignment]
                if hits is None:
                    hits = self._unit_hits(root, data, grammar, units, index, state.config)
                by_unit[key] = hits
            if hits:
                state.units[id(unit)] = (unit, hits)
            else:
                state.units.pop(id(unit), None)
            if unit.container is None:
                self._place_gap(document, state, anchor, covered, unit.start_byte, by_gap)
                anchor, covered = unit, max(covered, unit.end_byte)
        self._place_gap(document, state, anchor, covered, end, by_gap)

    def _place_gap(
        self,
        document: Document,
        state: _State,
        anchor: Unit | None,
        start: int,
        end: int,
        by_gap: dict[bytes, tuple[Hit, ...]],
    ) -> None:
        key = id(anchor) if anchor is not None else _FILE_START
        raw = document.data[start:end] if end > start else b""
        if not raw.strip():
            state.gaps.pop(key, None)
            return
        assert document.tree is not None
        if code_has_error(document.tree.root_node, start, end):
            hits = self._gap_hits(document, state, start, end)
        else:
            hits = by_gap.get(raw) or state.by_gap.get(raw)  # type: ignore[assignment]
            if hits is None:
                hits = self._gap_hits(document, state, start, end)
            by_gap[raw] = hits
        if hits:
            offset = start - (anchor.end_byte if anchor is not None else 0)
            state.gaps[key] = (anchor, offset, hits)
        else:
            state.gaps.pop(key, None)

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
        pieces = own_pieces(units, index, data)
        segment = (unit.start_byte, unit.end_byte)
        hits = run_rules(
            root, data, grammar, pieces, unit.start_byte, config, segment, self.ruleset
        )
        if COMPLEXITY.id in config.enabled and unit.kind in _FUNCTIONS and has_complexity(grammar):
            score = 1 + count_branches(root, grammar, pieces)
            if score > config.complexity_threshold:
                hits.append(_complexity_hit(unit, score, config.complexity_threshold))
        return tuple(hits)

    def _gap_hits(self, document: Document, state: _State, start: int, end: int) -> tuple[Hit, ...]:
        """Hits of the top-level code in ``[start, end)``, piece by piece (pieces cached)."""
        assert document.tree is not None
        assert document.grammar is not None
        root, data = document.tree.root_node, document.data
        if len(state.pieces) > MAX_PIECES:
            state.pieces = {}
        hits: list[Hit] = []
        for a, b in top_level_pieces(root, data, start, end, document.lines):
            raw = data[a:b]
            if not raw.strip():
                continue
            broken = code_has_error(root, a, b)
            found = None if broken else state.pieces.get(raw)
            if found is None:
                found = tuple(
                    run_rules(
                        root, data, document.grammar, [(a, b)], a, state.config, None, self.ruleset
                    )
                )
                if not broken:
                    state.pieces[raw] = found
            hits.extend(_moved(hit, a - start) for hit in found)
        return tuple(hits)


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
