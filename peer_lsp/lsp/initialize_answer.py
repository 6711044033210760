"""Fast start's answer to ``initialize``: ``capabilities_template.json``, checked to have been
made for this install, filled in with what one client offers, as pygls's builder would fill it.

The template is generated from the real server (``python -m peer_lsp.server
--write-template``, with `peer_lsp.lsp.capabilities_template`). Only the standard library is
imported here: `peer_lsp.lsp.fast_start` runs this before pygls is loaded.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import sys
from collections.abc import Mapping
from typing import Any, NamedTuple

TEMPLATE_FILE = "capabilities_template.json"
TEMPLATE_FORMAT = 1
REGENERATE = "python -m peer_lsp.server --write-template"

MISSING: Any = object()
"""A capability that the answer leaves out."""


class _Switch(NamedTuple):
    """A server capability that pygls's ServerCapabilitiesBuilder derives from the client's.

    ``kind`` says how: ``and`` (``client_value and server_has_feature``: absent, false or
    the server's value), ``truthy`` (the server's value when the client's is true) or
    ``present`` (the server's value when the client sends the capability at all).
    ``offered`` is what the template's "client offering everything" sends.
    """

    client: str
    server: str
    kind: str
    offered: object


_FILE_OPERATIONS = ("willCreate", "didCreate", "willRename", "didRename", "willDelete", "didDelete")

SWITCHES: tuple[_Switch, ...] = (
    _Switch("textDocument.synchronization.willSave", "textDocumentSync.willSave", "and", True),
    _Switch(
        "textDocument.synchronization.willSaveWaitUntil",
        "textDocumentSync.willSaveWaitUntil",
        "and",
        True,
    ),
    _Switch("notebookDocument", "notebookDocumentSync", "present", {"synchronization": {}}),
    _Switch("textDocument.rename.prepareSupport", "renameProvider", "truthy", True),
    *(
        _Switch(f"workspace.fileOperations.{op}", f"workspace.fileOperations.{op}", "truthy", True)
        for op in _FILE_OPERATIONS
    ),
)
"""Every place where pygls 2.1's builder reads the client's capabilities (pygls/capabilities.py),
besides the position encoding, which peer-lsp chooses itself (protocol.choose_encoding).
The template generator checks this list against pygls for many clients."""


class Fallback(Exception):
    """The fast path does not apply; pygls handles the connection from its first byte."""

    def __init__(self, reason: str, level: int = logging.INFO) -> None:
        super().__init__(reason)
        self.level = level


def template_path() -> str:
    """Where the template lives: next to this module, as package data."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), TEMPLATE_FILE)


def load_template(path: str | None = None) -> dict[str, Any]:
    """The template, if it was made for this peer-lsp and the installed pygls and lsprotocol."""
    try:
        with open(path or template_path(), encoding="utf-8") as file:
            template = json.load(file)
    except (OSError, ValueError) as error:
        raise Fallback(f"no usable template ({error})", logging.WARNING) from None
    from peer_lsp import __version__

    if not isinstance(template, dict) or template.get("format") != TEMPLATE_FORMAT:
        raise Fallback("the template's format is not this module's", logging.WARNING)
    if template["serverInfo"]["version"] != __version__:
        raise Fallback(f"the template is for peer-lsp {template['serverInfo']['version']}")
    for name, version in template["generatedWith"].items():
        if not _installed(name, version):
            raise Fallback(f"the template was generated with {name} {version}, not installed")
    return template


def _installed(name: str, version: str) -> bool:
    """Whether distribution ``name`` is installed at ``version`` (importlib.metadata would
    cost about 50 ms here: its import alone pulls in the email package)."""
    folders = (f"{name}-{version}.dist-info", f"{name}-{version}.egg-info")
    return any(
        os.path.isdir(os.path.join(entry or os.curdir, folder))
        for entry in sys.path
        for folder in folders
    )


def initialize_result(
    template: Mapping[str, Any], capabilities: Mapping[str, Any]
) -> dict[str, Any]:
    """The InitializeResult pygls would give a client with these capabilities."""
    least = template["capabilities"]["clientOffersNothing"]
    most = template["capabilities"]["clientOffersAll"]
    result: dict[str, Any] = copy.deepcopy(least)
    result["positionEncoding"] = position_encoding(capabilities)
    for switch in SWITCHES:
        value = _client_value(capabilities, switch)
        if switch.kind == "and" and value is False:
            _assign(result, switch.server, False)
            continue
        offered = value is not None if switch.kind == "present" else value is True
        _assign(result, switch.server, _lookup(most if offered else least, switch.server))
    return {"capabilities": result, "serverInfo": dict(template["serverInfo"])}


def position_encoding(capabilities: Mapping[str, Any]) -> str:
    """UTF-8 if offered, else UTF-16: protocol.choose_encoding's rule, on plain JSON."""
    offered = _lookup(capabilities, "general.positionEncodings")
    if offered is MISSING or offered is None:
        return "utf-16"
    if not isinstance(offered, list) or not all(isinstance(kind, str) for kind in offered):
        raise Fallback("general.positionEncodings is not a list of strings")
    return "utf-8" if "utf-8" in offered else "utf-16"


def _client_value(capabilities: Mapping[str, Any], switch: _Switch) -> Any:
    """The client's value for ``switch`` (None when absent), checked as cattrs would."""
    value = _lookup(capabilities, switch.client)
    if value is MISSING:
        return None
    expected = dict if switch.kind == "present" else bool
    if value is not None and not isinstance(value, expected):
        raise Fallback(f"client capability {switch.client} is not a {expected.__name__}")
    return value


def _lookup(tree: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path; MISSING if absent (or under an absent or null parent)."""
    node: Any = tree
    for key in path.split("."):
        if node is None:
            return MISSING
        if not isinstance(node, dict):
            raise Fallback(f"capability {path} is under a value that is not an object")
        node = node.get(key, MISSING)
        if node is MISSING:
            return MISSING
    return node


def _assign(tree: dict[str, Any], path: str, value: Any) -> None:
    """Set (or with MISSING, remove) the value at a dotted path whose parents exist."""
    *parents, leaf = path.split(".")
    node = tree
    for key in parents:
        child = node.get(key)
        if not isinstance(child, dict):
            if value is MISSING:
                return
            raise Fallback(f"the template has no {path}'s parent", logging.WARNING)
        node = child
    if value is MISSING:
        node.pop(leaf, None)
    else:
        node[leaf] = copy.deepcopy(value)
