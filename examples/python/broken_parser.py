"""Parse a tiny INI dialect: [section] headers and key = value lines.

This file has one syntax error on purpose (an unclosed bracket); `peer check examples`
reports it.
"""

from __future__ import annotations


class ParseError(ValueError):
    def __init__(self, lineno: int, message: str) -> None:
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno


def parse_line(line: str, lineno: int) -> tuple[str, str]:
    key, sep, value = line.partition("=")
    if not sep or not key.strip():
        raise ParseError(lineno, f"expected 'key = value', got {line!r}")
    return key.strip(), value.strip()


def parse(text: str) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {"": {}}
    current = ""
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            sections.setdefault(current, {})
            continue
        key, value = parse_line(line, lineno)
        sections[current][key] = value.strip('"'
    return sections


def dump(sections: dict[str, dict[str, str]]) -> str:
    lines = []
    for name, values in sections.items():
        if name:
            lines.append(f"[{name}]")
        lines.extend(f"{key} = {value}" for key, value in values.items())
    return "\n".join(lines) + "\n"
