"""`peer cache stats` counts what `peer check` looked up: misses of a first run, hits of a
second, kept across processes, for the disk cache and for a real Redis server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import real_redis
from fakes.server import FakeServer
from model_support import configure, run, units_sent


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with real_redis.redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def stats(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, out, err = run(capsys, "cache", "stats", "--format", "json")
    assert (code, err) == (0, "")
    shown: dict[str, object] = json.loads(out)
    return shown


def two_checks(reviewing: FakeServer, capsys: pytest.CaptureFixture[str]) -> list[object]:
    """Run `peer check` twice; the (hits, misses) `peer cache stats` shows after each."""
    seen: list[object] = []
    for _ in range(2):
        assert run(capsys, "check", "app.py")[0] == 1  # the eval finding
        shown = stats(capsys)
        seen.append((shown["hits"], shown["misses"]))
    assert sorted(units_sent(reviewing)) == ["risky", "safe"]  # once, in one request
    assert len(reviewing.requests) == 1
    return seen


def test_disk_cache_counts_lookups_of_peer_check(
    reviewing: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert two_checks(reviewing, capsys) == [(0, 2), (2, 2)]


def test_redis_cache_counts_lookups_of_peer_check(
    reviewing: FakeServer, project: Path, redis_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, reviewing, redisUrl=real_redis.emptied(redis_server))
    assert two_checks(reviewing, capsys) == [(0, 2), (2, 2)]
    assert stats(capsys)["backend"] == "redis"


def test_a_relative_cache_dir_is_the_project_files_wherever_peer_runs(
    reviewing: FakeServer,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(project, reviewing, cacheDir="answers")
    assert run(capsys, "check", "app.py")[0] == 1
    (project / "src").mkdir()
    monkeypatch.chdir(project / "src")
    shown = stats(capsys)
    assert (shown["location"], shown["misses"]) == (str(project / "answers"), 2)
