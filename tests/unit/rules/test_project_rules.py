"""A project's rules (.peer/rules): loaded, validated with file and line, run by the engine
beside the built-in rules, chosen by the same settings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from peer_lsp.analysis.engine import Engine, analyse_text
from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.catalog import is_selector
from peer_lsp.rules.extra_producer import load_extra
from peer_lsp.rules.project_rules import (
    MAX_FILE_BYTES,
    find_project_root,
    load_project_rules,
)
from peer_lsp.settings.model import Settings
from peer_lsp.settings.options import resolve

NO_PRINT = """\
language = "python"
message = "print() of {arg}: use the logger"
severity = "warning"
category = "maintainability"
report = "call"
cwe = "CWE-532"
"""
NO_PRINT_QUERY = """\
; print() with at least one argument
(call function: (identifier) @fn (#eq? @fn "print")
      arguments: (argument_list . (_) @arg)) @call
"""
SOURCE = "x = 1\nprint(x)\n\n\ndef f():\n    print('a' + 'b')\n"


def rules_dir(root: Path) -> Path:
    folder = root / ".peer" / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_rule(root: Path, name: str, toml: str, query: str | None = None) -> Path:
    folder = rules_dir(root)
    (folder / f"{name}.toml").write_text(toml, encoding="utf-8")
    if query is not None:
        (folder / f"{name}.scm").write_text(query, encoding="utf-8")
    return folder / f"{name}.toml"


def test_a_rule_with_its_query_beside_it_loads(tmp_path: Path) -> None:
    write_rule(tmp_path, "no-print", NO_PRINT, NO_PRINT_QUERY)
    loaded = load_project_rules(tmp_path)
    assert loaded.problems == ()
    [extra] = loaded.rules
    rule = extra.rule
    assert rule.id == "project/no-print"
    assert rule.languages == ("python",)
    assert (rule.severity, rule.category) == (Severity.WARNING, Category.MAINTAINABILITY)
    assert rule.cwe == ("CWE-532",)
    assert rule.title == "print() of ..."
    assert extra.origin == str(tmp_path / ".peer" / "rules" / "no-print.toml")
    # the capture named by `report` is what the runner reports, in the query and the message
    assert "@report" in extra.queries["python"]
    assert "@call" not in extra.queries["python"]
    assert rule.message == "print() of {arg}: use the logger"


def test_its_findings_come_from_the_engine_with_the_project_prefix(tmp_path: Path) -> None:
    write_rule(tmp_path, "no-print", NO_PRINT, NO_PRINT_QUERY)
    extra = [load_extra(tmp_path, ())]
    _, findings = analyse_text(str(tmp_path / "app.py"), SOURCE, extra=extra)
    ours = [f for f in findings if f.rule_id == "project/no-print"]
    assert [(f.span.start_line, f.message) for f in ours] == [
        (1, "print() of x: use the logger"),
        (5, "print() of 'a' + 'b': use the logger"),
    ]
    assert all(f.source == "rule:project/no-print" and f.confidence == 0.8 for f in ours)


def test_a_file_outside_the_root_does_not_get_the_rules(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_rule(project, "no-print", NO_PRINT, NO_PRINT_QUERY)
    _, findings = analyse_text(
        str(tmp_path / "elsewhere.py"), SOURCE, extra=[load_extra(project, ())]
    )
    assert not [f for f in findings if f.rule_id.startswith("project/")]


def test_settings_turn_project_rules_off_by_id_or_category(tmp_path: Path) -> None:
    write_rule(tmp_path, "no-print", NO_PRINT, NO_PRINT_QUERY)
    extra = [load_extra(tmp_path, ())]
    assert is_selector("project/no-print")
    for off in ("project/no-print", "maintainability"):
        settings, problems = resolve({"disableRules": [off]})
        assert problems == []
        _, findings = analyse_text(str(tmp_path / "a.py"), SOURCE, settings, extra=extra)
        assert not [f for f in findings if f.rule_id.startswith("project/")], off
    settings, _ = resolve({"ruleSeverity": {"project/no-print": "error"}})
    _, findings = analyse_text(str(tmp_path / "a.py"), SOURCE, settings, extra=extra)
    assert {f.severity for f in findings if f.rule_id == "project/no-print"} == {Severity.ERROR}


def test_an_inline_query_and_a_rule_off_by_default(tmp_path: Path) -> None:
    write_rule(
        tmp_path,
        "todo-assert",
        'languages = ["python"]\nmessage = "assert"\nseverity = "info"\ncategory = "bug"\n'
        'enabled = false\nquery = """\n(assert_statement) @report\n"""\n',
    )
    [extra] = load_project_rules(tmp_path).rules
    assert not extra.rule.enabled
    loaded = [load_extra(tmp_path, ())]
    source = "assert x\n"
    _, findings = analyse_text(str(tmp_path / "a.py"), source, extra=loaded)
    assert not findings
    settings, _ = resolve({"enableRules": ["project/todo-assert"]})
    _, findings = analyse_text(str(tmp_path / "a.py"), source, settings, extra=loaded)
    assert [f.rule_id for f in findings] == ["project/todo-assert"]


BASE = 'language = "python"\nmessage = "m"\nseverity = "warning"\ncategory = "bug"\n'


@pytest.mark.parametrize(
    ("name", "toml", "query", "where", "says"),
    [
        ("bad-toml", 'language = "python\n', None, "bad-toml.toml:1", "not valid TOML"),
        (
            "unknown-key",
            BASE + "colour = 1\n",
            "(identifier) @report",
            "unknown-key.toml:5",
            "unknown key 'colour'",
        ),
        (
            "no-language",
            'message = "m"\nseverity = "warning"\ncategory = "bug"\n',
            "(x) @report",
            "no-language.toml",
            "give one of 'language' or 'languages'",
        ),
        (
            "klingon",
            BASE.replace("python", "klingon"),
            "(x) @report",
            "klingon.toml:1",
            "unknown language 'klingon'",
        ),
        (
            "bad-severity",
            BASE.replace('"warning"', '"loud"'),
            "(x) @report",
            "bad-severity.toml:3",
            "unknown severity 'loud'",
        ),
        (
            "bad-category",
            BASE.replace('"bug"', '"vibes"'),
            "(x) @report",
            "bad-category.toml:4",
            "unknown category 'vibes'",
        ),
        (
            "missing-message",
            BASE.replace('message = "m"\n', ""),
            "(x) @report",
            "missing-message.toml",
            "missing key 'message'",
        ),
        ("no-query", BASE, None, "no-query.toml", "no query: add a 'query' key or the file"),
        (
            "bad-node",
            BASE,
            "(call\n  function: (identifer) @report)\n",
            "bad-node.scm:2",
            "does not compile for python: Invalid node type at row 1, column 13: identifer",
        ),
        (
            "bad-inline",
            BASE + 'query = """\n(call)\n(nope) @report\n"""\n',
            None,
            "bad-inline.toml:7",
            "Invalid node type",
        ),
        ("no-report", BASE, "(call) @found\n", "no-report.scm:1", "no @report capture"),
        (
            "no-capture",
            BASE + 'report = "call"\n',
            "(identifier) @report\n",
            "no-capture.scm:1",
            "no @call capture",
        ),
        (
            "bad-message",
            BASE.replace('"m"', '"m {nope}"'),
            "(identifier) @report",
            "bad-message.toml",
            "the message names {nope}, which the query does not capture",
        ),
        (
            "bad-predicate",
            BASE,
            "((identifier) @report (#shiny? @report))",
            "bad-predicate.scm:1",
            "unknown predicate #shiny?",
        ),
        ("py-eval", BASE, "(identifier) @report", "py-eval.toml", "a built-in rule's id"),
        ("Upper_Case", BASE, "(identifier) @report", "Upper_Case.toml", "is not lower-case"),
    ],
)
def test_a_bad_rule_is_named_with_its_file_and_line_and_the_others_load(
    tmp_path: Path, name: str, toml: str, query: str | None, where: str, says: str
) -> None:
    write_rule(tmp_path, "no-print", NO_PRINT, NO_PRINT_QUERY)
    write_rule(tmp_path, name, toml, query)
    loaded = load_project_rules(tmp_path)
    assert [extra.rule.id for extra in loaded.rules] == ["project/no-print"]
    [problem] = loaded.problems
    assert str(problem).startswith(str(tmp_path / ".peer" / "rules" / where) + ": "), problem
    assert says in problem.message


def test_an_oversized_file_and_a_stray_query_are_reported(tmp_path: Path) -> None:
    write_rule(tmp_path, "huge", BASE + "#" * MAX_FILE_BYTES + "\n", "(x) @report")
    (rules_dir(tmp_path) / "orphan.scm").write_text("(x) @report\n", encoding="utf-8")
    problems = [str(p) for p in load_project_rules(tmp_path).problems]
    assert len(problems) == 2
    assert "huge.toml: " in problems[0]
    assert "over the 65536" in problems[0]
    assert "orphan.scm: no orphan.toml declares this query" in problems[1]


def test_no_folder_no_rules(tmp_path: Path) -> None:
    loaded = load_project_rules(tmp_path)
    assert (loaded.folder, loaded.rules, loaded.problems) == (None, (), ())


def test_the_root_is_found_upwards_and_not_past_the_repository(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    rules_dir(outer)
    deep = outer / "repo" / "src" / "pkg"
    deep.mkdir(parents=True)
    assert find_project_root(deep / "a.py") == outer
    (outer / "repo" / ".git").mkdir()
    assert find_project_root(deep / "a.py") is None
    rules_dir(outer / "repo")
    assert find_project_root(deep) == outer / "repo"


def test_new_rules_replace_the_old_on_open_documents(tmp_path: Path) -> None:
    """What the server does when a rule file changes: the open documents get the new set."""
    engine = Engine()
    uri = (tmp_path / "a.py").as_uri()
    engine.open(uri, SOURCE, "python")
    assert not engine.findings(uri)
    write_rule(tmp_path, "no-print", NO_PRINT, NO_PRINT_QUERY)
    engine.set_extra_rules([load_extra(tmp_path, ())])
    assert [f.rule_id for f in engine.findings(uri)] == ["project/no-print"] * 2
    write_rule(tmp_path, "no-print", NO_PRINT.replace("warning", "error"), NO_PRINT_QUERY)
    engine.set_extra_rules([load_extra(tmp_path, ())])
    assert {f.severity for f in engine.findings(uri)} == {Severity.ERROR}
    engine.set_extra_rules([])
    assert not engine.findings(uri)


def test_edits_keep_project_findings_current(tmp_path: Path) -> None:
    from peer_lsp.documents.store import TextChange

    write_rule(tmp_path, "no-print", NO_PRINT, NO_PRINT_QUERY)
    engine = Engine()
    engine.set_extra_rules([load_extra(tmp_path, ())])
    uri = (tmp_path / "a.py").as_uri()
    engine.open(uri, "x = 1\n", "python")
    assert not engine.findings(uri)
    engine.change(uri, [TextChange("x = 1\nprint(x)\n")], 2)
    assert [f.span.start_line for f in engine.findings(uri)] == [1]


def test_a_project_file_may_not_enable_plugins() -> None:
    settings, problems = resolve({"plugins": ["acme"]}, source=".peer.toml", trusted=False)
    assert settings.plugins == ()
    [problem] = problems
    assert problem.key == "plugins"
    assert "only your own settings may enable one" in problem.message
    settings, problems = resolve({"plugins": ["acme"]}, source="editor settings")
    assert (settings.plugins, problems) == (("acme",), [])
    assert dataclasses.replace(Settings(), plugins=("acme",)).plugins == ("acme",)
