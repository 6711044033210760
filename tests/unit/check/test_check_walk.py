"""The walker finds files a grammar knows, honours .gitignore files (nested ones too) and
exclude globs, and lets the command line win over .gitignore."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peer_lsp.check.walk import Excludes, InvalidPatternError, find_repository_root, walk
from peer_lsp.settings.model import DEFAULT_EXCLUDE


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" if name.endswith(".py") else "", encoding="utf-8")


def found(*paths: Path, excludes: list[Excludes] | None = None, base: Path) -> list[str]:
    return [p.relative_to(base).as_posix() for p in walk(paths, excludes or [])]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    make(tmp_path, ".git/hooks/pre-commit.py", "a.py", "b.js", "notes.unknown-ext", "LICENSE")
    return tmp_path


def test_walks_known_languages_in_name_order_and_skips_git(repo: Path) -> None:
    make(repo, "src/z.py", "src/m.go", "src/deep/x.rs")
    assert found(repo, base=repo) == ["a.py", "b.js", "src/deep/x.rs", "src/m.go", "src/z.py"]


def test_root_gitignore(repo: Path) -> None:
    make(repo, "build/out.py", "src/gen_x.py", "src/keep_gen.py", "src/ok.py", "debug.log.py")
    (repo / ".gitignore").write_text("build/\n*.log.py\nsrc/gen_*\n", encoding="utf-8")
    assert found(repo, base=repo) == ["a.py", "b.js", "src/keep_gen.py", "src/ok.py"]


def test_nested_gitignore_applies_below_its_folder_and_can_reinclude(repo: Path) -> None:
    make(repo, "pkg/fixtures/big.py", "pkg/data.py", "pkg/sub/data.py", "other/data.py")
    make(repo, "pkg/vendor.py", "other/vendor.py")
    (repo / ".gitignore").write_text("vendor.py\n", encoding="utf-8")
    (repo / "pkg" / ".gitignore").write_text("fixtures/\n/data.py\n!vendor.py\n", encoding="utf-8")
    assert found(repo, base=repo) == [
        "a.py",
        "b.js",
        "other/data.py",
        "pkg/sub/data.py",
        "pkg/vendor.py",
    ]


def test_files_in_an_ignored_folder_stay_ignored(repo: Path) -> None:
    make(repo, "out/keep.py", "out/x.py")
    (repo / ".gitignore").write_text("out/\n!out/keep.py\n", encoding="utf-8")
    assert found(repo, base=repo) == ["a.py", "b.js"]


def test_repository_root_gitignore_applies_when_checking_a_subfolder(repo: Path) -> None:
    make(repo, "app/main.py", "app/generated_pb2.py", "app/inner/generated_pb2.py")
    (repo / ".gitignore").write_text("*_pb2.py\n", encoding="utf-8")
    assert found(repo / "app", base=repo) == ["app/main.py"]
    assert find_repository_root(repo / "app") == repo


def test_git_info_exclude_applies(repo: Path) -> None:
    (repo / ".git" / "info").mkdir()
    (repo / ".git" / "info" / "exclude").write_text("b.js\n", encoding="utf-8")
    assert found(repo, base=repo) == ["a.py"]


def test_outside_a_repository_only_gitignores_in_the_named_folder_and_below_apply(
    tmp_path: Path,
) -> None:
    make(tmp_path, "proj/a.py", "proj/skip.py", "proj/sub/skip_too.py")
    (tmp_path / ".gitignore").write_text("a.py\n", encoding="utf-8")  # above: not a repo
    (tmp_path / "proj" / ".gitignore").write_text("skip*.py\n", encoding="utf-8")
    assert found(tmp_path / "proj", base=tmp_path) == ["proj/a.py"]


def test_named_files_are_yielded_even_when_ignored_or_unknown(repo: Path) -> None:
    (repo / ".gitignore").write_text("a.py\n", encoding="utf-8")
    assert found(repo / "a.py", repo / "notes.unknown-ext", base=repo) == [
        "a.py",
        "notes.unknown-ext",
    ]


def test_a_named_folder_is_walked_even_when_ignored(repo: Path) -> None:
    make(repo, "build/gen/x.py", "build/gen/y.tmp.py")
    (repo / ".gitignore").write_text("build/\n*.tmp.py\n", encoding="utf-8")
    assert found(repo, base=repo) == ["a.py", "b.js"]
    assert found(repo / "build" / "gen", base=repo) == ["build/gen/x.py"]


def test_exclude_globs_apply_to_found_and_named_files(repo: Path) -> None:
    make(repo, "node_modules/lib/index.js", "web/app.min.js", "web/app.js", "tests/t.py")
    excludes = [Excludes(DEFAULT_EXCLUDE, repo), Excludes(["tests/"], repo)]
    assert found(repo, excludes=excludes, base=repo) == ["a.py", "b.js", "web/app.js"]
    assert found(repo / "web" / "app.min.js", excludes=excludes, base=repo) == []


def test_exclude_globs_are_relative_to_their_base(repo: Path) -> None:
    make(repo, "sub/tests/t.py", "tests/t.py")
    excludes = [Excludes(["/tests/"], repo / "sub")]
    assert found(repo, excludes=excludes, base=repo) == ["a.py", "b.js", "tests/t.py"]


def test_invalid_exclude_glob_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidPatternError):
        Excludes(["!"], tmp_path)


def test_overlapping_paths_yield_each_file_once(repo: Path) -> None:
    make(repo, "src/z.py")
    assert found(repo / "src", repo, repo / "a.py", base=repo) == ["src/z.py", "a.py", "b.js"]


def test_paths_are_spelled_from_the_path_given(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(repo, "src/z.py")
    monkeypatch.chdir(repo / "src")
    assert [str(p) for p in walk([Path(".")])] == ["z.py"]
    assert [p.as_posix() for p in walk([Path("..")])] == ["../a.py", "../b.js", "../src/z.py"]
    assert os.path.samefile(next(walk([Path("..")])), repo / "a.py")


def test_a_glob_that_does_not_compile_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidPatternError):
        Excludes(["[z-a]"], tmp_path)


def test_a_gitignore_line_that_does_not_compile_is_passed_over(repo: Path) -> None:
    (repo / ".gitignore").write_text("[z-a]\nb.js\n", encoding="utf-8")
    assert found(repo, base=repo) == ["a.py"]
