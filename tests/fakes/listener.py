"""A `TextListener` for tests: what an answer's stream gave, in order, and an event on the
first text (so a test waits for it instead of sleeping)."""

from __future__ import annotations

import asyncio

RESTART = "<restart>"


class Watcher:
    """Records each piece of text, and `RESTART` where a retry voided what came before."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.first_text = asyncio.Event()

    def on_text(self, delta: str) -> None:
        self.events.append(delta)
        self.first_text.set()

    def on_restart(self) -> None:
        self.events.append(RESTART)

    @property
    def text(self) -> str:
        """The text since the last restart."""
        restarts = [i for i, event in enumerate(self.events) if event == RESTART]
        return "".join(self.events[restarts[-1] + 1 if restarts else 0 :])
