"""Findings: one model for everything peer-lsp reports, whoever produced it.

A finding is located by byte offsets in its document (the engine's unit of position); the
editor layer converts them to the client's position encoding. Its fingerprint names the
rule, the unit, the normalized excerpt and, among identical findings of one unit, which one
in document order — never a line number, so the same problem keeps its identity while the
lines above it move, and two equal problems at two places stay two.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How loudly a finding is shown; ordered so that ``>=`` means "at least as severe"."""

    HINT = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            allowed = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {name!r}; expected one of: {allowed}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Category(enum.StrEnum):
    BUG = "bug"
    SECURITY = "security"
    PERFORMANCE = "performance"
    MAINTAINABILITY = "maintainability"
    STYLE = "style"
    SYNTAX = "syntax"


@dataclass(frozen=True, slots=True)
class Span:
    """A byte range with its 0-based start and end lines (end exclusive in bytes only)."""

    start_byte: int
    end_byte: int
    start_line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``[start_byte, end_byte)`` of the document with ``new_text``."""

    start_byte: int
    end_byte: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A proposed change, confined to one unit; ``verified`` once it reparsed cleanly."""

    title: str
    edits: tuple[TextEdit, ...]
    verified: bool = False


_SPACES = re.compile(r"\s+")


def fingerprint(rule_id: str, unit_name: str, excerpt: str, occurrence: int = 0) -> str:
    """Stable identity of a finding: rule, unit, whitespace-normalized excerpt, and which of
    the identical findings in the unit it is (0: the first, whose fingerprint is the same as
    before occurrences were counted, so stored fingerprints keep matching)."""
    if occurrence:
        rule_id = f"{rule_id}#{occurrence}"
    normalized = _SPACES.sub(" ", excerpt).strip()
    payload = "\0".join((rule_id, unit_name, normalized)).encode("utf-8")
    return hashlib.blake2b(payload, digest_size=12).hexdigest()


class Occurrences:
    """Numbers identical findings of one document; fed in document order, the n-th of a
    unit stays the n-th whatever moves outside the unit."""

    def __init__(self) -> None:
        self._seen: Counter[tuple[str, str, str]] = Counter()

    def next(self, rule_id: str, unit_name: str, excerpt: str) -> int:
        """How many identical findings came before this one."""
        key = (rule_id, unit_name, _SPACES.sub(" ", excerpt).strip())
        count = self._seen[key]
        self._seen[key] = count + 1
        return count


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one document (design contract: Finding).

    ``source`` is ``syntax``, ``rule:<id>`` or a model name; ``unit_hash`` is the exact
    hash of the unit the finding was computed for, empty when it lies outside every unit.
    """

    span: Span
    severity: Severity
    category: Category
    rule_id: str
    message: str
    source: str
    fingerprint: str
    explanation: str = ""
    confidence: float = 1.0
    fix: Fix | None = None
    unit_hash: str = ""
    unit_name: str = ""
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within [0, 1], got {self.confidence}")


def is_model_finding(finding: Finding) -> bool:
    """Model findings carry the model's name as source; local ones say syntax or rule:ID."""
    return finding.source != "syntax" and not finding.source.startswith("rule:")


def shown_message(finding: Finding) -> str:
    """The message as users read it, ending with the confidence for model findings
    ("… (82% confident)"): in the editor and in `peer check` alike."""
    if is_model_finding(finding):
        return f"{finding.message} ({round(finding.confidence * 100)}% confident)"
    return finding.message
