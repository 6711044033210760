"""Model text made safe to put in Markdown (hovers, the explanation document).

A model writes ``words[1]`` or ``a_b * c_d`` as plain text; put into Markdown unescaped,
``[1]`` reads as a link reference (Neovim shows ``words1``) and ``_b * c_`` as emphasis.
`escape` backslash-escapes what Markdown would read as markup, but leaves code alone: a
backtick code span (`` `x[0]` ``) or a fenced code block is already literal, and the
models are asked to put code in them.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&$])")
"""Characters that can start or end inline markup (links, emphasis, HTML, entities, tables,
strikethrough, math); a backslash before them is CommonMark's escape, which every renderer
hides."""

_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])(?=\s|$)", re.MULTILINE)
"""What opens a list, a quote or a setext underline at the start of a line."""

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
"""A code span: a run of backticks, text, and a run of as many (CommonMark's rule)."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def escape(text: str) -> str:
    """``text`` with Markdown markup escaped outside code spans and fenced code blocks."""
    out: list[str] = []
    prose: list[str] = []
    fence = ""
    for line in text.splitlines(keepends=True):
        opened = _FENCE.match(line)
        if fence:
            out.append(line)
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            out.append(_escape_prose("".join(prose)))
            prose = []
            fence = opened.group(1)
            out.append(line)
            continue
        prose.append(line)
    out.append(_escape_prose("".join(prose)))
    return "".join(out)


def _escape_prose(text: str) -> str:
    """Escape text outside fences, keeping its code spans as they are."""
    parts: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(_escape_plain(text[last : span.start()]))
        parts.append(span.group(0))
        last = span.end()
    parts.append(_escape_plain(text[last:]))
    return "".join(parts)


def _escape_plain(text: str) -> str:
    escaped = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}", escaped)


def code_span(text: str) -> str:
    """``text`` as one inline code span, fenced by more backticks than it holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(text: str, language: str = "") -> str:
    """``text`` as a fenced code block, its fence longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{language}\n{body}{fence}"
