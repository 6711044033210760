"""JSON-RPC envelopes: what is handled, and what is refused with which error and id."""

from __future__ import annotations

import pytest

from peer_lsp.lsp.envelope import INVALID_REQUEST, PARSE_ERROR, Refusal, messages


@pytest.mark.parametrize(
    "body",
    [
        b'{"jsonrpc": "2.0", "id": 1, "method": "m", "params": {}}',
        b'{"jsonrpc": "2.0", "method": "n"}',
        b'{"jsonrpc": "2.0", "id": "x", "result": null}',
        b'{"jsonrpc": "2.0", "id": 2, "error": {"code": 1, "message": "no"}}',
    ],
    ids=["request", "notification", "result", "error"],
)
def test_requests_notifications_and_responses_pass(body: bytes) -> None:
    [message] = messages(body)

    assert isinstance(message, dict)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{", (None, PARSE_ERROR, True)),
        (b"\xff", (None, PARSE_ERROR, True)),
        (b"[" * 200_000, (None, PARSE_ERROR, True)),
        (b"7", (None, INVALID_REQUEST, True)),
        (b"{}", (None, INVALID_REQUEST, True)),
        (b'{"id": 1, "method": "m"}', (1, INVALID_REQUEST, True)),
        (b'{"jsonrpc": "2.0", "id": "a", "method": null}', ("a", INVALID_REQUEST, True)),
        (b'{"jsonrpc": "2.0", "id": false, "method": "m"}', (None, INVALID_REQUEST, True)),
        (b'{"jsonrpc": "2.0", "id": 1, "result": 1, "error": {}}', (1, INVALID_REQUEST, False)),
    ],
    ids=[
        "truncated",
        "not-utf-8",
        "too-deep",
        "number",
        "empty-object",
        "no-jsonrpc",
        "method-null",
        "id-bool",
        "result-and-error",
    ],
)
def test_what_is_no_message_is_refused(body: bytes, expected: tuple[object, int, bool]) -> None:
    [refusal] = messages(body)

    assert isinstance(refusal, Refusal)
    assert (refusal.msg_id, refusal.code, refusal.answer) == expected


def test_a_batch_refuses_each_request_by_id_and_answers_no_notification() -> None:
    body = b'[{"jsonrpc": "2.0", "id": 1, "method": "a"}, {"jsonrpc": "2.0", "method": "b"}, 5]'

    refusals = messages(body)

    assert [(r.msg_id, r.answer) for r in refusals if isinstance(r, Refusal)] == [
        (1, True),
        (None, False),
    ]


def test_a_batch_without_requests_is_refused_once_with_id_null() -> None:
    answered = [r for r in messages(b"[]") if isinstance(r, Refusal) and r.answer]

    assert [(r.msg_id, r.code) for r in answered] == [(None, INVALID_REQUEST)]
