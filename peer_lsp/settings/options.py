"""Raw options applied to `Settings`: each key matched loosely (camelCase, snake_case or
kebab-case), each value checked against its spec, and every rejected key reported as a
`Problem` that names it and what is accepted, its default staying in force.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peer_lsp.settings.model import SEVERITIES, SPECS, Settings, Spec


@dataclass(frozen=True, slots=True)
class Problem:
    """One rejected setting: where it came from, its key, and why."""

    source: str
    key: str
    message: str

    def __str__(self) -> str:
        if self.message.startswith(f"{self.source}: "):
            return self.message  # a whole-file problem names its file already
        return f"{self.source}: {self.message}"


_URL_SCHEMES: dict[str, tuple[str, ...]] = {"redis_url": ("redis://", "rediss://", "unix://")}
"""Settings that are URLs: the schemes they may start with (or empty: not set)."""
_GLOBS = frozenset({"send_exclude", "review_include", "review_exclude"})
"""Glob settings compiled here, as the guard compiles them when the reviewer starts (``exclude``
is compiled only by `peer check`, which reports a bad glob itself: checking it here would
cost every start-up of the server the compiling of globs it never uses)."""
_RULE_SELECTORS = frozenset({"disable_rules", "enable_rules", "rule_severity"})
"""Settings whose names must be rule ids, rule categories or "all" (docs/rules.md)."""
_LANGUAGES = frozenset({"review_languages"})
"""Settings that name languages: grammar names or editor language ids, kept as grammar names."""


_BY_LOOSE_KEY = {spec.key.lower(): spec for spec in SPECS}

UNTRUSTED_PLUGINS = (
    "plugins is ignored here: a plugin is code, so only your own settings may enable one"
    " (the editor's user settings, or a file named with --config), never a project file"
)


def _loose(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def accepted_values(spec: Spec) -> str:
    """What a setting accepts, in words (for its error message and the reference table)."""
    if spec.kind is dict:
        return "a table of rule id or category to " + ", ".join(spec.choices)
    if spec.attr in _RULE_SELECTORS:
        return "a list of rule ids or categories (see `peer rules`)"
    if spec.attr in _LANGUAGES:
        return "a list of language names (bash, yaml, json, markdown, ...)"
    if spec.attr == "plugins":
        return "a list of plugin names (`peer rules` lists those installed)"
    if spec.kind is tuple and spec.choices:
        return "a list of: " + ", ".join(spec.choices)
    if spec.choices:
        return "one of " + ", ".join(spec.choices)
    if spec.kind is tuple:
        return "a list of glob strings"
    if spec.kind is list:
        return "a list of tables"
    if spec.attr in _URL_SCHEMES:
        return "a URL starting with " + " or ".join(_URL_SCHEMES[spec.attr]) + ', or ""'
    if spec.kind is str and not spec.choices:
        return "a string"
    if spec.kind is bool:
        return "true or false"
    noun = "a whole number" if spec.kind is int else "a number"
    if spec.minimum is not None and spec.maximum is not None:
        low = int(spec.minimum) if spec.kind is int else spec.minimum
        high = int(spec.maximum) if spec.kind is int else spec.maximum
        return f"{noun} from {low} to {high}"
    return noun


def _known_selectors(names: list[object]) -> bool:
    """Whether every name is a rule id, a rule category or "all" (case-insensitive)."""
    from peer_lsp.rules.catalog import is_selector  # the catalog only when rules are named

    return all(isinstance(name, str) and is_selector(name) for name in names)


@functools.lru_cache(maxsize=1024)
def _compiles(glob: str) -> bool:
    """Whether a gitignore-style glob compiles (as the walk and the guard will compile it)."""
    import re

    from pathspec import GitIgnoreSpec  # only when globs are set

    try:
        GitIgnoreSpec.from_lines([glob])
    except (ValueError, re.error):
        return False
    return True


def _grammars(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The grammar of each language name (``shellscript`` is bash), or raise ValueError."""
    from peer_lsp.syntax.languages import resolve_language  # only when languages are named

    grammars = [resolve_language(name, None) for name in names]
    if not all(grammars):
        raise ValueError
    return tuple(dict.fromkeys(typing.cast("list[str]", grammars)))


def _parses(url: str) -> bool:
    """Whether a URL's host and port can be read."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        _ = parts.hostname, parts.port
    except ValueError:
        return False
    return True


def _convert(spec: Spec, value: object) -> object:
    """The typed value, or raise ValueError."""
    if spec.attr in _RULE_SELECTORS:
        names = list(value) if isinstance(value, list | tuple | Mapping) else [value]
        if not _known_selectors(names):
            raise ValueError
    if spec.kind is dict:
        if not isinstance(value, Mapping) or not all(
            isinstance(v, str) and v.lower() in SEVERITIES for v in value.values()
        ):
            raise ValueError
        return {str(k).lower(): str(v).lower() for k, v in value.items()}
    if spec.kind is tuple:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(v, str) for v in items):
            raise ValueError
        if spec.choices and any(v.lower() not in spec.choices for v in items):
            raise ValueError
        if spec.attr in _GLOBS and not all(_compiles(glob) for glob in items):
            raise ValueError
        if spec.attr in _LANGUAGES:
            return _grammars(items)
        return tuple(v.lower() for v in items) if spec.choices else tuple(items)
    if spec.kind is list:
        if isinstance(value, list | tuple):
            return tuple(value)  # each entry is checked by _check_providers
        raise ValueError
    if spec.kind is bool:
        if isinstance(value, bool):
            return value
        raise ValueError
    if spec.kind is str:
        if not isinstance(value, str):
            raise ValueError
        schemes = _URL_SCHEMES.get(spec.attr)
        if schemes and value and not (value.startswith(schemes) and _parses(value)):
            raise ValueError
        if not spec.choices:
            return value
        if value.lower() in spec.choices:
            return value.lower()
        raise ValueError
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError
    if spec.kind is int and (isinstance(value, float) and not value.is_integer()):
        raise ValueError
    number = spec.kind(value)
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError
    return number


def _unwrap(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """Editors often send ``{"peer": {...}}``; accept both shapes."""
    inner = raw.get("peer")
    if isinstance(inner, Mapping) and len(raw) == 1:
        return inner
    return raw


def resolve(
    raw: object, base: Settings | None = None, source: str = "settings", *, trusted: bool = True
) -> tuple[Settings, list[Problem]]:
    """Apply raw options on top of ``base``; return the result and what was rejected.

    Providers and routes are checked field by field (`peer_lsp.llm.config.check_entries`):
    the result holds only usable entries, without their unreadable fields. Options not
    ``trusted`` (a project file's) may not point the user's keys elsewhere, nor enable
    plugins (which run code).
    """
    settings = base or Settings()
    if raw is None:
        return settings, []
    if not isinstance(raw, Mapping):
        return settings, [Problem(source, "", f"settings must be an object, got {raw!r}")]
    problems: list[Problem] = []
    changes: dict[str, object] = {}
    for key, value in _unwrap(raw).items():
        spec = _BY_LOOSE_KEY.get(_loose(str(key)))
        if spec is None:
            known = ", ".join(s.key for s in SPECS)
            problems.append(
                Problem(source, str(key), f"unknown setting {key!r}; known settings: {known}")
            )
            continue
        if value is None:
            continue
        try:
            changes[spec.attr] = _convert(spec, value)
        except ValueError:
            problems.append(
                Problem(
                    source,
                    spec.key,
                    f"invalid value for {spec.key!r}: {value!r}; expected {accepted_values(spec)}",
                )
            )
    if "providers" in changes or "routes" in changes:
        problems.extend(_check_providers(changes, settings, source, trusted))
    if not trusted and changes.pop("plugins", None) is not None:
        problems.append(Problem(source, "plugins", UNTRUSTED_PLUGINS))
    if (
        changes.get("min_confidence", settings.min_confidence)  # type: ignore[operator]
        > changes.get("preferred_confidence", settings.preferred_confidence)
    ):
        problems.append(
            Problem(
                source,
                "preferredConfidence",
                "preferredConfidence must not be below minConfidence; keeping both defaults",
            )
        )
        changes.pop("min_confidence", None)
        changes.pop("preferred_confidence", None)
    return dataclasses.replace(settings, **changes), problems  # type: ignore[arg-type]


def _check_providers(
    changes: dict[str, object], base: Settings, source: str, trusted: bool
) -> list[Problem]:
    """Keep the usable provider and route entries in ``changes``; a problem for the rest."""
    from peer_lsp.llm.config import check_entries

    providers = changes.get("providers", base.providers)
    routes = changes.get("routes", base.routes)
    assert isinstance(providers, tuple)
    assert isinstance(routes, tuple)
    kept, kept_routes, issues = check_entries(providers, routes, trusted=trusted)
    changes["providers"], changes["routes"] = kept, kept_routes
    return [Problem(source, issue.key, issue.message) for issue in issues]
