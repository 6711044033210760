"""Log lines carry the document they are about, and land in a rotating file."""

from __future__ import annotations

import logging
from pathlib import Path

from peer_lsp import log


def test_context_is_in_every_line_about_a_document(tmp_path: Path) -> None:
    path = tmp_path / "peer.log"
    assert log.configure("debug", path) == path
    logger = logging.getLogger("peer_lsp.test")
    with log.log_context("file:///src/app.py", 7, unit="Store.add"):
        logger.info("reviewed")
    logger.info("outside")
    for handler in logging.getLogger(log.LOGGER_NAME).handlers:
        handler.flush()
    lines = path.read_text().splitlines()
    assert lines[0].endswith("peer_lsp.test [app.py@7 Store.add] reviewed")
    assert lines[1].endswith("peer_lsp.test outside")


def test_client_handler_forwards_warnings_only() -> None:
    sent: list[tuple[int, str]] = []
    handler = log.ClientLogHandler(lambda level, text: sent.append((level, text)))
    logger = logging.getLogger("peer_lsp.client-test")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.info("quiet")
        with log.log_context("file:///a.go", 3):
            logger.warning("loud")
    finally:
        logger.removeHandler(handler)
    assert sent == [(logging.WARNING, "[a.go@3] loud")]


def test_unwritable_log_file_falls_back_to_stderr(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert log.configure("info", blocker / "sub" / "peer.log") is None
