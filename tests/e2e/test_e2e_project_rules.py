"""A project's rules in the editor: loaded at start, watched, reloaded when a rule file is
added, edited or broken while a document is open; a broken rule is shown, the server goes on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from push_client import INITIALIZED, RawServer, did_open, initialize, raw_server

pytestmark = pytest.mark.e2e

NO_PRINT = """\
language = "python"
message = "print() of {arg}: use the logger"
severity = "warning"
category = "maintainability"
report = "call"
"""
NO_PRINT_QUERY = """\
(call function: (identifier) @fn (#eq? @fn "print")
      arguments: (argument_list . (_) @arg)) @call
"""
WATCHING = {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}}
SOURCE = "x = 1\nprint(x)\n"


def write_rule(root: Path, query: str = NO_PRINT_QUERY, toml: str = NO_PRINT) -> Path:
    folder = root / ".peer" / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "no-print.scm").write_text(query, encoding="utf-8")
    path = folder / "no-print.toml"
    path.write_text(toml, encoding="utf-8")
    return path


def changed(path: Path, kind: int) -> dict[str, Any]:
    """workspace/didChangeWatchedFiles for one file (1 created, 2 changed, 3 deleted)."""
    return {
        "method": "workspace/didChangeWatchedFiles",
        "params": {"changes": [{"uri": path.as_uri(), "type": kind}]},
    }


def codes(message: dict[str, Any]) -> list[str]:
    return [d.get("code") for d in message["params"]["diagnostics"]]


def after(server: RawServer, start: int, message: dict[str, Any]) -> bool:
    """Whether ``message`` is one of those received from index ``start`` on (the same
    diagnostics may have been published before)."""
    return any(message is later for later in server.messages[start:])


async def published_after(server: RawServer, uri: str, start: int, wanted: Any) -> list[str]:
    """The codes of the first diagnostics of ``uri`` published after message ``start`` for
    which ``wanted(codes)`` holds."""

    def match(m: dict[str, Any]) -> bool:
        return (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and after(server, start, m)
            and wanted(codes(m))
        )

    return codes(await server.wait_for(match))


async def test_rules_added_edited_and_broken_while_a_document_is_open(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    uri = app.as_uri()
    async with raw_server(tmp_path) as server:
        server.send(initialize(WATCHING, tmp_path))
        await server.response(1)
        server.send(INITIALIZED, did_open(app, SOURCE))
        registered = await server.wait_for(lambda m: m.get("method") == "client/registerCapability")
        [registration] = registered["params"]["registrations"]
        assert registration["method"] == "workspace/didChangeWatchedFiles"
        assert registration["registerOptions"]["watchers"] == [{"globPattern": "**/.peer/rules/**"}]
        assert await server.diagnostics(uri) == []

        # a rule file appears
        start = len(server.messages)
        rule = write_rule(tmp_path)
        server.send(changed(rule, 1))
        assert await published_after(server, uri, start, bool) == ["project/no-print"]

        # it is edited: the new severity is shown
        start = len(server.messages)
        write_rule(tmp_path, toml=NO_PRINT.replace('"warning"', '"error"'))
        server.send(changed(rule, 2))
        found = await server.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and after(server, start, m)
                and m["params"]["uri"] == uri
                and any(d.get("severity") == 1 for d in m["params"]["diagnostics"])
            )
        )
        assert codes(found) == ["project/no-print"]

        # it is broken: said with its file and line, and its findings go
        start = len(server.messages)
        write_rule(tmp_path, query=NO_PRINT_QUERY.replace("(identifier) @fn", "(identifer) @fn"))
        server.send(changed(rule.with_suffix(".scm"), 2))
        shown = await server.wait_for(
            lambda m: m.get("method") == "window/showMessage" and after(server, start, m)
        )
        scm = tmp_path / ".peer" / "rules" / "no-print.scm"
        assert shown["params"]["type"] == 2
        assert (
            f"{scm}:1: the query does not compile for python: Invalid node type"
            in (shown["params"]["message"])
        )
        assert await published_after(server, uri, start, lambda c: True) == []

        # a change elsewhere reloads nothing
        start = len(server.messages)
        server.send(changed(tmp_path / "other.py", 2))
        assert await server.exit() == 0
    said = {"textDocument/publishDiagnostics", "window/showMessage"}
    assert not [m for m in server.messages[start:] if m.get("method") in said]


async def test_rules_present_at_start_apply_to_the_first_documents(tmp_path: Path) -> None:
    """Opened while fast start answers (its early diagnostics know no project rules): the
    project's findings still arrive."""
    write_rule(tmp_path)
    app = tmp_path / "app.py"
    async with raw_server(tmp_path) as server:
        server.send(initialize({}, tmp_path), INITIALIZED, did_open(app, SOURCE))
        assert await published_after(server, app.as_uri(), 0, bool) == ["project/no-print"]
        assert await server.exit() == 0
