"""Provider and route settings: what the user declared, resolved into typed configs.

A provider is one model at one endpoint with its own limits, prices and timeouts. The
OpenAI-compatible family has `presets` (base URL, key variable, structured-output support);
a user names a preset and overrides what differs. A route matches requests (task, language,
unit size, complexity, category) and names the providers to try, in order.

`check_entries` keeps what `config_fields` could read of each entry and drops what cannot
be used together (duplicate ids, routes to unknown providers, keys a project file may not
send); `parse_llm_config` turns what is kept into typed configs, giving a route without a
``deadline`` the one its providers need (`default_deadline`: longer for local models).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from peer_lsp.llm.config_fields import (
    PROVIDER_NUMBERS,
    ROUTE_FIELDS,
    UNSENT_TASKS,
    ConfigIssue,
    provider_entry,
    read_entry,
)
from peer_lsp.llm.presets import KEY_HOMES, PRESETS, PROJECT_KEY_PREFIX
from peer_lsp.llm.types import Task, Timeouts, Usage


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """One model at one endpoint.

    The ``*_limit`` fields are the provider's own budgets (``dailyTokenLimit``, ...; 0: none),
    enforced by `peer_lsp.llm.budget`. ``max_output_tokens`` (``maxOutputTokens``), when set,
    is the output limit sent with every request to this provider, in place of the limit the
    prompt asks for (2048 for a review, 1024 for an explanation): the user knows the model,
    e.g. that a reasoning model spends thousands of tokens before its answer, or that a slow
    local one should stop sooner.
    """

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
    max_output_tokens: int | None = None
    price_input_per_mtok: float = 0.0
    price_output_per_mtok: float = 0.0
    daily_token_limit: int = 0
    daily_cost_limit: float = 0.0
    run_token_limit: int = 0
    run_cost_limit: float = 0.0
    timeouts: Timeouts = field(default_factory=Timeouts)
    headers: Mapping[str, str] = field(default_factory=dict)
    stream: bool = True

    @property
    def priced(self) -> bool:
        """Whether a price is set: without one every call counts as free."""
        return self.price_input_per_mtok > 0 or self.price_output_per_mtok > 0

    def cost(self, usage: Usage) -> float:
        """What ``usage`` costs at this provider's prices (0 without them)."""
        return (
            usage.input_tokens * self.price_input_per_mtok
            + usage.output_tokens * self.price_output_per_mtok
        ) / 1_000_000


@dataclass(frozen=True, slots=True)
class RouteConfig:
    """Which requests a route takes, and the providers it tries in order.

    Empty match fields match everything; ``max_unit_tokens`` / ``min_complexity`` bound the
    unit's size and complexity. ``deadline`` None: chosen from the route's providers
    (`default_deadline`).
    """

    name: str
    providers: tuple[str, ...]
    tasks: tuple[Task, ...] = ()
    languages: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    max_unit_tokens: int = 0
    min_complexity: int = 0
    deadline: float | None = None


HOSTED_DEADLINE = 90.0
"""Seconds a route of hosted providers waits for an answer of `DEADLINE_TOKENS` tokens."""
LOCAL_DEADLINE = 600.0
"""The same for a route with a provider on this machine or the local network: a small model
on a laptop CPU takes minutes to read a 6000-token prompt and write 2048 tokens, and the
route's deadline also covers the wait for one of its few slots. A server that stopped
answering is caught sooner by the per-attempt first-byte and idle timeouts, not by this."""
DEADLINE_TOKENS = 2048
"""The deadlines above are for this many output tokens; a larger ``maxOutputTokens`` (a
reasoning model) lengthens them in proportion."""
MAX_DEADLINE = 3600.0
LOCAL_FIRST_BYTE = 300.0
"""The first-byte timeout of a provider on this machine or the local network unless its
``timeouts`` set one: a local server streams nothing until it has read the whole prompt (a
6000-token prompt at 80 tokens/s is 75 s on two cores), and one with a single slot (llama.cpp
``-np 1``, Ollama's default) queues our other requests behind the answer it is writing. The
hosted default (30 s) cut every queued review against a real llama-server."""


def is_local(base_url: str) -> bool:
    """Whether an endpoint is on this machine or the local network (loopback, private or
    link-local addresses, ``localhost``, ``*.local``): served by hardware that may be slow."""
    host = (urlsplit(base_url).hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def default_timeouts(base_url: str) -> Timeouts:
    """The timeouts of a provider at ``base_url`` whose ``timeouts`` set none: a local one
    waits `LOCAL_FIRST_BYTE` for its first byte."""
    return Timeouts(first_byte=LOCAL_FIRST_BYTE) if is_local(base_url) else Timeouts()


def default_deadline(providers: Iterable[ProviderConfig]) -> float:
    """The deadline of a route that sets none: the longest its providers need
    (`HOSTED_DEADLINE` or `LOCAL_DEADLINE`, scaled up by a ``maxOutputTokens`` above
    `DEADLINE_TOKENS`), at most `MAX_DEADLINE`."""
    longest = HOSTED_DEADLINE
    for provider in providers:
        base = LOCAL_DEADLINE if is_local(provider.base_url) else HOSTED_DEADLINE
        tokens = provider.max_output_tokens or DEADLINE_TOKENS
        longest = max(longest, base * max(1.0, tokens / DEADLINE_TOKENS))
    return min(longest, MAX_DEADLINE)


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
        entry, found = provider_entry(raw, index)
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
        route, found = read_entry(raw, f"routes[{index}]", ROUTE_FIELDS, "route")
        issues.extend(found)
        if route is not None:
            route, found = _known_providers(route, f"routes[{index}].providers", owners)
            issues.extend(found)
        if route is not None:
            route, found = _sent_tasks(route, f"routes[{index}].tasks")
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


def _sent_tasks(
    route: dict[str, Any], path: str
) -> tuple[dict[str, Any] | None, list[ConfigIssue]]:
    """No route when every task it takes is one no request carries (`UNSENT_TASKS`): it
    would never match, which the user is told instead of finding out. A route that also
    takes tasks that are sent is kept whole; the others match nothing until they are sent."""
    tasks = route.get("tasks") or []
    if not tasks or any(task not in UNSENT_TASKS for task in tasks):
        return route, []
    why = "; ".join(UNSENT_TASKS[task] for task in dict.fromkeys(tasks))
    return None, [ConfigIssue(path, f"'{path}': {why}; this route is ignored")]


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
    for key, (attr, _) in PROVIDER_NUMBERS.items():
        if key in entry:
            values[attr] = entry[key]
    seconds = {_TIMEOUT_ATTRS[k]: v for k, v in entry.get("timeouts", {}).items()}
    values["timeouts"] = dataclasses.replace(default_timeouts(values["base_url"]), **seconds)
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
        deadline=entry.get("deadline"),
    )


def parse_provider(raw: Mapping[str, Any], index: int) -> ProviderConfig:
    """A provider entry: ``preset`` (or ``kind``), ``model``, and overrides; `ConfigProblem`
    naming the first field that cannot be read."""
    entry, issues = provider_entry(raw, index)
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
    by_id = {p.id: p for p in parsed}
    resolved: list[RouteConfig] = []
    for route in parsed_routes:
        deadline = route.deadline
        if deadline is None:
            deadline = default_deadline(by_id[pid] for pid in route.providers)
        resolved.append(dataclasses.replace(route, deadline=deadline))
    return LLMConfig(parsed, tuple(resolved)), [str(issue) for issue in issues]
