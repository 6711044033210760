"""Review prompt templates: their versions, what each asks for, and filling them in.

Templates are package data in ``templates/``: ``<version>.md`` is the system message and
``<version>.user.md`` the user message. The system message holds no placeholders, because
the answer cache keys on it; everything about the unit goes into the user message.
``{name}`` placeholders are filled in one pass and the values are never scanned again, so
code full of braces, ``$`` and ``%`` comes through intact. A line or a paragraph whose
placeholders are all empty is left out: that is how optional context disappears.
"""

from __future__ import annotations

import functools
import re
import typing
from dataclasses import dataclass
from importlib import resources

from peer_lsp.llm.types import Task

if typing.TYPE_CHECKING:
    from collections.abc import Mapping

PROMPT_VERSION = "review-v2"
EXPLAIN_PROMPT_VERSION = "review-explain-v1"
TEST_PROMPT_VERSION = "review-test-v1"

SEVERITIES = ("error", "warning", "info", "hint")
CATEGORIES = ("bug", "security", "performance", "maintainability", "style")


def _strict_object(properties: dict[str, typing.Any]) -> dict[str, typing.Any]:
    """An object as strict structured output wants it: every property required, no others."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_FIX_SCHEMA = _strict_object(
    {
        "replacement": {"type": "string", "description": "New text of the whole lines."},
        "start_line": {"type": "integer"},
        "end_line": {"type": "integer"},
    }
)

# No numeric bounds: Anthropic's structured output rejects minimum/maximum, so the range of
# confidence is stated in words and clamped when the answer is parsed.
FINDINGS_SCHEMA: typing.Final[dict[str, typing.Any]] = _strict_object(
    {
        "findings": {
            "type": "array",
            "items": _strict_object(
                {
                    "severity": {"type": "string", "enum": list(SEVERITIES)},
                    "category": {"type": "string", "enum": list(CATEGORIES)},
                    "title": {"type": "string"},
                    "message": {"type": "string"},
                    "explanation": {"type": "string", "description": "Markdown."},
                    "excerpt": {"type": "string", "description": "Code quoted exactly."},
                    "line": {"type": "integer"},
                    "end_line": {"type": "integer"},
                    "confidence": {"type": "number", "description": "From 0 to 1."},
                    "fix": {"anyOf": [_FIX_SCHEMA, {"type": "null"}]},
                }
            ),
        }
    }
)


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@functools.cache
def load_template(name: str) -> str:
    """The text of ``templates/<name>.md``, read once."""
    path = resources.files("peer_lsp.review.prompt") / "templates" / f"{name}.md"
    return path.read_text(encoding="utf-8")


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill ``{name}`` placeholders; drop lines and paragraphs whose placeholders are empty.

    Only lowercase names in single braces are placeholders, so ``{"findings": []}`` in a
    template stays as it is. A placeholder without a value raises KeyError.
    """
    paragraphs = []
    for paragraph in template.strip().split("\n\n"):
        if _all_empty(paragraph, values):
            continue
        lines = [line for line in paragraph.split("\n") if not _all_empty(line, values)]
        paragraphs.append(_PLACEHOLDER.sub(lambda m: values[m.group(1)], "\n".join(lines)))
    return "\n\n".join(paragraphs)


def _all_empty(text: str, values: Mapping[str, str]) -> bool:
    names = _PLACEHOLDER.findall(text)
    return bool(names) and not any(values[name] for name in names)


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    """A template version and what its requests ask for."""

    version: str
    task: Task
    schema: Mapping[str, typing.Any] | None
    schema_name: str
    max_tokens: int


REVIEW_TEMPLATE = PromptTemplate(PROMPT_VERSION, Task.REVIEW, FINDINGS_SCHEMA, "review", 2048)
EXPLAIN_TEMPLATE = PromptTemplate(EXPLAIN_PROMPT_VERSION, Task.EXPLAIN, None, "explain", 1024)
TEST_TEMPLATE = PromptTemplate(TEST_PROMPT_VERSION, Task.TEST, None, "test", 1536)
