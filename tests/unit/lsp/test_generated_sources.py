"""The server keeps no copy of the sources attrs generates for lsprotocol's classes."""

from __future__ import annotations

import linecache
import traceback

import attrs
from lsprotocol import types

from peer_lsp.server import create_server, forget_generated_sources


def _generated() -> list[str]:
    return [str(name) for name in linecache.cache if str(name).startswith("<attrs generated")]


def test_create_server_drops_the_generated_sources() -> None:
    types.Position(line=0, character=0)  # lsprotocol is loaded: its sources are cached
    create_server()

    assert _generated() == []


def test_a_traceback_through_a_generated_method_still_formats() -> None:
    @attrs.define
    class Checked:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    assert _generated()  # the class just made left its source
    assert forget_generated_sources() >= 1
    assert _generated() == []
    try:
        Checked("not an int")  # type: ignore[arg-type]
    except TypeError:
        shown = traceback.format_exc()
    assert "attrs generated" in shown
    assert "must be <class 'int'>" in shown
