"""The inspector: what was sent to a model, what came back, and what became of it.

Opt-in (``inspector``), since it holds code: the last ``inspectorKeep`` exchanges in a JSON
lines file of the user state directory, readable by the user only. Each exchange keeps the
prompt exactly as it left the machine (after redaction: secrets and personal data show as
their placeholders), the model's raw answer, the findings kept, and each candidate dropped
with the reason. `peer inspect` and the editor command ``peer.inspect`` read it; replaying
an exchange sends its prompt again to another provider to compare answers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import typing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

if typing.TYPE_CHECKING:
    from collections.abc import Iterable

    from peer_lsp.findings.model import Finding
    from peer_lsp.llm.types import LLMRequest, LLMResponse
    from peer_lsp.review.answer.candidates import Dropped

log = logging.getLogger(__name__)

INSPECTOR_FILE_NAME = "inspector.jsonl"


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its answer as the inspector keeps them."""

    id: str
    at: str
    file: str
    unit: str
    provider: str
    model: str
    prompt_version: str
    cached: bool
    system: str
    user: str
    answer: str
    findings: list[dict[str, object]] = field(default_factory=list)
    dropped: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, typing.Any]) -> Exchange:
        names = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in data.items() if key in names})

    def mentions(self, fingerprint: str) -> bool:
        return any(f.get("fingerprint") == fingerprint for f in self.findings)

    def report(self) -> str:
        """The exchange in plain text, for a terminal or a plain-text view."""
        kept = "\n".join(
            f"  - line {f['line']}: {f['message']} ({f['confidence']:.0%}, {f['fingerprint']})"
            for f in self.findings
        )
        dropped = "\n".join(
            f"  - {d['title'] or '(untitled)'}: {d['reason']}" for d in self.dropped
        )
        return "\n".join(
            [
                f"exchange {self.id}  {self.at}  {self.provider}/{self.model}"
                f"  {self.prompt_version}{'  (from the cache)' if self.cached else ''}",
                f"file {self.file}  unit {self.unit}",
                "",
                "== system (as sent)",
                self.system,
                "",
                "== user (as sent)",
                self.user,
                "",
                "== answer",
                self.answer,
                "",
                f"== findings kept ({len(self.findings)})",
                kept or "  (none)",
                f"== candidates dropped ({len(self.dropped)})",
                dropped or "  (none)",
            ]
        )


def exchange_of(
    sent: LLMRequest,
    response: LLMResponse,
    findings: Iterable[Finding],
    dropped: Iterable[Dropped],
) -> Exchange:
    """An exchange from the request as sent (`Router.as_sent`), the answer and its outcome."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    digest = hashlib.sha256(f"{at}\0{sent.file}\0{sent.unit}\0{sent.user}".encode())
    return Exchange(
        id=digest.hexdigest()[:10],
        at=at,
        file=sent.file,
        unit=sent.unit,
        provider=response.provider,
        model=response.model,
        prompt_version=sent.prompt_version,
        cached=response.cached,
        system=sent.system,
        user=sent.user,
        answer=response.text,
        findings=[
            {
                "line": f.span.start_line + 1,
                "message": f.message,
                "confidence": f.confidence,
                "fingerprint": f.fingerprint,
            }
            for f in findings
        ],
        dropped=[{"title": d.title, "reason": d.reason} for d in dropped],
    )


def default_inspector_file() -> Path:
    """``inspector.jsonl`` in the user state directory (e.g. ~/.local/state/peer-lsp)."""
    return Path(platformdirs.user_state_dir("peer-lsp", appauthor=False)) / INSPECTOR_FILE_NAME


class Inspector:
    """The last ``keep`` exchanges, newest last, in a file only the user can read."""

    def __init__(self, path: Path | None = None, keep: int = 50) -> None:
        self.path = path or default_inspector_file()
        self.keep = max(1, keep)

    def record(self, exchange: Exchange) -> None:
        """Add an exchange; past twice ``keep`` lines the file is cut back to ``keep``.
        Never raises: an unwritable file is one log line, and reviews go on."""
        line = json.dumps(exchange.to_json(), ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8") as out:
                out.write(line)
            self._trim()
        except OSError as error:
            log.warning("inspector: could not write %s: %s", self.path, error)

    def recent(self, limit: int | None = None) -> list[Exchange]:
        """The exchanges kept, oldest first (the last ``limit`` of them)."""
        exchanges = []
        for line in self._lines():
            with contextlib.suppress(ValueError, TypeError):
                exchanges.append(Exchange.from_json(json.loads(line)))
        return exchanges[-limit:] if limit else exchanges

    def get(self, exchange_id: str) -> Exchange | None:
        return next((e for e in reversed(self.recent()) if e.id.startswith(exchange_id)), None)

    def about(self, fingerprint: str = "", unit: str = "", file: str = "") -> list[Exchange]:
        """The exchanges that kept a finding (by fingerprint), or asked about a unit, newest
        first."""

        def wanted(exchange: Exchange) -> bool:
            if fingerprint and exchange.mentions(fingerprint):
                return True
            asked = unit in exchange.unit.split(", ")
            return bool(unit) and asked and (not file or file in exchange.file)

        return [exchange for exchange in reversed(self.recent()) if wanted(exchange)]

    def _lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []

    def _trim(self) -> None:
        lines = self._lines()
        if len(lines) <= 2 * self.keep:
            return
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write("\n".join(lines[-self.keep :]) + "\n")
        temporary.replace(self.path)
