"""initializationOptions: bad settings are reported by name and the server keeps working."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import (
    UNCLOSED,
    PeerClient,
    capabilities,
    document,
    initialize_params,
    next_notification,
    open_document,
    syntax_error,
)
from lsprotocol import types

pytestmark = pytest.mark.e2e


async def test_invalid_and_unknown_settings_are_reported(
    fresh_client: PeerClient, tmp_path: Path
) -> None:
    options = {"minConfidence": 3, "shinyNewThing": True}
    caps = capabilities(fresh_client.editor)
    await fresh_client.initialize_session(initialize_params(caps, tmp_path, options))

    shown: types.ShowMessageParams = await next_notification(
        fresh_client, types.WINDOW_SHOW_MESSAGE
    )
    assert shown.type == types.MessageType.Warning
    assert "invalid value for 'minConfidence': 3" in shown.message
    assert "unknown setting 'shinyNewThing'" in shown.message

    item = document(tmp_path / "after.py", "print((1)\n")
    assert await open_document(fresh_client, item) == [syntax_error((0, 5), (0, 6), UNCLOSED)]
    assert fresh_client.messages == [shown]


async def test_lowering_max_file_bytes_tells_of_open_documents_now_over_it(
    fresh_client: PeerClient, tmp_path: Path
) -> None:
    """The notice a document over maxFileBytes gets at open comes too when a settings change
    puts an open document over the limit, not only at its next edit."""
    caps = capabilities(fresh_client.editor)
    await fresh_client.initialize_session(initialize_params(caps, tmp_path))
    item = document(tmp_path / "grows.py", "x = (\n" + "# filler\n" * 300)
    assert await open_document(fresh_client, item) == [syntax_error((0, 4), (0, 5), UNCLOSED)]

    fresh_client.set_configuration({"maxFileBytes": 1_000}, section="peer")
    fresh_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"peer": {"maxFileBytes": 1_000}})
    )
    shown: types.ShowMessageParams = await next_notification(
        fresh_client, types.WINDOW_SHOW_MESSAGE
    )
    assert shown.type == types.MessageType.Info
    assert shown.message == "peer-lsp: grows.py is 2.7 kB, over maxFileBytes (1 kB): not analysed"
