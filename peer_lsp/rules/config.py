"""Which rules run, and how loud: the settings ``disableRules``, ``enableRules``,
``ruleSeverity``, ``complexityThreshold`` and ``testCode`` resolved against the catalog.

A selector is a rule id (``py-eval``), a category (``security``, ``bug``, ``performance``,
``maintainability``) or ``all``. A rule runs when its id is in ``enableRules``; else not when
its id is in ``disableRules``; else not when its category (or ``all``) is in ``disableRules``;
else when its category (or ``all``) is in ``enableRules``; else by its own default. An id
always beats a category, so ``disableRules = ["maintainability"]`` with ``enableRules =
["complexity"]`` keeps only complexity of that category. ``ruleSeverity`` maps selectors to
severities the same way (an id beats a category).

``minConfidence`` does not choose rules: an enabled rule runs whatever the threshold, and the
threshold only hides its findings when they are shown (`peer_lsp.analysis.engine`). A rule
that stopped running when the threshold rose would stop being evidence for the model
findings it agrees with (`peer_lsp.rules.evidence`), and their confidence would then follow
a display setting.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field

from peer_lsp.findings.model import Severity
from peer_lsp.rules.catalog import RULES
from peer_lsp.rules.model import Rule

if typing.TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence


class RuleSettings(typing.Protocol):
    """The settings that choose the rules (`peer_lsp.settings.model.Settings` has them)."""

    @property
    def enable_rules(self) -> Sequence[str]: ...
    @property
    def disable_rules(self) -> Sequence[str]: ...
    @property
    def rule_severity(self) -> Mapping[str, str]: ...
    @property
    def complexity_threshold(self) -> int: ...
    @property
    def test_code(self) -> str: ...


ALL = "all"

TEST_CODE_HINT = "hint"
"""``testCode``: rule findings in test files are hints, and hard-coded secrets are dropped."""
TEST_CODE_NORMAL = "normal"
"""``testCode``: test files are checked like any other file."""
TEST_CODE_OFF = "off"
"""``testCode``: no rule findings in test files."""


def is_enabled(rule: Rule, enable: Collection[str], disable: Collection[str]) -> bool:
    """Whether ``rule`` runs under these selectors (lower-case); see the module docstring."""
    if rule.id in enable:
        return True
    if rule.id in disable:
        return False
    if rule.category.value in disable or ALL in disable:
        return False
    if rule.category.value in enable or ALL in enable:
        return True
    return rule.enabled


def severity_of(rule: Rule, overrides: Mapping[str, str]) -> Severity:
    """The rule's severity after ``ruleSeverity``: its id, else its category, else ``all``."""
    for key in (rule.id, rule.category.value, ALL):
        if key in overrides:
            return Severity.parse(overrides[key])
    return rule.severity


@dataclass(frozen=True, slots=True)
class RuleConfig:
    """The rules that run and the severity each is shown at, for one set of settings."""

    enabled: frozenset[str]
    severities: dict[str, Severity] = field(default_factory=dict)
    complexity_threshold: int = 15
    test_code: str = TEST_CODE_HINT
    """What becomes of findings in test files (`peer_lsp.rules.test_paths`): hint, normal, off."""

    @classmethod
    def from_settings(cls, settings: RuleSettings, rules: Iterable[Rule] = RULES) -> RuleConfig:
        enable = {name.lower() for name in settings.enable_rules}
        disable = {name.lower() for name in settings.disable_rules}
        overrides = {key.lower(): value for key, value in settings.rule_severity.items()}
        chosen = [rule for rule in rules if is_enabled(rule, enable, disable)]
        return cls(
            frozenset(rule.id for rule in chosen),
            {rule.id: severity_of(rule, overrides) for rule in chosen},
            settings.complexity_threshold,
            settings.test_code,
        )

    def severity(self, rule: Rule) -> Severity:
        return self.severities.get(rule.id, rule.severity)
