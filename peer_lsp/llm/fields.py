"""Readers for one field of a provider or route entry: the value, or what was expected.

Each reader takes a raw value (JSON from the editor, TOML from a file) and returns it typed,
or raises `Invalid` whose message says what the field accepts, so the caller can name the
field's path and the bad value. A reader accepts its own output, so reading a cleaned entry
again changes nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from urllib.parse import urlsplit

Reader = Callable[[object], object]

SHOWN_CHARS = 60
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Invalid(ValueError):
    """A value the field cannot take; the message is what it expects."""


def shown(value: object) -> str:
    """The value as a message quotes it, cut short."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def text(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return value
    raise Invalid("a non-empty string")


def choice(options: tuple[str, ...]) -> Callable[[object], str]:
    def read(value: object) -> str:
        if isinstance(value, str) and value.lower() in options:
            return value.lower()
        raise Invalid("one of " + ", ".join(options))

    return read


def _real(value: object) -> float | None:
    """The number, when ``value`` is a finite int or float (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def whole(low: int, high: int) -> Callable[[object], int]:
    def read(value: object) -> int:
        number = _real(value)
        if number is not None and number.is_integer() and low <= number <= high:
            return int(number)
        raise Invalid(f"a whole number from {low} to {high}")

    return read


def number(low: float, high: float, *, above: bool = False) -> Callable[[object], float]:
    """A finite number in ``[low, high]`` (``(low, high]`` when ``above``)."""

    def read(value: object) -> float:
        found = _real(value)
        if found is not None and (found > low if above else found >= low) and found <= high:
            return found
        lower = f"above {low:g}" if above else f"from {low:g}"
        raise Invalid(f"a number {lower} to {high:g}")

    return read


def flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid("true or false")


def names(value: object) -> list[str]:
    """A list of non-empty strings (a bare string is not taken for a list of one)."""
    if isinstance(value, list | tuple) and all(isinstance(v, str) and v.strip() for v in value):
        return list(value)
    raise Invalid("a list of non-empty strings")


def http_url(value: object) -> str:
    """An http:// or https:// URL with a host, without its trailing slash."""
    if isinstance(value, str) and not any(c.isspace() for c in value):
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if parts is not None and parts.scheme in ("http", "https") and parts.hostname:
            return value.rstrip("/")
    raise Invalid("an http:// or https:// URL")


def variable(value: object) -> str:
    """The name of an environment variable, or "" for none."""
    if isinstance(value, str) and (value == "" or _VARIABLE.fullmatch(value)):
        return value
    raise Invalid('the name of an environment variable (letters, digits, _), or "" for none')
