"""The JSON diagnostics published before lsprotocol loads equal what pygls sends later.

`peer_lsp.lsp.diagnostic_json` and `peer_lsp.lsp.convert` build the same diagnostics two
ways; the fast start drops pygls's copy only when it is equal, so any drift would show as
duplicate diagnostics. Checked on real code nobody here wrote.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from peer_lsp.analysis.engine import Engine
from peer_lsp.findings.model import Fix
from peer_lsp.lsp.capabilities import ClientFeatures
from peer_lsp.lsp.convert import to_diagnostic
from peer_lsp.lsp.diagnostic_json import diagnostic_json
from peer_lsp.lsp.early_diagnostics import pulls_diagnostics, workspace_root
from peer_lsp.lsp.lifecycle import _workspace_root
from peer_lsp.text.positions import Encoding

CONVERTER = default_converter()  # type: ignore[no-untyped-call]

# Standard library modules with syntax-free code but rule findings (py-eval, py-bare-except,
# complexity), one broken text, and non-ASCII text for the position encodings.
MODULES = ("pdb", "cgitb", "tarfile", "pickletools")
BROKEN = "def f(x):\n    return g((x, 'é😀'\n\nclass C:\n    def m(self): eval(input())\n"


def _source(module: str) -> str:
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin).read_text(encoding="utf-8")


def _wire(diagnostic: types.Diagnostic) -> dict[str, Any]:
    unstructured: dict[str, Any] = CONVERTER.unstructure(diagnostic)
    return unstructured


@pytest.mark.parametrize("encoding", list(Encoding))
@pytest.mark.parametrize("name", [*MODULES, "broken"])
def test_json_diagnostics_equal_pygls_s(name: str, encoding: Encoding) -> None:
    text = BROKEN if name == "broken" else _source(name)
    engine = Engine()
    uri = f"file:///w/{name}.py"
    document = engine.open(uri, text, "python", 1, encoding)
    findings = engine.findings(uri)
    assert findings, "the sample must have findings to compare"
    # A model's finding with a verified fix: the message and data differ for those.
    model = dataclasses.replace(
        findings[0], source="gpt-test", confidence=0.83, fix=Fix("Fix it", (), verified=True)
    )
    for finding in [*findings, model]:
        assert diagnostic_json(document, finding) == _wire(to_diagnostic(document, finding))


CAPABILITIES: list[dict[str, Any]] = [
    {},
    {"textDocument": {"diagnostic": {}}},
    {"workspace": {"diagnostics": {"refreshSupport": True}}},
    {"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": True}}},
    {"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": False}}},
    {"textDocument": {}, "workspace": {"diagnostics": {}}},
]


@pytest.mark.parametrize("capabilities", CAPABILITIES)
def test_who_pulls_is_decided_as_the_server_decides(capabilities: dict[str, Any]) -> None:
    structured = CONVERTER.structure(capabilities, types.ClientCapabilities)
    features = ClientFeatures.from_capabilities(structured)
    assert pulls_diagnostics(capabilities) == features.pull_diagnostics


ROOTS: list[dict[str, Any]] = [
    {},
    {"rootUri": "file:///home/u/project"},
    {"rootPath": "/home/u/legacy"},
    {"rootUri": "file:///a", "workspaceFolders": [{"uri": "file:///b%20c", "name": "b"}]},
    {"rootUri": None, "rootPath": None, "workspaceFolders": None},
    {"rootUri": "file:///a", "workspaceFolders": []},
]


@pytest.mark.parametrize("params", ROOTS)
def test_the_workspace_is_found_as_the_server_finds_it(params: dict[str, Any]) -> None:
    full = {"processId": None, "capabilities": {}, "rootUri": None, **params}
    structured = CONVERTER.structure(full, types.InitializeParams)
    assert workspace_root(full) == _workspace_root(structured)
