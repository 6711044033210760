"""Dismissed findings are kept per workspace in the user state directory."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from peer_lsp.analysis.dismissed import dismissed_path, load_dismissed, save_dismissed


def test_each_workspace_has_its_own_file_outside_it(tmp_path: Path) -> None:
    state = tmp_path / "state"
    one = dismissed_path(tmp_path / "one", state)
    two = dismissed_path(tmp_path / "two", state)
    assert one != two
    assert one.parent == state / "dismissed"
    assert one.suffix == ".json"
    assert dismissed_path(tmp_path / "one" / ".." / "one", state) == one


@pytest.mark.skipif(sys.platform != "linux", reason="XDG directories are Linux's")
def test_the_state_directory_follows_xdg_state_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    path = dismissed_path(tmp_path / "workspace")
    assert path.is_relative_to(tmp_path / "peer-lsp" / "dismissed")


def test_saving_adds_to_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "d" / "w.json"
    assert load_dismissed(path) == set()
    assert save_dismissed(path, ["a"], tmp_path) == {"a"}
    assert save_dismissed(path, ["b"]) == {"a", "b"}  # another window's "a" is kept
    assert load_dismissed(path) == {"a", "b"}
    assert json.loads(path.read_text())["fingerprints"] == ["a", "b"]
    assert [p.name for p in path.parent.iterdir()] == ["w.json"]  # no temporary file left


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"fingerprints": "a"}', "\udcff"])
def test_an_unreadable_file_is_an_empty_set(tmp_path: Path, text: str) -> None:
    path = tmp_path / "w.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert load_dismissed(path) == set()
    assert save_dismissed(path, ["a"]) == {"a"}
