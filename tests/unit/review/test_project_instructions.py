"""A project's ``.peer/instructions.md`` in review prompts: found from the file reviewed, read
live, capped, and part of the answer cache's key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peer_lsp.documents.store import Document
from peer_lsp.llm.cache.key import cache_key
from peer_lsp.review.prompt.batch import batch_request
from peer_lsp.review.prompt.instructions import CUT_NOTE, MAX_TOKENS, instructions_for
from peer_lsp.review.prompt.request import build_review_request

CODE = (
    "def load(path):\n    return open(path).read()\n\n\n"
    "def size(path):\n    return len(load(path))\n"
)
RULES = '- Files are opened with `encoding="utf-8"` everywhere.\n- No bare `open` in core/.'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".peer").mkdir()
    (root / ".peer" / "instructions.md").write_text(RULES, encoding="utf-8")
    (root / "core").mkdir()
    (root / "core" / "files.py").write_text(CODE, encoding="utf-8")
    return root


def _document(path: Path) -> Document:
    return Document.open(path.as_uri(), path.read_text(encoding="utf-8"))


def test_review_prompts_carry_the_instructions_after_peers_own(project: Path) -> None:
    document = _document(project / "core" / "files.py")
    request = build_review_request(document.units[0], document, path="core/files.py")

    assert request.system.endswith(RULES)
    assert "## Project instructions" in request.system
    assert RULES not in request.user


def test_a_batch_carries_them_once(project: Path) -> None:
    document = _document(project / "core" / "files.py")
    members = [build_review_request(u, document, path="core/files.py") for u in document.units]

    batch = batch_request(members)

    assert batch.system.count(RULES) == 1
    assert RULES not in batch.user


def test_files_outside_the_project_get_none(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "other" / "x.py"
    elsewhere.parent.mkdir()
    elsewhere.write_text(CODE, encoding="utf-8")
    document = _document(elsewhere)

    request = build_review_request(document.units[0], document, path="x.py")

    assert "Project instructions" not in request.system
    assert instructions_for(None).text == ""


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".peer").mkdir()
    (tmp_path / ".peer" / "instructions.md").write_text("from above the repository")
    inner = tmp_path / "checkout"
    (inner / ".git").mkdir(parents=True)
    (inner / "a.py").write_text(CODE)

    assert instructions_for(inner / "a.py").text == ""


def test_an_edit_is_read_live_and_changes_the_cache_key(project: Path) -> None:
    path = project / "core" / "files.py"
    document = _document(path)
    before = build_review_request(document.units[0], document, path="core/files.py")
    rules = project / ".peer" / "instructions.md"
    rules.write_text(RULES + "\n- Prefer pathlib.", encoding="utf-8")
    stat = rules.stat()
    os.utime(rules, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

    after = build_review_request(document.units[0], document, path="core/files.py")

    assert after.system.endswith("- Prefer pathlib.")
    key = cache_key(before, "fake/m", document.units[0].normalized_hash)
    assert cache_key(after, "fake/m", document.units[0].normalized_hash) != key


def test_instructions_over_the_limit_are_cut_at_a_line_and_say_so(project: Path) -> None:
    long = "\n".join(f"- convention number {n}: {'word ' * 20}" for n in range(400))
    (project / ".peer" / "instructions.md").write_text(long, encoding="utf-8")

    found = instructions_for(project / "core" / "files.py")

    assert found.cut
    assert found.text.endswith(CUT_NOTE)
    kept = found.text.removesuffix(CUT_NOTE)
    assert long.startswith(kept)
    assert long[len(kept)] == "\n"  # whole lines
    assert len(kept) < len(long)
    assert len(kept) > MAX_TOKENS * 2  # not cut far short either
