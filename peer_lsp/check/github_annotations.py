"""GitHub Actions workflow commands for `peer check --format github`: one
``::error file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message`` line per
finding, which a workflow step's log turns into annotations on the pull request's files.

``error`` for errors, ``warning`` for warnings, ``notice`` for info and hints. ``file`` is the
path as the text output spells it (relative to the current folder, with ``/``: GitHub
resolves it from the workspace, so run from the repository's root); ``line`` and ``col`` are
1-based, ``col`` in characters as the text output counts them, ``endLine`` and
``endColumn`` the end (exclusive). ``title`` is ``peer: <rule>``; the message is the shown
message (a model finding ends with its confidence), then the explanation.

Escaping, as the Actions runner decodes it: in the message ``%``, ``\\r`` and ``\\n`` become
``%25``, ``%0D`` and ``%0A`` (a finding's explanation keeps its lines); in a property value
those and ``:`` and ``,`` (which would end the value) become ``%3A`` and ``%2C``. So no
finding's text can end its command early or start another one.
"""

from __future__ import annotations

import typing
from pathlib import PurePath

from peer_lsp.check.rdjson import full_message
from peer_lsp.findings.model import Severity

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from peer_lsp.check.report import Located

COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.HINT: "notice",
}


def escape_data(text: str) -> str:
    """A command's message, escaped as the runner's ``escapeData``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value, escaped as the runner's ``escapeProperty``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(item: Located) -> str:
    """One finding as a workflow command line."""
    properties = {
        "file": PurePath(item.path).as_posix(),
        "line": str(item.line),
        "col": str(item.column),
        "endLine": str(item.end_line),
        "endColumn": str(item.end_column),
        "title": f"peer: {item.finding.rule_id}",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMANDS[item.finding.severity]} {joined}::{escape_data(full_message(item))}"


def render_github(located: Sequence[Located]) -> str:
    """Every finding's workflow command, one a line (empty when there are none)."""
    return "\n".join(annotation(item) for item in located)
