"""Whether a JavaScript or CSS file is minified, by its text: where rule findings are hints.

Nobody fixes a minified file: it is a build's output (Emscripten's loaders, a library's
``*.prod.js``), and a finding there belongs to the source it was built from, which is where
the user would change the code. The ``exclude`` default already skips ``*.min.js`` by name;
this catches the minified files whose names do not say so. `peer_lsp.rules.placement` makes
their rule findings hints, as it does for test code, so they are seen but do not count as
warnings or errors (a hard-coded secret in a bundle is kept: it ships to every browser).

The measure is the one a review uses to skip minified files (`peer_lsp.review.worth`, which
the rules cannot import): an average line longer than `MINIFIED_AVERAGE` characters in a
file of at least `MINIFIED_LEAST` bytes (hand-written code averages 30 to 40 characters).
"""

from __future__ import annotations

MINIFIED_AVERAGE = 110
"""Characters per line, on average, above which a file is minified (as github-linguist
judges it)."""

MINIFIED_LEAST = 2048
"""Files shorter than this are never minified: a few long lines make a short file's average
long."""

MINIFIABLE = frozenset({"javascript", "typescript", "tsx", "css", "scss"})
"""Grammars whose files are minified."""


def is_minified(data: bytes, grammar: str | None) -> bool:
    """Whether ``data`` (a file of ``grammar``) is minified: see the module docstring."""
    if grammar not in MINIFIABLE or len(data) < MINIFIED_LEAST:
        return False
    return len(data) // (data.count(b"\n") + 1) > MINIFIED_AVERAGE
