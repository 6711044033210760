"""Every rule, in every language it declares: it fires exactly where its bad fixture says, it
stays silent on the look-alikes of its good fixture, and its fixes verify and remove the
finding."""

from __future__ import annotations

import pytest
from fixture_files import EXTENSIONS, Expected, column, expected, fixture_path

from peer_lsp.analysis.engine import Engine
from peer_lsp.findings.model import Finding
from peer_lsp.rules.catalog import RULES, Rule
from peer_lsp.settings.model import Settings
from peer_lsp.syntax.errors import error_nodes

ALL_RULES = Settings(enable_rules=("all",), min_confidence=0.0)
CASES = [
    pytest.param(rule, grammar, id=f"{rule.id}-{grammar}")
    for rule in RULES
    for grammar in rule.languages
]


def analyse(rule: Rule, grammar: str, text: str) -> list[Finding]:
    """The findings of ``rule`` on ``text`` parsed as ``grammar`` (which must parse cleanly)."""
    engine = Engine(ALL_RULES)
    document = engine.open(f"/fixture/x{EXTENSIONS[grammar]}", text, grammar)
    assert document.tree is not None
    errors = [(n.start_point, n.type) for n in error_nodes(document.tree.root_node)]
    assert not errors, f"the fixture does not parse as {grammar}: {errors}"
    return [f for f in engine.findings(document.uri) if f.rule_id == rule.id]


def where(finding: Finding, text: str) -> Expected:
    """Where a finding is, as a caret line would mark it (multi-line: to the end of its line)."""
    data = text.encode("utf-8")
    line_start = data.rfind(b"\n", 0, finding.span.start_byte) + 1
    line_end = data.find(b"\n", finding.span.start_byte)
    line = data[line_start : line_end if line_end >= 0 else len(data)].decode("utf-8")
    start = finding.span.start_byte - line_start
    end = min(finding.span.end_byte - line_start, len(line))
    return Expected(finding.span.start_line, column(line, start), column(line, end))


@pytest.mark.parametrize(("rule", "grammar"), CASES)
def test_fires_where_the_bad_fixture_says(rule: Rule, grammar: str) -> None:
    path = fixture_path(rule.id, "bad", grammar)
    assert path is not None, f"no bad fixture for {rule.id} in {grammar}"
    text = path.read_text(encoding="utf-8")
    wanted = expected(text)
    assert wanted, f"{path} marks no finding"
    found = analyse(rule, grammar, text)
    assert {where(f, text) for f in found} == wanted
    for finding in found:
        assert finding.source == f"rule:{rule.id}"
        assert finding.category is rule.category
        assert finding.confidence == rule.confidence
        assert finding.explanation == rule.explanation


@pytest.mark.parametrize(("rule", "grammar"), CASES)
def test_silent_on_the_good_fixture(rule: Rule, grammar: str) -> None:
    path = fixture_path(rule.id, "good", grammar)
    assert path is not None, f"no good fixture for {rule.id} in {grammar}"
    text = path.read_text(encoding="utf-8")
    assert analyse(rule, grammar, text) == []


FIXABLE = [case for case in CASES if case.values[0].fix is not None]  # type: ignore[union-attr]


@pytest.mark.parametrize(("rule", "grammar"), FIXABLE)
def test_fixes_verify_and_remove_the_finding(rule: Rule, grammar: str) -> None:
    path = fixture_path(rule.id, "bad", grammar)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    found = analyse(rule, grammar, text)
    fixed = [f for f in found if f.fix is not None]
    assert fixed, f"{rule.id} offers no fix on its bad fixture"
    for finding in fixed:
        assert finding.fix is not None
        assert finding.fix.verified
        data = text.encode("utf-8")
        for edit in sorted(finding.fix.edits, key=lambda e: -e.start_byte):
            data = data[: edit.start_byte] + edit.new_text.encode("utf-8") + data[edit.end_byte :]
        after = analyse(rule, grammar, data.decode("utf-8"))
        assert len(after) == len(found) - 1, f"{finding.fix.title} left the finding"
