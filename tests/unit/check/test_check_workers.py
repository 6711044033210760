"""`in_order` with real worker processes: order kept, failures and deaths answered, no worker
left behind however the run ends."""

from __future__ import annotations

import os
import signal

import pytest

from peer_lsp.check.workers import describe_exit, in_order, usable_cores

ITEMS = 60
SERIAL_BELOW = 10


def work(item: int) -> tuple[int, int | str]:
    """The item and the process that did it; some items misbehave on purpose."""
    if item == 13:
        raise ValueError("thirteen")
    if item == 21:
        os.kill(os.getpid(), signal.SIGKILL)
    if item == 34:
        os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C sends the whole process group
    return item, os.getpid()


def failed(item: int, reason: str) -> tuple[int, int | str]:
    return item, reason


def run(items: list[int], jobs: int, told: dict[int, str], deaths: list[str]) -> list[int]:
    """The items in the order answered; ``told``: what ``failed`` said of which item (it runs
    in the worker when the work raised, here when the worker died)."""
    answered = []
    with in_order(
        work,
        failed,
        items,
        jobs=jobs,
        batch_size=4,
        serial_below=SERIAL_BELOW,
        on_death=deaths.append,
    ) as results:
        for item, answer in results:
            answered.append(item)
            if isinstance(answer, str):
                told[item] = answer
    return answered


def test_results_come_in_order_and_every_item_is_answered() -> None:
    told: dict[int, str] = {}
    deaths: list[str] = []
    items = [item for item in range(ITEMS) if item != 21]
    assert run(items, 2, told, deaths) == items
    assert list(told) == [13]
    assert told[13].startswith("the analysis failed: ValueError: thirteen (test_check_workers.py:")
    assert deaths == []


def test_a_worker_killed_by_its_item_costs_only_that_item() -> None:
    told: dict[int, str] = {}
    deaths: list[str] = []
    assert run(list(range(ITEMS)), 2, told, deaths) == list(range(ITEMS))
    assert told[21] == "its worker process died (killed by SIGKILL)"
    assert set(told) == {13, 21}
    # The batch holding item 21 died once as a batch, then 21 alone died again.
    assert deaths == ["killed by SIGKILL", "killed by SIGKILL"]


def test_workers_do_the_work_and_ignore_sigint() -> None:
    parent = os.getpid()
    items = range(22, ITEMS)
    with in_order(work, failed, items, jobs=2, batch_size=4, serial_below=SERIAL_BELOW) as results:
        answered = dict(results)
    assert sorted(answered) == list(range(22, ITEMS))
    pids = set(answered.values())  # item 34 sent its worker SIGINT and was still answered
    assert len(pids) == 2
    assert parent not in pids


def test_few_items_or_one_job_stay_in_this_process() -> None:
    parent = os.getpid()
    few = range(22, 22 + SERIAL_BELOW - 1)
    with in_order(work, failed, few, jobs=2, serial_below=SERIAL_BELOW) as results:
        assert {pid for _, pid in results} == {parent}
    with in_order(work, failed, range(22, 33), jobs=1) as results:
        assert {pid for _, pid in results} == {parent}


def test_leaving_early_stops_every_worker() -> None:
    """Ctrl-C in the parent arrives as KeyboardInterrupt wherever it is waiting; the workers
    are terminated and reaped before it goes on."""
    pids: set[int | str] = set()
    items = range(22, 1000)
    with (  # noqa: PT012
        pytest.raises(KeyboardInterrupt),
        in_order(work, failed, items, jobs=2, serial_below=SERIAL_BELOW) as results,
    ):
        for _, pid in results:
            pids.add(pid)
            if len(pids) == 2:
                raise KeyboardInterrupt
    assert len(pids) == 2
    for pid in pids:
        assert isinstance(pid, int)
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_exits_and_cores_described() -> None:
    assert describe_exit(-signal.SIGSEGV) == "killed by SIGSEGV"
    assert describe_exit(3) == "exited with status 3"
    assert 1 <= usable_cores() <= (os.cpu_count() or 1)


def test_the_first_item_of_each_kind_is_done_before_the_workers_start() -> None:
    """What the work loads once per process is then inherited by the forked workers."""
    parent = os.getpid()
    items = range(22, ITEMS)
    with in_order(
        work, failed, items, jobs=2, serial_below=SERIAL_BELOW, kind=lambda item: item % 3
    ) as results:
        answered = dict(results)
    assert sorted(answered) == list(items)
    assert {item for item, pid in answered.items() if pid == parent} == {22, 23, 24}
