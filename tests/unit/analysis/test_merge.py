"""Merging producers' findings: each fingerprint once, and one problem reported by several
producers (same category, same line, overlapping) shown once, as the local finding with the
strictest severity of the group: a CI gate must not move because a model agreed."""

from __future__ import annotations

import dataclasses

from peer_lsp.analysis.engine import merge
from peer_lsp.findings.model import Category, Finding, Fix, Severity, Span, TextEdit


def finding(
    fingerprint: str,
    start: int = 10,
    end: int = 20,
    *,
    category: Category = Category.BUG,
    confidence: float = 0.7,
    fix: bool | None = None,
    source: str = "model-a",
    severity: Severity = Severity.WARNING,
    explanation: str = "",
) -> Finding:
    """A finding; ``fix`` True gives a verified fix, False an unverified one."""
    return Finding(
        span=Span(start, end, 1, 1),
        severity=severity,
        category=category,
        rule_id=f"rule:{fingerprint}",
        message=f"message {fingerprint}",
        source=source,
        fingerprint=fingerprint,
        confidence=confidence,
        explanation=explanation,
        fix=None if fix is None else Fix(f"fix {fingerprint}", (TextEdit(start, end, "x"),), fix),
    )


def test_equal_fingerprints_are_one_finding() -> None:
    first = finding("same", confidence=0.6)
    merged = merge({"syntax": [first], "model": [finding("same", confidence=0.9)]})
    assert merged == [first]


def test_findings_come_in_document_order() -> None:
    late, early = finding("late", 30, 40), finding("early", 0, 5)
    assert merge({"a": [late], "b": [early]}) == [early, late]


def test_the_same_problem_from_two_producers_is_shown_once_most_confident_first() -> None:
    rule = finding("rule", confidence=1.0, source="rule:eval")
    model = finding("model", confidence=0.8)
    assert merge({"rules": [rule], "model": [model]}) == [rule]
    assert merge({"model": [model], "rules": [rule]}) == [rule]


def test_a_verified_fix_wins_a_tie_between_model_findings() -> None:
    plain = finding("plain", confidence=0.8, source="model-b")
    fixed = finding("fixed", confidence=0.8, fix=True)
    assert merge({"other": [plain], "model": [fixed]}) == [fixed]


def test_the_rule_finding_is_kept_with_the_model_fix_and_the_highest_confidence() -> None:
    plain = finding("plain", confidence=0.8, source="rule:x")
    fixed = finding("fixed", confidence=0.9, fix=True, explanation="why")
    (kept,) = merge({"rules": [plain], "model": [fixed]})
    assert (kept.fingerprint, kept.rule_id, kept.message, kept.source) == (
        "plain",
        "rule:plain",
        "message plain",
        "rule:x",
    )
    assert (kept.confidence, kept.fix, kept.explanation) == (0.9, fixed.fix, "why")


def test_the_strictest_severity_and_the_rule_id_survive_a_more_confident_model() -> None:
    """Issue 14.6: a rule error and a model warning on one line stayed a warning from the
    model (and its rule id), so ``--fail-on error`` passed only because a model agreed."""
    rule = finding("rule", confidence=0.7, source="rule:py-eval", severity=Severity.ERROR)
    model = finding("model", confidence=0.95, severity=Severity.WARNING)
    for order in ({"rules": [rule], "model": [model]}, {"model": [model], "rules": [rule]}):
        (kept,) = merge(order)
        assert (kept.severity, kept.rule_id, kept.fingerprint) == (
            Severity.ERROR,
            "rule:rule",
            "rule",
        )
        assert kept.confidence == 0.95


def test_a_stricter_model_raises_the_rule_finding() -> None:
    rule = finding("rule", confidence=0.9, source="rule:x", severity=Severity.INFO)
    model = finding("model", confidence=0.6, severity=Severity.ERROR)
    (kept,) = merge({"rules": [rule], "model": [model]})
    assert (kept.fingerprint, kept.severity, kept.confidence) == ("rule", Severity.ERROR, 0.9)


def test_the_most_confident_takes_the_verified_fix_of_a_less_confident_one() -> None:
    sure = finding("sure", confidence=0.95, source="rule:x")
    unsure = finding("unsure", confidence=0.6, fix=True)
    (kept,) = merge({"rules": [sure], "model": [unsure]})
    assert kept.fingerprint == "sure"
    assert kept.confidence == 0.95
    assert kept.fix == unsure.fix


def test_an_unverified_fix_is_not_taken_over() -> None:
    sure = finding("sure", confidence=0.95, source="rule:x")
    unsure = finding("unsure", confidence=0.6, fix=False)
    assert merge({"rules": [sure], "model": [unsure]}) == [sure]


def test_a_different_category_or_place_is_a_different_problem() -> None:
    bug = finding("bug")
    style = finding("style", category=Category.STYLE, source="rule:x")
    apart = finding("apart", 20, 30, source="rule:y")
    assert merge({"model": [bug], "rules": [style, apart]}) == [bug, style, apart]


def test_overlapping_spans_on_one_line_are_one_problem() -> None:
    statement = finding("statement", 10, 30, confidence=0.8)  # return eval(value)
    call = finding("call", 17, 28, confidence=0.9, source="rule:eval")  # eval(value)
    assert merge({"model": [statement], "rules": [call]}) == [call]
    elsewhere = dataclasses.replace(call, span=Span(17, 28, 2, 2), fingerprint="elsewhere")
    assert merge({"model": [statement], "rules": [elsewhere]}) == [statement, elsewhere]


def test_one_producer_may_report_two_problems_on_one_span() -> None:
    one, two = finding("one", confidence=0.9), finding("two", confidence=0.6)
    assert merge({"model": [one, two]}) == [one, two]


def test_each_finding_of_a_producer_absorbs_at_most_one_of_another() -> None:
    one, two = finding("one", confidence=0.9), finding("two", confidence=0.6)
    rule = finding("rule", confidence=1.0, source="rule:x")
    merged = merge({"model": [one, two], "rules": [rule]})
    assert [f.fingerprint for f in merged] == ["rule", "two"]


def test_three_producers_collapse_into_one() -> None:
    a = finding("a", confidence=0.6, source="syntax")
    b = finding("b", confidence=0.7, fix=True)
    c = finding("c", confidence=0.9, source="rule:x")
    (kept,) = merge({"syntax": [a], "model": [b], "rules": [c]})
    assert kept.fingerprint == "c"
    assert kept.fix == b.fix


def test_equal_fingerprints_of_one_producer_at_two_places_are_both_kept() -> None:
    """A fingerprint is an identity for dismissing and de-duplicating, never a reason to lose
    a finding: one producer reporting at two places made two findings."""
    here, there = finding("same", 10, 20), finding("same", 40, 50)
    assert merge({"syntax": [here, there]}) == [here, there]
    assert merge({"syntax": [here, there], "model": [finding("same", 10, 20)]}) == [here, there]


def _on_line(found: Finding, line: int) -> Finding:
    span = dataclasses.replace(found.span, start_line=line, end_line=line)
    return dataclasses.replace(found, span=span)


def test_a_model_fix_that_rewrites_a_rules_code_is_that_rules_problem() -> None:
    """SQL built on one line and executed on the next: the model quotes the first, the rule
    flags the second, and the model's verified fix rewrites both lines: one problem."""
    rule = _on_line(
        finding("sql", 40, 60, category=Category.SECURITY, source="rule:sql", confidence=0.8),
        3,
    )
    built = TextEdit(10, 60, "query = 'SELECT ?'\n    execute(query, (name,))")
    model = dataclasses.replace(
        _on_line(finding("injection", 10, 30, category=Category.SECURITY, confidence=0.9), 2),
        fix=Fix("Fix: use parameters", (built,), verified=True),
    )
    (shown,) = merge({"rules": [rule], "model": [model]})
    assert (shown.rule_id, shown.span, shown.fingerprint) == (rule.rule_id, rule.span, "sql")
    assert shown.fix == model.fix
    assert shown.confidence == 0.9


def test_a_fix_elsewhere_or_unverified_or_of_another_category_joins_nothing() -> None:
    rule = _on_line(finding("sql", 40, 60, category=Category.SECURITY, source="rule:sql"), 3)
    elsewhere = TextEdit(10, 30, "query = 'SELECT ?'")
    model = _on_line(finding("injection", 10, 30, category=Category.SECURITY), 2)
    cases = [
        dataclasses.replace(model, fix=Fix("f", (elsewhere,), verified=True)),
        dataclasses.replace(model, fix=Fix("f", (TextEdit(10, 60, "x"),), verified=False)),
        dataclasses.replace(
            model, category=Category.BUG, fix=Fix("f", (TextEdit(10, 60, "x"),), verified=True)
        ),
    ]
    for other in cases:
        assert len(merge({"rules": [rule], "model": [other]})) == 2, other
