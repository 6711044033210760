"""Where the project lives on the web, so messages point somewhere a pip user can reach.

An installed copy has no docs/ folder: every user-facing mention of the documentation is a
link built here, never a path relative to a checkout.
"""

from __future__ import annotations

HOMEPAGE = "https://github.com/peer-lsp/peer-lsp"
"""The repository; pyproject.toml's [project.urls] name the same place."""

DOCS = f"{HOMEPAGE}/blob/main/docs"
"""The published docs/ folder."""


def docs_url(page: str, section: str = "") -> str:
    """The web address of docs/<page>, at its section (a heading anchor) when one is given."""
    url = f"{DOCS}/{page}"
    return f"{url}#{section}" if section else url
