"""The CI recipes in docs/ci: each YAML file parses, runs on what it says it runs on, and
the `peer` commands in it are run as written (GitHub and GitLab expressions filled in) by
bash against a real git repository with a pull request's worth of changes, their output
validated against the schema its consumer publishes (tests/schemas)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from peer_lsp.cli import build_parser

DOCS = Path(__file__).parents[3] / "docs"
SCHEMAS = Path(__file__).parents[2] / "schemas"
RECIPES = DOCS / "ci"


def load(name: str) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load((RECIPES / name).read_text(encoding="utf-8"))
    return document


def git(folder: Path, *args: str) -> str:
    identity = ["-c", "user.name=Peer Test", "-c", "user.email=peer@example.com"]
    done = subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Path, str]:
    """A repository on a pull request's branch: ``origin/main`` has a clean file, the branch
    adds a broken one and a shell injection; the base commit's id."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".peer.toml").write_text("ollamaAutodetect = false\n", encoding="utf-8")
    (repo / "lib.py").write_text("def helper(a):\n    return a * 2\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "update-ref", "refs/remotes/origin/main", base)
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "run.py").write_text(
        "import subprocess\n\n\ndef run(name):\n"
        '    return subprocess.run(f"ls {name}", shell=True)\n',
        encoding="utf-8",
    )
    (repo / "broken.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "change")
    return repo, base


def peer_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``peer`` is this tree's, as `pip install` would put it."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "peer"
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m peer_lsp "$@"\n')
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}


def scripts(steps: list[dict[str, Any]]) -> list[str]:
    """The shell of every ``run`` step, continuation lines joined."""
    return [step["run"].replace("\\\n", " ") for step in steps if "run" in step]


def peer_commands(shell: str) -> list[str]:
    """Each command line that starts with ``peer``, up to a pipe into another program."""
    found = []
    for line in shell.splitlines():
        command = line.strip()
        if command.startswith("peer "):
            found.append(command.split(" | ", 1)[0].strip())
    return found


def run_shell(command: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", command],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def parses_as_peer(command: str) -> None:
    """The command's arguments are ones `peer` accepts (each flag exists)."""
    words = shlex.split(command.split(">", 1)[0])
    assert words[0] == "peer"
    build_parser().parse_args(words[1:])


def validate(document: object, schema_name: str) -> None:
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)


def test_the_github_workflow_runs_peer_for_reviewdog(
    pull_request: tuple[Path, str], tmp_path: Path
) -> None:
    repo, _ = pull_request
    workflow = load("github-peer.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare on as true
    assert "pull_request" in triggers
    assert workflow["permissions"]["pull-requests"] == "write"
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # origin/<base> must be there for --diff
    assert any(s.get("uses", "").startswith("reviewdog/action-setup@") for s in steps)
    shell = "\n".join(scripts(steps))
    reviewdog = re.search(r"\| reviewdog (.*)", shell)
    assert reviewdog is not None
    assert {"-f=rdjson", "-reporter=github-pr-review"} <= set(reviewdog.group(1).split())

    env = peer_on_path(tmp_path)
    commands = [
        command.replace("${{ github.base_ref }}", "main") for command in peer_commands(shell)
    ]
    assert len(commands) == 2
    formats = {}
    for command in commands:
        parses_as_peer(command)
        done = run_shell(command, repo, env)
        # findings fail the annotations step; reviewdog's step leaves that to -fail-level
        assert done.returncode == (0 if "--exit-zero" in command else 1), done.stderr
        formats[re.search(r"--format (\w+)", command).group(1)] = done.stdout  # type: ignore[union-attr]

    rdjson = json.loads(formats["rdjson"])
    validate(rdjson, "rdjson-DiagnosticResult.json")
    paths = {d["location"]["path"] for d in rdjson["diagnostics"]}
    assert paths == {"run.py", "broken.py"}  # the changed files only; lib.py is clean
    codes = {d["code"]["value"] for d in rdjson["diagnostics"]}
    assert "syntax-error" in codes
    assert any(code.startswith("py-") for code in codes)

    lines = formats["github"].splitlines()
    assert lines
    assert all(re.match(r"^::(error|warning|notice) file=", line) for line in lines)
    assert {re.search(r"file=([^,]+)", line).group(1) for line in lines} == paths  # type: ignore[union-attr]


def test_the_matrix_workflow_shards_the_files_over_redis(
    pull_request: tuple[Path, str], tmp_path: Path
) -> None:
    repo, _ = pull_request
    workflow = load("github-peer-matrix.yml")
    (job,) = workflow["jobs"].values()
    shards = job["strategy"]["matrix"]["shard"]
    assert "redis" in job["services"]
    shell = "\n".join(scripts(job["steps"]))
    (command,) = peer_commands(shell)
    env = peer_on_path(tmp_path)
    (share,) = (s["run"] for s in job["steps"] if "redisUrl" in s.get("run", ""))
    (repo / ".peer.toml").write_text(
        'ollamaAutodetect = false\n[[providers]]\npreset = "openai"\n', encoding="utf-8"
    )  # a project whose settings end with a table
    assert run_shell(share, repo, env).returncode == 0
    written = tomllib.loads((repo / "peer-ci.toml").read_text(encoding="utf-8"))
    assert written["redisUrl"] == "redis://127.0.0.1:6379/0"  # top level, not the provider's
    assert written["providers"] == [{"preset": "openai"}]
    (repo / ".peer.toml").write_text("ollamaAutodetect = false\n", encoding="utf-8")
    (repo / "peer-ci.toml").write_text(
        'redisUrl = "redis://127.0.0.1:6379/0"\nollamaAutodetect = false\n', encoding="utf-8"
    )  # no provider here: nothing is sent, Redis is not needed

    def results(shard: str) -> list[tuple[str, str]]:
        filled = command.replace("${{ matrix.shard }}/4", shard)
        parses_as_peer(filled)
        done = run_shell(filled, repo, env)
        assert done.returncode == 0, done.stderr
        log = json.loads((repo / "peer.sarif").read_text(encoding="utf-8"))
        validate(log, "sarif-schema-2.1.0.json")
        return [
            (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
            for r in log["runs"][0]["results"]
        ]

    found = [item for shard in shards for item in results(f"{shard}/{len(shards)}")]
    assert sorted(found) == sorted(results("1/1"))
    assert {path for path, _ in found} == {"broken.py", "run.py"}
    upload = next(s for s in job["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "peer.sarif"


def test_the_gitlab_job_writes_its_code_quality_report(
    pull_request: tuple[Path, str], tmp_path: Path
) -> None:
    repo, base = pull_request
    jobs = load("gitlab-peer.yml")
    job = jobs["peer"]
    assert job["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert job["variables"]["GIT_DEPTH"] == 0
    report = job["artifacts"]["reports"]["codequality"]
    (command,) = peer_commands("\n".join(job["script"]))
    assert command.endswith(f"> {report}")
    parses_as_peer(command)
    env = {**peer_on_path(tmp_path), "CI_MERGE_REQUEST_DIFF_BASE_SHA": base}
    done = run_shell(command, repo, env)
    assert done.returncode == 0, done.stderr
    issues = json.loads((repo / report).read_text(encoding="utf-8"))
    assert {issue["location"]["path"] for issue in issues} == {"run.py", "broken.py"}
    for issue in issues:
        validate(issue, "gitlab-codeclimate.json")
