"""One provider or route entry read field by field: its keys (`PROVIDER_FIELDS`,
`ROUTE_FIELDS`), how each value is read, and a `ConfigIssue` for each field not taken."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from peer_lsp.llm import fields
from peer_lsp.llm.presets import PRESETS, STRUCTURED
from peer_lsp.llm.types import Task


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One field of a provider or route entry that was not taken: its path
    (``providers[0].timeouts.connect``) and a sentence that names it, the value and why."""

    key: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class EntryField:
    """One key of an entry and how its value is read (None: a table, read item by item). A
    ``vital`` field decides where requests go or which requests a route takes: when it
    cannot be read, the entry is left out rather than guessed."""

    key: str
    read: fields.Reader | None
    vital: bool = False


def _loose(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


_SECONDS = fields.number(0, 3600, above=True)
_TIMEOUTS = {"connect": "connect", "firstbyte": "firstByte", "idle": "idle"}
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


def _timeouts(value: object, path: str, issues: list[ConfigIssue]) -> dict[str, float]:
    """The readable timeouts of a ``timeouts`` table; an issue for each other key."""
    if not isinstance(value, Mapping):
        raise fields.Invalid("a table of seconds: connect, firstByte, idle")
    seconds: dict[str, float] = {}
    for key, item in value.items():
        where = f"{path}.{key}"
        name = _TIMEOUTS.get(_loose(str(key)))
        if name is None:
            shown = fields.shown(item)
            message = f"unknown key '{where}' = {shown}; expected connect, firstByte or idle"
            issues.append(ConfigIssue(where, message))
        elif item is not None:
            try:
                seconds[name] = _SECONDS(item)
            except fields.Invalid as error:
                issues.append(_invalid(where, item, error))
    return seconds


def _headers(value: object, path: str, issues: list[ConfigIssue]) -> dict[str, str]:
    """The valid pairs of a ``headers`` table. Values may hold keys: never quoted."""
    if not isinstance(value, Mapping):
        raise fields.Invalid("a table of header names to text")
    headers: dict[str, str] = {}
    for key, item in value.items():
        where = f"{path}.{key}"
        if not isinstance(key, str) or not _HEADER_NAME.fullmatch(key):
            issues.append(ConfigIssue(where, f"invalid header name '{where}'; expected a token"))
        elif isinstance(item, str) and _HEADER_VALUE.fullmatch(item):
            headers[key] = item
        elif item is not None:
            kind = type(item).__name__
            message = (
                f"invalid value for '{where}' (of type {kind}; not shown, as headers may hold "
                "keys); expected text in printable ASCII"
            )
            issues.append(ConfigIssue(where, message))
    return headers


_TABLES: dict[str, Callable[[object, str, list[ConfigIssue]], object]] = {
    "timeouts": _timeouts,
    "headers": _headers,
}
"""Fields whose value is a table, read item by item."""


def _preset(value: object) -> str:
    if isinstance(value, str) and value in PRESETS:
        return value
    raise fields.Invalid("one of " + ", ".join(sorted(PRESETS)))


_TASKS = tuple(t.value for t in Task)

UNSENT_TASKS = {
    Task.FIX.value: "no request is sent with task 'fix' (fixes come with the review)",
}
"""Tasks a route may name but that no request carries, and why: a route that only takes
them would silently never match, so `config.check_entries` says so."""

CATEGORIES = ("bug", "security", "performance", "maintainability", "style", "syntax")
"""The finding categories a route's ``categories`` may name (those of
`peer_lsp.findings.model.Category`, which llm does not import)."""


def _tasks(value: object) -> list[str]:
    if isinstance(value, list | tuple) and all(item in _TASKS for item in value):
        return list(value)
    raise fields.Invalid("a list of: " + ", ".join(_TASKS))


def _categories(value: object) -> list[str]:
    if isinstance(value, list | tuple) and all(item in CATEGORIES for item in value):
        return list(value)
    raise fields.Invalid("a list of: " + ", ".join(CATEGORIES))


PROVIDER_NUMBERS = {
    "maxConcurrency": ("max_concurrency", fields.whole(1, 256)),
    "requestsPerMinute": ("requests_per_minute", fields.number(0, 1_000_000)),
    "contextWindow": ("context_window", fields.whole(256, 100_000_000)),
    "maxOutputTokens": ("max_output_tokens", fields.whole(1, 10_000_000)),
    "priceInputPerMtok": ("price_input_per_mtok", fields.number(0, 1_000_000)),
    "priceOutputPerMtok": ("price_output_per_mtok", fields.number(0, 1_000_000)),
    "dailyTokenLimit": ("daily_token_limit", fields.whole(0, 10**12)),
    "dailyCostLimit": ("daily_cost_limit", fields.number(0, 10**9)),
    "runTokenLimit": ("run_token_limit", fields.whole(0, 10**12)),
    "runCostLimit": ("run_cost_limit", fields.number(0, 10**9)),
}
"""The limits, prices and budgets of a provider: key, attribute, reader. A budget of 0 is
none (`peer_lsp.llm.budget`)."""

PROVIDER_FIELDS = (
    EntryField("preset", _preset, vital=True),
    EntryField("kind", _preset, vital=True),
    EntryField("id", fields.text),
    EntryField("model", fields.text, vital=True),
    EntryField("baseUrl", fields.http_url, vital=True),
    EntryField("apiKeyEnv", fields.variable, vital=True),
    EntryField("structured", fields.choice(STRUCTURED)),
    EntryField("maxTokensField", fields.text),
    *(EntryField(key, read) for key, (_, read) in PROVIDER_NUMBERS.items()),
    EntryField("timeouts", None),
    EntryField("headers", None),
    EntryField("stream", fields.flag),
)
ROUTE_FIELDS = (
    EntryField("name", fields.text),
    EntryField("providers", fields.names, vital=True),
    EntryField("tasks", _tasks, vital=True),
    EntryField("languages", fields.names, vital=True),
    EntryField("categories", _categories, vital=True),
    EntryField("maxUnitTokens", fields.whole(0, 10_000_000), vital=True),
    EntryField("minComplexity", fields.whole(0, 100_000), vital=True),
    EntryField("deadline", fields.number(0, 3600, above=True)),
)
_REQUIRED = ("model", "providers")
"""Keys an entry must have (a provider also needs ``preset`` or ``kind``)."""
_NOT_NULL = frozenset({"preset", "model", "providers"})
"""Keys for which null is a bad value rather than "not set"."""


def _invalid(path: str, value: object, error: fields.Invalid, tail: str = "") -> ConfigIssue:
    if path.endswith((".preset", ".kind")) and isinstance(value, str):
        message = f"unknown preset {fields.shown(value)} in '{path}'; expected {error}{tail}"
    else:
        message = f"invalid value for '{path}': {fields.shown(value)}; expected {error}{tail}"
    return ConfigIssue(path, message)


def read_entry(
    raw: object, where: str, table: tuple[EntryField, ...], noun: str
) -> tuple[dict[str, Any] | None, list[ConfigIssue]]:
    """The readable fields of one entry by their documented key, None when the entry cannot
    be used, and an issue for every field not taken."""
    ignored = f"; this {noun} is ignored"
    if not isinstance(raw, Mapping):
        message = f"invalid value for '{where}': {fields.shown(raw)}; expected a table{ignored}"
        return None, [ConfigIssue(where, message)]
    by_key = {_loose(f.key): f for f in table}
    entry: dict[str, Any] = {}
    issues: list[ConfigIssue] = []
    usable = True
    for key, value in raw.items():
        path = f"{where}.{key}"
        field = by_key.get(_loose(str(key)))
        if field is None:
            known = ", ".join(f.key for f in table)
            message = f"unknown key '{path}'; known keys: {known}{ignored}"
            issues.append(ConfigIssue(path, message))
            usable = False
            continue
        if value is None and field.key not in _NOT_NULL:
            continue  # null: not set
        try:
            if field.read is None:
                entry[field.key] = _TABLES[field.key](value, path, issues)
            else:
                entry[field.key] = field.read(value)
        except fields.Invalid as error:
            issues.append(_invalid(path, value, error, ignored if field.vital else ""))
            usable = usable and not field.vital
    for key in (f.key for f in table if f.key in _REQUIRED):
        if key not in entry and usable:
            path = f"{where}.{key}"
            issues.append(ConfigIssue(path, f"'{path}' is required{ignored}"))
            usable = False
    return (entry if usable else None), issues


def provider_entry(raw: object, index: int) -> tuple[dict[str, Any] | None, list[ConfigIssue]]:
    """`read_entry` for ``providers[index]``, which also needs a ``preset`` or a ``kind``."""
    where = f"providers[{index}]"
    entry, issues = read_entry(raw, where, PROVIDER_FIELDS, "provider")
    if entry is not None and "preset" not in entry and "kind" not in entry:
        choices = ", ".join(sorted(PRESETS))
        message = f"'{where}.preset' is required: one of {choices}; this provider is ignored"
        return None, [*issues, ConfigIssue(f"{where}.preset", message)]
    return entry, issues
