"""Logging: a size-rotated file in the user state directory, and request correlation.

Every line about a document carries ``[uri@version unit]`` from a context variable set by
`log_context`, so one edit can be followed through the engine. The server adds a handler
that forwards warnings and errors to the editor (window/logMessage).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import logging.handlers
import os
from collections.abc import Callable, Iterator
from pathlib import Path

LOGGER_NAME = "peer_lsp"
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s %(context)s%(message)s"
MAX_LOG_BYTES = 2_000_000
LOG_BACKUPS = 3

_context: contextvars.ContextVar[str] = contextvars.ContextVar("peer_log_context", default="")


def default_log_file() -> Path:
    """``peer-lsp.log`` in the user state directory (e.g. ~/.local/state/peer-lsp/log)."""
    import platformdirs

    return Path(platformdirs.user_log_dir("peer-lsp", appauthor=False)) / "peer-lsp.log"


@contextlib.contextmanager
def log_context(uri: str, version: int | None = None, unit: str | None = None) -> Iterator[None]:
    """Tag every log line in this block with a document, version and optional unit."""
    label = uri.rsplit("/", 1)[-1] if "/" in uri else uri
    parts = f"{label}@{version}" if version is not None else label
    if unit:
        parts += f" {unit}"
    token = _context.set(f"[{parts}] ")
    try:
        yield
    finally:
        _context.reset(token)


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.context = _context.get()
        return True


class ClientLogHandler(logging.Handler):
    """Sends warnings and errors to the editor through ``send(level, text)``."""

    def __init__(self, send: Callable[[int, str], None]) -> None:
        super().__init__(logging.WARNING)
        self._send = send
        self.addFilter(_ContextFilter())
        self.setFormatter(logging.Formatter("%(context)s%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._send(record.levelno, self.format(record))
        except Exception:
            return


def configure(
    level: str = "info", log_file: Path | str | None = None, stderr: bool = False
) -> Path | None:
    """Set up the ``peer_lsp`` logger; return the log file in use (None if unwritable).

    stdout is never used: for the server it carries the protocol.
    """
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level.upper())
    for handler in list(logger.handlers):
        if not isinstance(handler, ClientLogHandler):
            logger.removeHandler(handler)
            handler.close()
    logger.propagate = False
    formatter = logging.Formatter(LOG_FORMAT)
    context = _ContextFilter()
    path = Path(log_file) if log_file else default_log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
        )
    except OSError:
        path = None  # type: ignore[assignment]
        stderr = True
    else:
        file_handler.setFormatter(formatter)
        file_handler.addFilter(context)
        logger.addHandler(file_handler)
    if stderr or os.environ.get("PEER_LOG_STDERR"):
        stream = logging.StreamHandler()
        stream.setFormatter(formatter)
        stream.addFilter(context)
        logger.addHandler(stream)
    return path


def set_level(level: str) -> None:
    logging.getLogger(LOGGER_NAME).setLevel(level.upper())
