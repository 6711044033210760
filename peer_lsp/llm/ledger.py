"""The usage ledger: tokens and money spent per UTC day, provider and model, shared by every
peer process of the user (the editor's server, a `peer check` in a terminal) through one
SQLite file in the user state directory (decision 0012).

Two tables. ``usage`` has one row per (day, provider, model): input and output tokens, cost,
requests. ``reservations`` holds what requests in flight may still spend (their worst case),
so that two processes near a limit do not both take the last of it: `Ledger.reserve` reads
the day's use and the live reservations and adds its own in one ``BEGIN IMMEDIATE``
transaction, which SQLite serialises across processes; `Ledger.settle` swaps a reservation
for what the answer actually used. A reservation outlives a process killed mid-request only
until its ``expires`` (wall-clock seconds).

WAL journal with ``synchronous=NORMAL`` (a commit writes the WAL without an fsync; a power
cut may lose the last commits, never corrupt the file) and a busy timeout: the other
process's write transactions last microseconds. Every failure is a `LedgerError`; what it
means for requests is `peer_lsp.llm.budget`'s decision.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

LEDGER_FILE_NAME = "usage.sqlite3"
BUSY_TIMEOUT_S = 2.0
"""Longest wait for another process's write transaction before the ledger counts as
unusable for this request."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    day TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0, requests INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, provider, model)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reservations (
    id INTEGER PRIMARY KEY, day TEXT NOT NULL, provider TEXT NOT NULL,
    tokens INTEGER NOT NULL, cost REAL NOT NULL, expires REAL NOT NULL
);
"""


class LedgerError(Exception):
    """The ledger cannot be opened, read or written; the message names the file and why."""


def utc_day(now: datetime | None = None) -> str:
    """The UTC day budgets count in, as ``YYYY-MM-DD``."""
    return (now or datetime.now(UTC)).strftime("%Y-%m-%d")


def default_ledger() -> Path:
    """``usage.sqlite3`` in the user state directory, beside the audit log."""
    import platformdirs

    return Path(platformdirs.user_state_dir("peer-lsp", appauthor=False)) / LEDGER_FILE_NAME


@dataclass(frozen=True, slots=True)
class Spent:
    """Tokens (input + output) and cost of one scope."""

    tokens: int = 0
    cost: float = 0.0

    def __add__(self, other: Spent) -> Spent:
        return Spent(self.tokens + other.tokens, self.cost + other.cost)


@dataclass(frozen=True, slots=True)
class DayUse:
    """One day's use per provider, and what requests in flight reserved."""

    providers: dict[str, Spent] = field(default_factory=dict)
    reserved: dict[str, Spent] = field(default_factory=dict)

    @property
    def total(self) -> Spent:
        return sum(self.providers.values(), Spent())

    @property
    def total_reserved(self) -> Spent:
        return sum(self.reserved.values(), Spent())

    def of(self, provider: str) -> Spent:
        return self.providers.get(provider, Spent())

    def reserved_by(self, provider: str) -> Spent:
        return self.reserved.get(provider, Spent())


class UsageLedger(typing.Protocol):
    """What the budgets need of a ledger: `Ledger` (SQLite, the user's processes), or
    `peer_lsp.llm.shared_limits.RedisLedger` (every process on one Redis)."""

    @property
    def path(self) -> object:
        """Where it is, for messages."""
        ...

    def close(self) -> None: ...

    def use(self, day: str, *, reserved: bool = False, now: float = 0.0) -> DayUse: ...

    def reserve(
        self,
        day: str,
        provider: str,
        want: Spent,
        expires: float,
        *,
        now: float,
        refuse: Callable[[DayUse], str | None],
    ) -> int | str: ...

    def settle(
        self,
        reservation: int | None,
        day: str,
        provider: str,
        model: str,
        used: tuple[int, int, float] | None,
    ) -> None: ...


class Ledger:
    """The SQLite ledger at ``path``, opened on first use (one connection per process)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def use(self, day: str, *, reserved: bool = False, now: float = 0.0) -> DayUse:
        """The day's use per provider; with ``reserved``, also the live reservations."""
        with self._transaction("DEFERRED") as db:
            return _day_use(db, day, now if reserved else None)

    def reserve(
        self,
        day: str,
        provider: str,
        want: Spent,
        expires: float,
        *,
        now: float,
        refuse: Callable[[DayUse], str | None],
    ) -> int | str:
        """Reserve ``want`` unless ``refuse`` (shown the day's use, reservations included)
        gives a reason: the reservation's id, or the reason."""
        with self._transaction("IMMEDIATE") as db:
            db.execute("DELETE FROM reservations WHERE expires <= ?", (now,))
            reason = refuse(_day_use(db, day, now))
            if reason is not None:
                return reason
            cursor = db.execute(
                "INSERT INTO reservations (day, provider, tokens, cost, expires)"
                " VALUES (?, ?, ?, ?, ?)",
                (day, provider, want.tokens, want.cost, expires),
            )
            return int(cursor.lastrowid or 0)

    def settle(
        self,
        reservation: int | None,
        day: str,
        provider: str,
        model: str,
        used: tuple[int, int, float] | None,
    ) -> None:
        """Drop a reservation and record what was used: (input, output tokens, cost); None
        when the request got no answer (nothing is recorded)."""
        with self._transaction("IMMEDIATE") as db:
            if reservation is not None:
                db.execute("DELETE FROM reservations WHERE id = ?", (reservation,))
            if used is not None:
                db.execute(
                    "INSERT INTO usage VALUES (?, ?, ?, ?, ?, ?, 1)"
                    " ON CONFLICT (day, provider, model) DO UPDATE SET"
                    " input_tokens = input_tokens + excluded.input_tokens,"
                    " output_tokens = output_tokens + excluded.output_tokens,"
                    " cost = cost + excluded.cost, requests = requests + 1",
                    (day, provider, model, *used),
                )

    @contextlib.contextmanager
    def _transaction(self, mode: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                db = self._open()
                db.execute(f"BEGIN {mode}")
                try:
                    yield db
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except (sqlite3.Error, OSError) as error:
                self._drop()
                raise LedgerError(f"the usage ledger {self.path} cannot be used: {error}") from None

    def _open(self) -> sqlite3.Connection:
        if self._connection is not None:
            return self._connection
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        db = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
        except BaseException:
            db.close()
            raise
        self._connection = db
        return db

    def _drop(self) -> None:
        """Forget a connection that failed: the next use opens the file again."""
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None


def _day_use(db: sqlite3.Connection, day: str, now: float | None) -> DayUse:
    rows = db.execute(
        "SELECT provider, SUM(input_tokens + output_tokens), SUM(cost) FROM usage"
        " WHERE day = ? GROUP BY provider",
        (day,),
    ).fetchall()
    used = {provider: Spent(int(tokens), float(cost)) for provider, tokens, cost in rows}
    if now is None:
        return DayUse(used)
    rows = db.execute(
        "SELECT provider, SUM(tokens), SUM(cost) FROM reservations"
        " WHERE day = ? AND expires > ? GROUP BY provider",
        (day, now),
    ).fetchall()
    return DayUse(
        used, {provider: Spent(int(tokens), float(cost)) for provider, tokens, cost in rows}
    )
