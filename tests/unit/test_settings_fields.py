"""Every field of every setting, fed a value of each wrong type, through each way settings
arrive: the editor's JSON, the project file, and `peer check --config`.

Each wrong value is a `Problem` naming the field's whole path (``providers[0].maxConcurrency``)
and the value, never an exception; the field keeps its default and everything else applies.
Where a provider is sent requests, and which requests a route takes, is never guessed: an
entry whose preset, model, endpoint, key variable or route conditions cannot be read is left
out whole, with a `Problem` saying so. ``null`` (JSON only) means "not set", as editors send it
for a cleared setting: the default, and a problem only for a field that must be given.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from peer_lsp.cli import main
from peer_lsp.commands.exits import EXIT_USAGE
from peer_lsp.llm.config import (
    LLMConfig,
    ProviderConfig,
    RouteConfig,
    default_deadline,
    default_timeouts,
    parse_llm_config,
)
from peer_lsp.llm.types import Timeouts
from peer_lsp.settings.files import load_settings
from peer_lsp.settings.model import SPECS, Settings
from peer_lsp.settings.options import Problem, resolve

WRONG: dict[str, object] = {
    "string": "many",
    "number": -7.5,
    "bool": True,
    "null": None,
    "list": [1],
    "object": {"a": 1},
}
"""One value of each JSON type; -7.5 is below every numeric field's range."""

TOML_ONLY: dict[str, object] = {
    "date": datetime.date(1979, 5, 27),
    "nan": math.nan,
    "inf": math.inf,
}
"""Values TOML has and JSON has not."""

BASE_URL = "http://127.0.0.1:9/v1"
PROVIDER = {"preset": "vllm", "id": "p", "model": "m", "baseUrl": BASE_URL}
ROUTE = {"name": "r", "providers": ["p"]}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# Provider and route fields: (attribute, whether a bad value leaves the entry out, the JSON
# types whose sample above is a valid value of the field).
PROVIDER_FIELDS: dict[str, tuple[str, bool, frozenset[str]]] = {
    "preset": ("kind", True, frozenset()),
    "kind": ("kind", True, frozenset()),
    "id": ("id", False, frozenset({"string"})),
    "model": ("model", True, frozenset({"string"})),
    "baseUrl": ("base_url", True, frozenset()),
    "apiKeyEnv": ("api_key_env", True, frozenset({"string"})),
    "structured": ("structured", False, frozenset()),
    "maxTokensField": ("max_tokens_field", False, frozenset({"string"})),
    "maxConcurrency": ("max_concurrency", False, frozenset()),
    "requestsPerMinute": ("requests_per_minute", False, frozenset()),
    "contextWindow": ("context_window", False, frozenset()),
    "maxOutputTokens": ("max_output_tokens", False, frozenset()),
    "priceInputPerMtok": ("price_input_per_mtok", False, frozenset()),
    "priceOutputPerMtok": ("price_output_per_mtok", False, frozenset()),
    "dailyTokenLimit": ("daily_token_limit", False, frozenset()),
    "dailyCostLimit": ("daily_cost_limit", False, frozenset()),
    "runTokenLimit": ("run_token_limit", False, frozenset()),
    "runCostLimit": ("run_cost_limit", False, frozenset()),
    "timeouts": ("timeouts", False, frozenset()),
    "headers": ("headers", False, frozenset()),
    "stream": ("stream", False, frozenset({"bool"})),
}
TIMEOUT_FIELDS = ("connect", "firstByte", "idle")
ROUTE_FIELDS: dict[str, tuple[str, bool, frozenset[str]]] = {
    "name": ("name", False, frozenset({"string"})),
    "providers": ("providers", True, frozenset()),
    "tasks": ("tasks", True, frozenset()),
    "languages": ("languages", True, frozenset()),
    "categories": ("categories", True, frozenset()),
    "maxUnitTokens": ("max_unit_tokens", True, frozenset()),
    "minComplexity": ("min_complexity", True, frozenset()),
    "deadline": ("deadline", False, frozenset()),
}
REQUIRED = {"providers[0].preset", "providers[0].model", "routes[0].providers"}
"""Fields that must be given: null is a problem for them too."""


def test_the_tables_name_every_field() -> None:
    provider = {_camel(f.name) for f in dataclasses.fields(ProviderConfig)} | {"preset"}
    assert set(PROVIDER_FIELDS) == provider
    assert {_camel(f.name) for f in dataclasses.fields(Timeouts)} == set(TIMEOUT_FIELDS)
    assert set(ROUTE_FIELDS) == {_camel(f.name) for f in dataclasses.fields(RouteConfig)}


@dataclasses.dataclass(frozen=True)
class Case:
    path: str
    """The field, as a problem names it."""
    kind: str
    """The JSON (or TOML) type of the wrong value."""
    value: object

    @property
    def id(self) -> str:
        return f"{self.path}={self.kind}"


def _top_level_valid(spec_kind: type, choices: tuple[str, ...], attr: str, kind: str) -> bool:
    """Whether the sample of ``kind`` is a valid value of a top-level setting."""
    if kind == "bool":
        return spec_kind is bool
    if kind == "string":
        free = not choices and attr not in ("disable_rules", "enable_rules", "redis_url")
        return free and spec_kind in (str, tuple)
    return False


def _fields() -> list[tuple[str, frozenset[str]]]:
    """Every field path and the sample kinds that are valid for it."""
    found: list[tuple[str, frozenset[str]]] = []
    for spec in SPECS:
        kinds = {k for k in WRONG if _top_level_valid(spec.kind, spec.choices, spec.attr, k)}
        found.append((spec.key, frozenset(kinds)))
    for key, (_, _, valid) in PROVIDER_FIELDS.items():
        found.append((f"providers[0].{key}", valid))
    found.extend((f"providers[0].timeouts.{key}", frozenset()) for key in TIMEOUT_FIELDS)
    found.append(("providers[0].headers.X-Team", frozenset({"string"})))
    for key, (_, _, valid) in ROUTE_FIELDS.items():
        found.append((f"routes[0].{key}", valid))
    return found


def _numeric(path: str) -> bool:
    key = path.rsplit(".", 1)[-1]
    spec = next((s for s in SPECS if s.key == path), None)
    if spec is not None:
        return spec.kind in (int, float)
    return key in TIMEOUT_FIELDS or key in {
        "maxConcurrency",
        "requestsPerMinute",
        "contextWindow",
        "maxOutputTokens",
        "priceInputPerMtok",
        "priceOutputPerMtok",
        "maxUnitTokens",
        "minComplexity",
        "deadline",
    }


def cases(samples: Mapping[str, object]) -> list[Case]:
    """Each field with each sample that is wrong for it (nan and inf: numeric fields only)."""
    return [
        Case(path, kind, value)
        for path, valid in _fields()
        for kind, value in samples.items()
        if kind not in valid and (kind not in ("nan", "inf") or _numeric(path))
    ]


def raw_settings(case: Case) -> dict[str, Any]:
    """Settings whose only fault is ``case``: top-level alone, nested in a valid provider and
    route."""
    if "." not in case.path:
        return {case.path: case.value}
    provider: dict[str, Any] = dict(PROVIDER)
    entry_name, *keys = case.path.split(".")
    if entry_name.startswith("providers"):
        raw: dict[str, Any] = {"providers": [provider]}
        entry = provider
    else:
        entry = dict(ROUTE)
        raw = {"providers": [provider], "routes": [entry]}
    for key in keys[:-1]:
        entry = entry.setdefault(key, {})
    entry[keys[-1]] = case.value
    return raw


def _shown(value: object) -> str:
    """How a problem shows the bad value: a list or table by its faulty item."""
    if isinstance(value, list) and value:
        value = value[0]
    elif isinstance(value, dict) and value:
        value = next(iter(value.values()))
    return repr(value)[:20]


def _names(key: str, path: str) -> bool:
    """Whether a problem's key is the field at ``path`` or inside it."""
    return key == path or (key.startswith(path) and key[len(path)] in ".[")


def assert_reported(case: Case, problems: list[Problem]) -> None:
    mine = [p for p in problems if _names(p.key, case.path)]
    assert mine, f"no problem names {case.path}: {problems}"
    assert any(f"'{p.key}'" in p.message for p in mine), mine
    if ".headers" not in case.path:  # header values may hold keys: never shown
        assert any(_shown(case.value) in p.message for p in mine), mine


def _config(settings: Settings) -> LLMConfig:
    config, issues = parse_llm_config(settings.providers, settings.routes)
    assert issues == [], "resolved settings must hold only usable providers and routes"
    return config


def assert_applied(case: Case, settings: Settings) -> None:
    """The bad value is not used; every other field is."""
    if "." not in case.path:
        spec = next(s for s in SPECS if s.key == case.path)
        assert getattr(settings, spec.attr) == getattr(Settings(), spec.attr)
        return
    config = _config(settings)
    entry_name, key, *rest = case.path.split(".")
    provider = next((p for p in config.providers if p.model == "m"), None)
    route = next((r for r in config.routes if r.name in ("r", "route0")), None)
    if entry_name.startswith("providers"):
        attr, vital, _ = PROVIDER_FIELDS[key]
        if vital and not (case.value is None and case.path not in REQUIRED):
            assert provider is None, "a provider whose destination is unreadable is left out"
            return
        assert provider is not None
        if key == "baseUrl":
            assert provider.base_url == "http://127.0.0.1:8000/v1"  # the preset's
        else:
            assert provider.base_url == "http://127.0.0.1:9/v1"
        if key in ("baseUrl", "apiKeyEnv"):
            assert provider.api_key_env is None  # the preset's: vllm needs no key
        elif key == "id":
            assert provider.id == "vllm:m"
        elif key in ("preset", "kind"):
            assert provider.kind == "openai"
        elif key == "headers" and rest:
            assert "X-Team" not in provider.headers
        else:
            default = ProviderConfig("x", "openai", "m", "u", timeouts=default_timeouts(BASE_URL))
            assert getattr(provider, attr) == getattr(default, attr)
        return
    attr, vital, _ = ROUTE_FIELDS[key]
    if vital and not (case.value is None and case.path not in REQUIRED):
        assert route is None, "a route whose conditions are unreadable is left out"
        return
    assert route is not None
    assert route.providers == ("p",)
    deadline = default_deadline(p for p in config.providers if p.id in route.providers)
    assert getattr(route, attr) == getattr(RouteConfig("route0", ("p",), deadline=deadline), attr)


@pytest.mark.parametrize("case", cases(WRONG), ids=lambda c: c.id)
def test_editor_settings(case: Case) -> None:
    settings, problems = resolve(raw_settings(case), source="initializationOptions")
    if case.value is None and case.path not in REQUIRED:
        assert problems == []
    else:
        assert_reported(case, problems)
        assert all(p.source == "initializationOptions" for p in problems)
    assert_applied(case, settings)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"


def toml_document(raw: Mapping[str, Any]) -> str:
    return "".join(f"{json.dumps(key)} = {toml_value(value)}\n" for key, value in raw.items())


FILE_SAMPLES = {k: v for k, v in {**WRONG, **TOML_ONLY}.items() if v is not None}


@pytest.mark.parametrize("case", cases(FILE_SAMPLES), ids=lambda c: c.id)
def test_project_file(case: Case, tmp_path: Path) -> None:
    (tmp_path / ".peer.toml").write_text(toml_document(raw_settings(case)), encoding="utf-8")
    settings, problems = load_settings(tmp_path)
    assert_reported(case, problems)
    assert all(p.source == str(tmp_path / ".peer.toml") for p in problems)
    assert_applied(case, settings)


@pytest.mark.parametrize("case", cases(FILE_SAMPLES), ids=lambda c: c.id)
def test_check_config_flag(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    config = tmp_path / "ci.toml"
    config.write_text(toml_document(raw_settings(case)), encoding="utf-8")
    code = main(["check", "--config", "ci.toml", "ok.py"])
    out, err = capsys.readouterr()
    assert (code, out) == (EXIT_USAGE, "")
    lines = err.splitlines()
    assert lines, "a bad settings file is named on stderr"
    assert all(line.startswith("peer check: ci.toml: ") for line in lines), lines
    assert any(f"'{case.path}" in line for line in lines), lines
    assert "Traceback" not in err


UNREADABLE = {
    "not-utf8": b"\xff\xfe = 1\n",
    "invalid-toml": b"failOn = \n",
    "duplicate-key": b'failOn = "error"\nfailOn = "hint"\n',
}


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_project_file_is_one_problem(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / ".peer.toml"
    path.write_bytes(content)
    settings, problems = load_settings(tmp_path)
    assert settings == Settings()
    (problem,) = problems
    assert "cannot read settings" in problem.message
    assert str(problem).count(str(path)) == 1, "the file is named once"


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
@pytest.mark.parametrize("flag", [True, False], ids=["config-flag", "found"])
def test_check_with_an_unreadable_settings_file_is_a_usage_error(
    content: bytes,
    flag: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / ".peer.toml").write_bytes(content)
    code = main(["check", *(["--config", ".peer.toml"] if flag else []), "ok.py"])
    out, err = capsys.readouterr()
    assert (code, out) == (EXIT_USAGE, "")
    (line,) = err.splitlines()
    assert line.startswith("peer check: ")
    assert line.count(".peer.toml") == 1
    assert "cannot read settings" in line


@pytest.mark.parametrize(
    "raw",
    [
        {"sendExclude": ["**/*.pem", "[z-a]"]},
        {"redisUrl": "redis://[bad"},
        {"redisUrl": "redis://cache:port/0"},
        {"redisUrl": "http://cache:6379"},
    ],
    ids=["sendExclude-range", "redis-ipv6", "redis-port", "redis-scheme"],
)
def test_values_of_the_right_type_that_cannot_work_are_problems(raw: dict[str, object]) -> None:
    """A glob that does not compile and a URL that does not parse would fail where they are
    used (the guard, the cache): they are refused here, and the default stays."""
    settings, problems = resolve(raw)
    ((key, value),) = raw.items()
    assert [p.key for p in problems] == [key]
    assert repr(value) in problems[0].message
    spec = next(s for s in SPECS if s.key == key)
    assert getattr(settings, spec.attr) == getattr(Settings(), spec.attr)


def test_check_refuses_an_exclude_glob_that_does_not_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / ".peer.toml").write_text('exclude = ["[z-a]"]\n', encoding="utf-8")
    assert main(["check", "ok.py"]) == EXIT_USAGE
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("peer check: invalid glob in the 'exclude' setting")
