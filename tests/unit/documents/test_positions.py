"""Editor positions <-> byte offsets, in every encoding and with every line ending."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peer_lsp.text.lines import LineIndex
from peer_lsp.text.positions import Encoding, offset_at, position_at

TEXT = 'a = "😀中é"\r\nb = 1\rc = 2\nlast'


@pytest.fixture
def data() -> bytes:
    return TEXT.encode("utf-8")


@pytest.mark.parametrize(
    ("line", "character", "encoding", "expected"),
    [
        pytest.param(0, 5, Encoding.UTF16, 5, id="before-emoji"),
        pytest.param(0, 7, Encoding.UTF16, 9, id="after-emoji-utf16-counts-2"),
        pytest.param(0, 6, Encoding.UTF32, 9, id="after-emoji-utf32-counts-1"),
        pytest.param(0, 8, Encoding.UTF16, 12, id="after-cjk"),
        pytest.param(0, 9, Encoding.UTF16, 14, id="after-accent"),
        pytest.param(0, 9, Encoding.UTF8, 9, id="utf8-is-bytes"),
        pytest.param(0, 7, Encoding.UTF8, 5, id="utf8-never-splits-a-character"),
        pytest.param(0, 99, Encoding.UTF16, 15, id="past-end-of-line-clamps-before-crlf"),
        pytest.param(1, 0, Encoding.UTF16, 17, id="after-crlf"),
        pytest.param(2, 0, Encoding.UTF16, 23, id="after-lone-cr"),
        pytest.param(3, 2, Encoding.UTF16, 31, id="after-lf"),
        pytest.param(9, 0, Encoding.UTF16, 33, id="past-last-line-is-end"),
    ],
)
def test_offset_at(
    data: bytes, line: int, character: int, encoding: Encoding, expected: int
) -> None:
    assert offset_at(data, LineIndex(data), line, character, encoding) == expected


@pytest.mark.parametrize("encoding", list(Encoding))
def test_round_trip_on_every_character_boundary(data: bytes, encoding: Encoding) -> None:
    lines = LineIndex(data)
    for index in range(len(TEXT) + 1):
        offset = len(TEXT[:index].encode("utf-8"))
        if TEXT[index - 1 : index + 1] == "\r\n":
            continue  # between CR and LF is not an editor position
        line, character = position_at(data, lines, offset, encoding)
        assert offset_at(data, lines, line, character, encoding) == offset


def test_emoji_positions_in_utf16(data: bytes) -> None:
    lines = LineIndex(data)
    closing_quote = TEXT.index('"', 5)
    offset = len(TEXT[:closing_quote].encode("utf-8"))
    assert position_at(data, lines, offset, Encoding.UTF16) == (0, 9)
    assert position_at(data, lines, offset, Encoding.UTF8) == (0, 14)
    assert position_at(data, lines, offset, Encoding.UTF32) == (0, 8)


def test_line_index_knows_all_three_terminators(data: bytes) -> None:
    lines = LineIndex(data)
    assert lines.line_count == 4
    assert [lines.line_start(n) for n in range(4)] == [0, 17, 23, 29]
    assert lines.line_end(0, data) == 15
    assert lines.line_end(1, data) == 22


@pytest.mark.parametrize(
    ("before", "start", "end", "insert"),
    [
        pytest.param(b"a\rb", 2, 2, b"\n", id="lf-joins-a-cr-into-crlf"),
        pytest.param(b"a\r\nb", 1, 2, b"", id="deleting-cr-leaves-lf"),
        pytest.param(b"a\nb\nc", 1, 4, b"x\r\ny\rz", id="replace-across-lines"),
        pytest.param(b"", 0, 0, b"\n\n", id="into-empty"),
        pytest.param(b"abc\n", 3, 4, b"", id="drop-final-newline"),
    ],
)
def test_line_index_edit_matches_rebuild(
    before: bytes, start: int, end: int, insert: bytes
) -> None:
    lines = LineIndex(before)
    after = before[:start] + insert + before[end:]
    lines.apply_edit(start, end, start + len(insert), after)
    rebuilt = LineIndex(after)
    assert [lines.line_start(n) for n in range(lines.line_count)] == [
        rebuilt.line_start(n) for n in range(rebuilt.line_count)
    ]


_edit = st.tuples(
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=8),
    st.lists(st.sampled_from([b"x", b"\n", b"\r", b"\r\n", b"yz"]), max_size=3).map(b"".join),
)


@settings(max_examples=200, deadline=None)
@given(
    text=st.lists(st.sampled_from([b"ab", b"\n", b"\r", b"\r\n", b"c"]), max_size=30).map(b"".join),
    edits=st.lists(_edit, min_size=1, max_size=15),
)
def test_line_index_after_many_edits_matches_rebuild(
    text: bytes, edits: list[tuple[float, int, bytes]]
) -> None:
    """Edits here and there (the pending shift moving up and down) read like a rebuild."""
    lines = LineIndex(text)
    for where, length, insert in edits:
        start = round(where * len(text))
        end = min(start + length, len(text))
        text = text[:start] + insert + text[end:]
        lines.apply_edit(start, end, start + len(insert), text)
        rebuilt = LineIndex(text)
        assert lines.line_count == rebuilt.line_count
        assert [lines.line_start(n) for n in range(lines.line_count)] == [
            rebuilt.line_start(n) for n in range(rebuilt.line_count)
        ]
        assert [lines.line_of(o) for o in range(len(text) + 1)] == [
            rebuilt.line_of(o) for o in range(len(text) + 1)
        ]
        assert [lines.line_end(n, text) for n in range(lines.line_count)] == [
            rebuilt.line_end(n, text) for n in range(rebuilt.line_count)
        ]
