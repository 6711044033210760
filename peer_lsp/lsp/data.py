"""What peer puts in the ``data`` of its diagnostics and code actions, typed both ways.

A client echoes ``data`` back as it received it (or not at all: ALE drops it), and
diagnostics of other servers reach peer's handlers too; `from_json` therefore reads any
value and answers None for anything that is not peer's current format.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

FORMAT = 1
"""The ``peer`` key of every object below: ours, in this format."""


@dataclass(frozen=True, slots=True)
class DiagnosticData:
    """What a code action needs of a finding later, without asking any model again."""

    fingerprint: str
    confidence: float
    source: str
    model: str | None
    has_fix: bool

    def to_json(self) -> dict[str, object]:
        return {
            "peer": FORMAT,
            "fingerprint": self.fingerprint,
            "confidence": self.confidence,
            "source": self.source,
            "model": self.model,
            "hasFix": self.has_fix,
        }

    @staticmethod
    def fingerprint_in(data: object) -> str | None:
        """The fingerprint of peer's diagnostic data, or None when ``data`` is not that."""
        if not isinstance(data, dict) or data.get("peer") != FORMAT:
            return None
        value: object = data.get("fingerprint")
        return value if isinstance(value, str) else None


class Do(enum.StrEnum):
    """What resolving a code action does."""

    FIX = "fix"
    IGNORE = "ignore"
    FIX_ALL = "fixAll"


_DOINGS = frozenset(Do)


@dataclass(frozen=True, slots=True)
class ActionData:
    """A code action's edit, named until it is resolved (codeAction/resolve)."""

    uri: str
    do: Do
    fingerprint: str | None = None
    """The finding's; None for fix-all."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"peer": FORMAT, "uri": self.uri}
        if self.fingerprint is not None:
            data["fingerprint"] = self.fingerprint
        data["do"] = str(self.do)
        return data

    @classmethod
    def from_json(cls, data: object) -> ActionData | None:
        """The action data in ``data``, or None when it is not peer's."""
        if not isinstance(data, dict) or data.get("peer") != FORMAT:
            return None
        uri, do, fingerprint = data.get("uri"), data.get("do"), data.get("fingerprint")
        if not isinstance(uri, str) or not isinstance(do, str) or do not in _DOINGS:
            return None
        if fingerprint is not None and not isinstance(fingerprint, str):
            return None
        return cls(uri, Do(do), fingerprint)
