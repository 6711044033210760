"""The VS Code extension's settings schema, derived from the server's settings model.

``contributes.configuration`` in editors/vscode/package.json declares every setting the
extension shows in the Settings editor. The server's settings (peer_lsp.settings.model) are the
truth: this module builds their JSON-schema properties from `Settings` (type, default, bounds,
fixed choices, and the description from each field's docstring) and either writes them into
package.json or checks that package.json still says exactly that; the check also holds the
extension's commands to the server's (`command_drift`).

    python -m peer_lsp.commands.editor_schema --write  rewrite the server's settings in package.json
    python -m peer_lsp.commands.editor_schema --check  exit 1 and name each difference, if any

The extension's own settings (how to start the server, tracing) live under the prefixes in
`CLIENT_PREFIXES`, in a configuration section of their own; they are left as they are, and
the extension never sends them to the server.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from peer_lsp.commands.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from peer_lsp.lsp.commands import Command
from peer_lsp.settings.model import SPECS, Settings
from peer_lsp.settings.reference import field_docs

SECTION = "peer"
"""The settings prefix in VS Code, and the section the server asks for."""

SERVER_SECTION_ID = "peer"
"""The ``id`` of the ``contributes.configuration`` entry that holds the server's settings."""

CLIENT_PREFIXES = (f"{SECTION}.server.", f"{SECTION}.trace.")
"""Settings of the extension itself: the server command, and vscode-languageclient's
``peer.trace.server``. Never generated, never sent to the server."""

PACKAGE_JSON = Path(__file__).resolve().parents[2] / "editors" / "vscode" / "package.json"
"""package.json in a checkout of the repository (the default for ``--package``)."""


Schema = dict[str, Any]

USER_ONLY = frozenset({"plugins"})
"""Settings a workspace's own ``.vscode/settings.json`` may not set (scope ``machine``: user
and remote settings only): a plugin is code, and only the user may enable it."""

_JSON_TYPES: dict[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    tuple: "array",
    list: "array",
    dict: "object",
}


def is_client_setting(name: str) -> bool:
    """Whether a package.json property belongs to the extension rather than the server."""
    return name.startswith(CLIENT_PREFIXES)


def _plain(value: object) -> object:
    """A value as package.json holds it once JavaScript tools (npm) have rewritten the file:
    tuples become lists, and whole floats lose their ``.0`` (JSON has one number type)."""
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _same(want: object, have: object) -> bool:
    """Equal as JSON values: numbers by value, but a boolean is never a number."""
    if isinstance(want, bool) or isinstance(have, bool):
        return type(want) is type(have) and want == have
    if isinstance(want, int | float) and isinstance(have, int | float):
        return want == have
    if isinstance(want, list) and isinstance(have, list):
        return len(want) == len(have) and all(map(_same, want, have))
    if isinstance(want, dict) and isinstance(have, dict):
        return want.keys() == have.keys() and all(_same(want[k], have[k]) for k in want)
    return type(want) is type(have) and want == have


def _strings(choices: tuple[str, ...]) -> Schema:
    """The schema of a string, one of ``choices`` if there are any."""
    return {"type": "string", "enum": list(choices)} if choices else {"type": "string"}


def server_properties() -> dict[str, Schema]:
    """One JSON-schema property per server setting, in the order of `Settings`."""
    docs = field_docs()
    defaults = Settings()
    properties: dict[str, Schema] = {}
    for order, spec in enumerate(SPECS):
        if spec.kind not in _JSON_TYPES:
            raise TypeError(f"{spec.key}: no JSON type for {spec.kind}; teach {__name__}")
        schema: Schema = {"type": _JSON_TYPES[spec.kind]}
        if spec.kind is tuple:
            schema["items"] = _strings(spec.choices)
        elif spec.kind is list:
            schema["items"] = {"type": "object"}
        elif spec.kind is dict:
            schema["additionalProperties"] = _strings(spec.choices)
        elif spec.choices:
            schema["enum"] = list(spec.choices)
        if spec.minimum is not None:
            schema["minimum"] = _plain(spec.minimum)
        if spec.maximum is not None:
            schema["maximum"] = _plain(spec.maximum)
        schema["default"] = _plain(getattr(defaults, spec.attr))
        schema["description"] = docs[spec.attr]
        if spec.attr in USER_ONLY:
            schema["scope"] = "machine"
        schema["order"] = order
        properties[f"{SECTION}.{spec.key}"] = schema
    return properties


def _sections(package: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``contributes.configuration`` entries (VS Code accepts one object or a list)."""
    configuration = package.get("contributes", {}).get("configuration", [])
    sections = [configuration] if isinstance(configuration, dict) else list(configuration)
    return [section for section in sections if isinstance(section, dict)]


def declared_properties(package: Mapping[str, Any]) -> dict[str, Schema]:
    """Every property package.json declares, from all configuration sections."""
    properties: dict[str, Schema] = {}
    for section in _sections(package):
        properties.update(section.get("properties", {}))
    return properties


def drift(package: Mapping[str, Any]) -> list[str]:
    """What package.json says differently from the server's settings, one line each; empty
    when they agree. Both ways: a server setting missing or different in package.json, and a
    property in package.json that is neither a server setting nor the extension's own."""
    expected = server_properties()
    problems: list[str] = []
    server_section = [s for s in _sections(package) if s.get("id") == SERVER_SECTION_ID]
    if len(server_section) != 1:
        problems.append(f'no single configuration section with "id": "{SERVER_SECTION_ID}"')
    for section in _sections(package):
        for name in section.get("properties", {}):
            if is_client_setting(name) == (section.get("id") == SERVER_SECTION_ID):
                where = section.get("id")
                problems.append(f"{name}: in the wrong configuration section ({where!r})")
    declared = {n: s for n, s in declared_properties(package).items() if not is_client_setting(n)}
    for name, schema in expected.items():
        if name not in declared:
            problems.append(f"{name}: a server setting missing from package.json")
            continue
        for key in sorted(schema.keys() | declared[name].keys()):
            want, have = schema.get(key), declared[name].get(key)
            if not _same(want, have):
                problems.append(f"{name}: {key} is {have!r} in package.json, {want!r} in Settings")
    problems.extend(
        f"{name}: in package.json but not a server setting (nor under {', '.join(CLIENT_PREFIXES)})"
        for name in declared
        if name not in expected
    )
    return problems


def command_drift(package: Mapping[str, Any], extension: str | None) -> list[str]:
    """Where the extension's commands disagree with the server's (`Command`), one line each.

    The extension's own commands (``contributes.commands``) must not take a server command's
    name: vscode-languageclient registers every server command under its own name, and two
    registrations of one name fail. The server commands the extension calls (the ``SERVER``
    table of ``extension``, its TypeScript source) must exist.
    """
    server = set(Command)
    problems = [
        f"{name}: the extension's own command has a server command's name"
        for entry in package.get("contributes", {}).get("commands", [])
        if (name := entry.get("command")) in server
    ]
    if extension is not None:
        table = re.search(r"const SERVER = \{(.*?)\}", extension, re.DOTALL)
        if table is None:
            problems.append("extension.ts: no `const SERVER = {...}` table of server commands")
        else:
            problems.extend(
                f"{name}: extension.ts calls it, but the server has no such command"
                for name in re.findall(r'"([^"]+)"', table.group(1))
                if name not in server
            )
    return problems


def updated(package: Mapping[str, Any]) -> dict[str, Any]:
    """``package`` with the server's settings regenerated in their section (created if
    missing, first); the extension's own sections and everything else kept as they are."""
    result = json.loads(json.dumps(package))  # a deep copy that keeps key order
    contributes = result.setdefault("contributes", {})
    sections = _sections(result)
    server = next((s for s in sections if s.get("id") == SERVER_SECTION_ID), None)
    if server is None:
        server = {"id": SERVER_SECTION_ID, "title": "peer"}
        sections.insert(0, server)
    for section in sections:
        if section is not server:
            section["properties"] = {
                n: s for n, s in section.get("properties", {}).items() if is_client_setting(n)
            }
    server["properties"] = server_properties()
    contributes["configuration"] = sections
    return dict(result)


def render(package: Mapping[str, Any]) -> str:
    """package.json as the repository keeps it: two-space indents, a final newline."""
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m peer_lsp.commands.editor_schema",
        description="Keep the VS Code extension's settings schema equal to the server's.",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="rewrite the server's settings")
    action.add_argument("--check", action="store_true", help="exit 1 if package.json drifted")
    parser.add_argument(
        "--package", type=Path, default=PACKAGE_JSON, help=f"default: {PACKAGE_JSON}"
    )
    args = parser.parse_args(argv)
    path: Path = args.package
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"{parser.prog}: cannot read {path}: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.write:
        path.write_text(render(updated(package)), encoding="utf-8")
        print(f"wrote {len(SPECS)} server settings to {path}")
        return EXIT_OK
    extension = path.parent / "src" / "extension.ts"
    source = extension.read_text(encoding="utf-8") if extension.is_file() else None
    problems = drift(package) + command_drift(package, source)
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr)
    if problems:
        print(f"regenerate with: {parser.prog} --write", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


__all__ = [
    "CLIENT_PREFIXES",
    "drift",
    "is_client_setting",
    "main",
    "server_properties",
    "updated",
]

if __name__ == "__main__":
    raise SystemExit(main())
