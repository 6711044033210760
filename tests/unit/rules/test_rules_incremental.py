"""After any edit, the rules producer's incremental answer equals a full look at the document.

The producer looks again only at the regions around what an edit changed and keeps the rest
(`peer_lsp.rules.producer`). Random edits that add and remove rule matches, definitions,
blank lines and syntax errors must leave it with exactly the findings a fresh producer gives
for the same document: same rules, ranges, messages, fixes and fingerprints.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import TextChange
from peer_lsp.findings.model import Finding
from peer_lsp.rules.producer import RuleProducer

SOURCE = """import os

TOKEN = eval(os.environ["X"])


class Store:
    password = "pr0d-Pa55word"

    def add(self, item, items=[]):
        items.append(item)
        return item == None

    def load(self, blob):
        return eval(blob)


def total(values, seen=None):
    if seen == None:
        seen = set()
    return sum(values)


if __name__ == "__main__":
    print(total([1, 2]) == None)
"""

JAVASCRIPT = """const token = Math.random();

class Cart {
  add(item) {
    if (item.price === NaN) {
      debugger;
    }
    return eval(item.code);
  }
}

const handlers = {
  run: (code) => eval(code),
};

function total(values) {
  return values.length === NaN ? 0 : 1;
}
"""

JS_SNIPPETS = (
    "x",
    "\n",
    "eval(x);",
    " === NaN",
    "class K { m() { return eval(y); } }\n",
    "function f() { debugger; }\n",
    "{",
    "}",
    "const o = { p: () => eval(z) };\n",
)

SNIPPETS = (
    "x",
    " ",
    "\n",
    "\n\n",
    "eval(x)",
    " == None",
    "def f(a=[]):\n    a.append(1)\n    return a\n",
    "class K:\n    def m(self):\n        return eval(self)\n",
    "(",
    ":",
    "    ",
    "# peer: ignore\n",
)


def state(findings: list[Finding]) -> list[str]:
    return sorted(
        repr((f.rule_id, f.span, f.message, f.fingerprint, f.fix, f.severity, f.unit_name))
        for f in findings
    )


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, list[tuple[float, float, str]]]:
    language = draw(st.sampled_from(("python", "javascript")))
    snippets = SNIPPETS if language == "python" else JS_SNIPPETS
    count = draw(st.integers(1, 12))
    return language, [
        (
            draw(st.floats(0, 1)),
            draw(st.floats(0, 0.05)),
            draw(st.sampled_from(snippets)) if draw(st.booleans()) else "",
        )
        for _ in range(count)
    ]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_incremental_findings_equal_a_full_look(
    case: tuple[str, list[tuple[float, float, str]]],
) -> None:
    language, changes = case
    engine = Engine()
    uri = "/p/module.py" if language == "python" else "/p/module.js"
    source = SOURCE if language == "python" else JAVASCRIPT
    document = engine.open(uri, source, language, 1)
    for version, (where, length, text) in enumerate(changes, start=2):
        data = document.text
        start = int(where * len(data))
        end = min(len(data), start + int(length * len(data)))
        before = data[:start]
        line, column = before.count("\n"), len(before) - (before.rfind("\n") + 1)
        span = data[start:end]
        end_line = line + span.count("\n")
        end_column = (column + len(span)) if "\n" not in span else len(span) - span.rfind("\n") - 1
        engine.change(uri, [TextChange(text, (line, column, end_line, end_column))], version)
        incremental = engine.rules.findings(document, engine.settings, [])
        full = RuleProducer().findings(document, engine.settings)
        assert state(incremental) == state(full)
