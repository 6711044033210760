"""`peer check` and `peer rules` with a project's rules (.peer/rules) and rule plugins (the
peer_lsp.rules entry points of a real distribution's metadata), as separate processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PEER = (sys.executable, "-m", "peer_lsp")

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
BROKEN = """\
language = "python"
message = "never"
severity = "error"
category = "bug"
query = '''
(call
  function: (identifer) @report)
'''
"""
SOURCE = "import time\n\nprint(1)\ntime.sleep(1)\nsleep(2)\n"

PLUGIN = """\
from peer_lsp.findings.model import Category, Severity
from peer_lsp.rules.model import Rule
from peer_lsp.rules.ruleset import ExtraRule


def _long(match):
    return match.text("secs") != "0"


def rules():
    no_sleep = Rule(
        id="no-sleep",
        languages=("python",),
        category=Category.PERFORMANCE,
        severity=Severity.INFO,
        confidence=0.9,
        title="sleep()",
        message="sleep({secs}) blocks the thread",
        explanation="Use an event, not a sleep.",
        check=_long,
    )
    query = (
        '(call function: (identifier) @fn (#eq? @fn "sleep")'
        " arguments: (argument_list (_) @secs)) @report"
    )
    return [ExtraRule(no_sleep, {"python": query}), "not a rule"]
"""


def run(cwd: Path, *argv: str, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            part for part in (env.get("PYTHONPATH", ""), str(site)) if part
        )
    return subprocess.run(
        [*PEER, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    rules = root / ".peer" / "rules"
    rules.mkdir(parents=True)
    (rules / "no-print.toml").write_text(NO_PRINT, encoding="utf-8")
    (rules / "no-print.scm").write_text(NO_PRINT_QUERY, encoding="utf-8")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(SOURCE, encoding="utf-8")
    (root / ".peer.toml").write_text("ollamaAutodetect = false\n", encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An installed distribution with two rule plugins, as pip leaves it: a module and its
    .dist-info with entry_points.txt (importlib.metadata finds it on sys.path)."""
    folder = tmp_path / "site"
    info = folder / "acme_peer-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-peer\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[peer_lsp.rules]\nacme = acme_peer:rules\nbroken = broken_peer:rules\n",
        encoding="utf-8",
    )
    (folder / "acme_peer.py").write_text(PLUGIN, encoding="utf-8")
    (folder / "broken_peer.py").write_text("import no_such_module\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_reports_project_rule_findings(project: Path, jobs: str) -> None:
    done = run(project, "check", "--no-model", "--no-progress", "--jobs", jobs, "src")
    assert done.returncode == 1, done.stderr  # a warning: failOn's default
    assert done.stdout.splitlines()[0] == (
        "src/app.py:3:1: warning[project/no-print] print() of 1: use the logger"
    )
    assert done.stderr == ""


def test_a_broken_rule_is_named_the_others_run_and_the_exit_code_is_2(project: Path) -> None:
    (project / ".peer" / "rules" / "broken.toml").write_text(BROKEN, encoding="utf-8")
    done = run(project, "check", "--no-model", "--no-progress", "--format", "json", "src")
    assert done.returncode == 2
    rule_file = project / ".peer" / "rules" / "broken.toml"
    assert done.stderr.splitlines() == [
        f"peer check: rule not loaded: {rule_file}:7: the query does not compile for python:"
        " Invalid node type at row 1, column 13: identifer",
        "peer check: exit code 2: 1 project or plugin rule not loaded (above)",
    ]
    findings = json.loads(done.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["project/no-print"]


def test_rules_lists_project_rules_with_their_file(project: Path) -> None:
    done = run(project / "src", "rules", "--format", "json")
    assert done.returncode == 0, done.stderr
    ours = [r for r in json.loads(done.stdout) if r["origin"] != "builtin"]
    assert ours == [
        {
            "id": "project/no-print",
            "title": "print() of ...",
            "languages": ["python"],
            "category": "maintainability",
            "severity": "warning",
            "confidence": 0.8,
            "enabled": True,
            "fix": False,
            "references": [],
            "explanation": "A rule of this project, declared in no-print.toml.",
            "url": None,
            "origin": "project",
            "file": str(project / ".peer" / "rules" / "no-print.toml"),
        }
    ]
    text = run(project, "rules", "--language", "python")
    line = next(x for x in text.stdout.splitlines() if x.startswith("project/no-print "))
    assert line.endswith(f"[project: {project / '.peer' / 'rules' / 'no-print.toml'}]")
    explained = run(project, "rules", "project/no-print")
    assert explained.returncode == 0
    assert explained.stdout.rstrip().endswith(
        f"project rule from {project / '.peer' / 'rules' / 'no-print.toml'}"
    )


def test_rules_exits_1_naming_a_broken_rule(project: Path) -> None:
    (project / ".peer" / "rules" / "broken.toml").write_text(BROKEN, encoding="utf-8")
    done = run(project, "rules")
    assert done.returncode == 1
    assert "peer rules: rule not loaded: " in done.stderr
    assert "broken.toml:7: the query does not compile" in done.stderr


def test_an_installed_plugin_not_enabled_runs_nothing_and_is_listed(
    project: Path, site: Path
) -> None:
    done = run(project, "check", "--no-model", "--no-progress", "src", site=site)
    assert done.returncode == 1, done.stderr  # the project rule's warning
    assert "acme/" not in done.stdout
    listed = run(project, "rules", site=site)
    assert listed.returncode == 0, listed.stderr
    tail = listed.stdout.split("rule plugins installed:\n", 1)[1].splitlines()
    assert tail == [
        f'  {name} (acme-peer): installed, not enabled: add "{name}" to plugins in your own'
        " settings (the editor's user settings, or a file given with --config)"
        for name in ("acme", "broken")
    ]


def test_a_project_file_cannot_enable_a_plugin(project: Path, site: Path) -> None:
    (project / ".peer.toml").write_text('plugins = ["acme"]\n', encoding="utf-8")
    done = run(project, "check", "--no-model", "--no-progress", "src", site=site)
    assert done.returncode == 2
    assert "plugins is ignored here: a plugin is code" in done.stderr
    assert done.stdout == ""


def test_plugins_the_users_settings_enable_run_and_a_failing_one_is_named(
    project: Path, site: Path, tmp_path: Path
) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('plugins = ["acme", "broken", "absent"]\n', encoding="utf-8")
    done = run(
        project, "check", "--no-model", "--no-progress", "--config", str(user), "src", site=site
    )
    lines = done.stdout.splitlines()
    assert "src/app.py:5:1: info[acme/no-sleep] sleep(2) blocks the thread" in lines
    assert "src/app.py:3:1: warning[project/no-print] print() of 1: use the logger" in lines
    assert done.stderr.splitlines() == [
        "peer check: rule not loaded: plugin absent: not installed (installed plugins:"
        " acme, broken)",
        "peer check: rule not loaded: plugin acme: rule 2: not an ExtraRule: str",
        "peer check: rule not loaded: plugin broken: failed: ModuleNotFoundError: No module"
        " named 'no_such_module'",
        "peer check: exit code 2: 3 project or plugin rules not loaded (above)",
    ]
    assert done.returncode == 2
    listed = run(project, "rules", "--config", str(user), "--format", "json", site=site)
    plugin_rules = [r for r in json.loads(listed.stdout) if r["origin"] == "plugin"]
    assert [(r["id"], r["file"]) for r in plugin_rules] == [("acme/no-sleep", "plugin acme")]


def test_explain_knows_project_rules(project: Path) -> None:
    done = run(project, "explain", "--no-model", "src/app.py:3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "src/app.py:3:1: warning[project/no-print] print() of 1: use the logger"
    )
