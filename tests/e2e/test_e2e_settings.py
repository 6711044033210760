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
