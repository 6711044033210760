"""A document's outline: its functions, methods and classes as a tree, from its units.

The units are already kept current per edit for review, so the outline costs a walk over
them and no parse. Module chunks are left out: they are pieces of top-level code, not symbols.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

from peer_lsp.syntax.unit import UnitKind

if typing.TYPE_CHECKING:
    from collections.abc import Iterable

    from peer_lsp.syntax.unit import Unit


@dataclass(frozen=True, slots=True)
class Symbol:
    """One function, method or class: its whole extent and where its name is, in bytes."""

    name: str
    kind: UnitKind
    detail: str
    """The declaring line, e.g. ``def load(path: str) -> bytes:``."""
    start_byte: int
    end_byte: int
    name_start: int
    name_end: int
    children: tuple[Symbol, ...] = ()


def outline(units: Iterable[Unit]) -> list[Symbol]:
    """The symbols of ``units`` nested as their containers nest, each level in text order."""
    shown = sorted(
        (unit for unit in units if unit.kind is not UnitKind.CHUNK and unit.alive),
        key=lambda unit: (unit.start_byte, -unit.end_byte),
    )
    members = {id(unit) for unit in shown}
    children: dict[int, list[Unit]] = {}
    roots: list[Unit] = []
    for unit in shown:
        outer = unit.container
        while outer is not None and id(outer) not in members:
            outer = outer.container
        (children.setdefault(id(outer), []) if outer is not None else roots).append(unit)
    return [_symbol(unit, children) for unit in roots]


def _symbol(unit: Unit, children: dict[int, list[Unit]]) -> Symbol:
    name_start = unit.start_byte + len(unit.text[: unit.name_offset].encode("utf-8"))
    name_end = min(name_start + len(unit.name.encode("utf-8")), unit.end_byte)
    if not unit.text.startswith(unit.name, unit.name_offset):
        name_start, name_end = unit.start_byte, unit.start_byte  # a name the text does not spell
    return Symbol(
        name=unit.name,
        kind=unit.kind,
        detail=unit.header,
        start_byte=unit.start_byte,
        end_byte=unit.end_byte,
        name_start=name_start,
        name_end=name_end,
        children=tuple(_symbol(child, children) for child in children.get(id(unit), [])),
    )
