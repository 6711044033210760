"""The engine's open/change/close paths with what editors really send: whole-document
changes, unknown documents, and files over maxFileBytes."""

from __future__ import annotations

import dataclasses

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.settings.model import Settings

URI = "file:///work/big%20file.py"
FUNCTION = "def f(value):\n    return value + 1\n\n\n"
LIMIT = 1_000
BIG = FUNCTION * 40  # 1.5 kB, over LIMIT
BROKEN = "x = (\n"


def engine() -> Engine:
    return Engine(Settings(max_file_bytes=LIMIT))


def rule_ids(engine: Engine, uri: str = URI) -> list[str]:
    return [finding.rule_id for finding in engine.findings(uri)]


def test_full_change_is_analysed_again() -> None:
    e = engine()
    e.open(URI, FUNCTION, "python", 1)
    assert rule_ids(e) == []

    result = e.change(URI, [TextChange(BROKEN)], 2)

    assert result is not None
    assert rule_ids(e) == ["syntax-error"]
    assert e.findings(URI)[0].span.start_byte == BROKEN.index("(")


def test_change_to_an_unknown_document_is_ignored() -> None:
    e = engine()

    assert e.change("file:///never-opened.py", [TextChange("x")], 2) is None
    assert e.change("file:///never-opened.py", [TextChange("x", (0, 0, 0, 0))], 3) is None
    assert e.findings("file:///never-opened.py") == []


def test_oversized_file_opens_without_tree_units_or_findings() -> None:
    e = engine()

    document = e.open(URI, BROKEN + BIG, "python", 1)

    assert document.oversized
    assert document.tree is None
    assert document.units == []
    assert rule_ids(e) == []


def test_user_is_told_once_per_document_about_an_oversized_file() -> None:
    e = engine()
    e.open(URI, BIG, "python", 1)

    notice = e.oversized_notice(URI)

    assert notice == "peer-lsp: big file.py is 1.5 kB, over maxFileBytes (1 kB): not analysed"
    assert e.oversized_notice(URI) is None
    e.change(URI, [TextChange("# more\n", (0, 0, 0, 0))], 2)
    assert e.oversized_notice(URI) is None


def test_small_file_has_no_notice() -> None:
    e = engine()
    e.open(URI, FUNCTION, "python", 1)

    assert e.oversized_notice(URI) is None


def test_oversized_file_shrinking_under_the_limit_is_analysed() -> None:
    e = engine()
    e.open(URI, BIG, "python", 1)
    lines = BIG.count("\n")

    e.change(URI, [TextChange(BROKEN, (0, 0, lines, 0))], 2)

    document = e.documents.get(URI)
    assert document is not None
    assert document.text == BROKEN
    assert rule_ids(e) == ["syntax-error"]


def test_file_growing_over_the_limit_loses_its_findings() -> None:
    e = engine()
    e.open(URI, BROKEN, "python", 1)
    assert rule_ids(e) == ["syntax-error"]

    e.change(URI, [TextChange(BIG, (1, 0, 1, 0))], 2)

    assert rule_ids(e) == []
    assert e.oversized_notice(URI) is not None
    document = e.documents.get(URI)
    assert document is not None
    assert document.text == BROKEN + BIG


def test_notice_is_given_again_after_the_document_is_reopened() -> None:
    e = engine()
    e.open(URI, BIG, "python", 1)
    assert e.oversized_notice(URI) is not None
    e.close(URI)

    e.open(URI, BIG, "python", 1)

    assert e.oversized_notice(URI) is not None


def test_raising_max_file_bytes_analyses_open_oversized_files() -> None:
    e = engine()
    e.open(URI, BROKEN + BIG, "python", 1)

    e.settings = dataclasses.replace(e.settings, max_file_bytes=10 * LIMIT)
    e.reanalyse_all()

    assert rule_ids(e) == ["syntax-error"]
