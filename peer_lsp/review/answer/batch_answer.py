"""An answer about several units split into one answer per unit, each read like a single review.

A batch request asks for ``{"units": [{"unit": "U1", "findings": [...]}, ...]}``. Models also
write the units as an object keyed by id, a bare list of unit entries, or one flat findings
list whose entries each name their unit; inside a fence or prose, as for single answers.
Each unit's findings become the text ``{"findings": [...]}``, which `parse_answer` reads
exactly as if the unit had been asked alone, so locating, checking and caching stay per unit.

A unit the answer does not cover is *unanswered*, never taken for a clean review: the caller
asks about it again. So is the last unit of an answer that was cut off, whose list may be
incomplete, and every unit of a flat list that was cut off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from peer_lsp.review.answer.find_json import fenced_regions, findings_in, without_thinking
from peer_lsp.review.answer.lenient_json import Incomplete, read_json
from peer_lsp.review.answer.normalize import keyed

MAX_STARTS = 200
_STARTS = re.compile(r"[\[{]")
_ID = re.compile(r"^(?:unit)?[\s#:_-]*u?[\s#:_-]*(\d+)$", re.IGNORECASE)
_LIST_KEYS = ("units", "reviews", "results", "answers")
_ID_KEYS = ("unit", "unitid", "id", "name")


@dataclass(frozen=True, slots=True)
class BatchAnswer:
    """The answer of each unit id the batch answer covers (``{"findings": [...]}`` text)."""

    answers: dict[str, str] = field(default_factory=dict)

    def unanswered(self, ids: Sequence[str]) -> list[str]:
        return [unit for unit in ids if unit not in self.answers]


def split_batch_answer(text: str, ids: Sequence[str]) -> BatchAnswer:
    """One answer per unit of ``ids`` the batch answer covers; never raises."""
    if not isinstance(text, str):
        return BatchAnswer()
    text = without_thinking(text)
    for start, stop in (*fenced_regions(text), (0, len(text))):
        found = _scan(text[:stop], start, ids)
        if found:
            return BatchAnswer(
                {unit: json.dumps({"findings": entries}) for unit, entries in found.items()}
            )
    return BatchAnswer()


def _scan(text: str, start: int, ids: Sequence[str]) -> dict[str, list[Any]]:
    position = start
    for _ in range(MAX_STARTS):
        match = _STARTS.search(text, position)
        if match is None:
            break
        hit = read_json(text, match.start())
        if hit is not None:
            found = _units(hit.value, ids, hit.truncated)
            if found:
                return found
        position = max(hit.end if hit is not None else 0, match.start() + 1)
    return {}


def _units(value: Any, ids: Sequence[str], truncated: bool) -> dict[str, list[Any]]:
    """The findings of each unit ``value`` answers, by unit id ({} when it answers none)."""
    if isinstance(value, dict):
        keys = keyed(value)
        for key in _LIST_KEYS:
            inner = keys.get(key)
            if isinstance(inner, list):
                return _entries(inner, ids, truncated)
            if isinstance(inner, dict):
                return _by_id(inner, ids, truncated)
        by_id = _by_id(value, ids, truncated)
        if by_id:
            return by_id
    if isinstance(value, list):
        answered = _entries(value, ids, truncated)
        if answered:
            return answered
    return _flat(value, ids, truncated)


def _entries(items: list[Any], ids: Sequence[str], truncated: bool) -> dict[str, list[Any]]:
    """Unit entries (``{"unit": "U1", "findings": [...]}``) of a list."""
    found: dict[str, list[Any]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or isinstance(item, Incomplete):
            continue
        if truncated and index == len(items) - 1:
            continue  # its findings list may have been cut
        keys = keyed(item)
        unit = next((_unit(keys[k], ids) for k in _ID_KEYS if k in keys), None)
        entries = _findings(item)
        if unit is not None and entries is not None:
            found.setdefault(unit, entries)
    return found


def _by_id(value: dict[Any, Any], ids: Sequence[str], truncated: bool) -> dict[str, list[Any]]:
    """An object keyed by unit id: ``{"U1": {"findings": [...]}, "U2": [...]}``."""
    found: dict[str, list[Any]] = {}
    items = list(value.items())
    for index, (key, item) in enumerate(items):
        unit = _unit(key, ids)
        if unit is None or (truncated and index == len(items) - 1):
            continue
        entries = _findings(item)
        if entries is not None and not isinstance(item, Incomplete):
            found.setdefault(unit, entries)
    return found


def _flat(value: Any, ids: Sequence[str], truncated: bool) -> dict[str, list[Any]]:
    """One findings list whose entries name their unit: every unit answered (those not
    named have no findings), unless the list was cut off or an entry names no unit."""
    entries = findings_in(value)
    if not entries or truncated:
        return {}
    found: dict[str, list[Any]] = {unit: [] for unit in ids}
    for entry in entries:
        if not isinstance(entry, dict):
            return {}
        keys = keyed(entry)
        unit = next((_unit(keys[k], ids) for k in _ID_KEYS if k in keys), None)
        if unit is None:
            return {}
        found[unit].append(entry)
    return found


def _findings(item: Any) -> list[Any] | None:
    """The findings list of one unit's entry (a bare list, or what holds one)."""
    if isinstance(item, list):
        return item if all(isinstance(entry, dict) for entry in item) else None
    if not isinstance(item, dict):
        return None
    keys = keyed(item)
    inner = keys.get("findings")
    if inner is None and "findings" in keys:
        return []
    if isinstance(inner, list):
        return inner
    return _other_findings(item)


def _other_findings(item: dict[Any, Any]) -> list[Any] | None:
    """Findings under another name (``issues``...), not the unit's own fields."""
    rest = {k: v for k, v in item.items() if keyed({k: v}).keys().isdisjoint(_ID_KEYS)}
    return findings_in(rest) if rest else None


def _unit(raw: Any, ids: Sequence[str]) -> str | None:
    """The unit id ``raw`` names (``"U2"``, ``"u2"``, ``"Unit U2"``, ``2``), if one of ``ids``."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    match = _ID.match(str(raw).strip())
    if match is None:
        return None
    unit = f"U{int(match.group(1))}"
    return unit if unit in ids else None
