"""Review prompts: rendering, context, budget trimming, cache identity, schema, shrinking."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Category, Finding, Severity, Span
from peer_lsp.llm.tokens import estimate_tokens, request_tokens
from peer_lsp.llm.types import LLMRequest, Task
from peer_lsp.review.prompt.request import (
    MAX_KNOWN_FINDINGS,
    PromptBudgetError,
    ReviewPrompt,
    build_explain_request,
    build_review_request,
    code_key,
    shrink,
)
from peer_lsp.review.prompt.templates import (
    CATEGORIES,
    EXPLAIN_PROMPT_VERSION,
    FINDINGS_SCHEMA,
    PROMPT_VERSION,
    SEVERITIES,
    load_template,
    render_template,
)
from peer_lsp.review.prompt.unit_context import UnitContext
from peer_lsp.syntax.unit import Unit

SOURCE = """\
import os
from typing import Any


class Repo(Base):
    def load(self, key: str) -> Any:
        data = self.read(key)
        return parse(data)

    def read(self, key: str) -> bytes:
        return b""


def parse(data: bytes) -> list[int]:
    return []


def unused(x):
    return os.sep
"""

BRACES = """\
def render(name):
    template = f"{{name}} {name} {imports} {code}"
    shell = "$HOME ${PATH} $1"
    return "%s %(x)d %%" % (template, shell) + "{" + "}" + "```"
"""


def _doc(text: str, path: str = "a.py") -> Document:
    return Document.open(f"file:///work/{path}", text)


def _unit(doc: Document, qualified_name: str) -> Unit:
    return next(unit for unit in doc.units if unit.qualified_name == qualified_name)


def _finding(line: int, rule: str = "local-rule", message: str = "looks odd") -> Finding:
    return Finding(
        span=Span(0, 1, line, line),
        severity=Severity.WARNING,
        category=Category.BUG,
        rule_id=rule,
        message=message,
        source=f"rule:{rule}",
        fingerprint=f"fp-{rule}-{line}",
        explanation="It **really** does.",
    )


def _tokens(request: LLMRequest) -> int:
    """What the budget bounds: both messages and the answer schema."""
    return request_tokens(request.system, request.user, request.json_schema)


def test_templates_are_package_data() -> None:
    for name in (PROMPT_VERSION, f"{PROMPT_VERSION}.user", EXPLAIN_PROMPT_VERSION):
        assert load_template(name).strip()
    assert '{"findings": []}' in load_template(PROMPT_VERSION)


def test_render_template_drops_empty_lines_and_paragraphs() -> None:
    template = 'Head {a}\n\nFile: {b}\nName: {c}\n\nList:\n{d}\n\nKeep {"x": 1} and {}'
    text = render_template(template, {"a": "A", "b": "", "c": "C", "d": ""})
    assert text == 'Head A\n\nName: C\n\nKeep {"x": 1} and {}'
    with pytest.raises(KeyError):
        render_template("{missing}", {})


def test_prompt_shows_numbered_unit_with_its_context() -> None:
    doc = _doc(SOURCE)
    request = build_review_request(_unit(doc, "Repo.load"), doc, path="pkg/repo.py")
    assert "1 |     def load(self, key: str) -> Any:" in request.user
    assert "2 |         data = self.read(key)" in request.user
    assert "3 |         return parse(data)" in request.user
    assert "4 |" not in request.user
    assert "class Repo(Base):" in request.user
    assert "Imports it uses:\nfrom typing import Any\n" in request.user  # not os: unused here
    assert "import os" not in request.user
    assert "def read(self, key: str) -> bytes:" in request.user
    assert "def parse(data: bytes) -> list[int]:" in request.user
    assert "def unused" not in request.user
    assert "pkg/repo.py" in request.user
    assert "python" in request.user


def test_request_fields() -> None:
    doc = _doc(SOURCE)
    unit = _unit(doc, "Repo.load")
    request = build_review_request(unit, doc, path="pkg/repo.py", task=Task.VERIFY)
    assert request.json_schema == FINDINGS_SCHEMA
    assert request.schema_name == "review"
    assert request.prompt_version == PROMPT_VERSION
    assert request.language == "python"
    assert request.file == "pkg/repo.py"
    assert request.unit == "Repo.load"
    assert request.task is Task.VERIFY
    assert request.unit_tokens == estimate_tokens(unit.text)
    assert request.context_key
    assert "pkg/repo.py" not in request.system  # the system message is the same for every unit


def test_path_defaults_to_the_file_name() -> None:
    doc = _doc(SOURCE, "deep/dir/my%20repo.py")
    request = build_review_request(_unit(doc, "parse"), doc, path="")
    assert "File: my repo.py" in request.user


def test_function_without_class_has_no_member_line() -> None:
    doc = _doc(SOURCE)
    request = build_review_request(_unit(doc, "parse"), doc, path="a.py")
    assert "member of" not in request.user
    assert "Signatures" not in request.user
    assert "1 | def parse(data: bytes) -> list[int]:" in request.user


def test_code_with_braces_dollars_and_percents_renders_intact() -> None:
    doc = _doc(BRACES)
    request = build_review_request(_unit(doc, "render"), doc, path="b.py")
    for number, line in enumerate(BRACES.splitlines(), start=1):
        assert f"{number} | {line}" in request.user
    assert "````\n" in request.user  # the fence is longer than the code's backtick run


def test_known_findings_use_unit_lines() -> None:
    doc = _doc(SOURCE)
    unit = _unit(doc, "Repo.load")  # document lines 5..7 (0-based)
    inside = _finding(6, "no-io", "blocking\ncall")
    outside = _finding(12, "outside-rule")
    request = build_review_request(unit, doc, path="a.py", known_findings=[outside, inside])
    assert "- line 2: [no-io] blocking call" in request.user
    assert "outside-rule" not in request.user


def _wide_context(lines: int = 40) -> UnitContext:
    return UnitContext(
        language="python",
        path="a.py",
        kind="function",
        name="f",
        lines=tuple(f"    value_{i} = compute_{i}(value_{i - 1})" for i in range(lines)),
        imports=tuple(f"import module_{i}" for i in range(20)),
        class_header="class Holder(Base):",
        siblings=tuple(f"def compute_{i}(value: int) -> int:" for i in range(8)),
        known=tuple((i % lines + 1, f"line {i % lines + 1}: [r{i}] note {i}") for i in range(14)),
    )


def _stage(user: str) -> tuple[int, bool, bool, bool]:
    """What a rendering kept: known findings, siblings, imports, whole unit."""
    known = user.count(": [r")
    return known, "def compute_" in user, "import module_" in user, "truncated" not in user


def test_budget_trimming_order_and_bound() -> None:
    context = _wide_context()
    full = ReviewPrompt(context, budget_tokens=100_000).render()
    stages = []
    budget = _tokens(full)
    while True:
        try:
            request = ReviewPrompt(context, budget_tokens=budget).render()
        except PromptBudgetError:
            break
        assert _tokens(request) <= budget
        stages.append(_stage(request.user))
        budget -= 25
    assert stages[0] == (14, True, True, True)
    seen = list(dict.fromkeys(stages))
    assert seen[1] == (MAX_KNOWN_FINDINGS, True, True, True)
    assert seen[2] == (MAX_KNOWN_FINDINGS, False, True, True)
    assert seen[3] == (MAX_KNOWN_FINDINGS, False, False, True)
    assert all(not whole for _, _, _, whole in seen[4:])
    assert all(not siblings and not imports for _, siblings, imports, _ in seen[4:])


def test_truncated_unit_is_cut_at_a_line_boundary() -> None:
    context = _wide_context()
    full = ReviewPrompt(context, budget_tokens=100_000).render()
    request = ReviewPrompt(context, budget_tokens=_tokens(full) // 2).render()
    assert "(unit truncated)" in request.user
    shown = [line for line in request.user.splitlines() if " | " in line]
    assert shown == [
        f"{i + 1:>{len(str(len(context.lines)))}} | {context.lines[i]}" for i in range(len(shown))
    ]
    assert 0 < len(shown) < len(context.lines)


def test_budget_too_small_raises() -> None:
    with pytest.raises(PromptBudgetError):
        ReviewPrompt(_wide_context(), budget_tokens=50).render()


def test_context_key_follows_context_not_unit_body() -> None:
    doc = _doc(SOURCE)
    base = build_review_request(_unit(doc, "Repo.load"), doc, path="a.py").context_key
    body = _doc(SOURCE.replace("return parse(data)", "return parse(data) or []"))
    same = build_review_request(_unit(body, "Repo.load"), body, path="a.py").context_key
    imports = _doc(SOURCE.replace("from typing import Any", "from typing_extensions import Any"))
    other = build_review_request(_unit(imports, "Repo.load"), imports, path="a.py").context_key
    unused = _doc(SOURCE.replace("import os", "import sys"))
    unrelated = build_review_request(_unit(unused, "Repo.load"), unused, path="a.py")
    moved = build_review_request(_unit(doc, "Repo.load"), doc, path="other/place.py")
    assert same == base
    assert other != base
    assert unrelated.context_key == base  # an import that load() does not use
    assert moved.context_key == base


def test_context_key_changes_with_known_findings() -> None:
    doc = _doc(SOURCE)
    unit = _unit(doc, "Repo.load")
    plain = build_review_request(unit, doc, path="a.py")
    known = build_review_request(unit, doc, path="a.py", known_findings=[_finding(6)])
    assert plain.context_key != known.context_key


# -- the schema ----------------------------------------------------------------------------


def _check(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """A tiny JSON Schema check for the keywords FINDINGS_SCHEMA uses."""
    if "anyOf" in schema:
        if any(not _check(value, option, where) for option in schema["anyOf"]):
            return []
        return [f"{where}: matches no option"]
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    python: dict[str, type | tuple[type, ...]] = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "null": type(None),
    }
    if not any(isinstance(value, python[kind]) for kind in kinds) or isinstance(value, bool):
        return [f"{where}: expected {kinds}"]
    errors: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in enum")
    if isinstance(value, dict):
        errors += [f"{where}: missing {key}" for key in schema["required"] if key not in value]
        errors += [f"{where}: extra {key}" for key in value if key not in schema["properties"]]
        for key, item in value.items():
            if key in schema["properties"]:
                errors += _check(item, schema["properties"][key], f"{where}.{key}")
    if isinstance(value, list):
        for index, item in enumerate(value):
            errors += _check(item, schema["items"], f"{where}[{index}]")
    return errors


def _strict_objects(schema: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            found.append(schema)
        for value in schema.values():
            found += _strict_objects(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _strict_objects(value)
    return found


SAMPLE = {
    "findings": [
        {
            "severity": "warning",
            "category": "bug",
            "title": "Result ignored",
            "message": "The parsed value is dropped.",
            "explanation": "`parse` returns a list; use it.",
            "excerpt": "return parse(data)",
            "line": 3,
            "end_line": 3,
            "confidence": 0.7,
            "fix": {
                "replacement": "        return parse(data) or []",
                "start_line": 3,
                "end_line": 3,
            },
        },
        {
            "severity": "hint",
            "category": "style",
            "title": "Name",
            "message": "m",
            "explanation": "e",
            "excerpt": "x",
            "line": 1,
            "end_line": 1,
            "confidence": 1,
            "fix": None,
        },
    ]
}


def test_schema_accepts_the_documented_shape() -> None:
    assert _check(SAMPLE, FINDINGS_SCHEMA) == []
    assert _check({"findings": []}, FINDINGS_SCHEMA) == []
    json.dumps(FINDINGS_SCHEMA)  # plain JSON, as every provider needs


def test_schema_rejects_other_shapes() -> None:
    finding = dict(SAMPLE["findings"][0])
    assert _check({"findings": [{**finding, "severity": "fatal"}]}, FINDINGS_SCHEMA)
    assert _check({"findings": [{**finding, "category": "syntax"}]}, FINDINGS_SCHEMA)
    assert _check({"findings": [{**finding, "extra": 1}]}, FINDINGS_SCHEMA)
    assert _check({"findings": [{**finding, "fix": {"replacement": "x"}}]}, FINDINGS_SCHEMA)
    without_excerpt = {k: v for k, v in finding.items() if k != "excerpt"}
    assert _check({"findings": [without_excerpt]}, FINDINGS_SCHEMA)


def test_schema_stays_in_the_strict_subset() -> None:
    objects = _strict_objects(FINDINGS_SCHEMA)
    assert len(objects) == 3  # answer, finding, fix
    for node in objects:
        assert node["additionalProperties"] is False
        assert sorted(node["required"]) == sorted(node["properties"])
    text = json.dumps(FINDINGS_SCHEMA)
    for keyword in ("minimum", "maximum", "oneOf", "$ref", "pattern", "format"):
        assert f'"{keyword}"' not in text
    item = FINDINGS_SCHEMA["properties"]["findings"]["items"]["properties"]
    assert item["severity"]["enum"] == list(SEVERITIES)
    assert item["category"]["enum"] == list(CATEGORIES)


# -- shrinking and explaining --------------------------------------------------------------


def test_shrink_returns_smaller_requests_then_none() -> None:
    lines = "\n".join(f"    total += item_{i} * {i}" for i in range(200))
    doc = _doc(f"import os\n\n\ndef big(items):\n    total = 0\n{lines}\n    return total\n")
    request = build_review_request(_unit(doc, "big"), doc, path="a.py")
    sizes = [_tokens(request)]
    current: LLMRequest | None = shrink(request)
    while current is not None:
        sizes.append(_tokens(current))
        assert current.prompt_version == request.prompt_version
        assert current.unit == "big"
        current = shrink(current)
    assert len(sizes) >= 3
    assert all(later < earlier for earlier, later in itertools.pairwise(sizes))


def test_shrink_ignores_unknown_requests() -> None:
    assert shrink(LLMRequest(system="s", user="u")) is None


def test_explain_request() -> None:
    doc = _doc(SOURCE)
    unit = _unit(doc, "Repo.load")
    finding = _finding(7, "unused-result", "The result of parse is returned unchecked.")
    request = build_explain_request(finding, unit, doc, path="pkg/repo.py")
    assert request.task is Task.EXPLAIN
    assert request.json_schema is None
    assert request.prompt_version == EXPLAIN_PROMPT_VERSION
    assert "[unused-result] warning, bug, line 3: The result of parse" in request.user
    assert "It **really** does." in request.user
    assert "3 |         return parse(data)" in request.user
    assert "markdown" in request.system
    other = build_explain_request(_finding(6, "x"), unit, doc, path="pkg/repo.py")
    assert other.context_key != request.context_key
    assert shrink(request) is None or _tokens(shrink(request) or request) < _tokens(request)


STORE = """\
import json


class Store:
    limit = 10

    def load(self, raw):
        data = json.loads(raw)
        return data[: self.limit]
"""


def test_a_class_is_sent_as_a_skeleton_and_a_method_edit_keeps_its_cache_key() -> None:
    doc = _doc(STORE)
    request = build_review_request(_unit(doc, "Store"), doc, path="a.py")
    assert "3 |\n  |     … lines 4-6: members, reviewed on their own\n```" in request.user
    assert "json.loads" not in request.user
    assert "import json" not in request.user  # only the method's body uses it
    key = code_key(request, "unknown")
    assert key not in ("unknown", _unit(doc, "Store").normalized_hash)

    edited = _doc(STORE.replace("data[: self.limit]", "data[: self.limit * 2]"))
    again = build_review_request(_unit(edited, "Store"), edited, path="a.py")
    assert code_key(again, "unknown") == key
    assert again.user == request.user

    renamed = _doc(STORE.replace("def load(self, raw)", "def load(self, raw, strict=False)"))
    signature = build_review_request(_unit(renamed, "Store"), renamed, path="a.py")
    assert code_key(signature, "unknown") == key

    longer = _doc(STORE.replace("return data", "data = data or []\n        return data"))
    moved = build_review_request(_unit(longer, "Store"), longer, path="a.py")
    assert "… lines 4-7: members" in moved.user
    assert code_key(moved, "unknown") == key

    method = "\n    def save(self):\n        pass\n"
    more = _doc(STORE + method)
    assert code_key(build_review_request(_unit(more, "Store"), more, path="a.py"), "") == key

    grown = _doc(STORE.replace("limit = 10", "limit = 10\n    strict = True"))
    other = build_review_request(_unit(grown, "Store"), grown, path="a.py")
    assert code_key(other, "unknown") != key


def test_a_function_is_keyed_by_its_normalized_hash() -> None:
    doc = _doc(STORE)
    method = _unit(doc, "Store.load")
    request = build_review_request(method, doc, path="a.py")
    assert code_key(request, "unknown") == method.normalized_hash
    assert "import json" in request.user
