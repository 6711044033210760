"""Rule fixes are checked like model fixes before anyone sees them.

A rule builds its edits from the captures, which is deterministic but not infallible (an odd
construct, a grammar's error recovery). So every fix goes through `documents.verify.verify_fix`,
the check model fixes pass: the edits are applied to a copy and the copy is reparsed; a fix
that leaves its segment, changes nothing or adds a syntax error is dropped. The copy is the
segment alone (the unit, or the piece of top-level code the finding is in), parsed as a
document of its own, so the check costs what the segment costs, not what the file costs.
"""

from __future__ import annotations

import typing

from peer_lsp.documents.store import Document
from peer_lsp.documents.verify import verify_fix
from peer_lsp.findings.model import TextEdit
from peer_lsp.syntax.normalize import exact_hash
from peer_lsp.syntax.unit import Unit, UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from peer_lsp.rules.model import Edit


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
