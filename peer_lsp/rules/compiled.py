"""The rules of one grammar as one compiled query, built on first use and kept.

Every rule's patterns for a grammar are joined into a single query, so a range of a document
is walked once whatever the number of rules; each pattern remembers the rule it came from.
Compiling is the expensive step (milliseconds per grammar), so it happens once per grammar
per process, when the first document of that grammar is analysed.

The custom predicates of `peer_lsp.rules.predicates` (``(#not-literal? @arg)``) are blanked
out of the text tree-sitter compiles (same length, so every offset stays) and kept per
pattern, for the runner to check on each match.
"""

from __future__ import annotations

import functools
import re
import typing
from bisect import bisect_right
from dataclasses import dataclass

from peer_lsp.rules.catalog import rules_for
from peer_lsp.rules.model import REPORT
from peer_lsp.rules.predicates import CUSTOM_PREDICATES
from peer_lsp.rules.queries import rule_source
from peer_lsp.syntax.languages import get_language

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from tree_sitter import Query

    from peer_lsp.rules.model import Rule

_BUILTIN_PREDICATES = frozenset(
    {"eq?", "not-eq?", "any-eq?", "any-not-eq?", "match?", "not-match?", "any-match?"}
    | {"any-not-match?", "any-of?", "not-any-of?", "is?", "is-not?", "set!"}
)
_PREDICATE = re.compile(r"\(#([\w?!-]+)")
_CUSTOM = re.compile(r"\(#([\w-]+\?)\s+@([\w.]+)\s*\)")


class RuleQueryError(ValueError):
    """A rule's patterns do not compile for a grammar it declares (a bug in the rule)."""


Check = tuple[str, str]
"""A custom predicate left to check on a match: its name and the capture it tests."""


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """One grammar's query and, for each pattern index, the rule that owns it and the custom
    predicates its matches must pass."""

    grammar: str
    query: Query
    owners: tuple[Rule, ...]
    checks: tuple[tuple[Check, ...], ...]


def _blank_custom(source: str) -> tuple[str, list[tuple[int, str, str]]]:
    """``source`` with custom predicates replaced by spaces, and (offset, name, capture) of
    each one removed."""
    found: list[tuple[int, str, str]] = []

    def blank(match: re.Match[str]) -> str:
        if match.group(1) not in CUSTOM_PREDICATES:
            return match.group(0)
        found.append((match.start(), match.group(1), match.group(2)))
        return " " * len(match.group(0))

    return _CUSTOM.sub(blank, source), found


def _check_source(rule: Rule, grammar: str, source: str) -> None:
    for name in _PREDICATE.findall(source):
        if name not in _BUILTIN_PREDICATES and name not in CUSTOM_PREDICATES:
            raise RuleQueryError(f"{rule.id} ({grammar}): unknown predicate #{name}")
    if f"@{REPORT}" not in source:
        raise RuleQueryError(f"{rule.id} ({grammar}): no @{REPORT} capture")


def _compile(grammar: str, rule: Rule, source: str) -> Query:
    from tree_sitter import Query

    try:
        return Query(get_language(grammar), source)
    except Exception as error:  # tree-sitter raises QueryError and friends
        raise RuleQueryError(f"{rule.id} ({grammar}): {error}") from None


@functools.cache
def compiled_rules(grammar: str) -> CompiledRules | None:
    """The compiled query of every built-in query rule of ``grammar``; None when it has none."""

    def source_of(rule: Rule) -> str | None:
        return rule_source(grammar, rule.id)

    return compile_rules(grammar, rules_for(grammar), source_of)


def compile_rules(
    grammar: str, candidates: Iterable[Rule], source_of: Callable[[Rule], str | None]
) -> CompiledRules | None:
    """One query of the patterns ``source_of`` gives for each query rule of ``candidates`` (the
    built-in rules' package files, or a project's or a plugin's); None when there are none.
    Raises `RuleQueryError` naming the rule whose patterns are at fault."""
    from tree_sitter import Query

    rules = [rule for rule in candidates if rule.uses_query]
    chunks: list[str] = []
    starts: list[int] = []
    offset = 0
    for rule in rules:
        source = source_of(rule)
        if source is None:
            raise RuleQueryError(f"{rule.id}: no queries/{grammar}/{rule.id}.scm")
        _check_source(rule, grammar, source)
        starts.append(offset)
        chunk = source if source.endswith("\n") else source + "\n"
        chunks.append(chunk)
        offset += len(chunk.encode("utf-8"))
    if not rules:
        return None
    joined, custom = _blank_custom("".join(chunks))
    if not joined.isascii():
        raise RuleQueryError(f"{grammar}: rule queries must be ASCII (offsets are bytes)")
    try:
        query = Query(get_language(grammar), joined)
    except Exception:
        for rule, chunk in zip(rules, chunks, strict=True):
            _compile(grammar, rule, _blank_custom(chunk)[0])  # raises naming the rule at fault
        raise
    owners = tuple(
        rules[bisect_right(starts, query.start_byte_for_pattern(index)) - 1]
        for index in range(query.pattern_count)
    )
    checks = tuple(
        tuple(
            (name, capture)
            for offset, name, capture in custom
            if query.start_byte_for_pattern(index) <= offset < query.end_byte_for_pattern(index)
        )
        for index in range(query.pattern_count)
    )
    return CompiledRules(grammar, query, owners, checks)
