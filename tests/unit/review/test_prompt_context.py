"""What a prompt tells the model about a unit's surroundings is true: a method of a decorated
class is a member of the class line, not of its decorator, and a known local finding is listed
at the line where the prompt shows its code."""

from __future__ import annotations

import re

import pytest

from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Category, Finding, Severity, Span
from peer_lsp.review.prompt.request import build_review_request
from peer_lsp.syntax.unit import Unit, UnitKind

PYTHON = """\
import functools


@functools.cache
def risky(expr):
    return eval(expr)


@dataclass(frozen=True)
class Box:
    size: int = 0

    @staticmethod
    def run(expr):
        return eval(expr)

    x = 1
"""

JAVA = """\
package a;

@Entity
@Table(name = "boxes")
public class Box extends Base {
    private int size;

    @Override
    public String toString() {
        return "box";
    }
}
"""

TYPESCRIPT = """\
@Component({
  selector: "app-box",
})
export class Box {
  size = 1;

  @Input()
  run(expr: string) {
    return eval(expr);
  }
}
"""

SOURCES = {"a.py": PYTHON, "Box.java": JAVA, "box.ts": TYPESCRIPT}
CLASS_LINES = {
    "a.py": "class Box:",
    "Box.java": "public class Box extends Base {",
    "box.ts": "export class Box {",
}
METHODS = {"a.py": "Box.run", "Box.java": "Box.toString", "box.ts": "Box.run"}


def _unit(document: Document, name: str) -> Unit:
    return next(unit for unit in document.units if unit.qualified_name == name)


def _finding(document: Document, line: int) -> Finding:
    start = document.lines.line_start(line)
    return Finding(
        span=Span(start, start + 1, line, line),
        severity=Severity.WARNING,
        category=Category.BUG,
        rule_id="local-rule",
        message="looks odd",
        source="rule:local-rule",
        fingerprint=f"fp-{line}",
    )


@pytest.mark.parametrize("path", list(SOURCES))
def test_a_method_of_a_decorated_class_is_a_member_of_the_class_line(path: str) -> None:
    document = Document.open(f"file:///p/{path}", SOURCES[path])
    request = build_review_request(_unit(document, METHODS[path]), document, path=path)
    member_of = request.user.split("Member of:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert member_of[-1] == CLASS_LINES[path]
    assert all(line.startswith(("@", "selector", "})")) for line in member_of[:-1])


def _listed_lines_show_their_code(document: Document, unit: Unit) -> int:
    """Each non-blank line of the unit as a known finding, alone: the line the prompt lists it
    at shows that line's code. Returns how many were listed."""
    listed = 0
    for line in range(unit.start_line, unit.end_line + 1):
        start = document.lines.line_start(line)
        code = document.data[start : document.lines.line_end(line, document.data)]
        text = code.decode().strip()
        if not text:
            continue
        finding = _finding(document, line)
        user = build_review_request(unit, document, path="x", known_findings=[finding]).user
        match = re.search(r"^- line (\d+): \[local-rule\]", user, re.MULTILINE)
        if match is None:
            continue
        listed += 1
        number = match.group(1)
        shown = re.search(rf"^ *{number} \|(.*)$", user, re.MULTILINE)
        assert shown is not None, f"line {number} is listed but not shown"
        assert shown.group(1).strip() == text
    return listed


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("path", list(SOURCES))
def test_known_findings_are_listed_where_the_prompt_shows_them(path: str, ending: str) -> None:
    text = SOURCES[path].replace("\n", ending)
    document = Document.open(f"file:///p/{path}", text)
    for unit in document.units:
        assert _listed_lines_show_their_code(document, unit) > 0, unit.qualified_name


@pytest.mark.parametrize("path", list(SOURCES))
def test_a_lone_carriage_return_is_a_line_break_in_the_prompt_too(path: str) -> None:
    """The document counts ``\\r`` alone as a line break (as LSP does); numbered otherwise,
    every later line of the prompt was one less than the document's."""
    text = SOURCES[path].replace("size", "si\rze", 1)
    document = Document.open(f"file:///p/{path}", text)
    for unit in document.units:
        assert _listed_lines_show_their_code(document, unit) > 0, unit.qualified_name


def test_a_class_prompt_does_not_list_findings_of_its_folded_members() -> None:
    document = Document.open("file:///p/a.py", PYTHON)
    box = _unit(document, "Box")
    assert box.kind is UnitKind.CLASS
    method = _unit(document, "Box.run")
    inside = _finding(document, method.end_line)  # `return eval(expr)`, folded in the class
    field = _finding(document, box.start_line + 2)  # `size: int = 0`, shown
    user = build_review_request(box, document, path="a.py", known_findings=[inside, field]).user
    assert re.findall(r"^- line (\d+):", user, re.MULTILINE) == ["3"]
    assert "\n3 |     size: int = 0\n" in user
    own = build_review_request(method, document, path="a.py", known_findings=[inside]).user
    assert "- line 3: [local-rule]" in own
    assert "\n3 |         return eval(expr)\n" in own
