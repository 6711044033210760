"""Confidence calibration: bounded, monotonic in every kind of evidence, documented."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peer_lsp.findings.confidence import (
    CEILING,
    FLOOR,
    SEVERITY_TABLE,
    Evidence,
    FixCheck,
    Opinion,
    calibrate,
    preferred,
    severity_for,
    visible,
)
from peer_lsp.findings.model import Category, Severity
from peer_lsp.settings.model import Settings

ROOT = Path(__file__).resolve().parents[3]

ratings = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
fixes: st.SearchStrategy[FixCheck | None] = st.sampled_from([None, "verified", "rejected"])
opinions: st.SearchStrategy[Opinion | None] = st.sampled_from([None, "agree", "disagree"])
histories = st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0, allow_nan=False))

evidence = st.builds(
    Evidence,
    model_rating=ratings,
    excerpt_exact=st.booleans(),
    excerpt_fuzzy=st.booleans(),
    fix=fixes,
    rule_agrees=st.booleans(),
    second_opinion=opinions,
    model_history=histories,
)

FIX_ORDER: list[FixCheck | None] = ["rejected", None, "verified"]
OPINION_ORDER: list[Opinion | None] = ["disagree", None, "agree"]


@given(evidence)
def test_confidence_is_bounded(found: Evidence) -> None:
    assert FLOOR <= calibrate(found) <= CEILING


@given(evidence, ratings, ratings)
def test_a_higher_rating_never_lowers_confidence(found: Evidence, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert calibrate(dataclasses.replace(found, model_rating=low)) <= calibrate(
        dataclasses.replace(found, model_rating=high)
    )


@given(evidence, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_a_better_track_record_never_lowers_confidence(found: Evidence, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert calibrate(dataclasses.replace(found, model_history=low)) <= calibrate(
        dataclasses.replace(found, model_history=high)
    )


@pytest.mark.parametrize("flag", ["excerpt_exact", "excerpt_fuzzy", "rule_agrees"])
@given(found=evidence)
def test_each_supporting_check_never_lowers_confidence(flag: str, found: Evidence) -> None:
    off: dict[str, Any] = {flag: False}
    on: dict[str, Any] = {flag: True}
    without, with_it = dataclasses.replace(found, **off), dataclasses.replace(found, **on)
    assert calibrate(without) <= calibrate(with_it)


@given(evidence)
def test_fix_outcomes_are_ordered(found: Evidence) -> None:
    scores = [calibrate(dataclasses.replace(found, fix=fix)) for fix in FIX_ORDER]
    assert scores == sorted(scores)


@given(evidence)
def test_a_second_model_agreeing_never_lowers_and_disagreeing_never_raises(
    found: Evidence,
) -> None:
    scores = [calibrate(dataclasses.replace(found, second_opinion=o)) for o in OPINION_ORDER]
    assert scores == sorted(scores)


def test_a_sure_model_alone_is_not_trusted_fully() -> None:
    assert calibrate(Evidence(model_rating=1.0)) == pytest.approx(0.8)
    assert calibrate(Evidence(model_rating=0.5)) == pytest.approx(0.5)
    assert calibrate(Evidence(model_rating=0.0)) == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        pytest.param(Evidence(0.9, excerpt_exact=True), 0.8094, id="found-excerpt"),
        pytest.param(
            Evidence(0.9, excerpt_exact=True, fix="verified"), 0.8514, id="found-and-fixed"
        ),
        pytest.param(Evidence(0.9, excerpt_fuzzy=True, fix="rejected"), 0.6783, id="shaky"),
        pytest.param(Evidence(0.6, excerpt_exact=True, rule_agrees=True), 0.8631, id="rule"),
        pytest.param(
            Evidence(0.95, excerpt_exact=True, second_opinion="disagree"), 0.6007, id="disputed"
        ),
        pytest.param(Evidence(0.9, model_history=0.3), 0.5248, id="poor-record"),
    ],
)
def test_worked_examples_from_the_docs(found: Evidence, expected: float) -> None:
    assert calibrate(found) == pytest.approx(expected, abs=5e-4)
    assert f"{expected:.2f}" in (ROOT / "docs" / "confidence.md").read_text(encoding="utf-8")


def test_everything_agreeing_stays_below_certainty() -> None:
    found = Evidence(1.0, True, False, "verified", True, "agree", 1.0)
    assert calibrate(found) == CEILING


def test_odd_ratings_are_tamed() -> None:
    assert calibrate(Evidence(math.nan)) == pytest.approx(0.5)
    assert calibrate(Evidence(7.0)) == calibrate(Evidence(1.0))
    assert calibrate(Evidence(-3.0)) == calibrate(Evidence(0.0))
    assert calibrate(Evidence(0.7, model_history=math.nan)) == calibrate(Evidence(0.7))


@pytest.mark.parametrize(
    ("category", "confidence", "model", "expected"),
    [
        pytest.param(Category.SECURITY, 0.9, None, Severity.ERROR, id="sure-security"),
        pytest.param(Category.SECURITY, 0.6, Severity.ERROR, Severity.WARNING, id="capped"),
        pytest.param(Category.BUG, 0.85, Severity.INFO, Severity.INFO, id="model-quieter"),
        pytest.param(Category.BUG, 0.3, None, Severity.INFO, id="unsure-bug"),
        pytest.param(Category.SYNTAX, 1.0, None, Severity.ERROR, id="syntax"),
        pytest.param(Category.PERFORMANCE, 0.9, Severity.ERROR, Severity.WARNING, id="perf"),
        pytest.param(Category.MAINTAINABILITY, 0.95, None, Severity.INFO, id="maintain"),
        pytest.param(Category.STYLE, 0.99, Severity.ERROR, Severity.INFO, id="style-high"),
        pytest.param(Category.STYLE, 0.6, None, Severity.HINT, id="style"),
    ],
)
def test_severity_follows_the_table(
    category: Category, confidence: float, model: Severity | None, expected: Severity
) -> None:
    assert severity_for(category, confidence, model) is expected


@given(st.sampled_from(list(Category)), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_severity_never_falls_as_confidence_rises(category: Category, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert severity_for(category, low) <= severity_for(category, high)


def test_every_category_has_a_row_and_the_docs_show_it() -> None:
    docs = (ROOT / "docs" / "confidence.md").read_text(encoding="utf-8")
    assert set(SEVERITY_TABLE) == set(Category)
    for category, levels in SEVERITY_TABLE.items():
        row = f"| {category.value} | " + " | ".join(level.label for level in levels) + " |"
        assert row in docs


def test_thresholds_come_from_settings() -> None:
    defaults = Settings()
    strict = Settings(min_confidence=0.7, preferred_confidence=0.9)

    assert visible(0.5, defaults)
    assert not visible(0.49, defaults)
    assert not visible(0.6, strict)
    assert preferred(0.8, defaults)
    assert not preferred(0.85, strict)
