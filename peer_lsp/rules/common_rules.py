"""Rules that are not tied to one language: cyclomatic complexity."""

from __future__ import annotations

from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.model import Rule

COMPLEXITY = Rule(
    id="complexity",
    languages=("python", "javascript", "typescript", "tsx", "go", "java", "c", "cpp"),
    category=Category.MAINTAINABILITY,
    severity=Severity.INFO,
    confidence=0.9,
    title="Function too complex",
    message="This function has too many paths through it: split it into smaller functions",
    explanation=(
        "The cyclomatic complexity of a function counts the independent paths through it: 1,"
        " plus one for each `if`/`elif`, loop, `case`, `catch`/`except`, conditional"
        " expression and `&&`/`||` (`and`/`or`). Functions nested inside are counted on their"
        " own. Above the `complexityThreshold` setting (default 15) a function is hard to"
        " read, to test (it needs at least that many test cases to cover every path) and to"
        " change safely.\n\n"
        "**Fix:** extract the branches into well-named helper functions, replace chains of"
        " conditions by a lookup table or polymorphism, and return early instead of nesting."
        "\n\nReference: T. J. McCabe, *A Complexity Measure* (1976)."
    ),
    uses_query=False,
)

RULES = (COMPLEXITY,)
