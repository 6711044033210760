"""JSON-RPC 2.0 envelopes: a frame's body as messages to handle, or as errors to answer.

pygls parses a body and builds its typed message in one step (``json.loads`` with an
object hook): whatever goes wrong there is logged and nobody is answered, so the editor's
request waits forever. Here the body is first checked against JSON-RPC itself: JSON that
does not parse is answered with ParseError (-32700), and anything that is not a request,
a notification or a response with InvalidRequest (-32600), by id when one can be read,
else with id null as JSON-RPC asks. LSP has no batches: each request in one is refused.

Only the standard library is used, and nothing of LSP: params are checked later, against
the method's types.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002

MsgId = int | str


class Refusal(NamedTuple):
    """A message that cannot be handled: the error to answer it with, if any is due."""

    msg_id: MsgId | None
    code: int
    message: str
    answer: bool = True
    """False for what must not be answered: a response from the client, a notification
    inside a batch."""


def messages(body: bytes) -> list[dict[str, Any] | Refusal]:
    """The messages in ``body`` to handle (one, unless it is a batch), and the refusals."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        return [Refusal(None, PARSE_ERROR, f"Parse error: the message is not JSON ({reason})")]
    if isinstance(value, list):
        return _batch(value)
    return [check(value)]


def check(value: object) -> dict[str, Any] | Refusal:
    """``value`` if it is a JSON-RPC 2.0 request, notification or response."""
    if not isinstance(value, dict):
        return Refusal(None, INVALID_REQUEST, f"Invalid request: a JSON {_kind(value)}")
    msg_id = usable_id(value)
    if "method" not in value:
        return value if _is_response(value) else _not_a_message(value, msg_id)
    if value.get("jsonrpc") != "2.0":
        return Refusal(msg_id, INVALID_REQUEST, 'Invalid request: "jsonrpc" must be "2.0"')
    if not isinstance(value["method"], str):
        return Refusal(msg_id, INVALID_REQUEST, 'Invalid request: "method" must be a string')
    if "id" in value and msg_id is None:
        return Refusal(
            None, INVALID_REQUEST, 'Invalid request: "id" must be an integer or a string'
        )
    return value


def usable_id(value: dict[str, Any]) -> MsgId | None:
    """The message's id if JSON-RPC allows it (an integer or a string), else None."""
    msg_id = value.get("id")
    if isinstance(msg_id, bool) or not isinstance(msg_id, int | str):
        return None
    return msg_id


def _is_response(value: dict[str, Any]) -> bool:
    return (
        value.get("jsonrpc") == "2.0"
        and "id" in value
        and (("result" in value) != ("error" in value))
    )


def _not_a_message(value: dict[str, Any], msg_id: MsgId | None) -> Refusal:
    if "result" in value or "error" in value:
        # A broken response from the client: answering it would only confuse it.
        return Refusal(msg_id, INVALID_REQUEST, "Invalid response", answer=False)
    return Refusal(
        None,
        INVALID_REQUEST,
        "Invalid request: neither a request, a notification nor a response",
    )


def _batch(values: list[Any]) -> list[dict[str, Any] | Refusal]:
    """One refusal per request of a batch; one with id null if it holds no request."""
    reason = "Invalid request: LSP has no batch messages; send each message on its own"
    refusals = [
        Refusal(usable_id(value), INVALID_REQUEST, reason, answer=_is_request(value))
        for value in values
        if isinstance(value, dict)
    ]
    if not any(refusal.answer for refusal in refusals):
        refusals.append(Refusal(None, INVALID_REQUEST, reason))
    return list(refusals)


def _is_request(value: dict[str, Any]) -> bool:
    return isinstance(value.get("method"), str) and usable_id(value) is not None


def _kind(value: object) -> str:
    names = {str: "string", int: "number", float: "number", bool: "boolean", list: "array"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
