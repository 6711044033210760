"""Markup written to the DOM that cannot carry script: what js-inner-html leaves alone.

Writing a string to ``innerHTML`` runs the markup in it: a ``<script>``-less ``<img
onerror=...>`` fires even in a ``<div>`` never attached to the page. Three cases are safe
whatever the string holds, and DOM libraries' own implementations are made of them:

- the string goes through a Trusted Types policy (``policy.createHTML(html)``, a function
  whose name says ``TrustedHTML``): the policy decides what markup may pass;
- every substitution of a template literal is escaped (an escaper or sanitizer by name, or
  ``.replace(/"/g, "&quot;")`` with an HTML entity), so nothing it inserts is markup;
- the element is a ``<template>`` the function created: its content is an inert fragment,
  where no script or event handler runs.
"""

from __future__ import annotations

import re
import typing

from peer_lsp.rules.assignments import assigned_value
from peer_lsp.rules.grammar_nodes import text

if typing.TYPE_CHECKING:
    from tree_sitter import Node

    from peer_lsp.rules.model import Match

_POLICY = re.compile(r"TrustedHTML|createHTML", re.IGNORECASE)
"""A Trusted Types policy, or a function named for the trusted HTML it returns."""

_ESCAPER = re.compile(r"saniti[sz]e|escape|purify|encodeHTML", re.IGNORECASE)

_ENTITY = re.compile(r"""["'`]&(?:quot|lt|gt|amp|apos|#\d+|#x[0-9a-fA-F]+);["'`]""")
"""An HTML entity as a replacement string: ``s.replace(/"/g, "&quot;")`` escapes."""

_TEMPLATE = re.compile(r"""[\w$.]*createElement\(\s*["'`]template["'`]\s*\)""")


def escaped_template(node: Node, data: bytes) -> bool:
    """A template literal each of whose substitutions is escaped."""
    parts = [child for child in node.named_children if child.type == "template_substitution"]
    return bool(parts) and all(
        _ESCAPER.search(text(part, data)) or _ENTITY.search(text(part, data)) for part in parts
    )


def inert_template(match: Match) -> bool:
    """The element assigned to (``el.innerHTML = ...``) is a ``<template>`` created earlier
    in the same function."""
    target = match.report.parent
    left = target.child_by_field_name("left") if target is not None else None
    element = left.child_by_field_name("object") if left is not None else None
    if element is None or element.type != "identifier":
        return False
    created = assigned_value(element, match.grammar, match.data)
    return created is not None and _TEMPLATE.fullmatch(match.text(created)) is not None


def safe_markup(match: Match) -> bool:
    """Whether the markup of a js-inner-html match cannot carry script (module docstring)."""
    value = match.node("value") or match.report
    if _POLICY.search(match.text(value)):
        return True
    if value.type == "template_string" and escaped_template(value, match.data):
        return True
    return inert_template(match)
