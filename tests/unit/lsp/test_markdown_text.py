"""Model text in Markdown: escaped where Markdown would read it as markup (issue 17: Neovim
showed the hover's ``words[1]`` as ``words1``), code spans and fenced blocks left alone; the
explanation document and the one-line health message built from it."""

from __future__ import annotations

import pytest

from peer_lsp.findings.model import Category, Finding, Fix, Severity, Span, TextEdit
from peer_lsp.lsp.code_actions import hover_text
from peer_lsp.lsp.explain import explanation_file, explanation_markdown
from peer_lsp.lsp.review_commands import health_message
from peer_lsp.text.markdown import code_block, code_span, escape


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("words[1] is the second word", r"words\[1\] is the second word"),
        ("a_b * c_d", r"a\_b \* c\_d"),
        ("<script>&amp;", r"\<script\>\&amp;"),
        ("x | y ~~z~~ ![img](u) $x$", r"x \| y \~\~z\~\~ \!\[img\](u) \$x\$"),
        (
            "# not a heading\n- not a list\n2. nor this\n> nor a quote",
            "\\# not a heading\n\\- not a list\n2\\. nor this\n\\> nor a quote",
        ),
        ("a \\ b", r"a \\ b"),
        ("plain words, 3 - 2 = 1.", "plain words, 3 - 2 = 1."),
    ],
)
def test_markup_is_escaped(text: str, escaped: str) -> None:
    assert escape(text) == escaped


def test_code_spans_and_fenced_blocks_stay_code() -> None:
    assert escape("use `words[0]` not words[1]") == r"use `words[0]` not words\[1\]"
    assert escape("``a ` b[1]`` and *c*") == r"``a ` b[1]`` and \*c\*"
    assert escape("an unclosed ` tick[1]") == r"an unclosed \` tick\[1\]"
    fenced = "before[1]\n```python\nx = y[1] * 2\n```\nafter[2]\n"
    assert escape(fenced) == "before\\[1\\]\n```python\nx = y[1] * 2\n```\nafter\\[2\\]\n"
    unclosed = "see:\n~~~\nz[1]\n"
    assert escape(unclosed) == unclosed


def test_code_spans_and_blocks_are_fenced_past_their_backticks() -> None:
    assert code_span("a") == "`a`"
    assert code_span("a `b` c") == "``a `b` c``"
    assert code_span("`x`") == "`` `x` ``"
    assert code_block("x = 1", "python") == "```python\nx = 1\n```"
    assert code_block("```\ny\n```\n") == "````\n```\ny\n```\n````"


def model_finding(**changes: object) -> Finding:
    base: dict[str, object] = {
        "span": Span(30, 45, 2, 2),
        "severity": Severity.WARNING,
        "category": Category.BUG,
        "rule_id": "model:bug",
        "message": "words[1] is the *second* word",
        "source": "gpt-test",
        "fingerprint": "f1",
        "explanation": "Use `words[0]`: lists start at 0.",
        "confidence": 0.85,
        "fix": Fix("Use index 0", (TextEdit(30, 45, "    return words[0]"),), verified=True),
    }
    return Finding(**{**base, **changes})  # type: ignore[arg-type]


def test_the_hover_escapes_model_text_but_not_in_plain_text() -> None:
    finding = model_finding()
    markdown = hover_text(finding)
    assert markdown.startswith(r"**words\[1\] is the \*second\* word** (bug, `model:bug`)")
    assert "\n\nUse `words[0]`: lists start at 0.\n\n" in markdown
    plain = hover_text(finding, markdown=False)
    assert plain.startswith("words[1] is the *second* word (bug, model:bug)\n\n")


def test_the_explanation_document_is_markdown_with_the_fix_as_code() -> None:
    document = explanation_markdown(model_finding(), "src/words.py:3", "python")
    assert document == (
        "# words\\[1\\] is the \\*second\\* word\n"
        "\n"
        "Warning · bug · `model:bug` · src/words.py:3\n"
        "\n"
        "Use `words[0]`: lists start at 0.\n"
        "\n"
        "**Confidence:** `████████░░ 85%`\n"
        "\n"
        "**Model:** gpt-test\n"
        "\n"
        "**Use index 0** (verified: it parses, its names resolve, its unit keeps its exports)\n"
        "\n"
        "```python\n    return words[0]\n```\n"
    )


def test_the_explanation_file_name_is_safe() -> None:
    path = explanation_file(model_finding(fingerprint="../../x"))
    assert path.parent.name == "explanations"
    assert path.name.startswith("model-bug-")
    assert path.suffix == ".md"


def test_the_health_message_is_one_line_with_the_open_circuits_cause() -> None:
    report = {
        "state": "error",
        "detail": "fake: skipped: circuit open for 30 s more",
        "model": "m",
        "provider": "fake",
        "inFlight": 0,
        "cacheHitRate": 0.5,
        "notReviewed": 2,
        "providers": {
            "fake": {
                "breaker": "open",
                "calls": 3,
                "successRate": 0.0,
                "lastFailure": "fake: the environment variable OPENAI_API_KEY is not set",
            }
        },
        "usage": {"total": {"requests": 3, "inputTokens": 1000, "outputTokens": 234, "cost": 0.5}},
    }
    assert health_message(report) == (
        "peer: error (fake: skipped: circuit open for 30 s more); model m (fake); "
        "0 reviews in flight; cache hit rate 50%; 2 units not reviewed (local findings only); "
        "fake: breaker open, 3 calls, 0% success, after: fake: the environment variable "
        "OPENAI_API_KEY is not set; today (UTC): 3 requests, 1,234 tokens, $0.50"
    )
