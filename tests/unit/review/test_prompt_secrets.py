"""Secrets are redacted from the code before it becomes a prompt, not only by the guard.

The prompt is what the router dedups and keys on and what the guard checks last; if the code
is redacted only there, a line-number prefix hides the line's start and a secret in the unit
still decides the cache key. Values are built at run time so no scanner flags this file.
"""

from __future__ import annotations

import random
import string

from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Category, Finding, Severity, Span
from peer_lsp.review.prompt.request import build_explain_request, build_review_request, code_key

_RNG = random.Random(0x5EC)


def _secret() -> str:
    return "Q7" + "".join(_RNG.choice(string.ascii_letters + string.digits) for _ in range(18))


def _doc(text: str, path: str) -> Document:
    return Document.open(f"file:///work/{path}", text)


def test_yaml_code_is_redacted_before_numbering_and_keeps_its_lines() -> None:
    secret = _secret()
    key = "\n".join(f"    {_secret()}" for _ in range(4))
    text = f"db:\n  password: {secret}\ntls:\n  key: |\n{key}\nport: 5432\n"
    document = _doc(text, "app.yaml")
    (unit,) = document.units
    request = build_review_request(unit, document, path="app.yaml")
    assert secret not in request.user
    assert "2 | " in request.user
    assert "<redacted:password:" in request.user
    assert "9 | port: 5432" in request.user  # the block scalar's lines are still lines


def test_shell_export_is_redacted_in_the_prompt() -> None:
    secret = _secret()
    document = _doc(f"#!/bin/sh\nexport DATABASE_PASSWORD={secret}\nexec app\n", "run.sh")
    requests = [build_review_request(u, document, path="run.sh") for u in document.units]
    assert requests
    assert all(secret not in r.user for r in requests)


def test_the_cache_key_of_code_with_a_secret_does_not_depend_on_the_secret() -> None:
    keys = set()
    for _ in range(2):
        text = f'def connect():\n    password = "{_secret()}"\n    return db(password)\n'
        document = _doc(text, "db.py")
        (unit,) = document.units
        request = build_review_request(unit, document, path="db.py")
        keys.add(code_key(request, unit.normalized_hash))
        assert code_key(request, "") != unit.normalized_hash  # a hash of the raw secret
    assert len(keys) == 1


def test_the_cache_key_of_code_without_secrets_is_its_normalized_hash() -> None:
    document = _doc("def f(x):\n    return x + 1\n", "f.py")
    (unit,) = document.units
    request = build_review_request(unit, document, path="f.py")
    assert code_key(request, "") == unit.normalized_hash


def test_context_and_known_findings_are_redacted() -> None:
    secret, other = _secret(), _secret()
    text = (
        f'API_TOKEN = "{other}"\nimport os\n\n\nclass Client:\n'
        f'    def login(self):\n        return auth("admin", "{secret}")\n'
    )
    document = _doc(text, "client.py")
    unit = next(u for u in document.units if u.qualified_name == "Client.login")
    finding = Finding(
        span=Span(0, 1, 6, 6),
        severity=Severity.WARNING,
        category=Category.SECURITY,
        rule_id="py-hardcoded-secret",
        message=f"credential in code: {secret}",
        source="rule:py-hardcoded-secret",
        fingerprint="fp",
        explanation=f"The value {secret} is readable by everyone.",
    )
    review = build_review_request(unit, document, path="client.py", known_findings=[finding])
    explain = build_explain_request(finding, unit, document, path="client.py")
    for request in (review, explain):
        assert secret not in request.user
        assert other not in request.user
        assert "<redacted:" in request.user
