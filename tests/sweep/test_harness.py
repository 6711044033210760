"""The sweep's parent process (bench/sweep.py): a worker that dies or stops answering costs
one file, which is named, and the sweep goes on with a fresh worker.

The workers here are real processes running a stand-in script: it answers like a sweep
worker, but kills itself with SIGSEGV on a file named ``crash`` and sleeps on one named
``hang``, which the engine cannot be made to do on purpose.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from sweep import Outcome, Pool, problems  # noqa: E402

STAND_IN = textwrap.dedent(
    """
    import json, os, signal, sys, time
    for line in sys.stdin:
        path, language = json.loads(line)
        if path == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        if path == "hang":
            time.sleep(600)
        print(json.dumps({"path": path, "language": language, "bytes": len(path)}), flush=True)
    """
)


def run(files: list[str], workers: int) -> list[Outcome]:
    pool = Pool([(f, "python") for f in files], 3.0, [sys.executable, "-c", STAND_IN])
    return pool.run(workers)


def test_a_crash_and_a_hang_are_named_and_the_sweep_goes_on() -> None:
    files = ["a.py", "crash", "b.py", "hang", "c.py", "d.py"]
    outcomes = {o.path: o for o in run(files, workers=2)}
    assert {path: o.status for path, o in outcomes.items()} == {
        "a.py": "ok",
        "crash": "crash",
        "b.py": "ok",
        "hang": "hang",
        "c.py": "ok",
        "d.py": "ok",
    }
    assert outcomes["crash"].detail.startswith("exit -11")
    assert outcomes["b.py"].bytes == 4
    report = problems(list(outcomes.values()))
    assert [line.split(" (")[0] for line in report] == ["crash: crash", "hang: hang"]


def test_one_worker_sweeps_everything_in_order() -> None:
    outcomes = run(["x.py", "crash", "crash", "y.py"], workers=1)
    assert [(o.path, o.status) for o in outcomes] == [
        ("x.py", "ok"),
        ("crash", "crash"),
        ("crash", "crash"),
        ("y.py", "ok"),
    ]
