"""Provider and route entries, field by field: what is taken, what is left out, and why.

The type-by-type sweep over every field is tests/unit/test_settings_fields.py; these are the
rules that decide what happens around a bad field.
"""

from __future__ import annotations

from pathlib import Path

from peer_lsp.llm.config import LOCAL_DEADLINE, check_entries, parse_llm_config
from peer_lsp.llm.types import Timeouts
from peer_lsp.settings.files import load_settings
from peer_lsp.settings.options import resolve

LOCAL = {"preset": "vllm", "id": "local", "model": "m", "baseUrl": "http://127.0.0.1:9/v1"}


def test_a_bad_limit_keeps_the_provider_with_the_default() -> None:
    raw = {**LOCAL, "maxConcurrency": "many", "requestsPerMinute": 30}
    config, problems = parse_llm_config([raw], [])
    (provider,) = config.providers
    assert (provider.max_concurrency, provider.requests_per_minute) == (4, 30.0)
    assert problems == [
        "invalid value for 'providers[0].maxConcurrency': 'many'; "
        "expected a whole number from 1 to 256"
    ]


def test_keys_are_read_in_any_spelling_and_timeouts_too() -> None:
    raw = {
        "preset": "vllm",
        "model": "m",
        "base_url": "http://127.0.0.1:9/v1/",
        "MaxConcurrency": 2,
        "timeouts": {"connect": 2, "first_byte": 9, "IDLE": 4.5},
    }
    config, problems = parse_llm_config([raw], [])
    assert problems == []
    (provider,) = config.providers
    assert provider.base_url == "http://127.0.0.1:9/v1"
    assert provider.max_concurrency == 2
    assert provider.timeouts == Timeouts(connect=2.0, first_byte=9.0, idle=4.5)


def test_a_bad_header_is_left_out_without_showing_its_value() -> None:
    secret = "Bearer sk-live-1234\r\nX-Evil: 1"
    raw = {**LOCAL, "headers": {"X-Team": "blue", "Authorization": secret, "Bad Name": "x"}}
    config, problems = parse_llm_config([raw], [])
    assert config.providers[0].headers == {"X-Team": "blue"}
    assert len(problems) == 2
    assert not any("sk-live" in problem for problem in problems)
    assert "'providers[0].headers.Authorization'" in problems[0]
    assert "'providers[0].headers.Bad Name'" in problems[1]


def test_an_unreadable_destination_leaves_the_provider_out_instead_of_guessing() -> None:
    """A typo in baseUrl must not send the code to the preset's cloud endpoint instead."""
    for field, value in (("baseUrl", "localhost:8000"), ("apiKeyEnv", 5), ("endpoint", "x")):
        raw = {"preset": "openai", "model": "gpt-4o", field: value}
        config, problems = parse_llm_config([raw], [])
        assert config.providers == ()
        assert len(problems) == 1
        assert f"'providers[0].{field}'" in problems[0]
        assert problems[0].endswith("this provider is ignored")


def test_a_second_provider_with_the_same_id_is_left_out() -> None:
    config, problems = parse_llm_config([LOCAL, {**LOCAL, "model": "other"}], [])
    assert [p.model for p in config.providers] == ["m"]
    assert problems == [
        "'providers[1].id': 'local' is already the id of providers[0]; this provider is ignored"
    ]


def test_a_route_keeps_the_providers_that_exist() -> None:
    route = {"name": "r", "providers": ["gone", "local"], "deadline": "soon"}
    config, problems = parse_llm_config([LOCAL], [route])
    (kept,) = config.routes
    assert (kept.name, kept.providers, kept.deadline) == ("r", ("local",), LOCAL_DEADLINE)
    assert problems == [
        "invalid value for 'routes[0].deadline': 'soon'; expected a number above 0 to 3600",
        "'routes[0].providers' names no provider with id 'gone'; left out of this route",
    ]


def test_a_route_with_unreadable_conditions_takes_nothing() -> None:
    """A route meant for some requests must not take all of them."""
    routes = [
        {"name": "verify", "providers": ["local"], "tasks": "verify"},
        {"name": "small", "providers": ["local"], "maxUnitTokens": "800"},
    ]
    config, problems = parse_llm_config([LOCAL], routes)
    assert [r.name for r in config.routes] == ["default"]
    assert [p.split("'")[1] for p in problems] == ["routes[0].tasks", "routes[1].maxUnitTokens"]


def test_checked_entries_are_checked_again_without_a_word() -> None:
    raw = {**LOCAL, "maxConcurrency": 0, "timeouts": {"connect": -1, "idle": 3}}
    route = {"providers": ["local"], "name": 7}
    providers, routes, issues = check_entries([raw], [route])
    assert len(issues) == 3
    assert check_entries(providers, routes)[2] == []
    assert parse_llm_config(providers, routes)[0] == parse_llm_config([raw], [route])[0]


def test_the_editors_settings_keep_the_valid_providers() -> None:
    raw = {"providers": [LOCAL, 7, {**LOCAL, "id": "second", "contextWindow": []}]}
    settings, problems = resolve(raw, source="initializationOptions")
    assert [p["id"] for p in settings.providers] == ["local", "second"]
    assert [p.key for p in problems] == ["providers[1]", "providers[2].contextWindow"]
    assert "contextWindow" not in settings.providers[1]


def test_a_project_file_is_judged_as_its_providers_would_be_used(tmp_path: Path) -> None:
    """A field that cannot be read does not let a provider past the key check, and problems
    name entries by their place in the file."""
    (tmp_path / ".peer.toml").write_text(
        "[[providers]]\n"
        'preset = "openai"\nmodel = "gpt-4o"\nbaseUrl = "https://collector.example/v1"\n'
        'maxConcurrency = "many"\n'
        "[[providers]]\n"
        'preset = "vllm"\nid = "team"\nmodel = "m"\nbaseUrl = "http://127.0.0.1:9/v1"\n'
        "contextWindow = true\n"
    )
    settings, problems = load_settings(tmp_path)
    assert [p["id"] for p in settings.providers] == ["team"]
    assert [p.key for p in problems] == [
        "providers[0].maxConcurrency",
        "providers[0]",
        "providers[1].contextWindow",
    ]
    assert "OPENAI_API_KEY only to https://api.openai.com/v1" in problems[1].message
