"""What a command writes, on a terminal or into a pipe: colour only on a terminal, and a quiet
stop when the reader of stdout goes away. Shared by the commands that print findings or rules.
"""

from __future__ import annotations

import contextlib
import os
import sys
import typing

from peer_lsp.commands.exits import EXIT_BROKEN_PIPE

if typing.TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TextIO


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def quiet_broken_pipe(run: Callable[[], int]) -> int:
    """``run()``, or 141 without a traceback when the reader of stdout went away."""
    try:
        return run()
    except BrokenPipeError:
        # The reader left (`peer check | head`): stop quietly, with the status of SIGPIPE.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
