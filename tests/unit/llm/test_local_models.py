"""An Ollama found on its own gets no code until the user says yes, remembered per
workspace; and never when another user's process holds the port.

The ports are real listening sockets (the kernel's socket table says whose they are); the
foreign one is a server started as the ``nobody`` account, which needs root (as CI runs).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import ollama as ol
from fakes.server import FakeServer, Received, Reply

from peer_lsp.llm.factory import build_router, ollama_address
from peer_lsp.llm.local_models import (
    Consents,
    LocalServer,
    another_persons,
    foreign_owner_problem,
    port_owner,
)
from peer_lsp.llm.types import LLMRequest
from peer_lsp.settings.model import Settings
from peer_lsp.settings.options import resolve

NOBODY = 65534


def settings_in(folder: Path) -> Settings:
    settings, _ = resolve({"cacheDir": str(folder / "cache"), "auditLog": str(folder / "a")})
    return settings


@pytest.fixture
def ollama(fake: FakeServer) -> FakeServer:
    def respond(received: Received) -> Reply:
        if received.path == "/api/tags":
            return ol.tags(["llama3:8b", "qwen2.5-coder:7b"])
        return ol.ok("looks fine")

    fake.respond_with(respond)
    return fake


def test_the_owner_of_a_listening_port_is_read_from_the_kernel() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        assert port_owner(f"http://127.0.0.1:{port}") == os.getuid()
        assert port_owner(f"http://localhost:{port}/v1") == os.getuid()
    assert port_owner(f"http://127.0.0.1:{port}") is None  # closed: nobody listens
    assert port_owner("https://api.openai.com/v1") is None  # not local


def test_whose_accounts_count_as_another_persons() -> None:
    assert not another_persons(os.getuid())
    assert not another_persons(0)  # root: the machine's own services
    assert not another_persons(998)  # a service account, e.g. the one Ollama installs
    assert another_persons(NOBODY) == (os.getuid() != NOBODY)
    assert not another_persons(None)


@pytest.fixture
def foreign_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server run by the nobody account, logging each request it gets."""
    if os.getuid() != 0:
        pytest.skip("starting a process as another user needs root (CI runs as root)")
    log = tmp_path / "requests.log"
    log.touch()
    os.chmod(tmp_path, 0o777)
    os.chmod(log, 0o666)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = (
        "import http.server, sys\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        open(sys.argv[2], 'a').write(self.path + '\\n')\n"
        "        self.send_response(200); self.end_headers()\n"
        '        self.wfile.write(b\'{"models": [{"name": "qwen2.5-coder:7b"}]}\')\n'
        "    do_POST = do_GET\n"
        "server = http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H)\n"
        "print('ready', flush=True)\n"
        "server.serve_forever()\n"
    )
    setpriv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    argv = [*setpriv, sys.executable, "-c", script, str(port), str(log)]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}", log
    finally:
        process.kill()
        process.wait(timeout=10)


async def test_another_users_port_gets_nothing_not_even_the_probe(
    foreign_server: tuple[str, Path], tmp_path: Path
) -> None:
    url, log = foreign_server
    asked: list[LocalServer] = []

    async def ask(server: LocalServer) -> bool:
        asked.append(server)
        return True

    assert port_owner(url) == NOBODY
    problem = foreign_owner_problem(url)
    assert problem is not None
    assert "nobody" in problem

    setup = await build_router(settings_in(tmp_path), ollama_url=url, environ={}, ask=ask)

    assert setup.router is None
    assert "another user's process (nobody)" in setup.local_model
    assert asked == []
    assert log.read_text() == ""


async def test_nothing_is_sent_without_an_answer(ollama: FakeServer, tmp_path: Path) -> None:
    consents = Consents(tmp_path / "consents.json")

    setup = await build_router(
        settings_in(tmp_path), ollama_url=ollama.url, environ={}, consents=consents
    )

    assert setup.router is None
    assert "qwen2.5-coder:7b" in setup.local_model
    assert "not allowed yet" in setup.local_model
    assert [r.path for r in ollama.requests] == ["/api/tags"]


async def test_a_yes_is_asked_once_and_remembered_for_the_workspace(
    ollama: FakeServer, tmp_path: Path
) -> None:
    consents = Consents(tmp_path / "consents.json")
    asked: list[LocalServer] = []

    async def yes(server: LocalServer) -> bool:
        asked.append(server)
        return True

    workspace = tmp_path / "project"
    workspace.mkdir()
    settings = settings_in(tmp_path)
    first = await build_router(
        settings, root=workspace, ollama_url=ollama.url, environ={}, ask=yes, consents=consents
    )
    assert first.router is not None
    assert first.autodetected == "qwen2.5-coder:7b"
    answer = await first.router.complete(LLMRequest("sys", "user", stream=False))
    await first.router.aclose()
    assert answer.text == "looks fine"
    assert [s.model for s in asked] == ["qwen2.5-coder:7b"]
    assert asked[0].url == ollama.url
    assert asked[0].owner is not None  # this process's account, read from the kernel

    again = await build_router(
        settings, root=workspace, ollama_url=ollama.url, environ={}, ask=yes, consents=consents
    )
    assert again.router is not None
    await again.router.aclose()
    assert len(asked) == 1  # remembered

    other = tmp_path / "other"
    other.mkdir()
    elsewhere = await build_router(
        settings, root=other, ollama_url=ollama.url, environ={}, consents=consents
    )
    assert elsewhere.router is None  # another workspace: its own answer


async def test_a_no_is_remembered_and_a_dismissal_is_not(
    ollama: FakeServer, tmp_path: Path
) -> None:
    consents = Consents(tmp_path / "consents.json")
    settings = settings_in(tmp_path)
    answers: list[bool | None] = [None, False]

    async def ask(server: LocalServer) -> bool | None:
        return answers.pop(0)

    dismissed = await build_router(
        settings, root=tmp_path, ollama_url=ollama.url, environ={}, ask=ask, consents=consents
    )
    declined = await build_router(
        settings, root=tmp_path, ollama_url=ollama.url, environ={}, ask=ask, consents=consents
    )
    later = await build_router(
        settings, root=tmp_path, ollama_url=ollama.url, environ={}, ask=ask, consents=consents
    )

    assert (dismissed.router, declined.router, later.router) == (None, None, None)
    assert "declined for this workspace" in later.local_model
    assert answers == []  # asked twice, then the no was remembered
    assert "/api/chat" not in [r.path for r in ollama.requests]


def test_an_unreadable_consents_file_is_no_answer(tmp_path: Path) -> None:
    path = tmp_path / "consents.json"
    path.write_text("{not json")
    server = LocalServer("http://127.0.0.1:11434", "m")
    assert Consents(path).answer(str(tmp_path), server) is None
    Consents(path).remember(str(tmp_path), server, True)
    assert Consents(path).answer(str(tmp_path), server) is True
    assert Consents(path).answer(str(tmp_path), LocalServer(server.url, "other")) is None


def test_ollama_host_is_read_as_ollama_reads_it() -> None:
    assert ollama_address({}) == "http://127.0.0.1:11434"
    assert ollama_address({"OLLAMA_HOST": "127.0.0.1:9999"}) == "http://127.0.0.1:9999"
    assert ollama_address({"OLLAMA_HOST": "localhost"}) == "http://localhost:11434"
    assert ollama_address({"OLLAMA_HOST": "https://box:8443/"}) == "https://box:8443"
