"""Confidence: one calibrated number per model finding, from its rating and our own checks.

A model rating its own output is not an independent signal (design lesson), and models rate
themselves too highly. So the rating is first shrunk towards 0.5, then moved by evidence we
gathered ourselves: the quoted excerpt was found, the fix reparses, a local rule agrees, a
second model agrees or disagrees. Every piece adds a fixed weight in log-odds space, where
independent evidence adds up; the sum is squashed back to a probability and kept away from 0
and 1. The formula, the weights and worked examples are in docs/confidence.md.

Everything here is a pure function: no state, no I/O, cheap enough to call per finding.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass
from typing import Literal

from peer_lsp.findings.model import Category, Severity

FixCheck = Literal["verified", "rejected"]
Opinion = Literal["agree", "disagree"]

SHRINK = 0.6
"""How much of the model's distance from 0.5 is believed: a rating of 1.0 starts at 0.8."""

EXCERPT_EXACT = 0.4
EXCERPT_FUZZY = 0.1
FIX_VERIFIED = 0.3
FIX_REJECTED = -0.4
RULE_AGREES = 1.2
SECOND_AGREES = 0.8
SECOND_DISAGREES = -1.2

FLOOR = 0.01
CEILING = 0.99
_HISTORY_BOUNDS = (0.05, 0.95)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What we know about one model finding.

    ``model_rating`` is the model's own confidence (clamped to [0, 1]; NaN counts as 0.5).
    ``model_history`` is the provider's measured precision on past findings, when known.
    """

    model_rating: float
    excerpt_exact: bool = False
    excerpt_fuzzy: bool = False
    fix: FixCheck | None = None
    rule_agrees: bool = False
    second_opinion: Opinion | None = None
    model_history: float | None = None


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def prior(evidence: Evidence) -> float:
    """Log-odds before any check: the shrunk rating, averaged with the provider's record."""
    rating = 0.5 if math.isnan(evidence.model_rating) else evidence.model_rating
    start = logit(0.5 + SHRINK * (_clamp(rating, 0.0, 1.0) - 0.5))
    history = evidence.model_history
    if history is None or math.isnan(history):
        return start
    return (start + logit(_clamp(history, *_HISTORY_BOUNDS))) / 2


def evidence_weight(evidence: Evidence) -> float:
    """The sum of the log-odds weights of our own checks."""
    weight = 0.0
    if evidence.excerpt_exact:
        weight += EXCERPT_EXACT
    elif evidence.excerpt_fuzzy:
        weight += EXCERPT_FUZZY
    if evidence.fix == "verified":
        weight += FIX_VERIFIED
    elif evidence.fix == "rejected":
        weight += FIX_REJECTED
    if evidence.rule_agrees:
        weight += RULE_AGREES
    if evidence.second_opinion == "agree":
        weight += SECOND_AGREES
    elif evidence.second_opinion == "disagree":
        weight += SECOND_DISAGREES
    return weight


def calibrate(evidence: Evidence) -> float:
    """How likely a careful reviewer agrees the finding is real, in [0.01, 0.99]."""
    return _clamp(sigmoid(prior(evidence) + evidence_weight(evidence)), FLOOR, CEILING)


HIGH = 0.8
"""Confidence from which a finding may take its category's most severe level."""
MEDIUM = 0.5
"""Confidence from which a finding may take its category's middle level."""

_E, _W, _I, _H = Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.HINT

SEVERITY_TABLE: dict[Category, tuple[Severity, Severity, Severity]] = {
    Category.SYNTAX: (_E, _W, _I),
    Category.SECURITY: (_E, _W, _I),
    Category.BUG: (_E, _W, _I),
    Category.PERFORMANCE: (_W, _I, _H),
    Category.MAINTAINABILITY: (_I, _I, _H),
    Category.STYLE: (_I, _H, _H),
}
"""Most severe level allowed per category, at confidence >= HIGH, >= MEDIUM, and below."""


def severity_for(
    category: Category, confidence: float, model_severity: Severity | None = None
) -> Severity:
    """The level a finding is shown at: the table's ceiling, lowered by the model if it says so.

    The model may make a finding quieter than the table allows, never louder.
    """
    high, medium, low = SEVERITY_TABLE[category]
    ceiling = high if confidence >= HIGH else medium if confidence >= MEDIUM else low
    if model_severity is None:
        return ceiling
    return min(ceiling, model_severity)


@dataclass(frozen=True, slots=True)
class Assessment:
    """How a model finding's confidence and severity were reached: kept with the finding, so
    that new evidence (a second opinion) can redo both instead of nudging the shown number."""

    evidence: Evidence
    category: Category
    model_severity: Severity | None = None
    """The severity the model gave, which may only make the finding quieter."""

    @property
    def confidence(self) -> float:
        return calibrate(self.evidence)

    @property
    def severity(self) -> Severity:
        return severity_for(self.category, self.confidence, self.model_severity)

    def with_opinion(self, opinion: Opinion | None) -> Assessment:
        """The same assessment with a second model's opinion (replacing any earlier one)."""
        evidence = dataclasses.replace(self.evidence, second_opinion=opinion)
        return dataclasses.replace(self, evidence=evidence)


class Thresholds(typing.Protocol):
    """The confidence settings (`peer_lsp.settings.model.Settings` has them)."""

    @property
    def min_confidence(self) -> float: ...
    @property
    def preferred_confidence(self) -> float: ...


def visible(confidence: float, settings: Thresholds) -> bool:
    """Whether a finding is shown at all (``minConfidence``)."""
    return confidence >= settings.min_confidence


def preferred(confidence: float, settings: Thresholds) -> bool:
    """Whether a finding's quick fix is marked preferred (``preferredConfidence``)."""
    return confidence >= settings.preferred_confidence
