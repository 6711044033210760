"""The workspace the real-editor tests open (Neovim, VS Code): a file with a syntax error, a
`== None` a local rule reports, and two problems only the fake model finds, each with a fix
the server verifies before offering it."""

from __future__ import annotations

SOURCE = (
    "def average(values):\n"
    "    total = sum(values)\n"
    "    return total / len(values)\n"
    "\n"
    "\n"
    "def first_word(text):\n"
    "    words = text.split()\n"
    "    return words[1]\n"
    "\n"
    "\n"
    "def is_missing(value):\n"
    "    return value == None\n"
    "\n"
    "\n"
    "print('unclosed'\n"
)

EMPTY = {
    "severity": "error",
    "category": "bug",
    "title": "division by zero for an empty list",
    "message": "len(values) is 0 when values is empty.",
    "explanation": "Return 0.0 for an empty list.",
    "excerpt": "return total / len(values)",
    "line": 3,
    "end_line": 3,
    "confidence": 0.9,
    "fix": {
        "replacement": "    return total / len(values) if values else 0.0",
        "start_line": 3,
        "end_line": 3,
    },
}
INDEX = {
    "severity": "warning",
    "category": "bug",
    "title": "the first word is at index 0",
    "message": "words[1] is the second word.",
    "explanation": "Python lists start at 0.",
    "excerpt": "return words[1]",
    "line": 3,
    "end_line": 3,
    "confidence": 0.85,
    "fix": {"replacement": "    return words[0]", "start_line": 3, "end_line": 3},
}
