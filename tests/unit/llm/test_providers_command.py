"""`peer providers [--check]` and building a router from settings (Ollama autodetection)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fakes import ollama as ol
from fakes import openai as oa
from fakes.server import FakeServer, Received

from peer_lsp.cli import main
from peer_lsp.llm.factory import build_router, pick_ollama_model
from peer_lsp.llm.local_models import Consents, LocalServer
from peer_lsp.settings.model import Settings
from peer_lsp.settings.options import resolve

SECRET = "sk-test-0123456789abcdefSECRET"


def write_config(folder: Path, fake: FakeServer) -> None:
    (folder / ".peer.toml").write_text(
        f"""
[[providers]]
preset = "vllm"
id = "local"
model = "coder-7b"
baseUrl = "{fake.url}/v1"

[[providers]]
preset = "groq"
id = "groq"
model = "llama-3.3-70b"
baseUrl = "{fake.url}/v1"
apiKeyEnv = "PEER_GROQ_KEY"

[[routes]]
name = "review"
providers = ["local", "groq"]
tasks = ["review"]
"""
    )


def test_without_providers_says_it_works_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["providers"]) == 0
    assert "No provider is configured" in capsys.readouterr().out


def test_lists_providers_and_routes_without_keys(
    tmp_path: Path,
    fake: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(tmp_path, fake)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PEER_GROQ_KEY", SECRET)
    assert main(["providers"]) == 0
    out = capsys.readouterr().out
    assert "local" in out
    assert "coder-7b" in out
    assert "PEER_GROQ_KEY (set)" in out
    assert "local -> groq" in out
    assert SECRET not in out
    assert fake.requests == []  # listing sends nothing


def test_check_reports_each_provider(
    tmp_path: Path,
    fake: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(tmp_path, fake)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PEER_GROQ_KEY", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    fake.respond_with(oa.ok("OK"))
    assert main(["providers", "--check"]) == 1
    out = capsys.readouterr().out
    check = out.split("Check", 1)[1]
    assert re.search(r"^local\s+ok\s+\d+ ms$", check, re.MULTILINE)
    assert "the environment variable PEER_GROQ_KEY is not set" in check
    assert [r.json["model"] for r in fake.requests] == ["coder-7b"]


def test_check_passes_when_all_answer(
    tmp_path: Path,
    fake: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(tmp_path, fake)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PEER_GROQ_KEY", SECRET)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    fake.respond_with(oa.ok("OK"))
    assert main(["providers", "--check"]) == 0
    assert SECRET not in capsys.readouterr().out
    groq: list[Received] = [r for r in fake.requests if r.json["model"] == "llama-3.3-70b"]
    assert groq[0].headers["authorization"] == f"Bearer {SECRET}"


def test_invalid_provider_entry_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".peer.toml").write_text('[[providers]]\npreset = "skynet"\nmodel = "x"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["providers"]) == 2
    assert "unknown preset 'skynet'" in capsys.readouterr().err


def test_ollama_model_choice_prefers_code_models() -> None:
    assert pick_ollama_model(["llama3:8b", "qwen2.5-coder:7b"]) == "qwen2.5-coder:7b"
    assert pick_ollama_model(["phi3"]) == "phi3"
    assert pick_ollama_model([]) is None


async def test_router_uses_a_local_ollama_when_nothing_is_configured(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.script(ol.tags(["llama3:8b", "qwen2.5-coder:7b"]))
    fake.script(ol.ok("looks fine"))
    settings, _ = resolve({"cacheDir": str(tmp_path / "cache"), "auditLog": str(tmp_path / "a")})

    async def allow(server: LocalServer) -> bool:
        return True

    consents = Consents(tmp_path / "consents.json")
    setup = await build_router(
        settings, ollama_url=fake.url, environ={}, ask=allow, consents=consents
    )
    assert setup.router is not None
    assert setup.autodetected == "qwen2.5-coder:7b"
    from peer_lsp.llm.types import LLMRequest

    response = await setup.router.complete(LLMRequest("sys", "user", stream=False))
    await setup.router.aclose()
    assert response.text == "looks fine"
    assert [r.path for r in fake.requests] == ["/api/tags", "/api/chat"]
    assert fake.requests[1].json["options"]["num_ctx"] > 0


async def test_no_router_without_providers_or_ollama(fake: FakeServer) -> None:
    fake.respond_with(oa.error(404, "not_found_error"))
    setup = await build_router(Settings(), ollama_url=fake.url, environ={})
    assert setup.router is None
    off, _ = resolve({"ollamaAutodetect": False})
    assert (await build_router(off, ollama_url=fake.url, environ={})).router is None
    assert len(fake.requests) == 1  # autodetection off: not even asked


# `--config FILE`: read exactly as `peer check --config FILE` reads it


def provider_toml(fake: FakeServer, model: str, table: str = "providers", **extra: str) -> str:
    """Top-level ``extra`` settings, then one provider of the fake vendor serving ``model``."""
    lines = [f'{key} = "{value}"' for key, value in extra.items()]
    lines += [f"[[{table}]]", 'preset = "vllm"', 'id = "p"', f'model = "{model}"']
    lines += [f'baseUrl = "{fake.url}/v1"', 'apiKeyEnv = "MY_OWN_KEY"']
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("form", ["pyproject", "peer-toml"])
def test_config_names_the_file_to_read(
    tmp_path: Path,
    fake: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    form: str,
) -> None:
    """The named file, not the project file of its folder, and trusted like check's."""
    monkeypatch.chdir(tmp_path)
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / ".peer.toml").write_text(provider_toml(fake, "not-this-one"))
    # Trusted: a provider may read any variable; auditLog is relative to the file's folder.
    if form == "pyproject":
        config = conf / "pyproject.toml"
        body = provider_toml(fake, "chosen-model", "tool.peer.providers", auditLog="logs/a.jsonl")
        config.write_text("[tool.peer]\n" + body)
    else:
        config = conf / "ci.toml"
        config.write_text(provider_toml(fake, "chosen-model", auditLog="logs/a.jsonl"))
    fake.respond_with(lambda received: oa.ok("OK"))
    monkeypatch.setenv("MY_OWN_KEY", SECRET)

    code = main(["providers", "--check", "--config", str(config.relative_to(tmp_path))])
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, "")
    assert "chosen-model" in captured.out
    assert "MY_OWN_KEY (set)" in captured.out
    assert "not-this-one" not in captured.out
    [ping] = [json.loads(line) for line in (conf / "logs" / "a.jsonl").read_text().splitlines()]
    assert (ping["outcome"], ping["unit"], ping["cost"]) == ("sent", "health-check", None)
    assert ping["latency_ms"] > 0  # counted by `peer stats` like any answer

    (conf / "empty.py").write_text("")
    assert main(["check", "--config", str(config), "conf/empty.py"]) == 0
    # the same file is as acceptable to check: nothing on stderr but the run's bill
    (bill,) = capsys.readouterr().err.splitlines()
    assert bill.startswith("peer check: 0 requests (0 units), 0 units from cache"), bill


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such settings file: {path}"),
        ("[tool.other]\nx = 1\n", "{path}: no [tool.peer] table"),
        ("[tool.peer\n", "{path}: cannot read settings: "),
        ('[tool.peer]\nfailOn = "sometimes"\n', "{path}: invalid value for 'failOn': 'sometimes'"),
    ],
    ids=["missing", "no-table", "not-toml", "invalid-value"],
)
def test_a_bad_config_file_is_the_same_usage_error_as_for_check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "pyproject.toml"
    if content is not None:
        path.write_text(content)
    expected = message.format(path="pyproject.toml")
    errors = {}
    for command in ("providers", "check"):
        code = main([command, "--config", "pyproject.toml"])
        err = capsys.readouterr().err
        assert code == 2, command
        errors[command] = err.removeprefix(f"peer {command}: ")
    assert errors["providers"] == errors["check"]
    assert errors["providers"].startswith(expected)


def test_the_hugging_face_preset_is_an_openai_compatible_router(
    tmp_path: Path, fake: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its router speaks OpenAI's chat completions: JSON mode and a bearer token."""
    (tmp_path / ".peer.toml").write_text(
        f'[[providers]]\npreset = "huggingface"\nmodel = "Qwen/Qwen2.5-Coder-32B-Instruct"\n'
        f'baseUrl = "{fake.url}/v1"\napiKeyEnv = "PEER_HF_TOKEN"\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PEER_HF_TOKEN", SECRET)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    fake.respond_with(oa.ok("OK"))

    assert main(["providers", "--check"]) == 0

    (sent,) = fake.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {SECRET}"
    assert sent.json["model"] == "Qwen/Qwen2.5-Coder-32B-Instruct"


def test_hf_token_goes_to_hugging_face_only(
    tmp_path: Path,
    fake: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / ".peer.toml").write_text(
        f'[[providers]]\npreset = "huggingface"\nmodel = "m"\nbaseUrl = "{fake.url}/v1"\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_TOKEN", SECRET)

    assert main(["providers", "--check"]) == 2

    assert "may send HF_TOKEN only to https://router.huggingface.co/v1" in capsys.readouterr().err
    assert fake.requests == []
    (tmp_path / ".peer.toml").write_text('[[providers]]\npreset = "huggingface"\nmodel = "m"\n')
    assert main(["providers"]) == 0
    out = capsys.readouterr().out
    assert "https://router.huggingface.co/v1" in out
    assert "HF_TOKEN" in out
