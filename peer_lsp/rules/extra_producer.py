"""Findings of a project's rules and of the enabled plugins: the engine's ``project`` producer.

Each project root (the server's workspace folders, the root `peer check` checks) has its own
rules, from its ``.peer/rules`` folder (`peer_lsp.rules.project_rules`), plus the rules of
the plugins the user enabled (`peer_lsp.rules.plugins`); a document is checked with the rules
of the deepest root it is under, and a document under no root with the plugins' alone. Each
set runs in a `RuleProducer` of its own, so these rules get the same segment caching as the
built-in ones, and `reload` replaces a set as a whole (its queries compiled afresh).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from peer_lsp.rules.plugins import load_plugins
from peer_lsp.rules.producer import RuleProducer
from peer_lsp.rules.project_rules import load_project_rules
from peer_lsp.rules.ruleset import NO_RULES, ExtraRules

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.rules.config import RuleSettings
    from peer_lsp.rules.ruleset import RuleProblem


@dataclass(frozen=True, slots=True)
class LoadedExtra:
    """The rules of one root (its project's and the plugins'), and what failed to load."""

    root: Path | None
    rules: ExtraRules
    problems: tuple[RuleProblem, ...]


def load_extra(root: Path | None, plugins: Sequence[str]) -> LoadedExtra:
    """The rules for documents under ``root`` (None: the plugins' only)."""
    loaded = load_plugins(plugins)
    extra, problems = list(loaded.rules), list(loaded.problems)
    if root is not None:
        project = load_project_rules(root)
        extra[:0] = project.rules
        problems[:0] = project.problems
    return LoadedExtra(root, ExtraRules(tuple(extra)) if extra else NO_RULES, tuple(problems))


def file_path(uri: str) -> Path | None:
    """The local file a ``file:`` URI (or a plain path) names; None for other schemes."""
    parts = urlparse(uri)
    if parts.scheme == "file":
        return Path(url2pathname(parts.path))
    return Path(uri) if uri and not parts.scheme else None


class ExtraRuleProducer:
    """Project and plugin rule findings per open document, by the root each is under."""

    def __init__(self) -> None:
        self._roots: list[tuple[Path, RuleProducer]] = []
        """Deepest root first, so that the first root a document is under is its own."""
        self._outside: RuleProducer | None = None

    def configure(self, loaded: Iterable[LoadedExtra]) -> None:
        """Use these rules from now on (replacing every set; the caller analyses again)."""
        roots: list[tuple[Path, RuleProducer]] = []
        self._outside = None
        for item in loaded:
            producer = RuleProducer(item.rules) if item.rules else None
            if item.root is None:
                self._outside = producer
            elif producer is not None:
                roots.append((Path(item.root).absolute(), producer))
        self._roots = sorted(roots, key=lambda pair: len(pair[0].parts), reverse=True)

    def __bool__(self) -> bool:
        return bool(self._roots) or self._outside is not None

    def _producer(self, uri: str) -> RuleProducer | None:
        path = file_path(uri)
        if path is not None:
            path = path.absolute()
            for root, producer in self._roots:
                if path.is_relative_to(root):
                    return producer
        return self._outside

    def findings(
        self,
        document: Document,
        settings: RuleSettings,
        changed: Sequence[tuple[int, int]] | None = None,
    ) -> list[Finding]:
        """The findings of the rules ``document``'s root has (none without rules)."""
        producer = self._producer(document.uri)
        return [] if producer is None else producer.findings(document, settings, changed)

    def forget(self, uri: str) -> None:
        for _, producer in self._roots:
            producer.forget(uri)
        if self._outside is not None:
            self._outside.forget(uri)
