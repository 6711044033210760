"""Units for files the units query cannot cut: top-level chunks of a bounded number of lines.

Used for grammars without a units query, and for files whose query finds no function or
class (or ran over its budget).
"""

from __future__ import annotations

import typing

from peer_lsp.syntax.normalize import exact_hash, normalized_text_hash
from peer_lsp.syntax.unit import Unit, UnitKind

if typing.TYPE_CHECKING:
    from tree_sitter import Node

    from peer_lsp.text.lines import LineIndex

DEFAULT_CHUNK_LINES = 80


def _line_windows(start: int, end: int, lines: LineIndex, size: int) -> list[tuple[int, int]]:
    first, last = lines.line_of(start), lines.line_of(max(end - 1, start))
    windows = []
    for line in range(first, last + 1, size):
        window_start = max(lines.line_start(line), start)
        stop_line = line + size
        window_end = lines.line_start(stop_line) if stop_line < lines.line_count else end
        windows.append((window_start, min(window_end, end)))
    return windows


def chunk_units(
    grammar: str,
    data: bytes,
    lines: LineIndex,
    root: Node | None,
    max_lines: int = DEFAULT_CHUNK_LINES,
) -> list[Unit]:
    """Cut a document into top-level chunks of at most ``max_lines`` lines.

    Chunks break between top-level syntax nodes where possible; without a tree, or inside a
    node longer than the bound, they break between lines.
    """
    spans: list[tuple[int, int]] = []
    if root is not None:
        pending: tuple[int, int] | None = None
        pending_line = 0
        for child in root.children:
            last = lines.line_of(child.end_byte)
            if pending and last - pending_line < max_lines:
                pending = (pending[0], child.end_byte)
                continue
            if pending:
                spans.append(pending)
            pending = None
            first = lines.line_of(child.start_byte)
            if last - first < max_lines:
                pending, pending_line = (child.start_byte, child.end_byte), first
            else:
                spans.extend(_line_windows(child.start_byte, child.end_byte, lines, max_lines))
        if pending:
            spans.append(pending)
    else:
        spans = _line_windows(0, len(data), lines, max_lines)
    units = []
    for start, end in spans:
        raw = data[start:end]
        if not raw.strip():
            continue
        digest = exact_hash(raw)
        units.append(
            Unit(
                language=grammar,
                kind=UnitKind.CHUNK,
                name=f"<chunk {digest[:8]}>",
                qualified_name=f"<chunk {digest[:8]}>",
                start_byte=start,
                end_byte=end,
                text=raw.decode("utf-8", errors="replace"),
                exact_hash=digest,
                lines=lines,
                normalized=normalized_text_hash(raw),
            )
        )
    return units
