"""What an edit did to the units of a document: units known by identity, compared by hash.

A unit's identity is its kind, qualified name and rank among units with that name, so a unit
that moves or is edited is the same unit; it changed when its exact text changed.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

from peer_lsp.syntax.unit import Unit, UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

UnitKey = tuple[UnitKind, str, int]


def unit_keys(units: Iterable[Unit]) -> dict[UnitKey, Unit]:
    """Units by identity: kind, qualified name and rank among units with that name."""
    seen: dict[tuple[UnitKind, str], int] = {}
    keyed: dict[UnitKey, Unit] = {}
    for unit in units:
        base = (unit.kind, unit.qualified_name)
        rank = seen.get(base, 0)
        seen[base] = rank + 1
        keyed[(unit.kind, unit.qualified_name, rank)] = unit
    return keyed


@dataclass(frozen=True, slots=True)
class UnitDiff:
    """What an edit did to the units of a document."""

    added: tuple[Unit, ...] = ()
    changed: tuple[Unit, ...] = ()
    removed: tuple[Unit, ...] = ()

    @property
    def touched(self) -> tuple[Unit, ...]:
        """Units whose text is new: added or changed."""
        return self.added + self.changed

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def diff_units(
    old: Sequence[Unit], new: Sequence[Unit], old_hashes: dict[int, str] | None = None
) -> UnitDiff:
    """Compare two unit lists by identity; a unit changed when its exact text changed.

    ``old_hashes`` gives, by ``id``, the former hash of units changed in place.
    """
    before, after = unit_keys(old), unit_keys(new)
    former = old_hashes or {}
    added = tuple(unit for key, unit in after.items() if key not in before)
    removed = tuple(unit for key, unit in before.items() if key not in after)
    changed = tuple(
        unit
        for key, unit in after.items()
        if key in before and former.get(id(before[key]), before[key].exact_hash) != unit.exact_hash
    )
    return UnitDiff(added, changed, removed)
