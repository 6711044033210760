"""`peer rules`: list the local rules, or explain one.

    peer rules                          id, languages, category, severity, title of each rule
    peer rules --language go            only the rules for Go
    peer rules --category security      only security rules
    peer rules --format json            the same as JSON (with the explanations)
    peer rules py-eval                  one rule: its declaration and its explanation

The list marks rules that are off by default (``off``) and, with ``--config``, those the
project's settings turn off or on.
"""

from __future__ import annotations

import json
import sys
import typing

from peer_lsp.commands.exits import EXIT_OK, EXIT_USAGE
from peer_lsp.rules.catalog import RULES, doc_url, get
from peer_lsp.rules.config import RuleConfig

if typing.TYPE_CHECKING:
    import argparse

    from peer_lsp.rules.model import Rule


def _selected(args: argparse.Namespace) -> list[Rule]:
    rules = list(RULES)
    if args.language:
        wanted = args.language.lower()
        rules = [rule for rule in rules if wanted in rule.languages]
    if args.category:
        rules = [rule for rule in rules if rule.category.value == args.category]
    return rules


def _config(args: argparse.Namespace) -> RuleConfig | None:
    """The rule configuration of the project's settings, when ``--config`` names them."""
    if not args.config:
        return None
    from pathlib import Path

    from peer_lsp.commands.run_setup import UsageError, load_check_settings

    try:
        settings, _ = load_check_settings(args.config, Path.cwd())
    except UsageError as error:
        raise SystemExit("\n".join(f"peer rules: {m}" for m in error.messages)) from None
    return RuleConfig.from_settings(settings)


def _as_json(rule: Rule, config: RuleConfig | None) -> dict[str, object]:
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
        "url": doc_url(rule.id),
    }


_SHORT = {"python": "py", "javascript": "js", "typescript": "ts", "cpp": "c++"}


def _languages(rule: Rule) -> str:
    return ",".join(_SHORT.get(name, name) for name in rule.languages)


def _line(rule: Rule, config: RuleConfig | None, widths: tuple[int, int]) -> str:
    enabled = rule.id in config.enabled if config else rule.enabled
    severity = (config.severity(rule) if config else rule.severity).label
    state = "" if enabled else " (off)"
    languages = _languages(rule)
    return (
        f"{rule.id:<{widths[0]}}  {languages:<{widths[1]}}  {rule.category.value:<15}"
        f"  {severity:<7}  {rule.title}{state}"
    )


def _explain(rule: Rule) -> str:
    lines = [
        f"{rule.id}: {rule.title}",
        f"languages: {', '.join(rule.languages)}",
        f"category: {rule.category.value}, severity: {rule.severity.label},"
        f" confidence: {rule.confidence:.2f}" + ("" if rule.enabled else ", off by default"),
    ]
    if rule.fix is not None:
        lines.append("quick fix: yes (verified by reparsing before it is offered)")
    lines.extend(["", rule.explanation, "", doc_url(rule.id)])
    return "\n".join(lines)


def run_rules(args: argparse.Namespace) -> int:
    """Run `peer rules` for parsed arguments; return the exit code."""
    from peer_lsp.commands.output import quiet_broken_pipe

    return quiet_broken_pipe(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    out = sys.stdout
    if args.rule:
        rule = get(args.rule)
        if rule is None:
            print(f"peer rules: no rule {args.rule!r}; `peer rules` lists them", file=sys.stderr)
            return EXIT_USAGE
        config = _config(args)
        if args.format == "json":
            print(json.dumps(_as_json(rule, config), indent=2), file=out)
        else:
            print(_explain(rule), file=out)
        return EXIT_OK
    rules = _selected(args)
    config = _config(args)
    if args.format == "json":
        print(json.dumps([_as_json(rule, config) for rule in rules], indent=2), file=out)
        return EXIT_OK
    widths = (
        max((len(rule.id) for rule in rules), default=2),
        max((len(_languages(rule)) for rule in rules), default=9),
    )
    header = f"{'id':<{widths[0]}}  {'languages':<{widths[1]}}  {'category':<15}  severity  title"
    print(header, file=out)
    for rule in rules:
        print(_line(rule, config, widths), file=out)
    print(f"{len(rules)} rules; `peer rules ID` explains one", file=out)
    return EXIT_OK
