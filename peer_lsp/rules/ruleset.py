"""A set of rules the rule producer runs: the built-in catalog, or a project's and plugins'.

The built-in rules read their patterns from the package's query files and are compiled once
per process (`compiled_rules`). Rules from outside the package, a project's ``.peer/rules``
(`peer_lsp.rules.project_rules`) or an enabled plugin (`peer_lsp.rules.plugins`), are
`ExtraRule`\\ s: a `Rule` declaration with its patterns per grammar and where it came from.
A `RuleSet` of them compiles its own queries, per grammar, on first use; the set is replaced
as a whole when its files change, so its compiled queries never go stale.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field

from peer_lsp.rules.catalog import BY_ID, RULES
from peer_lsp.rules.compiled import CompiledRules, compile_rules, compiled_rules

if typing.TYPE_CHECKING:
    from collections.abc import Mapping

    from peer_lsp.rules.model import Rule

PROJECT_PREFIX = "project/"
"""The id prefix of a project's rules (``project/no-print``): never a built-in id."""


@dataclass(frozen=True, slots=True)
class ExtraRule:
    """A rule from outside the package: its declaration, its patterns for each grammar it
    runs on, and where it came from (a file path, or ``plugin <name>``)."""

    rule: Rule
    queries: Mapping[str, str]
    """The patterns for each grammar in ``rule.languages`` (unused by rules without a query)."""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """A rule that could not be loaded: the file (or plugin) at fault, the line when known
    (1-based), and why. The other rules of the folder or plugin still load."""

    origin: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.origin if self.line is None else f"{self.origin}:{self.line}"
        return f"{where}: {self.message}"


class RuleSet:
    """Rules with their compiled queries: what `RuleProducer` runs."""

    def __init__(self, rules: tuple[Rule, ...], by_id: Mapping[str, Rule]) -> None:
        self.rules = rules
        self.by_id = by_id

    @property
    def builtin(self) -> bool:
        """Whether these are the built-in rules (the complexity rule is theirs)."""
        return False

    def compiled(self, grammar: str) -> CompiledRules | None:
        """One query of the rules of ``grammar``; None when none runs on it."""
        raise NotImplementedError


class BuiltinRules(RuleSet):
    """The catalog: queries from the package, compiled once per process."""

    def __init__(self) -> None:
        super().__init__(RULES, BY_ID)

    @property
    def builtin(self) -> bool:
        return True

    def compiled(self, grammar: str) -> CompiledRules | None:
        return compiled_rules(grammar)


BUILTIN = BuiltinRules()


@dataclass(slots=True)
class _Compiled:
    by_grammar: dict[str, CompiledRules | None] = field(default_factory=dict)


class ExtraRules(RuleSet):
    """Rules from outside the package (already validated: each one's patterns compile)."""

    def __init__(self, extra: tuple[ExtraRule, ...] = ()) -> None:
        super().__init__(
            tuple(item.rule for item in extra), {item.rule.id: item.rule for item in extra}
        )
        self.extra = extra
        self._sources = {item.rule.id: item.queries for item in extra}
        self._compiled = _Compiled()

    def __bool__(self) -> bool:
        return bool(self.extra)

    def compiled(self, grammar: str) -> CompiledRules | None:
        cache = self._compiled.by_grammar
        if grammar not in cache:
            rules = [rule for rule in self.rules if grammar in rule.languages]
            cache[grammar] = compile_rules(
                grammar, rules, lambda rule: self._sources[rule.id].get(grammar)
            )
        return cache[grammar]

    def origin(self, rule_id: str) -> str | None:
        """Where the rule came from (its declaration file, or ``plugin <name>``)."""
        for item in self.extra:
            if item.rule.id == rule_id:
                return item.origin
        return None


NO_RULES = ExtraRules()
