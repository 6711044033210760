"""Paths named on the command line: never opened unless they are regular files, never passed
over without a word, and checked even where the default excludes would skip them.

A FIFO, a device or a socket is skipped with a message naming it and its kind, before
anything opens it (opening a FIFO for reading waits for a writer forever; reading /dev/zero
never ends); so are a broken symbolic link and a symbolic link loop. The built-in excludes
(node_modules, .venv, …) are a guess about code nobody named, so a named path wins over them,
as it wins over .gitignore; excludes the user wrote (the ``exclude`` setting, ``--exclude``)
still apply to named paths, as pre-commit names every file, but with a message naming the
pattern and where it was set.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from peer_lsp.check.walk import Excludes, walk
from peer_lsp.cli import main
from peer_lsp.commands.source_files import read_source
from peer_lsp.settings.model import DEFAULT_EXCLUDE, Settings

REPO = Path(__file__).resolve().parents[3]
WAIT = 30.0
"""Longest a `peer check` subprocess may take: a hang fails the test instead of blocking it."""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path / "ok.py", "def f():\n    return 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def unix_socket(project: Path) -> Iterator[Path]:
    path = project / "sock.py"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    yield path
    server.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", "--no-model", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def checked(*paths: Path, excludes: list[Excludes] | None = None) -> tuple[list[str], list[str]]:
    """The files walked and the skipped paths with why."""
    skipped: list[str] = []
    files = walk(paths, excludes or [], lambda path, why: skipped.append(f"{path}: {why}"))
    return [p.name for p in files], skipped


def test_a_fifo_named_on_the_command_line_is_skipped_without_opening_it(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    os.mkfifo(project / "pipe")
    result = subprocess.run(
        [sys.executable, "-m", "peer_lsp", "check", "--no-model", "ok.py", "pipe.py", "pipe"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=WAIT,
        env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"},
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout == "No findings in 1 file, 2 skipped\n"
    assert result.stderr.splitlines() == [
        "peer check: skipped pipe.py: not a regular file (a FIFO)",
        "peer check: skipped pipe: not a regular file (a FIFO)",
    ]


def test_devices_and_sockets_are_skipped_by_kind(project: Path, unix_socket: Path) -> None:
    (project / "null.py").symlink_to(os.devnull)
    files, skipped = checked(project / "ok.py", project / "null.py", unix_socket)
    assert files == ["ok.py"]
    assert skipped == [
        f"{project / 'null.py'}: not a regular file (a character device)",
        f"{unix_socket}: not a regular file (a socket)",
    ]


def test_broken_links_and_link_loops_are_named(project: Path) -> None:
    (project / "gone.py").symlink_to(project / "nowhere.py")
    (project / "a.py").symlink_to(project / "b.py")
    (project / "b.py").symlink_to(project / "a.py")
    files, skipped = checked(project / "gone.py", project / "a.py")
    assert files == []
    assert skipped == [
        f"{project / 'gone.py'}: a broken symbolic link",
        f"{project / 'a.py'}: a symbolic link loop",
    ]


def test_a_folder_linking_to_itself_is_walked_once(project: Path) -> None:
    write(project / "src" / "m.py", "x = 1\n")
    (project / "src" / "again").symlink_to(project / "src")
    (project / "loop").symlink_to(project / "loop")
    files, skipped = checked(project / "src", project / "loop")
    assert files == ["m.py"]
    assert skipped == [f"{project / 'loop'}: a symbolic link loop"]


def test_the_cli_says_why_a_named_path_is_skipped(
    project: Path, unix_socket: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "gone.py").symlink_to(project / "nowhere.py")
    code, out, err = run(capsys, "ok.py", "gone.py", "sock.py")
    assert (code, out) == (0, "No findings in 1 file, 2 skipped\n")
    assert err.splitlines() == [
        "peer check: skipped gone.py: a broken symbolic link",
        "peer check: skipped sock.py: not a regular file (a socket)",
    ]


def test_a_named_folder_wins_over_the_default_excludes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = project / "node_modules" / "express"
    write(package / "index.js", "eval(input);\n")
    write(package / "node_modules" / "dep" / "index.js", "eval(input);\n")
    write(package / "lib" / "bundle.min.js", "eval(input);\n")  # dist/: hints, exit 0
    code, out, err = run(capsys, "node_modules/express")
    assert code == 1
    assert out.splitlines()[0].startswith(f"{Path('node_modules/express/index.js')}:1:1: ")
    assert out.splitlines()[-1].endswith("in 1 file")  # its own node_modules stay excluded
    assert err == ""
    code, out, _ = run(capsys, "node_modules/express/lib/bundle.min.js")
    assert code == 1
    assert out.splitlines()[-1].endswith("in 1 file")
    assert run(capsys, ".")[1] == "No findings in 1 file\n"  # found, not named: excluded


def test_a_named_path_the_users_exclude_matches_is_skipped_with_a_message(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project / "gen" / "api.py", "x = 1\n")
    write(project / ".peer.toml", 'exclude = ["gen/"]\n')
    code, out, err = run(capsys, "ok.py", "gen/api.py", "--exclude", "ok.py")
    assert (code, out) == (0, "No findings in 0 files, 2 skipped\n")
    assert err.splitlines() == [
        "peer check: skipped ok.py: excluded by 'ok.py' (--exclude)",
        f"peer check: skipped {Path('gen/api.py')}: excluded by 'gen/' "
        f"(the 'exclude' setting in {project / '.peer.toml'})",
    ]


def test_walk_applies_implicit_excludes_below_the_named_folder_only(project: Path) -> None:
    write(project / "node_modules" / "x" / "a.js", "")
    write(project / "node_modules" / "x" / "node_modules" / "y" / "b.js", "")
    defaults = Excludes(DEFAULT_EXCLUDE, project, implicit=True)
    assert checked(project / "node_modules" / "x", excludes=[defaults]) == (["a.js"], [])
    assert checked(project, excludes=[defaults]) == (["ok.py"], [])


def test_peer_fix_names_itself_when_it_skips_a_path(
    project: Path, unix_socket: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["fix", "--no-model", "--dry-run", "ok.py", "sock.py"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err.splitlines() == [
        "peer fix: skipped sock.py: not a regular file (a socket)",
        "Nothing to fix",
    ]


def test_reading_refuses_a_fifo_put_where_a_file_was(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file found by the walk may be swapped for a FIFO before it is read."""
    fifo = project / "swapped.py"
    os.mkfifo(fifo)
    results: list[str | None] = []
    reader = threading.Thread(
        target=lambda: results.append(read_source(fifo, "swapped.py", Settings())), daemon=True
    )
    reader.start()
    reader.join(WAIT)
    if reader.is_alive():  # it blocked on the FIFO: let it go before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert not reader.is_alive()
    assert results == [None]
    assert capsys.readouterr().err == (
        "peer check: skipped swapped.py: not a regular file (a FIFO)\n"
    )
