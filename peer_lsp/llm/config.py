"""Provider and route settings: what the user declared, resolved into typed configs.

A provider is one model at one endpoint with its own limits, prices and timeouts. The
OpenAI-compatible family has presets (base URL, key variable, structured-output support);
a user names a preset and overrides what differs. A route matches requests (task, language,
unit size, complexity, category) and names the providers to try, in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peer_lsp.llm import fields
from peer_lsp.llm.types import Task, Timeouts

KINDS = ("openai", "anthropic", "gemini", "ollama")
STRUCTURED = ("schema", "json", "none")


@dataclass(frozen=True, slots=True)
class Preset:
    kind: str
    base_url: str
    api_key_env: str | None
    structured: str = "schema"
    max_tokens_field: str = "max_tokens"


PRESETS: dict[str, Preset] = {
    "openai": Preset("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", "schema",
                     "max_completion_tokens"),
    "groq": Preset("openai", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "json"),
    "openrouter": Preset("openai", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "json"),
    "deepseek": Preset("openai", "https://api.deepseek.com", "DEEPSEEK_API_KEY", "json"),
    "together": Preset("openai", "https://api.together.xyz/v1", "TOGETHER_API_KEY", "json"),
    "mistral": Preset("openai", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", "json"),
    "vllm": Preset("openai", "http://127.0.0.1:8000/v1", None, "schema"),
    "llamacpp": Preset("openai", "http://127.0.0.1:8080/v1", None, "schema"),
    "lmstudio": Preset("openai", "http://127.0.0.1:1234/v1", None, "schema"),
    "anthropic": Preset("anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY", "schema"),
    "gemini": Preset("gemini", "https://generativelanguage.googleapis.com/v1beta",
                     "GEMINI_API_KEY", "schema"),
    "ollama": Preset("ollama", "http://127.0.0.1:11434", None, "schema"),
}  # fmt: skip


KEY_HOMES: dict[str, str] = {
    preset.api_key_env: preset.base_url for preset in PRESETS.values() if preset.api_key_env
}
"""Each known provider's key variable and the endpoint it belongs to."""

PROJECT_KEY_PREFIX = "PEER_"
"""Besides the known providers' variables, the only key variables a project file may name."""


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """One model at one endpoint."""

    id: str
    kind: str
    model: str
    base_url: str
    api_key_env: str | None = None
    structured: str = "schema"
    max_tokens_field: str = "max_tokens"
    max_concurrency: int = 4
    requests_per_minute: float = 0.0
    context_window: int = 32_768
    max_output_tokens: int = 2_048
    price_input_per_mtok: float = 0.0
    price_output_per_mtok: float = 0.0
    timeouts: Timeouts = field(default_factory=Timeouts)
    headers: Mapping[str, str] = field(default_factory=dict)
    stream: bool = True


@dataclass(frozen=True, slots=True)
class RouteConfig:
    """Which requests a route takes, and the providers it tries in order.

    Empty match fields match everything; ``max_unit_tokens`` / ``min_complexity`` bound the
    unit's size and complexity.
    """

    name: str
    providers: tuple[str, ...]
    tasks: tuple[Task, ...] = ()
    languages: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    max_unit_tokens: int = 0
    min_complexity: int = 0
    deadline: float = 90.0


@dataclass(frozen=True, slots=True)
class LLMConfig:
    providers: tuple[ProviderConfig, ...] = ()
    routes: tuple[RouteConfig, ...] = ()
    max_attempts: int = 4
    """Attempts across the whole chain for one request, retries included."""

    @property
    def configured(self) -> bool:
        return bool(self.providers)


class ConfigProblem(ValueError):
    """A provider or route entry that cannot be used, with the key at fault."""


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One field of a provider or route entry that was not taken: its path
    (``providers[0].timeouts.connect``) and a sentence that names it, the value and why."""

    key: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class _Field:
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


def _tasks(value: object) -> list[str]:
    if isinstance(value, list | tuple) and all(item in _TASKS for item in value):
        return list(value)
    raise fields.Invalid("a list of: " + ", ".join(_TASKS))


_NUMBERS = {
    "maxConcurrency": ("max_concurrency", fields.whole(1, 256)),
    "requestsPerMinute": ("requests_per_minute", fields.number(0, 1_000_000)),
    "contextWindow": ("context_window", fields.whole(256, 100_000_000)),
    "maxOutputTokens": ("max_output_tokens", fields.whole(1, 10_000_000)),
    "priceInputPerMtok": ("price_input_per_mtok", fields.number(0, 1_000_000)),
    "priceOutputPerMtok": ("price_output_per_mtok", fields.number(0, 1_000_000)),
}
"""The limits and prices of a provider: key, attribute, reader."""

PROVIDER_FIELDS = (
    _Field("preset", _preset, vital=True),
    _Field("kind", _preset, vital=True),
    _Field("id", fields.text),
    _Field("model", fields.text, vital=True),
    _Field("baseUrl", fields.http_url, vital=True),
    _Field("apiKeyEnv", fields.variable, vital=True),
    _Field("structured", fields.choice(STRUCTURED)),
    _Field("maxTokensField", fields.text),
    *(_Field(key, read) for key, (_, read) in _NUMBERS.items()),
    _Field("timeouts", None),
    _Field("headers", None),
    _Field("stream", fields.flag),
)
ROUTE_FIELDS = (
    _Field("name", fields.text),
    _Field("providers", fields.names, vital=True),
    _Field("tasks", _tasks, vital=True),
    _Field("languages", fields.names, vital=True),
    _Field("categories", fields.names, vital=True),
    _Field("maxUnitTokens", fields.whole(0, 10_000_000), vital=True),
    _Field("minComplexity", fields.whole(0, 100_000), vital=True),
    _Field("deadline", fields.number(0, 3600, above=True)),
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


def _read_entry(
    raw: object, where: str, table: tuple[_Field, ...], noun: str
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


def _provider_entry(raw: object, index: int) -> tuple[dict[str, Any] | None, list[ConfigIssue]]:
    where = f"providers[{index}]"
    entry, issues = _read_entry(raw, where, PROVIDER_FIELDS, "provider")
    if entry is not None and "preset" not in entry and "kind" not in entry:
        choices = ", ".join(sorted(PRESETS))
        message = f"'{where}.preset' is required: one of {choices}; this provider is ignored"
        return None, [*issues, ConfigIssue(f"{where}.preset", message)]
    return entry, issues


def _provider_id(entry: Mapping[str, Any]) -> str:
    return str(entry.get("id") or f"{entry.get('preset') or entry['kind']}:{entry['model']}")


def check_entries(
    providers: Sequence[object], routes: Sequence[object], *, trusted: bool = True
) -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...], list[ConfigIssue]]:
    """The usable provider and route entries, each without its unreadable fields, and an
    issue for everything left out. A route keeps the providers that exist; a route with
    none left is left out. Entries not ``trusted`` (from a project file) are also judged by
    `project_key_problem`, as they would be used."""
    issues: list[ConfigIssue] = []
    kept: list[dict[str, Any]] = []
    owners: dict[str, int] = {}
    for index, raw in enumerate(providers):
        entry, found = _provider_entry(raw, index)
        issues.extend(found)
        if entry is None:
            continue
        refused = None if trusted else project_key_problem(_provider_config(entry))
        if refused is not None:
            where = f"providers[{index}]"
            issues.append(ConfigIssue(where, f"{where}: {refused}; this provider is ignored"))
            continue
        pid = _provider_id(entry)
        if pid in owners:
            path = f"providers[{index}].id"
            message = (
                f"'{path}': {pid!r} is already the id of providers[{owners[pid]}]; "
                "this provider is ignored"
            )
            issues.append(ConfigIssue(path, message))
            continue
        owners[pid] = index
        kept.append(entry)
    kept_routes: list[dict[str, Any]] = []
    for index, raw in enumerate(routes):
        route, found = _read_entry(raw, f"routes[{index}]", ROUTE_FIELDS, "route")
        issues.extend(found)
        if route is not None:
            route, found = _known_providers(route, f"routes[{index}].providers", owners)
            issues.extend(found)
        if route is not None:
            kept_routes.append(route)
    return tuple(kept), tuple(kept_routes), issues


def _known_providers(
    route: dict[str, Any], path: str, known: Mapping[str, int]
) -> tuple[dict[str, Any] | None, list[ConfigIssue]]:
    names = route["providers"]
    missing = [name for name in names if name not in known]
    if not missing:
        return route, []
    present = [name for name in names if name in known]
    unknown = ", ".join(map(repr, missing))
    outcome = "left out of this route" if present else "this route is ignored"
    issue = ConfigIssue(path, f"'{path}' names no provider with id {unknown}; {outcome}")
    return ({**route, "providers": present} if present else None), [issue]


def _provider_config(entry: Mapping[str, Any]) -> ProviderConfig:
    """The config of an entry `check_entries` kept: the preset, then what the entry says."""
    name = entry.get("preset") or entry["kind"]
    preset = PRESETS[name]
    values: dict[str, Any] = {
        "id": _provider_id(entry),
        "kind": preset.kind,
        "model": entry["model"],
        "base_url": entry.get("baseUrl", preset.base_url).rstrip("/"),
        "api_key_env": entry.get("apiKeyEnv", preset.api_key_env) or None,
        "structured": entry.get("structured", preset.structured),
        "max_tokens_field": entry.get("maxTokensField", preset.max_tokens_field),
    }
    for key, (attr, _) in _NUMBERS.items():
        if key in entry:
            values[attr] = entry[key]
    if "timeouts" in entry:
        seconds = {_TIMEOUT_ATTRS[k]: v for k, v in entry["timeouts"].items()}
        values["timeouts"] = Timeouts(**seconds)
    if "headers" in entry:
        values["headers"] = dict(entry["headers"])
    if "stream" in entry:
        values["stream"] = entry["stream"]
    return ProviderConfig(**values)


_TIMEOUT_ATTRS = {"connect": "connect", "firstByte": "first_byte", "idle": "idle"}


def _route_config(entry: Mapping[str, Any], index: int) -> RouteConfig:
    return RouteConfig(
        name=entry.get("name") or f"route{index}",
        providers=tuple(entry["providers"]),
        tasks=tuple(Task(t) for t in entry.get("tasks", ())),
        languages=tuple(entry.get("languages", ())),
        categories=tuple(entry.get("categories", ())),
        max_unit_tokens=entry.get("maxUnitTokens", 0),
        min_complexity=entry.get("minComplexity", 0),
        deadline=entry.get("deadline", 90.0),
    )


def parse_provider(raw: Mapping[str, Any], index: int) -> ProviderConfig:
    """A provider entry: ``preset`` (or ``kind``), ``model``, and overrides; `ConfigProblem`
    naming the first field that cannot be read."""
    entry, issues = _provider_entry(raw, index)
    if issues or entry is None:
        raise ConfigProblem(str(issues[0]) if issues else f"providers[{index}]: not usable")
    return _provider_config(entry)


def project_key_problem(provider: ProviderConfig) -> str | None:
    """Why a provider declared in a project file may not be used, or None.

    A repository's settings file is not the user's, and may come with a pull request: it
    must not choose which of the user's environment variables is sent, nor where. It may
    send a known provider's key to that provider only, and name other variables only when
    they start with `PROJECT_KEY_PREFIX` (ones the user set for peer). The editor's settings
    and a file passed with ``--config`` are the user's own and may do either.
    """
    variable, url = provider.api_key_env, provider.base_url
    if variable is None:
        return None
    home = KEY_HOMES.get(variable)
    if home is not None and url != home:
        return (
            f"a project file may send {variable} only to {home}, not to {url}; declare this "
            "provider in your editor settings or a file passed with --config instead"
        )
    if home is None and not variable.startswith(PROJECT_KEY_PREFIX):
        return (
            f"a project file may name only the known providers' key variables or ones "
            f"starting with {PROJECT_KEY_PREFIX}, not {variable!r}; declare this provider in "
            "your editor settings or a file passed with --config instead"
        )
    return None


def parse_llm_config(
    providers: Sequence[object], routes: Sequence[object]
) -> tuple[LLMConfig, list[str]]:
    """Typed config from raw entries, and a message for each field or entry left out
    (`check_entries`). Without routes, one default route tries every provider in the order
    declared."""
    kept, kept_routes, issues = check_entries(providers, routes)
    parsed = tuple(_provider_config(entry) for entry in kept)
    parsed_routes = [_route_config(entry, index) for index, entry in enumerate(kept_routes)]
    if parsed and not parsed_routes:
        parsed_routes.append(RouteConfig("default", tuple(p.id for p in parsed)))
    return LLMConfig(parsed, tuple(parsed_routes)), [str(issue) for issue in issues]
