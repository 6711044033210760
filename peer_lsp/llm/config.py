"""Provider and route settings: what the user declared, resolved into typed configs.

A provider is one model at one endpoint with its own limits, prices and timeouts. The
OpenAI-compatible family has presets (base URL, key variable, structured-output support);
a user names a preset and overrides what differs. A route matches requests (task, language,
unit size, complexity, category) and names the providers to try, in order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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


_PROVIDER_FIELDS = {f.name for f in dataclasses.fields(ProviderConfig)}
_CAMEL = {
    "apiKeyEnv": "api_key_env",
    "baseUrl": "base_url",
    "maxTokensField": "max_tokens_field",
    "maxConcurrency": "max_concurrency",
    "requestsPerMinute": "requests_per_minute",
    "contextWindow": "context_window",
    "maxOutputTokens": "max_output_tokens",
    "priceInputPerMtok": "price_input_per_mtok",
    "priceOutputPerMtok": "price_output_per_mtok",
}


def parse_provider(raw: Mapping[str, Any], index: int) -> ProviderConfig:
    """A provider entry: ``preset`` (or ``kind``), ``model``, and overrides."""
    where = f"providers[{index}]"
    if not isinstance(raw, Mapping):
        raise ConfigProblem(f"{where}: expected a table, got {raw!r}")
    entry = {_CAMEL.get(key, key): value for key, value in raw.items()}
    preset_name = entry.pop("preset", None) or entry.get("kind")
    preset = PRESETS.get(str(preset_name)) if preset_name else None
    if preset is None:
        choices = ", ".join(sorted(PRESETS))
        raise ConfigProblem(f"{where}: unknown preset {preset_name!r}; expected one of {choices}")
    if not entry.get("model"):
        raise ConfigProblem(f"{where}: 'model' is required")
    timeouts = entry.pop("timeouts", None)
    unknown = sorted(set(entry) - _PROVIDER_FIELDS)
    if unknown:
        raise ConfigProblem(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")
    values: dict[str, Any] = {
        "id": entry.get("id") or f"{preset_name}:{entry['model']}",
        "kind": preset.kind,
        "base_url": preset.base_url,
        "api_key_env": preset.api_key_env,
        "structured": preset.structured,
        "max_tokens_field": preset.max_tokens_field,
    }
    values.update({k: v for k, v in entry.items() if k != "kind"})
    if values["structured"] not in STRUCTURED:
        raise ConfigProblem(f"{where}: 'structured' must be one of {', '.join(STRUCTURED)}")
    if timeouts is not None:
        if not isinstance(timeouts, Mapping):
            raise ConfigProblem(f"{where}: 'timeouts' must be a table of seconds")
        values["timeouts"] = Timeouts(**{str(k): float(v) for k, v in timeouts.items()})
    values["base_url"] = str(values["base_url"]).rstrip("/")
    return ProviderConfig(**values)


def project_key_problem(raw: object, index: int = 0) -> str | None:
    """Why a provider entry read from a project file may not be used, or None.

    A repository's settings file is not the user's, and may come with a pull request: it
    must not choose which of the user's environment variables is sent, nor where. It may
    send a known provider's key to that provider only, and name other variables only when
    they start with `PROJECT_KEY_PREFIX` (ones the user set for peer). The editor's settings
    and a file passed with ``--config`` are the user's own and may do either.
    """
    try:
        provider = parse_provider(raw, index)  # type: ignore[arg-type]
    except (ConfigProblem, TypeError, ValueError):
        return None  # not a usable provider at all: reported when the settings are parsed
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


def parse_route(raw: Mapping[str, Any], index: int, known: Sequence[str]) -> RouteConfig:
    where = f"routes[{index}]"
    if not isinstance(raw, Mapping):
        raise ConfigProblem(f"{where}: expected a table, got {raw!r}")
    providers = tuple(str(p) for p in raw.get("providers", ()))
    if not providers:
        raise ConfigProblem(f"{where}: 'providers' must name at least one provider")
    missing = [p for p in providers if p not in known]
    if missing:
        raise ConfigProblem(f"{where}: no provider with id {', '.join(map(repr, missing))}")
    try:
        tasks = tuple(Task(t) for t in raw.get("tasks", ()))
    except ValueError:
        allowed = ", ".join(t.value for t in Task)
        raise ConfigProblem(f"{where}: 'tasks' must be among {allowed}") from None
    return RouteConfig(
        name=str(raw.get("name") or f"route{index}"),
        providers=providers,
        tasks=tasks,
        languages=tuple(str(x) for x in raw.get("languages", ())),
        categories=tuple(str(x) for x in raw.get("categories", ())),
        max_unit_tokens=int(raw.get("maxUnitTokens", raw.get("max_unit_tokens", 0))),
        min_complexity=int(raw.get("minComplexity", raw.get("min_complexity", 0))),
        deadline=float(raw.get("deadline", 90.0)),
    )


def parse_llm_config(
    providers: Sequence[Mapping[str, Any]], routes: Sequence[Mapping[str, Any]]
) -> tuple[LLMConfig, list[str]]:
    """Typed config from raw entries, and a message for each entry that was dropped.

    Without routes, one default route tries every provider in the order declared.
    """
    problems: list[str] = []
    parsed: list[ProviderConfig] = []
    for index, raw in enumerate(providers):
        try:
            parsed.append(parse_provider(raw, index))
        except (ConfigProblem, TypeError, ValueError) as error:
            problems.append(str(error))
    ids = [p.id for p in parsed]
    parsed_routes: list[RouteConfig] = []
    for index, raw in enumerate(routes):
        try:
            parsed_routes.append(parse_route(raw, index, ids))
        except (ConfigProblem, TypeError, ValueError) as error:
            problems.append(str(error))
    if parsed and not parsed_routes:
        parsed_routes.append(RouteConfig("default", tuple(ids)))
    return LLMConfig(tuple(parsed), tuple(parsed_routes)), problems
