"""Rule fixes are checked like model fixes before anyone sees them.

A rule builds its edits from the captures, which is deterministic but not infallible (an odd
construct, a grammar's error recovery). So every fix goes through `documents.verify.verify_fix`,
the check model fixes pass: the edits are applied to a copy and the copy is reparsed; a fix
that leaves its segment, changes nothing or adds a syntax error is dropped. The copy is the
segment alone (the unit, or the piece of top-level code the finding is in), parsed as a
document of its own, so the check costs what the segment costs, not what the file costs.

Each check parses its segment again, so one run of the rules verifies fixes only up to
`FIX_VERIFY_BYTES` of segments (`FixBudget`); past it, findings come without a quick fix.
Ordinary code never reaches it (a 400-line function could have 60 fixes checked); a
5,000-line function with a fixable finding on every fourth line took minutes without it.
"""

from __future__ import annotations

import logging
import typing

from peer_lsp.documents.store import Document
from peer_lsp.documents.verify import verify_fix
from peer_lsp.findings.model import TextEdit
from peer_lsp.syntax.normalize import exact_hash
from peer_lsp.syntax.unit import Unit, UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from peer_lsp.rules.model import Edit

log = logging.getLogger(__name__)


FIX_VERIFY_BYTES = 1_000_000
"""The bytes of segments one run of the rules may parse again to verify fixes."""


class FixBudget:
    """What is left of `FIX_VERIFY_BYTES` in one run of the rules."""

    def __init__(self, total: int = FIX_VERIFY_BYTES) -> None:
        self.left = total
        self.refused = 0

    def spend(self, size: int) -> bool:
        """Whether a fix on a segment of ``size`` bytes may be verified (and take them)."""
        if size > self.left:
            if not self.refused:
                log.info("rule fixes past %d bytes of verification left unverified", self.left)
            self.refused += 1
            return False
        self.left -= size
        return True


def verified(grammar: str, segment: bytes, edits: Sequence[Edit], base: int) -> bool:
    """Whether ``edits`` (document offsets; ``base`` is where ``segment`` starts) apply
    cleanly to ``segment`` of a ``grammar`` document."""
    copy = Document("peer-rule-fix:", "", None, segment, grammar)
    whole = Unit(
        language=grammar,
        kind=UnitKind.CHUNK,
        name="<segment>",
        qualified_name="<segment>",
        start_byte=0,
        end_byte=len(segment),
        text=segment.decode("utf-8", "replace"),
        exact_hash=exact_hash(segment),
        lines=copy.lines,
    )
    shifted = [TextEdit(e.start - base, e.end - base, e.text) for e in edits]
    return verify_fix(copy, whole, shifted).ok
