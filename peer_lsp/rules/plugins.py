"""Rules from installed packages: the ``peer_lsp.rules`` entry-point group.

A package adds rules by declaring an entry point in that group whose object is a callable
returning `ExtraRule`\\ s (a `Rule` declaration, and its patterns per grammar)::

    [project.entry-points."peer_lsp.rules"]
    acme = "acme_peer:rules"

    # acme_peer.py
    def rules():
        return [ExtraRule(Rule(id="no-sleep", languages=("python",), ...),
                          {"python": '(call function: (identifier) @f (#eq? @f "sleep")) @report'})]

The rules' ids get the entry point's name as a prefix (``acme/no-sleep``). A plugin is code:
it is imported only when the user's own settings name it in ``plugins`` (the editor's
settings or the file `peer check --config` names; a project file may not, decision 0015).
An installed plugin that is not enabled is listed by `peer rules` as installed, not enabled.

A plugin that fails to import, raises, or returns something that is not a rule (or whose
patterns do not compile) is a `RuleProblem` naming it; the other plugins load.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import typing
from dataclasses import dataclass
from importlib import metadata

from peer_lsp.rules.catalog import BY_ID
from peer_lsp.rules.compiled import RuleQueryError, compile_rules
from peer_lsp.rules.model import Rule
from peer_lsp.rules.ruleset import PROJECT_PREFIX, ExtraRule, RuleProblem
from peer_lsp.syntax.languages import known_grammars

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

log = logging.getLogger(__name__)

GROUP = "peer_lsp.rules"
"""The entry-point group of rule plugins."""

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


@dataclass(frozen=True, slots=True)
class Installed:
    """An installed plugin: its entry point's name, what it points at, its distribution."""

    name: str
    value: str
    distribution: str


def installed() -> list[Installed]:
    """Every entry point of the group, by name (reading metadata only: nothing is imported)."""
    found = []
    for point in metadata.entry_points(group=GROUP):
        dist = point.dist.name if point.dist is not None else "?"
        found.append(Installed(point.name, point.value, dist))
    return sorted(found, key=lambda item: item.name)


@dataclass(frozen=True, slots=True)
class LoadedPlugins:
    """The rules of the enabled plugins, and the problems of those that failed."""

    rules: tuple[ExtraRule, ...] = ()
    problems: tuple[RuleProblem, ...] = ()


def load_plugins(enabled: Sequence[str]) -> LoadedPlugins:
    """Import the plugins named in ``enabled`` (the user's ``plugins`` setting) and collect
    their rules; a plugin named but not installed is a problem too."""
    return _load(tuple(sorted({name.lower() for name in enabled})))


@functools.cache
def _load(enabled: tuple[str, ...]) -> LoadedPlugins:
    if not enabled:
        return LoadedPlugins()
    points = {point.name.lower(): point for point in metadata.entry_points(group=GROUP)}
    rules: list[ExtraRule] = []
    problems: list[RuleProblem] = []
    taken = set(BY_ID)
    for name in enabled:
        origin = f"plugin {name}"
        point = points.get(name)
        if point is None:
            known = ", ".join(sorted(points)) or "none"
            problems.append(RuleProblem(origin, f"not installed (installed plugins: {known})"))
            continue
        if not _NAME.fullmatch(name) or f"{name}/" == PROJECT_PREFIX:
            problems.append(RuleProblem(origin, "a plugin's name must be a-z 0-9 _ -, not project"))
            continue
        try:
            made = list(point.load()())
        except Exception as error:  # a plugin's bug must not stop the others
            log.debug("plugin %s failed", name, exc_info=True)  # the problem says why
            problems.append(RuleProblem(origin, f"failed: {type(error).__name__}: {error}"))
            continue
        for index, item in enumerate(made):
            try:
                extra = _checked(name, item, origin)
            except ValueError as error:
                problems.append(RuleProblem(origin, f"rule {index + 1}: {error}"))
                continue
            if extra.rule.id in taken:
                problems.append(RuleProblem(origin, f"{extra.rule.id}: declared twice"))
                continue
            taken.add(extra.rule.id)
            rules.append(extra)
    return LoadedPlugins(tuple(rules), tuple(problems))


def _checked(name: str, item: object, origin: str) -> ExtraRule:
    """``item`` as one of the plugin's rules, its id prefixed; raises ValueError saying why
    it is not one."""
    if not isinstance(item, ExtraRule) or not isinstance(item.rule, Rule):
        raise ValueError(f"not an ExtraRule: {type(item).__name__}")
    rule = item.rule
    if not rule.id or "/" in rule.id:
        raise ValueError(f"{rule.id!r}: an id is non-empty and has no '/'")
    rule = dataclasses.replace(rule, id=f"{name}/{rule.id}")
    unknown = [grammar for grammar in rule.languages if grammar not in known_grammars()]
    if unknown or not rule.languages:
        raise ValueError(f"{rule.id}: unknown languages {unknown or '(none)'}")
    queries = dict(item.queries)
    if rule.uses_query:
        for grammar in rule.languages:
            source = queries.get(grammar)
            if source is None:
                raise ValueError(f"{rule.id}: no query for {grammar}")
            try:
                compile_rules(grammar, [rule], lambda _: source)  # noqa: B023 - used at once
            except RuleQueryError as error:
                raise ValueError(str(error)) from None
    return ExtraRule(rule, queries, origin)
