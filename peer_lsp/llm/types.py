"""The values that cross the llm package: requests, responses, usage, timeouts."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Task(enum.StrEnum):
    """Why a model is asked; routes match on it."""

    REVIEW = "review"
    EXPLAIN = "explain"
    VERIFY = "verify"
    FIX = "fix"
    SUMMARY = "summary"
    TEST = "test"


class Finish(enum.StrEnum):
    """Why the model stopped, in one vocabulary for every vendor."""

    STOP = "stop"
    LENGTH = "length"
    CONTENT_FILTER = "content_filter"
    REFUSAL = "refusal"
    TOOL_USE = "tool_use"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class LLMRequest:
    """One request to a model, and what the router needs to know to place it.

    ``system`` and ``user`` are the two messages; ``json_schema`` asks for structured output
    (each vendor's native mechanism, else a plain "answer only with JSON" instruction).
    The fields after ``stream`` are routing and audit metadata: never sent to a provider.
    """

    system: str
    user: str
    max_tokens: int = 2048
    temperature: float = 0.0
    json_schema: Mapping[str, Any] | None = None
    schema_name: str = "review"
    stream: bool = True
    task: Task = Task.REVIEW
    language: str = ""
    unit_tokens: int = 0
    complexity: int = 0
    file: str = ""
    unit: str = ""
    prompt_version: str = ""
    context_key: str = ""
    """Hash of the context that went into the prompt, for the cache key."""
    origin: object = field(default=None, compare=False, repr=False)
    """What built the request, opaque here: the builder's callbacks (a smaller prompt after a
    context overflow, the code's cache name) read it back. A field, so it survives
    ``dataclasses.replace``; never sent, never part of a cache key."""
    categories: tuple[str, ...] = ()
    """The finding categories the request is about (the local findings known in a reviewed
    unit; a second opinion's findings): a route with ``categories`` takes a request that
    carries one of them."""
    units: int = 1
    """How many units the request reviews: more than one for a batch (whose ``unit`` names
    them all). The audit log records it, so that a cache hit rate counts units, not requests."""


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens of one call. ``input_tokens`` includes cached input."""

    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cached_input_tokens + other.cached_input_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
        )


@dataclass(frozen=True, slots=True)
class LLMResponse:
    """A complete answer: text, why it stopped, tokens, and how long it took."""

    text: str
    finish: Finish
    usage: Usage
    provider: str
    model: str
    latency_ms: float = 0.0
    first_byte_ms: float = 0.0
    request_id: str | None = None
    cached: bool = False
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """The three timeouts of one attempt, in seconds, all under the router's total deadline.

    ``connect``: TCP/TLS set-up. ``first_byte``: from sending until the response starts.
    ``idle``: longest silence between two chunks of a streamed answer.
    """

    connect: float = 5.0
    first_byte: float = 30.0
    idle: float = 30.0
