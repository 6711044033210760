"""Code actions for clients that cannot resolve them: Emacs 28 with eglot 1.9, Vim with ALE.

Neither declares ``codeAction.resolveSupport``, so an action must carry its edit when it is
offered: an action that waits for codeAction/resolve does nothing there. ALE also echoes the
diagnostics it was sent without ``data`` or ``source`` (only range, code and message), and
sends none when asked on a word, so the server recognises its findings by their place too.
The real server runs over stdio, initialised with each editor's recorded capabilities
(tests/e2e/clients); diagnostics are echoed the way each editor echoes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import attrs
import pytest
import pytest_lsp
from lsp_support import (
    SERVER_COMMAND,
    TIMEOUT,
    PeerClient,
    action_converter,
    apply_edits,
    capabilities,
    document,
    initialize_params,
    published,
    span,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig
from pytest_lsp.client import register_lsp_features

SOURCE = (
    "def is_missing(value):\n"
    "    return value == None\n"
    "\n"
    "\n"
    "def is_present(value):\n"
    "    return value != None\n"
)
FIRST_FIXED = SOURCE.replace("value == None", "value is None")
FIXED = FIRST_FIXED.replace("value != None", "value is not None")
IGNORED = SOURCE.replace(
    "    return value == None\n",
    "    # peer: ignore[py-none-comparison]\n    return value == None\n",
)
QUICK_FIX = "Replace `==` with `is`"
IGNORE = "Ignore this finding (py-none-comparison)"


def make_client() -> PeerClient:
    client = PeerClient(converter_factory=action_converter)
    register_lsp_features(client)
    return client


pytestmark = pytest.mark.e2e
shared = pytest.mark.asyncio(loop_scope="module")
"""For the tests on the module's server per editor (its event loop is the module's)."""

CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)


@pytest_lsp.fixture(config=CONFIG, params=["eglot", "ale"], scope="module")
async def no_resolve_client(
    lsp_client: PeerClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[None]:
    """A server initialised with the recorded capabilities of eglot 1.9 or of ALE 3.3."""
    lsp_client.editor = request.param
    root = tmp_path_factory.mktemp("workspace")
    params = initialize_params(capabilities(request.param), root, {"ollamaAutodetect": False})
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def client(no_resolve_client: PeerClient) -> PeerClient:
    no_resolve_client.messages.clear()
    return no_resolve_client


async def open_source(client: PeerClient, path: Path) -> list[types.Diagnostic]:
    """Open SOURCE at ``path``; the two `== None` / `!= None` diagnostics pushed for it."""
    client.text_document_did_open(types.DidOpenTextDocumentParams(document(path, SOURCE)))
    params = await published(client)
    assert params.uri == path.as_uri()
    assert [d.code for d in params.diagnostics] == ["py-none-comparison"] * 2
    return list(params.diagnostics)


def echoed(client: PeerClient, diagnostic: types.Diagnostic) -> types.Diagnostic:
    """The diagnostic as the editor sends it back in a code action request: eglot returns
    what it was sent; ALE only range, code and message (ale/codefix.vim)."""
    if client.editor == "ale":
        return types.Diagnostic(
            range=diagnostic.range, message=diagnostic.message, code=diagnostic.code
        )
    return diagnostic


async def actions_at(
    client: PeerClient, uri: str, where: types.Range, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    async with asyncio.timeout(TIMEOUT):
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri), where, types.CodeActionContext(diagnostics)
            )
        )
    return [a for a in actions or [] if isinstance(a, types.CodeAction)]


def titled(actions: list[types.CodeAction], title: str) -> types.CodeAction:
    (action,) = [a for a in actions if a.title == title]
    return action


def applied(client: PeerClient, uri: str, action: types.CodeAction, text: str = SOURCE) -> str:
    """``text`` after the action's own edit, read the way the editor reads it: eglot 1.9
    takes versioned documentChanges; ALE declares no documentChanges and gets ``changes``."""
    assert action.edit is not None, f"{action.title!r} came without its edit"
    edit = action.edit
    caps = client.capabilities
    workspace_edit = caps.workspace.workspace_edit if caps and caps.workspace else None
    if not (workspace_edit and workspace_edit.document_changes):
        assert edit.document_changes is None
        assert edit.changes is not None
        (edits,) = edit.changes.values()
        assert list(edit.changes) == [uri]
    else:
        assert edit.document_changes is not None
        (changed,) = edit.document_changes
        assert isinstance(changed, types.TextDocumentEdit)
        assert (changed.text_document.uri, changed.text_document.version) == (uri, 1)
        edits = [e for e in changed.edits if isinstance(e, types.TextEdit)]
    return apply_edits(text, edits)


@shared
async def test_the_quick_fix_carries_its_edit(client: PeerClient, tmp_path: Path) -> None:
    path = tmp_path / "quick_fix.py"
    uri = path.as_uri()
    first, _ = await open_source(client, path)

    actions = await actions_at(client, uri, first.range, [echoed(client, first)])
    fix = titled(actions, QUICK_FIX)
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred
    assert applied(client, uri, fix) == FIRST_FIXED


@shared
async def test_ignore_carries_its_edit(client: PeerClient, tmp_path: Path) -> None:
    path = tmp_path / "ignore.py"
    uri = path.as_uri()
    first, _ = await open_source(client, path)

    actions = await actions_at(client, uri, first.range, [echoed(client, first)])
    assert applied(client, uri, titled(actions, IGNORE)) == IGNORED


@shared
async def test_fix_all_carries_every_fix(client: PeerClient, tmp_path: Path) -> None:
    path = tmp_path / "fix_all.py"
    uri = path.as_uri()
    first, _ = await open_source(client, path)

    actions = await actions_at(client, uri, first.range, [echoed(client, first)])
    fix_all = titled(actions, "Apply 2 verified peer fixes")
    assert fix_all.kind == "source.fixAll.peer"
    assert applied(client, uri, fix_all) == FIXED


@shared
async def test_asked_on_a_word_without_diagnostics_the_finding_there_has_its_actions(
    client: PeerClient, tmp_path: Path
) -> None:
    """ALE sends no diagnostic when the cursor is inside a word (it asks for the word's
    range): the findings under the range still get their actions."""
    path = tmp_path / "word.py"
    uri = path.as_uri()
    _, second = await open_source(client, path)

    word = span((5, 11), (5, 16))  # `value` in `return value != None`
    actions = await actions_at(client, uri, word, [])
    fix = titled(actions, "Replace `!=` with `is not`")
    assert applied(client, uri, fix) == SOURCE.replace("value != None", "value is not None")
    assert fix.diagnostics is not None
    assert [(d.range, d.code) for d in fix.diagnostics] == [(second.range, second.code)]
    assert titled(actions, IGNORE).edit is not None
    elsewhere = await actions_at(client, uri, span((0, 4), (0, 14)), [])
    assert [a.kind for a in elsewhere] == ["source.fixAll.peer"]  # no finding under `is_missing`


@shared
async def test_commands_in_actions_still_run(client: PeerClient, tmp_path: Path) -> None:
    path = tmp_path / "explain.py"
    uri = path.as_uri()
    first, _ = await open_source(client, path)

    actions = await actions_at(client, uri, first.range, [echoed(client, first)])
    explain = titled(actions, "Explain this finding")
    assert explain.edit is None
    assert explain.command is not None
    async with asyncio.timeout(TIMEOUT):
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(explain.command.command, explain.command.arguments)
        )
    assert "`None` is a singleton" in result["markdown"]
    # neither eglot nor ALE opens documents on request: the explanation is a plain message
    assert result["shownAs"] == "message"
    assert [m.message for m in client.messages][-1] == result["text"]


@shared
async def test_another_linters_diagnostic_is_not_taken_for_peers(
    client: PeerClient, tmp_path: Path
) -> None:
    """ALE sends the nearest diagnostic of any linter (here flake8's E711 at the same place):
    peer's actions there still come, naming peer's own diagnostic."""
    path = tmp_path / "foreign.py"
    uri = path.as_uri()
    first, _ = await open_source(client, path)

    flake8 = types.Diagnostic(first.range, "comparison to None should be 'if cond is None:'")
    flake8.code = "E711"
    actions = await actions_at(client, uri, first.range, [flake8])
    fix = titled(actions, QUICK_FIX)
    assert fix.diagnostics is not None
    assert [d.code for d in fix.diagnostics] == ["py-none-comparison"]
    assert applied(client, uri, fix) == FIRST_FIXED
    beside = await actions_at(
        client, uri, span((0, 0), (0, 3)), [attrs.evolve(flake8, range=span((0, 0), (0, 3)))]
    )
    assert [a.kind for a in beside] == ["source.fixAll.peer"]


# -- a server of the test's own ------------------------------------------------------------


@pytest_lsp.fixture(config=CONFIG)
async def fresh_client(lsp_client: PeerClient) -> AsyncIterator[None]:
    yield
    await lsp_client.shutdown_session()


async def test_a_client_that_drops_action_data_gets_the_edits_at_once(
    fresh_client: PeerClient, tmp_path: Path
) -> None:
    """Resolving needs the action's ``data`` back: a client without codeAction.dataSupport
    gets the edits in the actions even if it could resolve them (Neovim's, changed so)."""
    caps = capabilities("neovim")
    assert caps.text_document is not None
    assert caps.text_document.code_action is not None
    code_action = attrs.evolve(caps.text_document.code_action, data_support=False)
    caps = attrs.evolve(
        caps, text_document=attrs.evolve(caps.text_document, code_action=code_action)
    )
    options = {"ollamaAutodetect": False}
    await fresh_client.initialize_session(initialize_params(caps, tmp_path, options))
    path = tmp_path / "no_data.py"
    uri = path.as_uri()
    first, _ = await open_source(fresh_client, path)

    actions = await actions_at(fresh_client, uri, first.range, [first])
    assert applied(fresh_client, uri, titled(actions, QUICK_FIX)) == FIRST_FIXED


@shared
async def test_hover_is_plain_text_for_clients_that_read_only_plain_text(
    client: PeerClient, tmp_path: Path
) -> None:
    """eglot 1.9 and ALE declare ``hover.contentFormat: [plaintext]``: Markdown would show its
    asterisks and backticks."""
    path = tmp_path / "hover.py"
    (first, _) = await open_source(client, path)
    async with asyncio.timeout(TIMEOUT):
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), first.range.start)
        )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.PlainText
    text = hover.contents.value
    assert text.startswith(f"{first.message} (bug, py-none-comparison)")
    assert "\nConfidence: █" in text  # the meter, not in backticks
    assert "](" not in text  # no Markdown link
    assert "hide it here with peer: ignore[py-none-comparison]" in text
