"""The settings documented: each field's docstring, and the Markdown reference table that
docs/configuration.md embeds (tests/unit/test_docs.py keeps it current).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from peer_lsp.settings.model import SPECS, Settings
from peer_lsp.settings.options import accepted_values


def field_docs() -> dict[str, str]:
    """Each setting's documentation, read from the attribute docstrings of `Settings`."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(Settings))
    docs: dict[str, str] = {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
        ):
            docs[node.target.id] = " ".join(str(following.value.value).split())
    return docs


def reference_table() -> str:
    """The Markdown table of every setting: key, type, default, meaning."""
    docs = field_docs()
    defaults = Settings()
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for spec in SPECS:
        default = getattr(defaults, spec.attr)
        if isinstance(default, Mapping):
            shown = "{}" if not default else str(dict(default))
        elif isinstance(default, tuple) and all(isinstance(item, str) for item in default):
            shown = "[" + ", ".join(f'"{item}"' for item in default) + "]"
        elif isinstance(default, str):
            shown = f'"{default}"'
        else:
            shown = str(default)
        rows.append(f"| `{spec.key}` | {accepted_values(spec)} | `{shown}` | {docs[spec.attr]} |")
    return "\n".join(rows)
