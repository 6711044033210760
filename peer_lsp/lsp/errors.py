"""Handlers never take the server down: a failure is logged with context and shown once."""

from __future__ import annotations

import functools
import logging
import typing
from collections.abc import Callable

from lsprotocol import types

if typing.TYPE_CHECKING:
    from peer_lsp.lsp.language_server import PeerLanguageServer

log = logging.getLogger(__name__)

P = typing.ParamSpec("P")
R = typing.TypeVar("R")


def survive(
    default: R,
) -> Callable[
    [Callable[typing.Concatenate[PeerLanguageServer, P], R]],
    Callable[typing.Concatenate[PeerLanguageServer, P], R],
]:
    """Decorate a handler so that an exception is reported and ``default`` returned."""

    def decorate(
        handler: Callable[typing.Concatenate[PeerLanguageServer, P], R],
    ) -> Callable[typing.Concatenate[PeerLanguageServer, P], R]:
        @functools.wraps(handler)
        def run(ls: PeerLanguageServer, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return handler(ls, *args, **kwargs)
            except Exception as error:
                log.exception("%s failed", handler.__name__)
                if handler.__name__ not in ls.reported_failures:
                    ls.reported_failures.add(handler.__name__)
                    ls.show(
                        types.MessageType.Error,
                        f"peer-lsp: {handler.__name__} failed ({type(error).__name__}: {error}); "
                        "details are in the peer-lsp log. The server keeps running.",
                    )
                return default

        return run  # type: ignore[return-value]

    return decorate
