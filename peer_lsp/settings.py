"""Settings: raw options from the editor and from files, resolved into one typed `Settings`.

Sources, lowest priority first: the defaults below, the project file (``.peer.toml``, or
``[tool.peer]`` in ``pyproject.toml``), then the editor (initializationOptions, refreshed from
workspace/configuration). Keys are camelCase as editors send them; files may also use
snake_case. A bad key or value never stops anything: it is reported as a `Problem` naming
the key and what is accepted, and its default stays in force.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peer_lsp.llm.send_exclude import DEFAULT_SEND_EXCLUDE

log = logging.getLogger(__name__)

LOG_LEVELS = ("error", "warning", "info", "debug")
SEVERITIES = ("hint", "info", "warning", "error")

DEFAULT_EXCLUDE = (
    "**/.git/**",
    "**/node_modules/**",
    "**/.venv/**",
    "**/venv/**",
    "**/__pycache__/**",
    "**/*.min.js",
)

PROJECT_FILES = (".peer.toml", "pyproject.toml")


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of peer-lsp, with its default. Field docs feed docs/configuration.md."""

    log_level: str = "info"
    """Least severe log level written to the log file: error, warning, info or debug."""

    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    """Glob patterns of files that are never analysed (matched against relative paths)."""

    fail_on: str = "warning"
    """`peer check` exits 1 when a finding is at or above this severity."""

    min_confidence: float = 0.5
    """Findings less likely than this to be real are hidden (0 to 1)."""

    preferred_confidence: float = 0.8
    """A quick fix at or above this confidence is marked preferred (0 to 1)."""

    max_chunk_lines: int = 80
    """Longest top-level chunk, in lines, for files without function-level units."""

    max_file_bytes: int = 2_000_000
    """Larger files are not analysed (they still open; they get no diagnostics)."""

    providers: tuple[Mapping[str, Any], ...] = ()
    """Language-model providers, each a table: preset (openai, groq, openrouter, deepseek,
    together, mistral, vllm, llamacpp, lmstudio, anthropic, gemini, ollama), model, and optional
    id, baseUrl, apiKeyEnv, structured, maxConcurrency, requestsPerMinute, contextWindow,
    maxOutputTokens, priceInputPerMtok, priceOutputPerMtok, timeouts. Keys are read from the
    environment variable named by apiKeyEnv, never from settings.
    """

    routes: tuple[Mapping[str, Any], ...] = ()
    """Ordered routes, each a table: providers (ids, tried in order) and optional name, tasks,
    languages, categories, maxUnitTokens, minComplexity, deadline. Without routes every provider
    is tried in declared order.
    """

    cache_dir: str = ""
    """Folder of the model-answer cache (empty: the user cache directory)."""

    cache_max_mb: int = 512
    """Size bound of the disk cache, in megabytes; the least recently used answers go first."""

    cache_ttl_days: float = 30.0
    """Cached answers older than this are not used."""

    redis_url: str = ""
    """A redis:// URL to share cached answers with a team instead of the disk cache."""

    send_exclude: tuple[str, ...] = DEFAULT_SEND_EXCLUDE
    """Files matching these globs are never sent to a model (secrets, keys, environment files)."""

    max_request_tokens: int = 16_000
    """Largest prompt sent to a model, in estimated tokens; larger units are not sent."""

    audit_log: str = ""
    """JSON-lines record of every request sent (no code, no secrets); empty: the user state
    directory.
    """

    ollama_autodetect: bool = True
    """With no provider configured, use a local Ollama if one answers on 127.0.0.1:11434."""

    review_on: tuple[str, ...] = ("open", "save", "idle")
    """When units are sent for review: any of open, save, idle (after a pause in typing); an
    empty list (or "manual") means only when asked."""

    review_debounce_ms: int = 1500
    """The pause after the last edit before changed units are reviewed (trigger idle)."""

    max_reviews_per_file: int = 2
    """Reviews in flight for one document at a time."""

    max_reviews_in_flight: int = 4
    """Reviews in flight across all documents at a time."""

    verify_medium_confidence: bool = False
    """After a review, ask the route for verify requests (a route with tasks = ["verify"]) for
    a second opinion on findings between minConfidence and preferredConfidence; it moves their
    confidence up or down. Nothing is asked when that route is the review route."""

    disable_rules: tuple[str, ...] = ()
    """Local rules turned off: rule ids (py-eval), categories (security, bug, performance,
    maintainability) or all. See docs/rules.md."""

    enable_rules: tuple[str, ...] = ()
    """Local rules turned on, by id or category, also those off by default; an id here wins
    over its category in disableRules."""

    rule_severity: Mapping[str, str] = field(default_factory=dict)
    """Severity per rule id or category, e.g. {"py-eval": "error", "maintainability": "hint"};
    an id wins over its category."""

    complexity_threshold: int = 15
    """Functions whose cyclomatic complexity is above this get a complexity finding."""

    syntax_errors: str = "auto"
    """Syntax errors reported: all, introduced (only those an edit brought in, so none at open
    and none in `peer check`), off, or auto: each language's default, "introduced" for C, C++,
    Rust and TypeScript, whose grammars err on valid code, else "all" (docs/syntax.md)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One rejected setting: where it came from, its key, and why."""

    source: str
    key: str
    message: str

    def __str__(self) -> str:
        if self.message.startswith(f"{self.source}: "):
            return self.message  # a whole-file problem names its file already
        return f"{self.source}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Spec:
    attr: str
    key: str
    kind: type
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_BOUNDS: dict[str, tuple[float, float]] = {
    "min_confidence": (0.0, 1.0),
    "preferred_confidence": (0.0, 1.0),
    "max_chunk_lines": (5, 10_000),
    "max_file_bytes": (1_000, 1_000_000_000),
    "cache_max_mb": (1, 1_000_000),
    "cache_ttl_days": (0.0, 3650.0),
    "max_request_tokens": (256, 2_000_000),
    "review_debounce_ms": (0, 600_000),
    "max_reviews_per_file": (1, 64),
    "max_reviews_in_flight": (1, 256),
    "complexity_threshold": (1, 1000),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "log_level": LOG_LEVELS,
    "fail_on": SEVERITIES,
    "review_on": ("open", "save", "idle", "manual"),
    "rule_severity": SEVERITIES,
    "syntax_errors": ("auto", "all", "introduced", "off"),
}
_KINDS: dict[str, type] = {
    "log_level": str,
    "exclude": tuple,
    "fail_on": str,
    "min_confidence": float,
    "preferred_confidence": float,
    "max_chunk_lines": int,
    "max_file_bytes": int,
    "providers": list,
    "routes": list,
    "cache_dir": str,
    "cache_max_mb": int,
    "cache_ttl_days": float,
    "redis_url": str,
    "send_exclude": tuple,
    "max_request_tokens": int,
    "audit_log": str,
    "ollama_autodetect": bool,
    "review_on": tuple,
    "review_debounce_ms": int,
    "max_reviews_per_file": int,
    "max_reviews_in_flight": int,
    "verify_medium_confidence": bool,
    "disable_rules": tuple,
    "enable_rules": tuple,
    "rule_severity": dict,
    "complexity_threshold": int,
    "syntax_errors": str,
}
_URL_SCHEMES: dict[str, tuple[str, ...]] = {"redis_url": ("redis://", "rediss://", "unix://")}
"""Settings that are URLs: the schemes they may start with (or empty: not set)."""
_GLOBS = frozenset({"send_exclude"})
"""Glob settings compiled here, as the guard compiles them when the reviewer starts (``exclude``
is compiled only by `peer check`, which reports a bad glob itself: checking it here would
cost every start-up of the server the compiling of globs it never uses)."""
_RULE_SELECTORS = frozenset({"disable_rules", "enable_rules", "rule_severity"})
"""Settings whose names must be rule ids, rule categories or "all" (docs/rules.md)."""

SPECS: tuple[_Spec, ...] = tuple(
    _Spec(
        f.name,
        _camel(f.name),
        _KINDS[f.name],
        _CHOICES.get(f.name, ()),
        *(_BOUNDS.get(f.name, (None, None))),
    )
    for f in dataclasses.fields(Settings)
)
_BY_LOOSE_KEY = {spec.key.lower(): spec for spec in SPECS}


def _loose(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def _expected(spec: _Spec) -> str:
    if spec.kind is dict:
        return "a table of rule id or category to " + ", ".join(spec.choices)
    if spec.attr in _RULE_SELECTORS:
        return "a list of rule ids or categories (see `peer rules`)"
    if spec.choices:
        return "one of " + ", ".join(spec.choices)
    if spec.kind is tuple and spec.choices:
        return "a list of: " + ", ".join(spec.choices)
    if spec.kind is tuple:
        return "a list of glob strings"
    if spec.kind is list:
        return "a list of tables"
    if spec.attr in _URL_SCHEMES:
        return "a URL starting with " + " or ".join(_URL_SCHEMES[spec.attr]) + ', or ""'
    if spec.kind is str and not spec.choices:
        return "a string"
    if spec.kind is bool:
        return "true or false"
    noun = "a whole number" if spec.kind is int else "a number"
    if spec.minimum is not None and spec.maximum is not None:
        low = int(spec.minimum) if spec.kind is int else spec.minimum
        high = int(spec.maximum) if spec.kind is int else spec.maximum
        return f"{noun} from {low} to {high}"
    return noun


def _known_selectors(names: list[object]) -> bool:
    """Whether every name is a rule id, a rule category or "all" (case-insensitive)."""
    from peer_lsp.rules.catalog import is_selector  # the catalog only when rules are named

    return all(isinstance(name, str) and is_selector(name) for name in names)


@functools.lru_cache(maxsize=1024)
def _compiles(glob: str) -> bool:
    """Whether a gitignore-style glob compiles (as the walk and the guard will compile it)."""
    import re

    from pathspec import GitIgnoreSpec  # only when globs are set

    try:
        GitIgnoreSpec.from_lines([glob])
    except (ValueError, re.error):
        return False
    return True


def _parses(url: str) -> bool:
    """Whether a URL's host and port can be read."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        _ = parts.hostname, parts.port
    except ValueError:
        return False
    return True


def _convert(spec: _Spec, value: object) -> object:
    """The typed value, or raise ValueError."""
    if spec.attr in _RULE_SELECTORS:
        names = list(value) if isinstance(value, list | tuple | Mapping) else [value]
        if not _known_selectors(names):
            raise ValueError
    if spec.kind is dict:
        if not isinstance(value, Mapping) or not all(
            isinstance(v, str) and v.lower() in SEVERITIES for v in value.values()
        ):
            raise ValueError
        return {str(k).lower(): str(v).lower() for k, v in value.items()}
    if spec.kind is tuple:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(v, str) for v in items):
            raise ValueError
        if spec.choices and any(v.lower() not in spec.choices for v in items):
            raise ValueError
        if spec.attr in _GLOBS and not all(_compiles(glob) for glob in items):
            raise ValueError
        return tuple(v.lower() for v in items) if spec.choices else tuple(items)
    if spec.kind is list:
        if isinstance(value, list | tuple):
            return tuple(value)  # each entry is checked by _check_providers
        raise ValueError
    if spec.kind is bool:
        if isinstance(value, bool):
            return value
        raise ValueError
    if spec.kind is str:
        if not isinstance(value, str):
            raise ValueError
        schemes = _URL_SCHEMES.get(spec.attr)
        if schemes and value and not (value.startswith(schemes) and _parses(value)):
            raise ValueError
        if not spec.choices:
            return value
        if value.lower() in spec.choices:
            return value.lower()
        raise ValueError
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError
    if spec.kind is int and (isinstance(value, float) and not value.is_integer()):
        raise ValueError
    number = spec.kind(value)
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError
    return number


def _unwrap(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """Editors often send ``{"peer": {...}}``; accept both shapes."""
    inner = raw.get("peer")
    if isinstance(inner, Mapping) and len(raw) == 1:
        return inner
    return raw


def resolve(
    raw: object, base: Settings | None = None, source: str = "settings", *, trusted: bool = True
) -> tuple[Settings, list[Problem]]:
    """Apply raw options on top of ``base``; return the result and what was rejected.

    Providers and routes are checked field by field (`peer_lsp.llm.config.check_entries`):
    the result holds only usable entries, without their unreadable fields. Options not
    ``trusted`` (a project file's) may not point the user's keys elsewhere.
    """
    settings = base or Settings()
    if raw is None:
        return settings, []
    if not isinstance(raw, Mapping):
        return settings, [Problem(source, "", f"settings must be an object, got {raw!r}")]
    problems: list[Problem] = []
    changes: dict[str, object] = {}
    for key, value in _unwrap(raw).items():
        spec = _BY_LOOSE_KEY.get(_loose(str(key)))
        if spec is None:
            known = ", ".join(s.key for s in SPECS)
            problems.append(
                Problem(source, str(key), f"unknown setting {key!r}; known settings: {known}")
            )
            continue
        if value is None:
            continue
        try:
            changes[spec.attr] = _convert(spec, value)
        except ValueError:
            problems.append(
                Problem(
                    source,
                    spec.key,
                    f"invalid value for {spec.key!r}: {value!r}; expected {_expected(spec)}",
                )
            )
    if "providers" in changes or "routes" in changes:
        problems.extend(_check_providers(changes, settings, source, trusted))
    if (
        changes.get("min_confidence", settings.min_confidence)  # type: ignore[operator]
        > changes.get("preferred_confidence", settings.preferred_confidence)
    ):
        problems.append(
            Problem(
                source,
                "preferredConfidence",
                "preferredConfidence must not be below minConfidence; keeping both defaults",
            )
        )
        changes.pop("min_confidence", None)
        changes.pop("preferred_confidence", None)
    return dataclasses.replace(settings, **changes), problems  # type: ignore[arg-type]


def _check_providers(
    changes: dict[str, object], base: Settings, source: str, trusted: bool
) -> list[Problem]:
    """Keep the usable provider and route entries in ``changes``; a problem for the rest."""
    from peer_lsp.llm.config import check_entries

    providers = changes.get("providers", base.providers)
    routes = changes.get("routes", base.routes)
    assert isinstance(providers, tuple)
    assert isinstance(routes, tuple)
    kept, kept_routes, issues = check_entries(providers, routes, trusted=trusted)
    changes["providers"], changes["routes"] = kept, kept_routes
    return [Problem(source, issue.key, issue.message) for issue in issues]


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """Settings read from a project file, with the file they came from."""

    raw: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None
    error: str | None = None


def read_project_file(path: Path) -> ProjectConfig | None:
    """The peer settings in one TOML file: its ``[tool.peer]`` table, else (for any file but
    ``pyproject.toml``) the whole document; None for a ``pyproject.toml`` without the table.
    An unreadable file is a `ProjectConfig` with ``error`` set."""
    import tomllib  # compiling its regexes costs ~40 ms: only when there is a file

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return ProjectConfig({}, path, f"{path}: cannot read settings: {error}")
    tool = document.get("tool")
    section = tool.get("peer") if isinstance(tool, Mapping) else None
    if isinstance(section, Mapping):
        return ProjectConfig(section, path)
    if path.name == "pyproject.toml":
        return None
    return ProjectConfig(document, path)


def find_project_config(start: Path) -> ProjectConfig:
    """The nearest ``.peer.toml`` or ``pyproject.toml`` with ``[tool.peer]``, walking up."""
    folder = start if start.is_dir() else start.parent
    for directory in (folder, *folder.parents):
        for name in PROJECT_FILES:
            path = directory / name
            if path.is_file() and (config := read_project_file(path)) is not None:
                return config
    return ProjectConfig()


def load_settings(
    start: Path, overrides: Mapping[str, Any] | None = None
) -> tuple[Settings, list[Problem]]:
    """Settings for a project: defaults, then its project file, then ``overrides``."""
    config = find_project_config(start)
    problems: list[Problem] = []
    if config.error:
        problems.append(Problem(str(config.path), "", config.error))
    settings, found = resolve(config.raw, source=str(config.path or "defaults"), trusted=False)
    problems.extend(found)
    if overrides:
        settings, found = resolve(overrides, settings, source="command line")
        problems.extend(found)
    return settings, problems


def field_docs() -> dict[str, str]:
    """Each setting's documentation, read from the attribute docstrings of `Settings`."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(Settings))
    docs: dict[str, str] = {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
        ):
            docs[node.target.id] = " ".join(str(following.value.value).split())
    return docs


def reference_table() -> str:
    """The Markdown table of every setting: key, type, default, meaning."""
    docs = field_docs()
    defaults = Settings()
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for spec in SPECS:
        default = getattr(defaults, spec.attr)
        if isinstance(default, Mapping):
            shown = "{}" if not default else str(dict(default))
        elif isinstance(default, tuple) and all(isinstance(item, str) for item in default):
            shown = "[" + ", ".join(f'"{item}"' for item in default) + "]"
        elif isinstance(default, str):
            shown = f'"{default}"'
        else:
            shown = str(default)
        rows.append(f"| `{spec.key}` | {_expected(spec)} | `{shown}` | {docs[spec.attr]} |")
    return "\n".join(rows)
