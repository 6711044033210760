"""`peer check --jobs`: the same report from one process or several, over code nobody here
wrote (the installed `rich` package); skipped files, a killed worker and Ctrl-C in a
parallel run. Every run is a real `peer check` process."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest
from interrupts import interruptible

TIMEOUT = 300
WORKERS_LINE = "worker processes (fork): "
PEER_CHECK = (sys.executable, "-m", "peer_lsp", "check", "--no-model", "--no-progress")


def rich_source() -> Path:
    spec = importlib.util.find_spec("rich")
    assert spec is not None
    assert spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def peer_check(cwd: Path, *argv: str, log: Path | None = None) -> subprocess.CompletedProcess[str]:
    logging = ["--log-level", "info", "--log-file", str(log)] if log else []
    return subprocess.run(
        [*PEER_CHECK, *logging, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=TIMEOUT,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of rich's source, with a file that cannot be read, one that is not UTF-8 and
    one that is binary among its files."""
    root = tmp_path_factory.mktemp("jobs")
    tree = root / "rich"
    shutil.copytree(rich_source(), tree, ignore=shutil.ignore_patterns("__pycache__"))
    (tree / "latin1.py").write_bytes('name = "café"\n'.encode("latin-1"))
    (tree / "binary.py").write_bytes(b"x = 1\0\n")
    if Path("/proc/self/mem").exists():  # a regular file whose every read fails (EIO)
        (tree / "memory.py").symlink_to("/proc/self/mem")
    return tree


@pytest.mark.parametrize("form", ["text", "json", "sarif"])
def test_one_process_or_two_print_the_same_bytes(tree: Path, form: str, tmp_path: Path) -> None:
    cwd = tree.parent
    one = peer_check(cwd, "--format", form, "--jobs", "1", "rich")
    log = tmp_path / "peer.log"
    two = peer_check(cwd, "--format", form, "--jobs", "2", "rich", log=log)
    assert WORKERS_LINE in log.read_text(encoding="utf-8")  # the run was parallel
    assert one.returncode == two.returncode == 1  # rich has findings at warning or above
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    if form == "text":
        summary = one.stdout.splitlines()[-1]
        skipped = 3 if (tree / "memory.py").exists() else 2
        assert summary.endswith(f", {skipped} skipped")
    if (tree / "memory.py").exists():
        assert two.stderr == "peer check: cannot read rich/memory.py: Input/output error\n"


def test_exit_codes_do_not_change_with_jobs(tree: Path) -> None:
    cwd = tree.parent
    for jobs in ("1", "2"):
        assert peer_check(cwd, "--jobs", jobs, "--exit-zero", "rich").returncode == 0
        assert peer_check(cwd, "--jobs", jobs, "--fail-on", "error", "rich").returncode == 0
    assert peer_check(cwd, "--jobs", "0", "rich").returncode == 2


def _start(cwd: Path, *argv: str) -> tuple[subprocess.Popen[str], list[int]]:
    """A parallel `peer check` started in its own session (so it can be sent Ctrl-C as a
    terminal would) and the pids of its workers, read from its log on stderr."""
    process = subprocess.Popen(
        [*PEER_CHECK, "--jobs", "2", "--log-level", "info", "--log-file", os.devnull, *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=interruptible,  # noqa: PLW1509 (before any thread)
        env={**os.environ, "PEER_LOG_STDERR": "1"},
    )
    stderr: IO[str] | None = process.stderr
    assert stderr is not None
    for line in stderr:  # ends at the latest when the process does
        if WORKERS_LINE in line:
            return process, [int(pid) for pid in line.split(WORKERS_LINE)[1].split(", ")]
    process.wait(TIMEOUT)
    pytest.fail("the workers' pids were never logged")


def test_a_killed_worker_is_said_and_its_files_are_checked_again(tree: Path) -> None:
    cwd = tree.parent
    one = peer_check(cwd, "--format", "json", "--jobs", "1", "rich")
    process, pids = _start(cwd, "--format", "json", "rich")
    os.kill(pids[0], signal.SIGKILL)
    out, err = process.communicate(timeout=TIMEOUT)
    assert "a worker process died (killed by SIGKILL); its files are checked again" in err
    assert (process.returncode, out) == (one.returncode, one.stdout)


def test_ctrl_c_stops_the_run_and_its_workers(tree: Path) -> None:
    process, pids = _start(tree.parent, "rich", "rich", "rich", "rich")
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 130
    assert err.rstrip().endswith("peer check: interrupted")
    assert "Traceback" not in err
    for pid in pids:  # stopped and reaped before the parent exited
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
