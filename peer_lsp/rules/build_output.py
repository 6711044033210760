"""Which files a build wrote, by their path or their text: where rule findings are hints.

Nobody fixes a build's output: a finding there belongs to the source it was built from, which
is where the user changes the code (and where peer reports it too), and one bundler writes the
same source into many variants (``vue.cjs.js``, ``vue.global.js``, ``vue.esm-browser.js``...).
`peer_lsp.rules.placement` makes the rule findings of such a file hints, as it does for test
code, so they are seen but do not count as warnings or errors (a hard-coded secret there is
kept: it ships to every browser). For JavaScript, TypeScript and CSS, two signs, either
enough:

- a folder named ``dist`` on the path (`BUILD_FOLDERS`), where JavaScript and TypeScript
  packages put what their build writes; not ``build/``, ``lib/`` or ``out/``, where some
  projects keep their source (the same choice as the review's vendored folders,
  `peer_lsp.review.worth`, which the rules cannot import);
- JavaScript or CSS minified whatever its name: an average line longer than
  `MINIFIED_AVERAGE` characters in a file of at least `MINIFIED_LEAST` bytes, the review's
  measure (hand-written code averages 30 to 40 characters). The ``exclude`` default already
  skips ``*.min.js`` by name; this catches the minified files whose names do not say so
  (Emscripten's loaders, ``*.prod.js``).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

MINIFIED_AVERAGE = 110
"""Characters per line, on average, above which a file is minified (as github-linguist
judges it)."""

MINIFIED_LEAST = 2048
"""Files shorter than this are never minified: a few long lines make a short file's average
long."""

MINIFIABLE = frozenset({"javascript", "typescript", "tsx", "css", "scss"})
"""Grammars whose files are bundled and minified (a Python project's ``dist`` holds its
wheels, not its code)."""

BUILD_FOLDERS = frozenset({"dist"})
"""Folders (any depth) that hold a build's output."""


def is_minified(data: bytes, grammar: str | None) -> bool:
    """Whether ``data`` (a file of ``grammar``) is minified: see the module docstring."""
    if grammar not in MINIFIABLE or len(data) < MINIFIED_LEAST:
        return False
    return len(data) // (data.count(b"\n") + 1) > MINIFIED_AVERAGE


def in_build_folder(uri: str) -> bool:
    """Whether the file at ``uri`` (a path or a ``file://`` URI) is in a `BUILD_FOLDERS`
    folder."""
    path = unquote(urlsplit(uri).path) if uri.startswith("file:") else uri
    *folders, _ = path.replace("\\", "/").split("/")
    return any(folder in BUILD_FOLDERS for folder in folders)


def is_build_output(uri: str, data: bytes, grammar: str | None) -> bool:
    """Whether a build wrote the file, a JavaScript, TypeScript or CSS one: in a build folder,
    or minified (module docstring)."""
    return grammar in MINIFIABLE and (in_build_folder(uri) or is_minified(data, grammar))
