"""Queries run only where the tree is affordable, and say so when it is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from tree_sitter import Query, QueryCursor

from peer_lsp.rules.compiled import compiled_rules
from peer_lsp.syntax.budget import MATCH_LIMIT, MAX_DEPTH, MAX_RUN, BudgetedCursor, OverBudget
from peer_lsp.syntax.languages import get_language, new_parser
from peer_lsp.syntax.unit_extract import units_query

REPO = Path(__file__).resolve().parents[3]


def test_a_tree_nested_deeper_than_the_bound_is_not_searched() -> None:
    nesting = MAX_DEPTH // 2 + 10  # an object and a pair per level
    source = ("let x = " + "{a:" * nesting + "1" + "}" * nesting + ";\n").encode()
    root = new_parser("javascript").parse(source).root_node
    query = units_query("javascript")
    assert query is not None

    with pytest.raises(OverBudget) as raised:
        BudgetedCursor(query, "javascript units").matches(root)

    assert raised.value.query == "javascript units"
    assert "nested deeper" in raised.value.reason
    assert source.index(b"{") < raised.value.offset < source.index(b"}")


def test_a_long_run_of_unclosed_brackets_is_not_searched() -> None:
    source = b"x = " + b"(" * (MAX_RUN + 1) + b"\n"
    root = new_parser("python").parse(source).root_node
    compiled = compiled_rules("python")
    assert compiled is not None

    with pytest.raises(OverBudget) as raised:
        BudgetedCursor(compiled.query, "python rules").captures(root)

    assert "unmatched tokens" in raised.value.reason
    assert raised.value.offset <= source.index(b"(")  # the run may start at the `=`


def test_a_query_with_too_many_matches_in_progress_is_over_budget() -> None:
    # Each pattern waits, at every `+` of a left-nested chain, for the operator that comes
    # after its whole left side: one match in progress per pattern and level.
    terms = MATCH_LIMIT // 3 + 100
    source = ("x = " + "1+" * terms + "1;\n").encode()
    root = new_parser("javascript").parse(source).root_node
    patterns = [f'(binary_expression left: (_) operator: "{op}") @b' for op in ("-", "*", "/")]
    query = Query(get_language("javascript"), "\n".join(patterns))

    with pytest.raises(OverBudget) as raised:
        BudgetedCursor(query, "chain").matches(root)

    assert "in progress" in raised.value.reason


@pytest.mark.parametrize(
    ("grammar", "path"),
    [("python", "peer_lsp/rules/placement.py"), ("python", "tests/unit/rules/test_producer.py")],
)
def test_real_code_is_searched_as_without_a_budget(grammar: str, path: str) -> None:
    root = new_parser(grammar).parse((REPO / path).read_bytes()).root_node
    compiled = compiled_rules(grammar)
    assert compiled is not None

    for query in (compiled.query, units_query(grammar)):
        assert query is not None
        plain = QueryCursor(query).matches(root)
        budgeted = BudgetedCursor(query, grammar).matches(root)
        assert [(i, sorted(c)) for i, c in budgeted] == [(i, sorted(c)) for i, c in plain]
        assert len(budgeted) > 0
