"""What the flow layers work out once per run of the rules over one document, and forget after.

Following names asks the same questions many times in one run (the bindings of a function,
whether the document mentions a web input at all), so the answers are kept; but an answer
holds syntax nodes, and a node keeps its whole tree alive: kept beyond the run, every edit
would pin another tree (a 50,000-line file's tree is about 60 MB). So the memo lives exactly
as long as `run_scope`, which `peer_lsp.rules.producer` opens around each run. Keys name
nodes by their byte range and type within the text they were parsed from (the memo holds
that text, so that its identity cannot be reused during the run). Outside a run (a rule
called on its own, as in tests) nothing is kept.
"""

from __future__ import annotations

import contextlib
import contextvars
import typing
from collections.abc import Callable, Hashable, Iterator

T = typing.TypeVar("T")

_MEMO: contextvars.ContextVar[dict[Hashable, object] | None] = contextvars.ContextVar(
    "peer_rules_memo", default=None
)


@contextlib.contextmanager
def run_scope() -> Iterator[None]:
    """Keep answers until the block ends (nested scopes share the outer one's)."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


_last_text: list[tuple[bytes, dict[Hashable, object]]] = []


def per_text(data: bytes, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept for the latest text asked about only: for answers that hold no
    node (whether the document mentions a word), asked in every run over the same text."""
    latest = _last_text[0] if _last_text else None
    if latest is None or latest[0] is not data:
        latest = (data, {})
        _last_text[:] = [latest]  # one text kept, never a tree
    answers = latest[1]
    if key in answers:
        return typing.cast("T", answers[key])
    value = answers[key] = compute()
    return value


def memoized(data: bytes, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned for ``key`` about the text ``data`` earlier in
    this run."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    full = (id(data), key)
    if full in memo:
        return typing.cast("T", memo[full])
    memo.setdefault(("text", id(data)), data)
    value = compute()
    memo[full] = value
    return value
