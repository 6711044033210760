"""Every local rule, in one tuple: the declarations of each language's module.

The order here is the order of docs/rules.md and of `peer rules`: language by language,
then by id.
"""

from __future__ import annotations

import functools
import re

from peer_lsp.findings.model import Category
from peer_lsp.project import docs_url
from peer_lsp.rules.c_rules import RULES as C_RULES
from peer_lsp.rules.common_rules import RULES as COMMON_RULES
from peer_lsp.rules.go_rules import RULES as GO_RULES
from peer_lsp.rules.java_rules import RULES as JAVA_RULES
from peer_lsp.rules.js_rules import RULES as JS_RULES
from peer_lsp.rules.model import Rule
from peer_lsp.rules.python_rules import RULES as PYTHON_RULES


def _by_id(rules: tuple[Rule, ...]) -> list[Rule]:
    return sorted(rules, key=lambda rule: rule.id)


RULES: tuple[Rule, ...] = (
    *COMMON_RULES,
    *_by_id(PYTHON_RULES),
    *_by_id(JS_RULES),
    *_by_id(GO_RULES),
    *_by_id(JAVA_RULES),
    *_by_id(C_RULES),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
if len(BY_ID) != len(RULES):  # pragma: no cover - a programming error, caught by any test
    raise RuntimeError("two rules share an id")


def doc_url(rule_id: str) -> str:
    """The link to a rule's documentation (a diagnostic's codeDescription, SARIF helpUri)."""
    return docs_url("rules.md", rule_id)


CATEGORIES: tuple[str, ...] = tuple(
    c.value for c in Category if any(rule.category is c for rule in RULES)
)
"""The categories that have rules, usable as selectors in the settings."""


def get(rule_id: str) -> Rule | None:
    """The rule with this id (case-insensitive), or None."""
    return BY_ID.get(rule_id.lower())


@functools.cache
def rules_for(grammar: str) -> tuple[Rule, ...]:
    """The rules that run on documents of ``grammar``."""
    return tuple(rule for rule in RULES if grammar in rule.languages)


def is_selector(name: str) -> bool:
    """Whether ``name`` is a rule id, a category with rules, or ``all``; or may be the id of
    a project's or a plugin's rule (``project/no-print``, ``acme/no-sleep``), which are
    loaded after the settings are read."""
    key = name.lower()
    return key in BY_ID or key in CATEGORIES or key == "all" or _EXTRA_ID.fullmatch(key) is not None


_EXTRA_ID = re.compile(r"[a-z0-9][a-z0-9_-]*/[a-z0-9][\w.-]*")
