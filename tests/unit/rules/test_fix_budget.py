"""Verifying a rule's fix parses its segment again, so one run verifies fixes only up to
`FIX_VERIFY_BYTES` of segments: a huge function full of fixable findings keeps every
finding, and only the first ones get a quick fix (without the budget, minutes of parsing)."""

from __future__ import annotations

from peer_lsp.analysis.engine import Engine
from peer_lsp.rules.fixes import FIX_VERIFY_BYTES, FixBudget

COMPARISONS = 3_000


def test_a_function_full_of_fixable_findings_keeps_them_all_and_verifies_a_budget() -> None:
    body = "".join(f"    if a{i} == None:\n        pass\n" for i in range(COMPARISONS))
    source = f"def check({', '.join(f'a{i}' for i in range(5))}):\n{body}"
    uri = "file:///huge.py"
    engine = Engine()
    engine.open(uri, source, "python", 1)

    found = [f for f in engine.findings(uri) if f.rule_id == "py-none-comparison"]
    fixed = [f for f in found if f.fix is not None]

    assert len(found) == COMPARISONS
    segment = len(source.encode())
    assert len(fixed) == FIX_VERIFY_BYTES // segment  # far fewer than the findings
    assert 0 < len(fixed) < COMPARISONS


def test_a_small_function_has_every_fix_verified() -> None:
    source = "def check(a, b):\n    if a == None:\n        return b != None\n"
    engine = Engine()
    engine.open("file:///small.py", source, "python", 1)

    found = [f for f in engine.findings("file:///small.py") if f.rule_id == "py-none-comparison"]

    assert len(found) == 2
    assert all(f.fix is not None for f in found)


def test_the_budget_refuses_what_does_not_fit() -> None:
    budget = FixBudget(100)
    assert budget.spend(60)
    assert not budget.spend(60)
    assert budget.spend(40)
    assert not budget.spend(1)
    assert budget.refused == 2
