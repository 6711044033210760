"""The inspector's file: newest last, cut back past twice its size, readable by the user
only, and findable by finding or by unit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from peer_lsp.review.inspector import Exchange, Inspector


def exchange(number: int, unit: str = "app.load", fingerprint: str = "") -> Exchange:
    findings: list[dict[str, object]] = (
        [{"line": 3, "message": "m", "confidence": 0.9, "fingerprint": fingerprint}]
        if fingerprint
        else []
    )
    return Exchange(
        id=f"{number:010d}", at="2026-12-07T19:00:00+00:00", file="app.py", unit=unit,
        provider="fake", model="m", prompt_version="review-v2", cached=False,
        system="s", user=f"u{number}", answer="{}", findings=findings,
        dropped=[{"title": "t", "reason": "the excerpt is not in the unit"}],
    )  # fmt: skip


def test_keeps_the_newest_and_only_for_the_user(tmp_path: Path) -> None:
    inspector = Inspector(tmp_path / "state" / "inspector.jsonl", keep=3)
    for number in range(8):
        inspector.record(exchange(number))

    kept = inspector.recent()

    assert [e.user for e in kept][-3:] == ["u5", "u6", "u7"]
    assert len(kept) <= 6  # cut back to `keep` once past twice that
    assert stat.S_IMODE(os.stat(inspector.path).st_mode) == 0o600
    assert [e.user for e in inspector.recent(2)] == ["u6", "u7"]


def test_found_by_id_prefix_finding_and_unit(tmp_path: Path) -> None:
    inspector = Inspector(tmp_path / "inspector.jsonl")
    inspector.record(exchange(1, unit="app.load, app.save", fingerprint="f1"))
    inspector.record(exchange(2, unit="app.save"))

    assert inspector.get("000000000") is not None
    assert inspector.get("0000000002") == exchange(2, unit="app.save")
    assert [e.user for e in inspector.about(fingerprint="f1")] == ["u1"]
    assert [e.user for e in inspector.about(unit="app.save")] == ["u2", "u1"]
    assert inspector.about(unit="app.other") == []


def test_a_damaged_line_is_skipped_and_an_unwritable_file_only_logged(tmp_path: Path) -> None:
    path = tmp_path / "inspector.jsonl"
    inspector = Inspector(path)
    inspector.record(exchange(1))
    with path.open("a") as out:
        out.write("{not json\n")
    inspector.record(exchange(2))
    assert [e.user for e in inspector.recent()] == ["u1", "u2"]

    blocked = Inspector(tmp_path / "a-file" / "inspector.jsonl")
    (tmp_path / "a-file").write_text("")
    blocked.record(exchange(3))  # no exception: reviews go on
    assert blocked.recent() == []


def test_the_report_names_what_was_kept_and_dropped() -> None:
    report = exchange(1, fingerprint="f1").report()
    assert "== user (as sent)\nu1" in report
    assert "line 3: m (90%, f1)" in report
    assert "t: the excerpt is not in the unit" in report
