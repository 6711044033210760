"""The frame reader: bounded bodies, and the way back to the next frame after bad input."""

from __future__ import annotations

import io
import json

import pytest

from peer_lsp.lsp.framing import MAX_HEADER_LINE, Frame, FrameReader, Oversized, message_head


def framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def frames(data: bytes, limit: int = 1000) -> list[Frame | Oversized]:
    reader = FrameReader(io.BytesIO(data), limit)
    found: list[Frame | Oversized] = []
    while (frame := reader.read()) is not None:
        found.append(frame)
    return found


def test_frames_are_read_in_order_with_other_headers_ignored() -> None:
    data = (
        framed(b"{}")
        + b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
        + framed(b"[1]")
        + b'content-length:3\n\n"x"'
    )

    assert frames(data) == [Frame(b"{}"), Frame(b"[1]"), Frame(b'"x"')]


@pytest.mark.parametrize(
    "bad",
    [
        b"Content-Type: text/plain\r\n\r\n{}",
        b"Content-Length: ten\r\n\r\n{}",
        b"Content-Length: -2\r\n\r\n{}",
        b"hello\r\n",
        b"\r\n",
        b"x" * (5 * MAX_HEADER_LINE) + b"\r\n",
    ],
    ids=["no-length", "words", "negative", "garbage", "blank", "long-line"],
)
def test_after_input_without_a_usable_length_the_next_frame_is_read(bad: bytes) -> None:
    assert frames(bad + framed(b"{}")) == [Frame(b"{}")]


def test_a_header_glued_to_an_unframed_body_is_found_even_past_a_long_line() -> None:
    unframed = b"Content-Type: x\r\n\r\n" + b'{"text": "' + b"y" * 5000 + b'"}'

    assert frames(unframed + framed(b"{}")) == [Frame(b"{}")]


def test_skipped_input_is_logged_once_with_what_it_was(caplog: pytest.LogCaptureFixture) -> None:
    frames(b"Content-Length: ten\r\n\r\n{}" + framed(b"{}"))

    [record] = [r for r in caplog.records if r.name == "peer_lsp.lsp.framing"]
    assert "Content-Length b'ten' is not a number" in record.getMessage()


def test_an_oversized_body_is_refused_from_its_head_and_the_rest_discarded() -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "m", "params": "z" * 5000})

    found = frames(framed(body.encode()) + framed(b"{}"), limit=100)

    assert found == [Oversized(len(body), 7, "m"), Frame(b"{}")]


def test_an_absurd_length_reads_no_more_than_the_input_holds() -> None:
    head = b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {'
    reader = FrameReader(io.BytesIO(b"Content-Length: %d\r\n\r\n" % 10**15 + head))

    assert reader.read() == Oversized(10**15, None, "textDocument/didOpen")
    assert reader.read() is None


def test_the_input_ending_inside_a_body_ends_the_frames() -> None:
    assert frames(b"Content-Length: 10\r\n\r\n{}") == []


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'{"jsonrpc":"2.0","id":3,"method":"a/b","params":{"id":9', (3, "a/b")),
        (b' { "method" : "x", "id" : "s-1", "params": [', ("s-1", "x")),
        (b'{"params": {"id": 1}, "id": 2, "method": "late"}', (None, None)),
        (b'{"id": true, "method": 5}', (None, None)),
        (b'{"id": 4, "method": "cut', (4, None)),
        (b"[1, 2]", (None, None)),
        (b"\xff\xfe", (None, None)),
    ],
)
def test_message_head_reads_top_level_members_before_params_only(
    head: bytes, expected: tuple[object, object]
) -> None:
    assert message_head(head) == expected
