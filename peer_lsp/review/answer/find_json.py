"""Where the findings are in a model's answer: the first JSON value in free text that holds them.

Models are asked for ``{"findings": [...]}`` and return that, or the same inside a fenced block,
or wrapped in prose, or cut off mid-array when they hit their output limit. Reasoning in
``<think>`` blocks is removed. Starts inside fenced blocks tagged ``json`` (or untagged) are
tried first, then every ``{`` and ``[`` of the answer in order (at most `MAX_STARTS`), each read
by `read_json`. A value holds findings when it is a list of objects, an object with a findings
key (``findings``, ``issues``, ``problems``, ``results``, ``comments``, ``diagnostics``,
``bugs``; also one or two levels down), or a single finding object; consecutive single objects
(JSON lines) are collected. An empty list counts only as the whole answer (or the whole of a
fenced block): ``It returns [] when empty.`` is prose, not an empty list of findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from peer_lsp.review.answer.lenient_json import JsonRead, read_json
from peer_lsp.review.answer.normalize import is_finding, keyed

MAX_STARTS = 200
"""At most this many ``{`` or ``[`` positions are tried as the start of the JSON value."""

_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
_FENCE_OPEN = re.compile(r"^[ \t]*```[ \t]*([A-Za-z0-9_+.-]*)[^\n]*\n", re.MULTILINE)
_FENCE_CLOSE = re.compile(r"^[ \t]*```[ \t]*$", re.MULTILINE)
_JSON_FENCES = frozenset({"", "json", "jsonc", "json5", "jsonl"})
_STARTS = re.compile(r"[\[{]")
_JSON_START = re.compile(r"""\{\s*["']|\[\s*\{""")


def looks_like_json(text: str) -> bool:
    """Whether the text has an object with a quoted key, or a list of objects: an answer that
    was meant as JSON, even where none of it could be read."""
    return _JSON_START.search(text) is not None


def without_thinking(text: str) -> str:
    """The answer without ``<think>`` blocks, nor what precedes a lone ``</think>``."""
    text = _THINK.sub("", text)
    closing = text.lower().rfind("</think>")
    return text[closing + len("</think>") :] if closing >= 0 else text


def find_findings(text: str) -> tuple[list[Any], bool] | None:
    """The findings entries of the answer and whether they were cut off; None if none."""
    for start, stop in fenced_regions(text):
        found = _scan(text, start, stop)
        if found is not None:
            return found
    return _scan(text, 0, len(text))


def fenced_regions(text: str) -> Iterator[tuple[int, int]]:
    """(content start, content end) of each fenced block that may hold JSON."""
    position = 0
    while (opening := _FENCE_OPEN.search(text, position)) is not None:
        close = _FENCE_CLOSE.search(text, opening.end())
        end = close.start() if close else len(text)
        if opening.group(1).lower() in _JSON_FENCES:
            yield opening.end(), end
        position = close.end() if close else len(text)


def _scan(text: str, start: int, stop: int) -> tuple[list[Any], bool] | None:
    """The first value in ``text[start:stop]`` that holds findings, or the single finding
    objects that follow one another there (JSON lines); ``([], False)`` for a ``[]`` that is
    all the region holds.
    """
    head = text[:stop] if stop < len(text) else text
    singles: list[Any] = []
    empty_seen = cut = False
    position = start
    for _ in range(MAX_STARTS):
        match = _STARTS.search(head, position)
        if match is None:
            break
        hit = _read_within(text, head, match.start())
        if hit is None:
            position = match.start() + 1
            continue
        entries = findings_in(hit.value)
        if entries is not None and len(entries) == 1 and entries[0] is hit.value:
            singles.append(hit.value)
            cut = hit.truncated
        elif singles:
            break
        elif entries or (entries == [] and isinstance(hit.value, dict)):
            return entries, hit.truncated
        empty_seen = empty_seen or (entries == [] and _alone(head, start, stop, match, hit))
        position = max(hit.end, match.start() + 1)
    if singles:
        return singles, cut
    return ([], False) if empty_seen else None


def _alone(head: str, start: int, stop: int, match: re.Match[str], hit: JsonRead) -> bool:
    """Whether the value read at ``match`` is all there is in ``head[start:stop]``: a bare
    ``[]`` is an answer only when nothing but it was written (``[]`` in prose is code)."""
    return not head[start : match.start()].strip() and not head[hit.end : stop].strip()


def _read_within(text: str, head: str, offset: int) -> JsonRead | None:
    """A value in ``head`` (the answer up to a closing fence); when it is cut off there, the
    same value read past the fence if that one is complete (a fence inside a JSON string).
    """
    inside = read_json(head, offset)
    if head is text or (inside is not None and not inside.truncated):
        return inside
    beyond = read_json(text, offset)
    if beyond is not None and not beyond.truncated and findings_in(beyond.value) is not None:
        return beyond
    return inside


_LIST_KEYS = ("findings", "issues", "problems", "results", "comments", "diagnostics", "bugs")


def findings_in(value: Any, depth: int = 0) -> list[Any] | None:
    """The findings a JSON value holds, or None when it does not look like an answer."""
    if isinstance(value, list):
        return value if not value or any(isinstance(item, dict) for item in value) else None
    if not isinstance(value, dict):
        return None
    keys = keyed(value)
    for key in _LIST_KEYS:
        if key in keys:
            inner = keys[key]
            if inner is None:
                return []
            if isinstance(inner, list):
                return inner
            if isinstance(inner, dict):
                return [inner]
    if is_finding(value):
        return [value]
    if depth < 2:
        for inner in value.values():
            if isinstance(inner, dict):
                found = findings_in(inner, depth + 1)
                if found is not None:
                    return found
    return None
