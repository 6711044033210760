"""The settings model: the frozen `Settings` with each field's default and documentation, and
`SPECS`, each setting's editor key, kind, choices and bounds, derived from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from peer_lsp.llm.redaction.personal import KINDS as PERSONAL_DATA
from peer_lsp.llm.send_exclude import DEFAULT_SEND_EXCLUDE

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
    maxOutputTokens, priceInputPerMtok, priceOutputPerMtok, dailyTokenLimit, dailyCostLimit,
    runTokenLimit, runCostLimit, timeouts. Keys are read from the
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

    mask_personal_data: tuple[str, ...] = PERSONAL_DATA
    """Personal data masked in code before it is sent, like secrets: email, phone,
    payment-card (Luhn-checked), iban (checksum-checked), national-id (US SSN, UK NINO). The
    audit log counts each kind masked. [] sends them as written."""

    inspector: bool = False
    """Keep the last inspectorKeep exchanges with models (the prompt as sent, after redaction;
    the raw answer; the findings kept and each one dropped, with why) for `peer inspect` and
    the peer.inspect command. Off by default: the file holds code (user state directory,
    readable by the user only)."""

    inspector_keep: int = 50
    """How many exchanges the inspector keeps."""

    max_request_tokens: int = 16_000
    """Largest prompt sent to a model, in estimated tokens; larger units are not sent."""

    audit_log: str = ""
    """JSON-lines record of every request sent (no code, no secrets); empty: the user state
    directory.
    """

    usage_ledger: str = ""
    """SQLite file counting the tokens and cost spent per UTC day, provider and model, shared
    by the editor and `peer check` (the daily budgets read it); empty: the user state
    directory.
    """

    daily_token_limit: int = 0
    """Tokens (input plus output) all providers may spend per UTC day, counted across the
    editor and `peer check`; at the limit reviews pause, local findings go on. 0: no limit.
    Each provider can have its own (dailyTokenLimit in its entry)."""

    daily_cost_limit: float = 0.0
    """Cost, at the providers' priceInputPerMtok and priceOutputPerMtok, all providers may
    spend per UTC day; 0: no limit."""

    run_token_limit: int = 0
    """Tokens all providers may spend in one `peer check` (or fix, explain) run; units past it
    are not reviewed (exit code 3 unless --allow-unreviewed). 0: no limit."""

    run_cost_limit: float = 0.0
    """Cost all providers may spend in one `peer check` run; 0: no limit."""

    ollama_autodetect: bool = True
    """With no provider configured, offer a local Ollama that answers on 127.0.0.1:11434 (or
    OLLAMA_HOST): used once the user allowed it for the workspace, never when another user's
    process holds the port."""

    review_on: tuple[str, ...] = ("open", "save", "idle")
    """When units are sent for review: any of open, save, idle (after a pause in typing); an
    empty list (or "manual") means only when asked. After a pause in typing, a unit that does
    not parse waits until it does or the file is saved."""

    review_debounce_ms: int = 1500
    """The pause after the last edit before changed units are reviewed (trigger idle)."""

    max_reviews_per_file: int = 2
    """Reviews in flight for one document at a time."""

    max_reviews_in_flight: int = 4
    """Reviews in flight across all documents at a time."""

    review_batch_tokens: int = 8000
    """Units of one file waiting for a review together go to the model in one request up to
    this many estimated input tokens (instructions and answer schema included), each still
    cached on its own."""

    review_batch_units: int = 10
    """Most units in one review request; 1 sends every unit alone."""

    verify_medium_confidence: bool = False
    """After a review, ask the route for verify requests (a route with tasks = ["verify"]) for
    a second opinion on findings between minConfidence and preferredConfidence; it moves their
    confidence up or down. Nothing is asked when that route is the review route."""

    disable_rules: tuple[str, ...] = ()
    """Local rules turned off: rule ids (py-eval), categories (security, bug, performance,
    maintainability) or all; `peer rules` lists them."""

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
    Rust and TypeScript, whose grammars err on valid code, else "all"."""

    test_code: str = "hint"
    """Local rule findings in test files and fixtures (`test_x.py`, `x_test.go`, `x.spec.ts`,
    `XTest.java`, folders `tests`, `src/test`, `testdata`, `fixtures`, ...), and the syntax
    errors of test data (`testdata`, `fixtures`): hint (shown as hints, without hard-coded
    secrets, which tests hold on purpose), normal (like any other file) or off (none)."""

    review_languages: tuple[str, ...] = ()
    """Languages reviewed although peer cannot cut them into functions and classes (their
    files are sent in chunks of maxChunkLines), e.g. ["bash", "yaml"]. By default only the
    languages with units are reviewed: Python, JavaScript, TypeScript, Go, Rust, Java, C, C++,
    C#, Ruby and PHP."""

    review_include: tuple[str, ...] = ()
    """Files matching these globs are reviewed even when they look generated, minified,
    vendored or locked, or their language has no units ("**" reviews every file)."""

    review_exclude: tuple[str, ...] = ()
    """Files matching these globs are never sent for review (their local findings stay); this
    wins over reviewInclude. Unlike sendExclude, "review now" may still send them."""

    plugins: tuple[str, ...] = ()
    """Rule plugins to load: names of installed entry points of the peer_lsp.rules group
    (`peer rules` lists them). A plugin is code, so only your own settings may enable one (the
    editor's user settings, or the file `peer check --config` names), never a project file."""


@dataclass(frozen=True, slots=True)
class Spec:
    """One setting: its attribute in `Settings`, its camelCase key, the kind of its value,
    and the values or range it accepts (empty or None: any)."""

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
    "daily_token_limit": (0, 1_000_000_000_000),
    "daily_cost_limit": (0.0, 1_000_000_000.0),
    "run_token_limit": (0, 1_000_000_000_000),
    "run_cost_limit": (0.0, 1_000_000_000.0),
    "max_reviews_per_file": (1, 64),
    "max_reviews_in_flight": (1, 256),
    "review_batch_tokens": (1_000, 1_000_000),
    "review_batch_units": (1, 50),
    "inspector_keep": (1, 10_000),
    "complexity_threshold": (1, 1000),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "log_level": LOG_LEVELS,
    "fail_on": SEVERITIES,
    "review_on": ("open", "save", "idle", "manual"),
    "rule_severity": SEVERITIES,
    "syntax_errors": ("auto", "all", "introduced", "off"),
    "mask_personal_data": PERSONAL_DATA,
    "test_code": ("hint", "normal", "off"),
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
    "inspector": bool,
    "inspector_keep": int,
    "mask_personal_data": tuple,
    "max_request_tokens": int,
    "audit_log": str,
    "usage_ledger": str,
    "daily_token_limit": int,
    "daily_cost_limit": float,
    "run_token_limit": int,
    "run_cost_limit": float,
    "ollama_autodetect": bool,
    "review_on": tuple,
    "review_debounce_ms": int,
    "max_reviews_per_file": int,
    "max_reviews_in_flight": int,
    "review_batch_tokens": int,
    "review_batch_units": int,
    "verify_medium_confidence": bool,
    "disable_rules": tuple,
    "enable_rules": tuple,
    "rule_severity": dict,
    "complexity_threshold": int,
    "syntax_errors": str,
    "test_code": str,
    "review_languages": tuple,
    "review_include": tuple,
    "review_exclude": tuple,
    "plugins": tuple,
}

SPECS: tuple[Spec, ...] = tuple(
    Spec(
        f.name,
        _camel(f.name),
        _KINDS[f.name],
        _CHOICES.get(f.name, ()),
        *(_BOUNDS.get(f.name, (None, None))),
    )
    for f in dataclasses.fields(Settings)
)
