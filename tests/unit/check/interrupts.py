"""What the Ctrl-C tests start their `peer check` with."""

from __future__ import annotations

import signal


def interruptible() -> None:
    """Ctrl-C reaches the run as in a terminal even when the tests were started with SIGINT
    ignored (a shell's background job): the child starts with the default disposition, so
    Python installs its KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
