"""`peer rules`: list the local rules, or explain one.

    peer rules                          id, languages, category, severity, title of each rule
    peer rules --language go            only the rules for Go
    peer rules --category security      only security rules
    peer rules --format json            the same as JSON (with the explanations)
    peer rules py-eval                  one rule: its declaration and its explanation

The list marks rules that are off by default (``off``) and, with ``--config``, those the
project's settings turn off or on.

After the built-in rules come the project's own (``.peer/rules`` of the folder ``--root``
names, else the nearest one from the current folder up; `peer_lsp.rules.project_rules`),
each with the file it came from, and the rules of the plugins the ``--config`` file enables
(`peer_lsp.rules.plugins`); the text output then lists every installed plugin, enabled or
not, and how to enable it. JSON entries carry ``origin`` (builtin, project, plugin) and, for
the others, ``file``. A project rule or plugin that does not load is named on stderr, and
the exit code is then 1 (`peer rules` is how to check a rules folder).
"""

from __future__ import annotations

import json
import sys
import typing

from peer_lsp.commands.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from peer_lsp.rules.catalog import RULES, doc_url, get
from peer_lsp.rules.config import RuleConfig
from peer_lsp.rules.ruleset import PROJECT_PREFIX

if typing.TYPE_CHECKING:
    import argparse

    from peer_lsp.rules.extra_producer import LoadedExtra
    from peer_lsp.rules.model import Rule
    from peer_lsp.settings.model import Settings


def _settings(args: argparse.Namespace) -> Settings | None:
    """The settings of the ``--config`` file (the user's own: they may enable plugins)."""
    if not args.config:
        return None
    from pathlib import Path

    from peer_lsp.commands.run_setup import UsageError, load_check_settings

    try:
        settings, _ = load_check_settings(args.config, Path.cwd())
    except UsageError as error:
        raise SystemExit("\n".join(f"peer rules: {m}" for m in error.messages)) from None
    return settings


def _extra(args: argparse.Namespace, settings: Settings | None) -> LoadedExtra:
    """The project's rules and the enabled plugins'."""
    from pathlib import Path

    from peer_lsp.check.extra_rules import run_root
    from peer_lsp.rules.extra_producer import load_extra

    root = Path(args.root) if args.root else run_root(Path.cwd())
    return load_extra(root, settings.plugins if settings else ())


def _origins(extra: LoadedExtra) -> dict[str, str]:
    return {item.rule.id: item.origin for item in extra.rules.extra}


def _selected(args: argparse.Namespace, extra: LoadedExtra) -> list[Rule]:
    rules = [*RULES, *extra.rules.rules]
    if args.language:
        wanted = args.language.lower()
        rules = [rule for rule in rules if wanted in rule.languages]
    if args.category:
        rules = [rule for rule in rules if rule.category.value == args.category]
    return rules


def _origin(rule: Rule) -> str:
    if get(rule.id) is not None:
        return "builtin"
    return "project" if rule.id.startswith(PROJECT_PREFIX) else "plugin"


def _as_json(rule: Rule, config: RuleConfig | None, origins: dict[str, str]) -> dict[str, object]:
    builtin = get(rule.id) is not None
    return {
        "id": rule.id,
        "title": rule.title,
        "languages": list(rule.languages),
        "category": rule.category.value,
        "severity": (config.severity(rule) if config else rule.severity).label,
        "confidence": rule.confidence,
        "enabled": rule.id in config.enabled if config else rule.enabled,
        "fix": rule.fix is not None,
        "references": list(rule.references),
        "explanation": rule.explanation,
        "url": doc_url(rule.id) if builtin else None,
        "origin": _origin(rule),
        **({} if builtin else {"file": origins.get(rule.id, "")}),
    }


_SHORT = {"python": "py", "javascript": "js", "typescript": "ts", "cpp": "c++"}


def _languages(rule: Rule) -> str:
    return ",".join(_SHORT.get(name, name) for name in rule.languages)


def _line(
    rule: Rule, config: RuleConfig | None, widths: tuple[int, int], origins: dict[str, str]
) -> str:
    enabled = rule.id in config.enabled if config else rule.enabled
    severity = (config.severity(rule) if config else rule.severity).label
    state = "" if enabled else " (off)"
    if rule.id in origins:
        state += f"  [{_origin(rule)}: {origins[rule.id]}]"
    languages = _languages(rule)
    return (
        f"{rule.id:<{widths[0]}}  {languages:<{widths[1]}}  {rule.category.value:<15}"
        f"  {severity:<7}  {rule.title}{state}"
    )


def _explain(rule: Rule, origins: dict[str, str]) -> str:
    lines = [
        f"{rule.id}: {rule.title}",
        f"languages: {', '.join(rule.languages)}",
        f"category: {rule.category.value}, severity: {rule.severity.label},"
        f" confidence: {rule.confidence:.2f}" + ("" if rule.enabled else ", off by default"),
    ]
    if rule.fix is not None:
        lines.append("quick fix: yes (verified by reparsing before it is offered)")
    where = origins.get(rule.id)
    lines.extend(
        [
            "",
            rule.explanation,
            "",
            f"{_origin(rule)} rule from {where}" if where else doc_url(rule.id),
        ]
    )
    return "\n".join(lines)


def run_rules(args: argparse.Namespace) -> int:
    """Run `peer rules` for parsed arguments; return the exit code."""
    from peer_lsp.commands.output import quiet_broken_pipe

    return quiet_broken_pipe(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    out = sys.stdout
    settings = _settings(args)
    config = RuleConfig.from_settings(settings) if settings else None
    extra = _extra(args, settings)
    for problem in extra.problems:
        print(f"peer rules: rule not loaded: {problem}", file=sys.stderr)
    if config is not None and extra.rules:
        config = _with_extra(config, settings, extra)
    origins = _origins(extra)
    ok = EXIT_FAILED if extra.problems else EXIT_OK
    if args.rule:
        rule = get(args.rule) or extra.rules.by_id.get(args.rule.lower())
        if rule is None:
            print(f"peer rules: no rule {args.rule!r}; `peer rules` lists them", file=sys.stderr)
            return EXIT_USAGE
        if args.format == "json":
            print(json.dumps(_as_json(rule, config, origins), indent=2), file=out)
        else:
            print(_explain(rule, origins), file=out)
        return ok
    rules = _selected(args, extra)
    if args.format == "json":
        print(json.dumps([_as_json(rule, config, origins) for rule in rules], indent=2), file=out)
        return ok
    widths = (
        max((len(rule.id) for rule in rules), default=2),
        max((len(_languages(rule)) for rule in rules), default=9),
    )
    header = f"{'id':<{widths[0]}}  {'languages':<{widths[1]}}  {'category':<15}  severity  title"
    print(header, file=out)
    for rule in rules:
        print(_line(rule, config, widths, origins), file=out)
    print(f"{len(rules)} rules; `peer rules ID` explains one", file=out)
    _print_plugins(settings, out)
    return ok


def _with_extra(config: RuleConfig, settings: Settings | None, extra: LoadedExtra) -> RuleConfig:
    """``config`` with the project's and plugins' rules chosen by the same settings."""
    assert settings is not None
    more = RuleConfig.from_settings(settings, extra.rules.rules)
    return RuleConfig(
        config.enabled | more.enabled,
        {**config.severities, **more.severities},
        config.complexity_threshold,
        config.test_code,
    )


def _print_plugins(settings: Settings | None, out: typing.TextIO) -> None:
    """Every installed rule plugin, and whether the user's settings enable it."""
    from peer_lsp.rules.plugins import installed

    found = installed()
    if not found:
        return
    enabled = {name.lower() for name in (settings.plugins if settings else ())}
    print("\nrule plugins installed:", file=out)
    for plugin in found:
        if plugin.name.lower() in enabled:
            state = "enabled"
        else:
            state = (
                f'installed, not enabled: add "{plugin.name}" to plugins in your own settings'
                " (the editor's user settings, or a file given with --config)"
            )
        print(f"  {plugin.name} ({plugin.distribution}): {state}", file=out)
