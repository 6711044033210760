"""Fixtures: a real peer-lsp over stdio, driven as each recorded editor.

Starting a server costs about a second, so ``client`` and ``pulling_client`` share one
server per editor per test module (tests keep apart by using their own documents), while
``fresh_client`` gives a test a server of its own to initialise as it likes, and
``vscode_server`` one to initialise as VS Code (the modules whose tests each initialise their
own server name it ``client``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from lsp_support import (
    EDITORS,
    SERVER_COMMAND,
    PeerClient,
    capabilities,
    initialize_params,
    make_client,
)
from pytest_lsp import ClientServerConfig

CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)


async def _session(
    client: PeerClient, editor: str, factory: pytest.TempPathFactory, pull: bool = False
) -> AsyncIterator[None]:
    """Initialise as ``editor`` (declaring pull diagnostics if ``pull``); shut down at the end."""
    client.editor = editor
    root = factory.mktemp("workspace")
    await client.initialize_session(initialize_params(capabilities(editor, pull=pull), root))
    yield
    await client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG, params=EDITORS, scope="module")
async def editor_client(
    lsp_client: PeerClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[None]:
    """An initialised server declaring exactly the recorded editor's capabilities."""
    async for _ in _session(lsp_client, request.param, tmp_path_factory):
        yield


@pytest.fixture
def client(editor_client: PeerClient) -> PeerClient:
    """The module's server for one test, with earlier tests' window/showMessage forgotten."""
    editor_client.messages.clear()
    return editor_client


@pytest_lsp.fixture(config=CONFIG, params=EDITORS, scope="module")
async def pulling_client(
    lsp_client: PeerClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[None]:
    """As ``editor_client``, but declaring textDocument.diagnostic whatever the editor does."""
    async for _ in _session(lsp_client, request.param, tmp_path_factory, pull=True):
        yield


@pytest_lsp.fixture(config=CONFIG, params=EDITORS)
async def fresh_client(
    lsp_client: PeerClient, request: pytest.FixtureRequest
) -> AsyncIterator[None]:
    """A started server of the test's own, to initialise itself (``.editor`` names the
    editor whose recorded capabilities to start from)."""
    lsp_client.editor = request.param
    yield
    await lsp_client.shutdown_session()  # does nothing if the test never initialised


@pytest_lsp.fixture(config=CONFIG)
async def vscode_server(lsp_client: PeerClient) -> AsyncIterator[None]:
    """A started server of the test's own, for the test to initialise as VS Code (pushed
    diagnostics; the pull path is the same code, covered by the diagnostics tests)."""
    lsp_client.editor = "visual_studio_code"
    yield
    await lsp_client.shutdown_session()
