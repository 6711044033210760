"""Project files: the nearest ``.peer.toml`` (or ``pyproject.toml`` with ``[tool.peer]``),
read into `Settings` on top of the defaults, with command-line overrides last; or the one
file a command names with ``--config`` (`load_settings_file`).

Relative paths in a file (``cacheDir``, ``auditLog``, ``usageLedger``) are relative to the
file's folder, so a project means the same folders whichever folder a command runs from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peer_lsp.settings.model import Settings
from peer_lsp.settings.options import Problem, resolve

PROJECT_FILES = (".peer.toml", "pyproject.toml")


class SettingsFileError(Exception):
    """A settings file named on the command line is missing, unreadable or holds no settings."""


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """Settings read from a project file, with the file they came from."""

    raw: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None
    error: str | None = None


def read_project_file(path: Path) -> ProjectConfig | None:
    """The peer settings in one TOML file: its ``[tool.peer]`` table, else (for any file but
    ``pyproject.toml``) the whole document; None for a ``pyproject.toml`` without the table.
    An unreadable file is a `ProjectConfig` with ``error`` set."""
    import tomllib  # compiling its regexes costs ~40 ms: only when there is a file

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return ProjectConfig({}, path, f"{path}: cannot read settings: {error}")
    tool = document.get("tool")
    section = tool.get("peer") if isinstance(tool, Mapping) else None
    if isinstance(section, Mapping):
        return ProjectConfig(section, path)
    if path.name == "pyproject.toml":
        return None
    return ProjectConfig(document, path)


def find_project_config(start: Path) -> ProjectConfig:
    """The nearest ``.peer.toml`` or ``pyproject.toml`` with ``[tool.peer]``, walking up."""
    folder = start if start.is_dir() else start.parent
    for directory in (folder, *folder.parents):
        for name in PROJECT_FILES:
            path = directory / name
            if path.is_file() and (config := read_project_file(path)) is not None:
                return config
    return ProjectConfig()


def load_settings(
    start: Path, overrides: Mapping[str, Any] | None = None
) -> tuple[Settings, list[Problem]]:
    """Settings for a project: defaults, then its project file, then ``overrides``."""
    config = find_project_config(start)
    problems: list[Problem] = []
    if config.error:
        problems.append(Problem(str(config.path), "", config.error))
    settings, found = resolve(config.raw, source=str(config.path or "defaults"), trusted=False)
    problems.extend(found)
    if config.path is not None:
        settings = _anchored(settings, config.path)
    if overrides:
        settings, found = resolve(overrides, settings, source="command line")
        problems.extend(found)
    return settings, problems


def load_settings_file(path: Path) -> tuple[Settings, list[Problem]]:
    """Settings from the one file a command names with ``--config``: a ``.peer.toml`` (any
    name) or a ``pyproject.toml`` with ``[tool.peer]``; and the settings it sets wrongly.

    The file is the user's own choice, so it is trusted (its providers may use any key).
    Raises `SettingsFileError` when the file is missing, unreadable, not TOML, or a
    ``pyproject.toml`` without ``[tool.peer]``.
    """
    if not path.is_file():
        raise SettingsFileError(f"no such settings file: {path}")
    config = read_project_file(path)
    if config is None:
        raise SettingsFileError(f"{path}: no [tool.peer] table")
    if config.error:
        raise SettingsFileError(config.error)
    settings, problems = resolve(config.raw, source=str(path))
    return _anchored(settings, path), problems


def _anchored(settings: Settings, path: Path) -> Settings:
    """``settings`` (read from ``path``) with the paths they name relative to its folder."""
    folder = path.absolute().parent

    def anchor(value: str) -> str:
        relative = value and not Path(value).expanduser().is_absolute()
        return str(folder / value) if relative else value

    return dataclasses.replace(
        settings,
        cache_dir=anchor(settings.cache_dir),
        audit_log=anchor(settings.audit_log),
        usage_ledger=anchor(settings.usage_ledger),
    )
