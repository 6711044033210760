"""JSON with comments (tsconfig.json, .vscode/settings.json, *.jsonc, or the editor's
``jsonc``): a trailing comma is not a syntax error there; every other error still is, and in
plain JSON the trailing comma still is one. Found on real code: every tsconfig.json of the
npm sweep with a trailing comma was reported as broken."""

from __future__ import annotations

import pytest

from peer_lsp.analysis.syntax_findings import is_jsonc, syntax_findings
from peer_lsp.documents.store import Document

TRAILING = (
    '{\n  "compilerOptions": {\n    "strict": true, // on\n'
    '    "lib": ["es2022", "dom",],\n  },\n}\n'
)


def errors(uri: str, text: str, language_id: str = "") -> list[tuple[int, str]]:
    document = Document.open(uri, text, language_id)
    return [(f.span.start_line, f.message) for f in syntax_findings(document)]


@pytest.mark.parametrize(
    ("uri", "language_id"),
    [
        ("file:///p/tsconfig.json", ""),
        ("file:///p/tsconfig.build.json", ""),
        ("file:///p/jsconfig.json", ""),
        ("file:///p/.vscode/settings.json", ""),
        ("file:///p/.devcontainer/devcontainer.json", ""),
        ("file:///p/conf.jsonc", ""),
        ("file:///p/anything.json", "jsonc"),
    ],
)
def test_trailing_commas_are_accepted_in_json_with_comments(uri: str, language_id: str) -> None:
    assert is_jsonc(language_id, uri)
    assert errors(uri, TRAILING, language_id) == []


def test_plain_json_still_reports_them() -> None:
    assert not is_jsonc("json", "file:///p/package.json")
    lines = [line for line, _ in errors("file:///p/package.json", TRAILING, "json")]
    assert lines == [3, 3, 4]  # after "dom", after the list, after the object


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [,]}\n',  # a comma with nothing before it
        '{"a": 1,, "b": 2}\n',  # two commas
        '{"a": 1 "b": 2}\n',  # a missing comma
        '{"a": [1, 2\n',  # unclosed
    ],
)
def test_other_errors_are_still_reported_in_json_with_comments(text: str) -> None:
    assert errors("file:///p/tsconfig.json", text) != []
