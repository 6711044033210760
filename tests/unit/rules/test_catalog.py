"""The declarations: well-formed, documented, compiled for every grammar they name; the
generated docs/rules.md is current; settings accept rule ids and categories."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peer_lsp.findings.model import Category
from peer_lsp.rules import docs
from peer_lsp.rules.catalog import BY_ID, RULES, doc_url, is_selector, rules_for
from peer_lsp.rules.compiled import compiled_rules
from peer_lsp.rules.complexity import complexity_query
from peer_lsp.rules.model import Rule
from peer_lsp.settings.options import resolve

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("python", "javascript", "typescript", "tsx", "go", "java", "c", "cpp")


def test_at_least_thirty_rules_across_five_language_families() -> None:
    assert len(RULES) >= 30
    for language in ("python", "javascript", "go", "java", "c"):
        assert len([r for r in RULES if language in r.languages]) >= 5


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_declaration_is_complete(rule: Rule) -> None:
    declared = BY_ID[rule.id]
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", declared.id)
    assert declared.languages
    assert set(declared.languages) <= set(LANGUAGES)
    assert declared.category in (
        Category.SECURITY,
        Category.BUG,
        Category.PERFORMANCE,
        Category.MAINTAINABILITY,
    )
    assert 0.5 <= declared.confidence <= 1.0
    assert declared.title
    assert declared.message
    assert "**Fix:**" in declared.explanation, "say how to fix it"
    assert declared.references or "Reference" in declared.explanation
    if declared.category is Category.SECURITY:
        assert declared.cwe, "security rules name their CWE"


@pytest.mark.parametrize("grammar", LANGUAGES)
def test_every_grammar_compiles_its_rules(grammar: str) -> None:
    compiled = compiled_rules(grammar)
    assert compiled is not None
    owners = {rule.id for rule in compiled.owners}
    assert owners == {rule.id for rule in rules_for(grammar) if rule.uses_query}
    assert complexity_query(grammar) is not None


def test_docs_rules_md_is_current() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert text == docs.render(), "regenerate it: python -m peer_lsp.rules.docs --write"


def test_every_rule_has_a_section_to_link_to() -> None:
    text = docs.render()
    for rule in RULES:
        assert f"\n### {rule.id}\n" in text
        assert doc_url(rule.id).endswith(f"/docs/rules.md#{rule.id}")


def test_selectors_are_ids_categories_or_all() -> None:
    assert is_selector("py-eval")
    assert is_selector("PY-EVAL")
    assert is_selector("security")
    assert is_selector("all")
    assert not is_selector("py-nope")
    assert not is_selector("style")  # no rule has it


def test_settings_reject_unknown_rules_and_severities() -> None:
    settings, problems = resolve(
        {
            "disableRules": ["maintainability", "py-eval"],
            "enableRules": "complexity",
            "ruleSeverity": {"security": "error", "PY-EVAL": "Hint"},
            "complexityThreshold": 20,
        }
    )
    assert problems == []
    assert settings.disable_rules == ("maintainability", "py-eval")
    assert settings.enable_rules == ("complexity",)
    assert settings.rule_severity == {"security": "error", "py-eval": "hint"}
    assert settings.complexity_threshold == 20
    _, problems = resolve(
        {"disableRules": ["py-evil"], "ruleSeverity": {"py-eval": "loud"}, "enableRules": [3]}
    )
    assert [p.key for p in problems] == ["disableRules", "ruleSeverity", "enableRules"]
    assert "peer rules" in problems[0].message


def test_custom_predicates_are_checked_in_python_not_by_tree_sitter() -> None:
    """py-tree-sitter leaks memory on every predicate callback, so none reaches it."""
    compiled = compiled_rules("python")
    assert compiled is not None
    checks = {
        (rule.id, check)
        for rule, found in zip(compiled.owners, compiled.checks, strict=True)
        for check in found
    }
    assert ("py-eval", ("not-literal?", "code")) in checks
    assert ("py-sql-format", ("sql?", "report")) in checks
    assert all(name.endswith("?") for _, (name, _) in checks)
