"""docs/rules.md, generated from the rule declarations (a test keeps the file current).

    python -m peer_lsp.rules.docs --write    rewrite docs/rules.md
    python -m peer_lsp.rules.docs --check    exit 1 when docs/rules.md is stale

Each rule gets a section whose heading is its id, so ``docs/rules.md#<rule-id>`` links to it:
diagnostics carry that link as their ``codeDescription`` and SARIF rules as their ``helpUri``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peer_lsp.rules.catalog import RULES
from peer_lsp.rules.model import Rule

DOCS_FILE = Path(__file__).resolve().parents[2] / "docs" / "rules.md"

_LANGUAGE_NAMES = {
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "tsx": "TSX",
    "go": "Go",
    "java": "Java",
    "c": "C",
    "cpp": "C++",
}

_INTRO = """\
# Local rules

<!-- generated from peer_lsp/rules by `python -m peer_lsp.rules.docs --write`; do not edit -->

peer-lsp ships {count} local rules: tree-sitter queries with a short declaration each, run on
your machine with no model and no network. They run in the editor on every change, but only
on the functions, methods and classes the change touched (and the top-level code around
them), so their cost follows the edit; `peer check` runs them over whole files, and
`peer check --security` runs only the security rules. `peer rules` lists them. A project
can add rules of its own, and installed plugins more: [project-rules.md](project-rules.md).

Each finding is a diagnostic whose code is the rule id, linked to its section below; its
hover shows the explanation. Where a rule has a fix, the quick fix (and `source.fixAll.peer`)
applies it; every fix was applied to a copy of the code and reparsed before it is offered.
Each rule has a fixed confidence: how often we expect a careful reviewer to agree with its
findings on ordinary code. It is a judgement, informed by the rule's fixtures and by running
every rule over the Python standard library, installed Python packages and installed
JavaScript packages (tests/unit/rules/test_false_positives.py bounds those counts). Findings
below `minConfidence` are not shown. Findings in test code are hints (the `testCode`
setting), and so are those in a build's output (JavaScript, TypeScript or CSS in a `dist/`
folder, or minified): the fix belongs in the source it was built from.

## Settings

| setting | effect |
|---|---|
| `disableRules` | turn rules off by id (`py-eval`), category (`maintainability`) or `all` |
| `enableRules` | turn rules on by id or category (also those off by default); ids beat categories |
| `ruleSeverity` | a table of id or category to `hint`, `info`, `warning` or `error` |
| `complexityThreshold` | the cyclomatic complexity above which `complexity` reports (default 15) |

```toml
# .peer.toml
disableRules = ["maintainability"]
enableRules = ["complexity"]
ruleSeverity = {{ "py-pickle-load" = "warning", "security" = "error" }}
```

## Suppressing a finding

A comment `peer: ignore[rule-id]` on the finding's line, or alone on the line above, hides it;
`peer: ignore` without brackets hides every finding there. Write it in the language's comment
syntax (`# peer: ignore[py-eval]`, `// peer: ignore[js-eval]`, `/* peer: ignore[c-gets] */`).
The editor and `peer check` honour the same comments.

## Adding a rule

A rule is a declaration in `peer_lsp/rules/<language>_rules.py` (id, languages, category,
severity, confidence, title, message, explanation with a **Fix:** paragraph and a reference,
and optionally a `check` and a `fix` written in Python) and its tree-sitter patterns in
`peer_lsp/rules/queries/<grammar>/<rule-id>.scm`, each capturing the reported node as
`@report`. Checks that patterns cannot express are custom predicates such as
`(#not-literal? @arg)`, `(#interpolated? @arg)` and `(#sql? @arg)`
(`peer_lsp/rules/predicates.py`). Every rule needs fixtures in
`tests/unit/rules/fixtures/<rule-id>/`: `bad.<ext>`, where caret comments mark each expected
finding, and `good.<ext>`, look-alike code where it must stay silent. Then regenerate this
file with `python -m peer_lsp.rules.docs --write`.

## Rules

| rule | languages | category | severity | confidence | fix |
|---|---|---|---|---|---|
{table}
"""


def _languages(rule: Rule) -> str:
    return ", ".join(_LANGUAGE_NAMES.get(name, name) for name in rule.languages)


def _reference(reference: str) -> str:
    if reference.upper().startswith("CWE-"):
        number = reference.split("-", 1)[1]
        return f"[{reference}](https://cwe.mitre.org/data/definitions/{number}.html)"
    return f"<{reference}>"


def _row(rule: Rule) -> str:
    return (
        f"| [`{rule.id}`](#{rule.id}) | {_languages(rule)} | {rule.category.value} |"
        f" {rule.severity.label} | {rule.confidence:.2f} | {'yes' if rule.fix else ''} |"
    )


def _section(rule: Rule) -> str:
    facts = [
        f"**{rule.title}.** {_languages(rule)}; {rule.category.value}, {rule.severity.label},"
        f" confidence {rule.confidence:.2f}"
        + ("" if rule.enabled else "; off by default (turn it on with `enableRules`)")
        + "."
    ]
    if rule.fix is not None:
        facts.append("Has a quick fix.")
    parts = [f"### {rule.id}", " ".join(facts), rule.explanation]
    if rule.references:
        parts.append("Links: " + ", ".join(_reference(r) for r in rule.references) + ".")
    return "\n\n".join(parts)


def render(rules: tuple[Rule, ...] = RULES) -> str:
    """The whole of docs/rules.md."""
    table = "\n".join(_row(rule) for rule in rules)
    head = _INTRO.format(count=len(rules), table=table)
    return head + "\n" + "\n\n".join(_section(rule) for rule in rules) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peer_lsp.rules.docs")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="rewrite docs/rules.md")
    action.add_argument("--check", action="store_true", help="exit 1 when it is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        DOCS_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {DOCS_FILE} ({len(RULES)} rules)")
        return 0
    current = DOCS_FILE.read_text(encoding="utf-8") if DOCS_FILE.is_file() else ""
    if current != text:
        print(f"{DOCS_FILE} is stale: python -m peer_lsp.rules.docs --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
