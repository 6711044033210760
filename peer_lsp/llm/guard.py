"""The single exit for requests to models: redact secrets, refuse what must stay, audit the rest.

Every outgoing request passes through `Guard.prepare`, which

1. refuses a request whose file matches a ``sendExclude`` glob (`excluded_by`): environment
   files, keys, certificates and secrets folders never leave the machine, redacted or not;
2. redacts secrets from both messages (`redact`), each replaced by a placeholder such as
   ``<redacted:aws-access-key:1a2b3c4d>``;
3. refuses a prompt larger than ``maxRequestTokens``, estimated after redaction;

and returns a `GuardedRequest`: an `LLMRequest` that goes to a provider as it is, carrying the
redaction counts, token estimate and payload hash for the audit. `Guard.audit` appends one JSON
line per outcome to the audit log: time, provider, model, route, task, file, unit (and how many
units the request reviews), token counts, latency, cost, the SHA-256 of the payload actually
sent, and how many secrets of which kinds were redacted. Never code, never a secret.
`peer stats` and the editor's health view read it back (`peer_lsp.llm.usage_stats`); a field
a line lacks (written by an older version) is unknown there. A refusal is audited by `prepare`
itself and raised as `GuardRefusal`, an `InvalidRequest`: the router gives up at once instead
of trying the next provider, since every provider would be refused alike.

Detection and placeholders: see `peer_lsp.llm.redaction`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from peer_lsp.llm.errors import InvalidRequest
from peer_lsp.llm.options import GuardSettings
from peer_lsp.llm.redaction.assignments import name_kind
from peer_lsp.llm.redaction.placeholders import placeholder
from peer_lsp.llm.redaction.redact import Redaction, redact, redact_prompt
from peer_lsp.llm.send_exclude import compiled, excluded_by, is_excluded
from peer_lsp.llm.tokens import request_tokens
from peer_lsp.llm.types import LLMRequest, Usage

__all__ = [
    "Guard",
    "GuardRefusal",
    "GuardedRequest",
    "Redaction",
    "excluded_by",
    "is_excluded",
    "name_kind",
    "placeholder",
    "redact",
    "redact_prompt",
]

log = logging.getLogger(__name__)

AUDIT_FILE_NAME = "audit.jsonl"
MAX_AUDIT_BYTES = 10_000_000
"""The audit log is moved to ``audit.jsonl.1`` (replacing the previous one) past this size."""

# -- the guard ---------------------------------------------------------------------------------


class GuardRefusal(InvalidRequest):
    """A request the guard will not let out. ``reason``: ``excluded`` or ``too-large``.

    An `InvalidRequest`, so the router neither retries it nor tries another provider. The
    message names the file and the rule or limit, never code.
    """

    def __init__(self, reason: str, message: str, *, file: str = "", provider: str = "") -> None:
        super().__init__(message, provider=provider)
        self.reason = reason
        self.file = file


@dataclass(frozen=True, slots=True)
class GuardedRequest(LLMRequest):
    """An `LLMRequest` whose messages were redacted, with what the audit log needs."""

    redactions: int = 0
    redaction_kinds: tuple[tuple[str, int], ...] = ()
    estimated_tokens: int = 0
    payload_sha256: str = ""

    @property
    def kinds(self) -> dict[str, int]:
        return dict(self.redaction_kinds)


def payload_hash(system: str, user: str) -> str:
    """SHA-256 of the two messages as sent (JSON array ``[system, user]``)."""
    payload = json.dumps([system, user], ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(payload).hexdigest()


def default_audit_log() -> Path:
    """``audit.jsonl`` in the user state directory (e.g. ~/.local/state/peer-lsp)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("peer-lsp", appauthor=False)) / AUDIT_FILE_NAME


def audit_path(settings: GuardSettings, root: str | Path | None = None) -> Path:
    """Where the audit log of these settings is: ``auditLog`` (a relative path is relative to
    ``root``, the workspace or project folder), else `default_audit_log`."""
    path = Path(settings.audit_log).expanduser() if settings.audit_log else None
    if path is not None and not path.is_absolute() and root is not None:
        path = Path(root) / path
    return path or default_audit_log()


def _record(request: LLMRequest, provider: str, model: str, outcome: str) -> dict[str, object]:
    """An audit line with every field; what is not known (yet) is null. ``cost`` is in the
    currency of the provider's prices, null when it has none."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "ts": now,
        "provider": provider,
        "model": model,
        "task": str(request.task),
        "file": request.file,
        "unit": request.unit,
        "units": request.units,
        "route": None,
        "outcome": outcome,
        "estimated_input_tokens": None,
        "input_tokens": None,
        "output_tokens": None,
        "cached_input_tokens": None,
        "latency_ms": None,
        "cost": None,
        "payload_sha256": None,
        "redactions": None,
        "redaction_kinds": None,
    }


_AUDIT_LOCK = threading.Lock()
"""One writer at a time per process; each line is also one O_APPEND write, for other processes."""


class Guard:
    """The single exit: `prepare` each request before sending it, `audit` each outcome.

    ``root``: the workspace folder, for matching exclude globs and resolving a relative audit
    path. ``known_secrets``: values that are redacted wherever they occur (provider API keys).
    """

    def __init__(
        self,
        settings: GuardSettings,
        *,
        root: str | Path | None = None,
        known_secrets: Iterable[str] = (),
    ) -> None:
        self.send_exclude = tuple(settings.send_exclude)
        self.max_request_tokens = settings.max_request_tokens
        self.root = Path(root) if root is not None else None
        self.audit_path: Path = audit_path(settings, self.root)
        self._known = tuple(secret for secret in known_secrets if len(secret) >= 8)
        self._personal = tuple(settings.mask_personal_data)
        # The same system prompt comes with every request, a retry or a fallback repeats all.
        self._redact = functools.lru_cache(maxsize=256)(self._redact_uncached)
        self._warned = False
        self._checked_mode = False
        compiled(self.send_exclude)  # report invalid patterns once, now

    def prepare(self, request: LLMRequest, provider: str, model: str) -> GuardedRequest:
        """The request as it may be sent: redacted, within limits; or raise `GuardRefusal`."""
        if request.file:
            pattern = excluded_by(request.file, self.send_exclude, self.root)
            if pattern is not None:
                self._write(_record(request, provider, model, "refused:excluded"))
                raise GuardRefusal(
                    "excluded",
                    f"not sent: {request.file} matches the sendExclude pattern {pattern!r}",
                    file=request.file,
                    provider=provider,
                )
        guarded = self._redacted(request)
        if guarded.estimated_tokens > self.max_request_tokens:
            self.audit(guarded, provider, model, "refused:too-large")
            where = f"{request.file} {request.unit}".strip() or "the request"
            raise GuardRefusal(
                "too-large",
                f"not sent: {where} is about {guarded.estimated_tokens:,} tokens, over the "
                f"maxRequestTokens limit of {self.max_request_tokens:,}",
                file=request.file,
                provider=provider,
            )
        return guarded

    def audit(
        self,
        request: LLMRequest,
        provider: str,
        model: str,
        outcome: str,
        usage: Usage | None = None,
        latency_ms: float | None = None,
        *,
        route: str | None = None,
        cost: float | None = None,
    ) -> None:
        """Append one line for this request: ``sent``, ``cached``, ``error:KIND``, ``refused:…``.

        ``route``: the route that chose the provider; ``cost``: what the answer cost at the
        provider's prices (`peer_lsp.llm.lanes.cost_of`), None when unknown.

        ``request`` is best the `GuardedRequest` from `prepare`; a plain request (a cache hit)
        is redacted here only to compute its hash and counts. Never raises for an unwritable
        log: one warning, and requests go on.
        """
        guarded = request if isinstance(request, GuardedRequest) else self._redacted(request)
        record = _record(guarded, provider, model, outcome)
        record.update(
            route=route,
            cost=None if cost is None else round(cost, 9),
            estimated_input_tokens=guarded.estimated_tokens,
            payload_sha256=guarded.payload_sha256,
            redactions=guarded.redactions,
            redaction_kinds=guarded.kinds,
        )
        if usage is not None:
            record.update(
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cached_input_tokens=usage.cached_input_tokens,
            )
        if latency_ms is not None:
            record["latency_ms"] = round(latency_ms, 1)
        self._write(record)

    def redacted(self, request: LLMRequest) -> GuardedRequest:
        """``request`` as it would leave: redacted, nothing refused or audited (what the
        inspector keeps of it)."""
        return self._redacted(request)

    def _redact_uncached(self, text: str) -> Redaction:
        return redact_prompt(text, self._known, self._personal)

    def _redacted(self, request: LLMRequest) -> GuardedRequest:
        system = self._redact(request.system)
        user = self._redact(request.user)
        kinds = system.kinds + user.kinds
        fields = {f.name: getattr(request, f.name) for f in dataclasses.fields(LLMRequest)}
        fields.update(system=system.text, user=user.text)
        return GuardedRequest(
            **fields,
            redactions=system.count + user.count,
            redaction_kinds=tuple(sorted(kinds.items())),
            estimated_tokens=request_tokens(system.text, user.text, request.json_schema),
            payload_sha256=payload_hash(system.text, user.text),
        )

    def _write(self, record: Mapping[str, object]) -> None:
        line = (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode()
        path = self.audit_path
        try:
            with _AUDIT_LOCK:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = self._open(path)
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
        except OSError as error:
            if not self._warned:
                self._warned = True
                log.warning(
                    "cannot write the audit log %s (%s); requests are not audited",
                    path,
                    error.strerror or error,
                )

    def _open(self, path: Path) -> int:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags, 0o600)
        status = os.fstat(fd)
        if status.st_size > MAX_AUDIT_BYTES:
            os.close(fd)
            os.replace(path, path.with_name(path.name + ".1"))
            fd = os.open(path, flags, 0o600)
            status = os.fstat(fd)
        if not self._checked_mode:
            self._checked_mode = True
            fchmod = getattr(os, "fchmod", None)
            if fchmod is not None and status.st_mode & 0o077:
                with contextlib.suppress(OSError):
                    fchmod(fd, 0o600)
        return fd
