"""The VS Code extension declares exactly the server's settings: same keys, types, defaults.

The first test reads package.json against `Settings` directly, without the generator, so a
mistake in the generator cannot hide drift; the others show that ``--check`` catches drift in
either direction and that ``--write`` repairs it without touching the extension's own settings.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from peer_lsp.commands import editor_schema
from peer_lsp.settings.model import SPECS, Settings

PACKAGE_JSON = Path(__file__).resolve().parents[2] / "editors" / "vscode" / "package.json"

JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def package() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    return loaded


def server_declared(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: schema
        for name, schema in editor_schema.declared_properties(manifest).items()
        if not name.startswith(("peer.server.", "peer.trace."))
    }


def as_json(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    return dict(value) if isinstance(value, Mapping) else value


def same_json(a: object, b: object) -> bool:
    """Equal as JSON values: 30 and 30.0 are one number, but True is not 1."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def test_every_server_setting_is_declared_with_its_type_and_default() -> None:
    declared = server_declared(package())
    defaults = Settings()
    for spec in SPECS:
        schema = declared.get(f"peer.{spec.key}")
        assert schema is not None, f"peer.{spec.key} is missing from package.json"
        default = getattr(defaults, spec.attr)
        if spec.kind in (tuple, list):
            assert schema["type"] == "array", spec.key
            assert schema["items"]["type"] == ("string" if spec.kind is tuple else "object")
        elif spec.kind is dict:
            assert schema["type"] == "object", spec.key
        else:
            assert schema["type"] == JSON_TYPES[spec.kind], spec.key
        assert same_json(schema["default"], as_json(default)), spec.key
        values = schema.get("items") or schema.get("additionalProperties") or schema
        choices = values.get("enum", [])
        assert tuple(choices) == spec.choices, spec.key


def test_every_declared_setting_is_a_server_setting_or_the_clients_own() -> None:
    declared = set(server_declared(package()))
    assert declared == {f"peer.{spec.key}" for spec in SPECS}


def test_restricted_settings_in_untrusted_workspaces_exist() -> None:
    manifest = package()
    restricted = manifest["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"]
    declared = editor_schema.declared_properties(manifest)
    assert {"peer.providers", "peer.server.command"} <= set(restricted)
    assert set(restricted) <= set(declared)


def test_check_passes_on_the_committed_package_json() -> None:
    assert editor_schema.drift(package()) == []
    assert editor_schema.main(["--check", "--package", str(PACKAGE_JSON)]) == 0


def mutated(change: str) -> dict[str, Any]:
    manifest = copy.deepcopy(package())
    server = next(s for s in manifest["contributes"]["configuration"] if s["id"] == "peer")
    properties = server["properties"]
    if change == "missing":
        del properties["peer.minConfidence"]
    elif change == "extra":
        properties["peer.notASetting"] = {"type": "string", "default": ""}
    elif change == "default":
        properties["peer.maxChunkLines"]["default"] = 81
    elif change == "type":
        properties["peer.minConfidence"]["type"] = "string"
    elif change == "bool-as-number":
        properties["peer.ollamaAutodetect"]["default"] = 1
    elif change == "bound":
        properties["peer.cacheTtlDays"]["maximum"] = 3650.5
    elif change == "enum":
        properties["peer.failOn"]["enum"] = ["warning", "error"]
    elif change == "description":
        properties["peer.exclude"]["description"] = "Something else."
    elif change == "misplaced":
        client = next(s for s in manifest["contributes"]["configuration"] if s["id"] != "peer")
        client["properties"]["peer.logLevel"] = properties.pop("peer.logLevel")
    return manifest


CHANGES = ["missing", "extra", "default", "type", "bool-as-number", "bound", "enum", "description"]


@pytest.mark.parametrize("change", [*CHANGES, "misplaced"])
def test_check_fails_on_drift_either_way(change: str, tmp_path: Path) -> None:
    manifest = mutated(change)
    assert editor_schema.drift(manifest) != []
    path = tmp_path / "package.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert editor_schema.main(["--check", "--package", str(path)]) == 1


@pytest.mark.parametrize("change", [*CHANGES, "misplaced"])
def test_write_repairs_drift_and_keeps_the_clients_settings(change: str, tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text(json.dumps(mutated(change)), encoding="utf-8")
    assert editor_schema.main(["--write", "--package", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == PACKAGE_JSON.read_text(encoding="utf-8")


def test_write_creates_the_server_section_in_a_bare_manifest(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"name": "x"}), encoding="utf-8")
    assert editor_schema.main(["--write", "--package", str(path)]) == 0
    written = json.loads(path.read_text(encoding="utf-8"))
    assert editor_schema.drift(written) == []
    assert written["name"] == "x"


def test_check_reports_an_unreadable_package(tmp_path: Path) -> None:
    assert editor_schema.main(["--check", "--package", str(tmp_path / "none.json")]) == 2


def extension_source() -> str:
    return (PACKAGE_JSON.parent / "src" / "extension.ts").read_text(encoding="utf-8")


def test_the_extension_calls_only_server_commands_and_takes_none_of_their_names() -> None:
    assert editor_schema.command_drift(package(), extension_source()) == []


def test_check_fails_when_the_extension_takes_a_server_commands_name(tmp_path: Path) -> None:
    manifest = package()
    manifest["contributes"]["commands"].append({"command": "peer.health", "title": "Health"})
    (tmp_path / "package.json").write_text(json.dumps(manifest), encoding="utf-8")

    assert editor_schema.command_drift(manifest, None) == [
        "peer.health: the extension's own command has a server command's name"
    ]
    assert editor_schema.main(["--check", "--package", str(tmp_path / "package.json")]) == 1


def test_check_fails_when_the_extension_calls_a_command_the_server_lacks(tmp_path: Path) -> None:
    source = extension_source().replace('"peer.health"', '"peer.healthz"')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "extension.ts").write_text(source, encoding="utf-8")
    (tmp_path / "package.json").write_text(json.dumps(package()), encoding="utf-8")

    assert editor_schema.command_drift(package(), source) == [
        "peer.healthz: extension.ts calls it, but the server has no such command"
    ]
    assert editor_schema.main(["--check", "--package", str(tmp_path / "package.json")]) == 1
