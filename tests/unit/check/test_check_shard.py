"""`peer check --shard K/N`: disjoint parts whose union is one run, the same on any machine
(wherever the repository is checked out), and a usage error for a value that is not K/N."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from model_support import run

from peer_lsp.check.shard import Shard, ShardError, shard_of
from peer_lsp.cli import main
from peer_lsp.commands.exits import EXIT_USAGE

SHARDS = 3


def make_tree(root: Path) -> None:
    """A repository (a ``.git`` folder is all it takes) of 40 files in folders: some that
    do not parse, some clean, a few skipped (binary)."""
    (root / ".git").mkdir(parents=True)
    (root / ".peer.toml").write_text("ollamaAutodetect = false\n", encoding="utf-8")
    for number in range(40):
        folder = root / f"pkg{number % 4}"
        folder.mkdir(exist_ok=True)
        if number % 7 == 0:
            (folder / f"blob{number}.py").write_bytes(b"\0binary")
        elif number % 3 == 0:
            (folder / f"bad{number}.py").write_text(f"def f{number}(:\n    pass\n")
        else:
            (folder / f"ok{number}.py").write_text(f"def f{number}(x):\n    return x\n")


def report(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, "check", "--no-model", "--jobs", "1", "--format", "json", *args)
    assert code in (0, 1), err
    document: dict[str, Any] = json.loads(out)
    return document


def keys(document: dict[str, Any]) -> set[tuple[str, int, str]]:
    return {(f["path"], f["line"], f["fingerprint"]) for f in document["findings"]}


def test_the_shards_together_are_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    here, there = tmp_path / "runner-a" / "repo", tmp_path / "elsewhere" / "checkout"
    make_tree(here)
    shutil.copytree(here, there)
    monkeypatch.chdir(here)
    whole = report(capsys, ".")
    assert whole["summary"]["files"] > 20
    assert whole["summary"]["skipped"] > 0
    parts = []
    for index in range(1, SHARDS + 1):
        # every other shard on "another machine": the repository checked out elsewhere
        monkeypatch.chdir(here if index % 2 else there)
        parts.append(report(capsys, "--shard", f"{index}/{SHARDS}", "."))
    found = [keys(part) for part in parts]
    assert set().union(*found) == keys(whole)
    assert sum(len(each) for each in found) == len(keys(whole))  # disjoint
    for field in ("files", "skipped", "findings"):
        assert sum(part["summary"][field] for part in parts) == whole["summary"][field]
    assert all(part["summary"]["files"] for part in parts)  # no shard is empty here
    monkeypatch.chdir(here / "pkg1")  # from a subfolder: the same split, by repository path
    below = report(capsys, "--shard", f"2/{SHARDS}", ".")
    assert {(f"pkg1/{p}", line, fp) for p, line, fp in keys(below)} == {
        item for item in found[1] if item[0].startswith("pkg1/")
    }


def test_one_shard_of_one_is_the_whole_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert report(capsys, "--shard", "1/1", ".") == report(capsys, ".")


def test_the_split_is_pinned() -> None:
    """The hash is part of the contract: a runner on another version or machine must put
    each file in the same shard."""
    root = Path("/any/checkout")
    paths = ("src/app.py", "README.md", "a/b/c.go", "x.py")
    assert [shard_of(root / p, root, 4) for p in paths] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("0/3", "K must be from 1 to N (3)"),
        ("4/3", "K must be from 1 to N (3)"),
        ("1/0", "N must be at least 1"),
        ("2", "expected K/N"),
        ("a/b", "expected K/N"),
        ("-1/2", "expected K/N"),
    ],
)
def test_a_bad_shard_is_a_usage_error(
    value: str, why: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--no-model", f"--shard={value}", "."])
    out, err = capsys.readouterr()
    assert (stopped.value.code, out) == (EXIT_USAGE, "")
    assert "--shard" in err
    assert why in err
    with pytest.raises(ShardError, match=why.replace("(", r"\(").replace(")", r"\)")):
        Shard.parse(value)
