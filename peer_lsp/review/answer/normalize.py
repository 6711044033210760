"""One finding object from a model, normalized into a `Candidate`, or dropped with a reason.

Keys are compared without case, ``_``, ``-`` or spaces, so ``endLine``, ``end_line`` and
``End Line`` are one key; each field also has aliases (``description`` for ``message``,
``code`` or ``quote`` for ``excerpt``, ``startLine`` for ``line``...).

- severity, by its first known word: critical, blocker, fatal, severe, high, error → error;
  major, medium, moderate, important, warning → warning; minor, low, info, note → info;
  trivial, nit, hint, suggestion, optional → hint. Absent or unknown → warning.
- category, by its first known word: bug, correctness, logic, crash, error, exception, race,
  leak, syntax → bug; security, vulnerability, injection, xss, secret, unsafe → security;
  performance, perf, efficiency, slow, memory → performance; maintainability, smell,
  readability, design, complexity, duplication, refactor, documentation → maintainability;
  style, formatting, convention, naming, typo, lint → style. Absent or unknown →
  maintainability.
- confidence: numbers in [0, 1] as they are; in (1, 10] a ten-point scale; in (10, 100] a
  percentage; ``"85%"`` a percentage; words: certain 0.95, very high 0.9, high 0.8, medium or
  moderate 0.6, low 0.3, very low 0.15. Clamped to [0, 1]; absent or unreadable → 0.5.
- lines: integers, integral floats, or the first number of a string (``"L12"``); a range
  ``"12-14"`` or ``[12, 14]`` gives both ends.
- excerpt: a list of lines is joined; an enclosing code fence or pair of backticks is removed.
- fix: an object with ``replacement`` (or ``code``, ``new_code``...) and optional lines, or a
  string taken as the replacement; a fix without replacement text is ignored, the finding kept.
- title: the model's, or the first line of the message (at most 80 characters).

Entries that are not objects, were cut off (an `Incomplete` object), or have no excerpt or
message are dropped with a reason.
"""

from __future__ import annotations

import math
import re
from typing import Any

from peer_lsp.review.answer.candidates import Candidate, Dropped, ProposedFix
from peer_lsp.review.answer.lenient_json import Incomplete

NOT_AN_OBJECT = "finding is not a JSON object"
CUT_OFF = "finding cut off by the end of the answer"
NO_EXCERPT = "no code excerpt"
NO_MESSAGE = "no message"

DEFAULT_CONFIDENCE = 0.5
DEFAULT_SEVERITY = "warning"
DEFAULT_CATEGORY = "maintainability"
TITLE_CHARS = 80

_ALIASES: dict[str, tuple[str, ...]] = {
    "severity": ("severity", "level", "priority", "impact"),
    "category": ("category", "type", "kind", "issuetype", "tag"),
    "title": ("title", "summary", "name", "headline", "shortdescription"),
    "message": ("message", "description", "detail", "details", "issue", "problem", "comment"),
    "explanation": ("explanation", "rationale", "reasoning", "reason", "why", "longdescription"),
    "excerpt": (
        *("excerpt", "quote", "quotedcode", "code", "codeexcerpt", "snippet", "codesnippet"),
        "evidence",
    ),
    "line": ("line", "startline", "linestart", "lineno", "linenumber", "start", "lines"),
    "end_line": ("endline", "lineend", "end", "lastline", "toline"),
    "confidence": ("confidence", "certainty", "probability", "confidencescore", "score"),
    "fix": ("fix", "suggestedfix", "proposedfix", "fixedcode", "replacement", "patch"),
    "suggestion": ("suggestion", "recommendation"),
    "rule": ("rule", "ruleid", "check"),
}
_FIX_ALIASES: dict[str, tuple[str, ...]] = {
    "replacement": ("replacement", "code", "newcode", "fixedcode", "newtext", "text", "after"),
    "line": ("startline", "line", "start", "linestart", "fromline", "lines"),
    "end_line": ("endline", "end", "lineend", "toline"),
}


def _norm_key(key: str) -> str:
    return re.sub(r"[\s_\-]", "", key).lower()


def keyed(value: dict[Any, Any]) -> dict[str, Any]:
    """The object's members under normalized keys (first spelling wins)."""
    keyed: dict[str, Any] = {}
    for key, item in value.items():
        keyed.setdefault(_norm_key(str(key)), item)
    return keyed


def _pick(keys: dict[str, Any], aliases: tuple[str, ...]) -> Any:
    for alias in aliases:
        item = keys.get(alias)
        if item is not None and item != "":
            return item
    return None


def is_finding(value: Any) -> bool:
    """Whether a JSON value is one finding object: it has an excerpt or a message."""
    if not isinstance(value, dict):
        return False
    keys = keyed(value)
    return any(key in keys for key in (*_ALIASES["excerpt"], *_ALIASES["message"]))


def candidate_from(entry: Any) -> Candidate | Dropped:
    """The candidate a findings entry describes, or why it was dropped."""
    if not isinstance(entry, dict):
        return Dropped(NOT_AN_OBJECT, _text(entry)[:TITLE_CHARS])
    keys = keyed(entry)
    message = _text(_pick(keys, _ALIASES["message"]))
    title = _text(_pick(keys, _ALIASES["title"])) or _title_from(message)
    if isinstance(entry, Incomplete):
        return Dropped(CUT_OFF, title)
    excerpt = _excerpt(_pick(keys, _ALIASES["excerpt"]))
    if not excerpt.strip():
        return Dropped(NO_EXCERPT, title)
    if not message:
        return Dropped(NO_MESSAGE, title)
    line, end_line = _lines(keys, _ALIASES)
    return Candidate(
        severity=severity_of(_pick(keys, _ALIASES["severity"])),
        category=category_of(_pick(keys, _ALIASES["category"])),
        title=title,
        message=message,
        excerpt=excerpt,
        explanation=_explanation(keys),
        line=line,
        end_line=end_line,
        confidence=confidence_of(_pick(keys, _ALIASES["confidence"])),
        fix=_fix(_pick(keys, _ALIASES["fix"]), keys),
        rule=_text(_pick(keys, _ALIASES["rule"])),
    )


def _text(value: Any) -> str:
    """Readable text of a scalar or a list of scalars; other shapes give ``""``."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool) or value is None:
        return ""
    elif isinstance(value, int | float):
        text = str(value)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        text = "\n".join(value)
    else:
        return ""
    return _clean(text).strip()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """``text`` with lone surrogates (from ``"\\ud800"`` escapes), which cannot be encoded in
    UTF-8, replaced by U+FFFD; decoded JSON has already paired the valid ones.
    """
    return _SURROGATE.sub("\ufffd", text)


def _title_from(message: str) -> str:
    first = message.split("\n", 1)[0].strip()
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1].rstrip() + "…"


_FENCED = re.compile(r"\A\s*```[^\n]*\n(.*?)\n?[ \t]*```\s*\Z", re.DOTALL)


def _excerpt(value: Any) -> str:
    """The quoted code without enclosing fences or backticks; whitespace is kept."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        value = "\n".join(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    text = _clean(value)
    fenced = _FENCED.match(text)
    if fenced:
        return fenced.group(1)
    stripped = text.strip()
    if len(stripped) > 2 and stripped[0] == stripped[-1] == "`" and "`" not in stripped[1:-1]:
        return stripped[1:-1]
    return text


def _explanation(keys: dict[str, Any]) -> str:
    explanation = _text(_pick(keys, _ALIASES["explanation"]))
    suggestion = _pick(keys, _ALIASES["suggestion"])
    if isinstance(suggestion, str) and suggestion.strip():
        advice = f"Suggestion: {_text(suggestion)}"
        return f"{explanation}\n\n{advice}" if explanation else advice
    return explanation


def _fix(value: Any, keys: dict[str, Any]) -> ProposedFix | None:
    if value is None or value is False:
        suggestion = _pick(keys, _ALIASES["suggestion"])
        value = suggestion if isinstance(suggestion, dict) else None
    if isinstance(value, str):
        return ProposedFix(replacement=_clean(value))
    if not isinstance(value, dict):
        return None
    fix_keys = keyed(value)
    replacement = next(
        (
            fix_keys[key]
            for key in _FIX_ALIASES["replacement"]
            if isinstance(fix_keys.get(key), str)
        ),
        None,
    )
    if replacement is None:
        return None
    start, end = _lines(fix_keys, _FIX_ALIASES)
    return ProposedFix(replacement=_clean(replacement), start_line=start, end_line=end)


_NUMBERS = re.compile(r"\d+")


def _lines(
    keys: dict[str, Any], aliases: dict[str, tuple[str, ...]]
) -> tuple[int | None, int | None]:
    """(line, end line) from a start key, an end key, or a range such as ``"12-14"``."""
    start_value = _pick(keys, aliases["line"])
    start, end = _line_pair(start_value)
    explicit_end = _line_pair(_pick(keys, aliases["end_line"]))[0]
    return start, explicit_end if explicit_end is not None else end


def _line_pair(value: Any) -> tuple[int | None, int | None]:
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        return (int(value), None) if value.is_integer() else (None, None)
    if isinstance(value, list) and value:
        first = _line_pair(value[0])[0]
        last = _line_pair(value[-1])[0] if len(value) > 1 else None
        return first, last
    if isinstance(value, str):
        numbers = [int(n) for n in _NUMBERS.findall(value)[:2]]
        if numbers:
            return numbers[0], numbers[1] if len(numbers) > 1 else None
    return None, None


_SEVERITY_WORDS: dict[str, str] = {
    **dict.fromkeys(("critical", "blocker", "fatal", "severe", "high", "error", "err"), "error"),
    **dict.fromkeys(("major", "medium", "moderate", "important", "warning", "warn"), "warning"),
    **dict.fromkeys(("minor", "low", "info", "information", "informational", "note"), "info"),
    **dict.fromkeys(("trivial", "nit", "nitpick", "hint", "suggestion", "optional"), "hint"),
}

_CATEGORY_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            *("bug", "bugs", "correctness", "logic", "crash", "error", "exception", "race"),
            *("concurrency", "leak", "syntax", "defect", "functional", "reliability"),
        ),
        "bug",
    ),
    **dict.fromkeys(
        (
            *("security", "vulnerability", "injection", "xss", "csrf", "secret", "secrets"),
            *("unsafe", "auth", "authentication", "crypto", "sqli"),
        ),
        "security",
    ),
    **dict.fromkeys(
        ("performance", "perf", "efficiency", "speed", "slow", "memory", "optimization"),
        "performance",
    ),
    **dict.fromkeys(
        (
            *("maintainability", "smell", "readability", "design", "complexity"),
            *("duplication", "refactor", "refactoring", "documentation", "docs", "clarity"),
            "maintenance",
        ),
        "maintainability",
    ),
    **dict.fromkeys(
        ("style", "formatting", "format", "convention", "conventions", "naming", "typo", "lint"),
        "style",
    ),
}

_CONFIDENCE_WORDS: dict[str, float] = {
    "certain": 0.95,
    "very high": 0.9,
    "high": 0.8,
    "medium": 0.6,
    "moderate": 0.6,
    "low": 0.3,
    "very low": 0.15,
}


def _first_word(value: Any, table: dict[str, str]) -> str | None:
    if not isinstance(value, str):
        return None
    for word in re.findall(r"[a-z]+", value.lower()):
        if word in table:
            return table[word]
    return None


def severity_of(value: Any) -> str:
    """error, warning, info or hint for a model's severity (module docstring: the table)."""
    return _first_word(value, _SEVERITY_WORDS) or DEFAULT_SEVERITY


def category_of(value: Any) -> str:
    """A `Category` value for a model's category (module docstring: the table)."""
    return _first_word(value, _CATEGORY_WORDS) or DEFAULT_CATEGORY


def confidence_of(value: Any) -> float:
    """The model's confidence in [0, 1] (module docstring: the scales)."""
    if isinstance(value, bool) or value is None:
        return DEFAULT_CONFIDENCE
    if isinstance(value, str):
        return _confidence_text(value.strip().lower())
    if not isinstance(value, int | float) or math.isnan(value):
        return DEFAULT_CONFIDENCE
    number = float(value)
    if number > 10:
        number /= 100
    elif number > 1:
        number /= 10
    return min(max(number, 0.0), 1.0)


def _confidence_text(text: str) -> float:
    if text in _CONFIDENCE_WORDS:
        return _CONFIDENCE_WORDS[text]
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%").strip())
    except ValueError:
        return DEFAULT_CONFIDENCE
    if math.isnan(number):
        return DEFAULT_CONFIDENCE
    return min(max(number / 100, 0.0), 1.0) if percent else confidence_of(number)
