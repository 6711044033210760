"""How a reviewing fake reads a review request and writes its answer, for one unit or a batch.

A batch request (`peer_lsp.review.prompt.batch`) holds each unit's user message under a
``### Unit U<n>`` header and asks for ``{"units": [{"unit": "U1", "findings": [...]}]}``; a
single request asks for ``{"findings": [...]}``. A fake that answers per unit answers both,
the way a model that follows the instructions does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

_HEADER = re.compile(r"^### Unit (U\d+)\n", re.MULTILINE)

Findings = list[dict[str, Any]]


def unit_prompts(user: str) -> list[tuple[str, str]]:
    """Each unit's part of a user message as (id, text); one ("", user) for a single unit."""
    parts = _HEADER.split(user)
    if len(parts) == 1:
        return [("", user)]
    return [(parts[i], parts[i + 1].strip("\n")) for i in range(1, len(parts), 2)]


def is_batch(user: str) -> bool:
    return len(unit_prompts(user)) > 1 or bool(unit_prompts(user)[0][0])


def answer(user: str, findings_of: Callable[[str], Findings], indent: int | None = None) -> str:
    """The JSON answer giving each unit of the request ``findings_of(its prompt)``."""
    units = unit_prompts(user)
    if not units[0][0]:
        return json.dumps({"findings": findings_of(user)}, indent=indent)
    entries = [{"unit": uid, "findings": findings_of(text)} for uid, text in units]
    return json.dumps({"units": entries}, indent=indent)


def placed(user: str, findings: Sequence[dict[str, Any]]) -> str:
    """The answer holding ``findings``: all of them for a single unit; in a batch, each with
    the unit whose code shows its excerpt (the first unit when none does)."""
    units = unit_prompts(user)
    if not units[0][0]:
        return json.dumps({"findings": list(findings)})
    owners = {
        index: next((uid for uid, text in units if str(f.get("excerpt", "")) in text), units[0][0])
        for index, f in enumerate(findings)
    }
    entries = [
        {"unit": uid, "findings": [f for i, f in enumerate(findings) if owners[i] == uid]}
        for uid, _ in units
    ]
    return json.dumps({"units": entries})


EXPLAIN_MARK = "explaining one finding"
"""Words of the explain template's system message (review-explain-v1): how a fake tells a
request for an explanation (prose) from a review (JSON)."""


def is_explain(received: Any) -> bool:
    """Whether a request (`Received`) asks to explain a finding rather than to review."""
    messages = received.json["messages"] if received.json else []
    return bool(messages) and EXPLAIN_MARK in str(messages[0].get("content", ""))


TEST_MARK = "writing one unit test"
"""What the system prompt of a "suggest a test" request says (review-test-v1)."""


def is_test(received: Any) -> bool:
    """Whether a request (`Received`) asks for a test of a finding."""
    messages = received.json["messages"] if received.json else []
    return bool(messages) and TEST_MARK in str(messages[0].get("content", ""))


def units_asked(requests: Sequence[Any]) -> list[str]:
    """Each unit's prompt in the review requests a fake received (`Received`), in order
    (requests for an explanation or a test are not reviews)."""
    return [
        text
        for received in requests
        if not is_explain(received) and not is_test(received)
        for _, text in unit_prompts(received.json["messages"][-1]["content"])
    ]
