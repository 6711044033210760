"""Rule findings placed where their hits are now: cached hits become findings per analysis.

Hits are kept relative to the segment they were found in; each analysis places them at
their current absolute offsets (the cost is the number of findings), with the rule's
severity (after ``ruleSeverity``), category, explanation and fixed confidence, and a
fingerprint that names the unit (`MODULE` for top-level code).

In a test file or fixture (`peer_lsp.rules.test_paths`) the ``testCode`` setting decides: by
default (``hint``) every finding is a hint and hard-coded secrets are left out (a test's
password logs a fake user in); ``off`` leaves out every finding; ``normal`` changes nothing.

In a file a build wrote (`peer_lsp.rules.build_output`: in a ``dist`` folder, or minified;
fixed in its source) every finding is a hint, whatever ``testCode`` says.
"""

from __future__ import annotations

import typing
from collections import Counter

from peer_lsp.findings.model import Finding, Fix, Severity, Span, TextEdit, fingerprint
from peer_lsp.rules.catalog import BY_ID
from peer_lsp.rules.config import TEST_CODE_HINT, TEST_CODE_OFF

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from peer_lsp.rules.config import RuleConfig
    from peer_lsp.rules.model import Rule
    from peer_lsp.rules.runner import Hit
    from peer_lsp.syntax.unit import Unit
    from peer_lsp.text.lines import LineIndex

MODULE = "<module>"
"""The unit name of findings in top-level code (for their fingerprints)."""

SECRET_RULE_SUFFIX = "-hardcoded-secret"
"""The rules whose findings a test file holds on purpose (``py-hardcoded-secret``, ...)."""


def kept_in_tests(rule_id: str, test_code: str) -> bool:
    """Whether a finding of ``rule_id`` in a test file is kept under ``test_code``."""
    if test_code == TEST_CODE_OFF:
        return False
    return test_code != TEST_CODE_HINT or not rule_id.endswith(SECRET_RULE_SUFFIX)


def place_findings(
    lines: LineIndex,
    config: RuleConfig,
    unit_hits: Iterable[tuple[Unit, tuple[Hit, ...]]],
    code_hits: Iterable[tuple[Unit | None, int, tuple[Hit, ...]]],
    test_file: bool = False,
    built: bool = False,
    by_id: Mapping[str, Rule] = BY_ID,
) -> list[Finding]:
    """The findings of the cached hits, in document order.

    ``unit_hits``: each unit with its hits, relative to its start; ``code_hits``: each stretch
    of top-level code as the unit it follows (None: the file's start), how far after that
    unit's end it starts, and its hits, relative to that start. ``test_file``: the document
    is a test or a fixture (the module docstring says what ``testCode`` then does);
    ``built``: a build wrote the document, every finding is a hint. ``by_id``: the
    declarations of the hits' rules (the catalog, or a project's rules).
    """
    placed: list[tuple[Hit, int, Unit | None]] = [
        (hit, unit.start_byte, unit) for unit, hits in unit_hits for hit in hits
    ]
    for anchor, offset, hits in code_hits:
        base = offset + (anchor.end_byte if anchor is not None else 0)
        placed.extend((hit, base, None) for hit in hits)
    # Document order, so that the n-th of identical findings in a unit is always the same.
    placed.sort(key=lambda item: (item[1] + item[0].start, item[1] + item[0].end))
    ordinals: Counter[tuple[str, str, str]] = Counter()
    findings: list[Finding] = []
    for hit, base, unit in placed:
        if test_file and not kept_in_tests(hit.rule_id, config.test_code):
            continue
        rule = by_id[hit.rule_id]
        start, end = base + hit.start, base + hit.end
        unit_name = MODULE if unit is None else unit.qualified_name
        identity = (hit.rule_id, unit_name, hit.excerpt)
        ordinal = ordinals[identity]
        ordinals[identity] += 1
        fix = None
        if hit.fix:
            edits = tuple(TextEdit(base + e.start, base + e.end, e.text) for e in hit.fix)
            fix = Fix(hit.fix_title, edits, verified=True)
        findings.append(
            Finding(
                span=Span(start, end, lines.line_of(start), lines.line_of(end)),
                severity=Severity.HINT
                if built or (test_file and config.test_code == TEST_CODE_HINT)
                else config.severity(rule),
                category=rule.category,
                rule_id=rule.id,
                message=hit.message,
                source=f"rule:{rule.id}",
                fingerprint=fingerprint(
                    rule.id if not ordinal else f"{rule.id}#{ordinal}", unit_name, hit.excerpt
                ),
                explanation=rule.explanation,
                confidence=rule.confidence,
                fix=fix,
                unit_hash=unit.exact_hash if unit is not None else "",
                unit_name=unit_name,
            )
        )
    findings.sort(key=lambda f: (f.span.start_byte, f.span.end_byte, f.rule_id))
    return findings
