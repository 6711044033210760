"""Several units in one request: the review requests of single units, under one instruction block.

A review request is mostly its fixed instructions (about 350 tokens) while a unit is often
less than 100, so each unit sent alone pays the instructions again. A batch request keeps each
unit's user message exactly as it would be sent alone (its context fitted to its own budget),
each under a ``### Unit U<n>`` header, and asks once for an answer per unit. Its answer is split
back into one answer per unit (`peer_lsp.review.answer.batch_answer`), each located, checked and
cached as the unit's own, so that the unit found again later, alone or in another batch, is a
cache hit.

`pack` cuts the requests waiting for a review into batches: in order, as many as fit in a token
budget and a unit count. A batch of one is the unit's own request, unchanged.
"""

from __future__ import annotations

import hashlib
import typing
from dataclasses import dataclass

from peer_lsp.llm.tokens import estimate_tokens, schema_tokens
from peer_lsp.llm.types import LLMRequest, Task
from peer_lsp.review.prompt.templates import FINDINGS_SCHEMA, load_template, render_template

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Sequence

BATCH_PROMPT_VERSION = "review-batch-v1"
DEFAULT_BATCH_TOKENS = 8000
"""Input tokens a batch request may hold (system and user messages, estimated)."""
DEFAULT_BATCH_UNITS = 10
"""Units a batch request may hold: a model's attention and its output limit are finite."""
OUTPUT_TOKENS_PER_UNIT = 1024
MAX_BATCH_OUTPUT_TOKENS = 8192

BATCH_SCHEMA: typing.Final[dict[str, typing.Any]] = {
    "type": "object",
    "properties": {
        "units": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "unit": {"type": "string"},
                    "findings": FINDINGS_SCHEMA["properties"]["findings"],
                },
                "required": ["unit", "findings"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["units"],
    "additionalProperties": False,
}


def unit_id(index: int) -> str:
    """The name of the ``index``-th unit (0-based) of a batch: ``U1``, ``U2``..."""
    return f"U{index + 1}"


@dataclass(frozen=True, slots=True)
class BatchOrigin:
    """What a batch request was built from: the single requests, in the order of their ids."""

    members: tuple[LLMRequest, ...]


def batch_system(project: str = "") -> str:
    """The instructions of a batch request (no placeholders: the cache keys on them), with
    the ``project``'s own (`instructions.Instructions.section`) after them."""
    return render_template(load_template(BATCH_PROMPT_VERSION), {}) + project


def project_instructions(member: LLMRequest) -> str:
    """The project instructions a single request was rendered with (a batch shares its
    members': they are of one file)."""
    origin = member.origin
    context = getattr(origin, "context", None)
    return str(getattr(context, "instructions", ""))


def _section(index: int, member: LLMRequest) -> str:
    return f"### Unit {unit_id(index)}\n\n{member.user}"


def section_tokens(member: LLMRequest) -> int:
    """What a unit adds to a batch request, estimated: its user message under its header."""
    return estimate_tokens(_section(99, member)) + 1


def batch_request(members: Sequence[LLMRequest]) -> LLMRequest:
    """One request asking about every unit of ``members`` (at least two single review
    requests, rendered by `ReviewPrompt`), for the same route."""
    if len(members) < 2:
        raise ValueError("a batch holds at least two units")
    first = members[0]
    user = "\n\n".join(_section(index, member) for index, member in enumerate(members))
    contexts = "\n".join(f"{m.prompt_version}:{m.context_key}" for m in members)
    return LLMRequest(
        system=batch_system(project_instructions(first)),
        user=user,
        max_tokens=min(MAX_BATCH_OUTPUT_TOKENS, OUTPUT_TOKENS_PER_UNIT * (len(members) + 1)),
        temperature=first.temperature,
        json_schema=BATCH_SCHEMA,
        schema_name="review_batch",
        stream=first.stream,
        task=Task.REVIEW,
        language=first.language,
        unit_tokens=max(m.unit_tokens for m in members),
        complexity=max(m.complexity for m in members),
        file=", ".join(dict.fromkeys(m.file for m in members if m.file)),
        unit=", ".join(m.unit for m in members if m.unit),
        prompt_version=BATCH_PROMPT_VERSION,
        context_key=hashlib.sha256(contexts.encode()).hexdigest(),
        origin=BatchOrigin(tuple(members)),
        categories=tuple(sorted({c for m in members for c in m.categories})),
        units=len(members),
    )


T = typing.TypeVar("T")


def pack(
    items: Sequence[T],
    request_of: Callable[[T], LLMRequest],
    *,
    budget_tokens: int = DEFAULT_BATCH_TOKENS,
    max_units: int = DEFAULT_BATCH_UNITS,
) -> list[list[T]]:
    """``items`` cut into batches, in order: each as many as fit in ``budget_tokens`` (batch
    instructions included) and ``max_units``. An item too large to share a request is a batch
    of its own; ``max_units`` of 1 (or a budget nothing fits in) sends every unit alone."""
    if not items:
        return []
    project = project_instructions(request_of(items[0]))  # the items are of one file
    room = budget_tokens - estimate_tokens(batch_system(project)) - schema_tokens(BATCH_SCHEMA)
    batches: list[list[T]] = []
    current: list[T] = []
    used = 0
    for item in items:
        size = section_tokens(request_of(item))
        if current and (used + size > room or len(current) >= max_units):
            batches.append(current)
            current, used = [], 0
        current.append(item)
        used += size
    if current:
        batches.append(current)
    return batches
