"""Model answers as real models write them, and what parsing and locating must make of each.

Each `Case` is one answer about one unit of one of the `SOURCES`, with the findings that must
come out of it (title, document line where the located excerpt starts, category, severity,
confidence, whether it was found verbatim, the fix edit or why the fix was refused) and the
reasons of everything dropped on the way, parse drops first. Line numbers inside answers are
the unit's own, 1-based, as the prompt shows them; lines in the expectations are document
lines, 1-based, as an editor shows them. A case id starts with its kind (``fenced/...``).

Answers keep the long lines models write (one finding per line), hence no line-length check.
"""
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass

from peer_lsp.review.answer import locate, normalize

PYTHON = """\
import sqlite3


def total(items):
    result = 0
    for item in items:
        result += item["price"] * item["qty"]
    return result


def find_user(db, name):
    query = "SELECT * FROM users WHERE name = '%s'" % name
    rows = db.execute(query).fetchall()
    if len(rows) == 0:
        return None
    return rows[0]


class Cache:
    def __init__(self):
        self.items = {}

    def get(self, key, default=[]):
        if key in self.items:
            return self.items[key]
        return default

    def put(self, key, value):
        if key in self.items:
            return
        self.items[key] = value
"""

JAVASCRIPT = """\
const fs = require("fs");

function readConfig(path) {
  const text = fs.readFileSync(path, "utf8");
  const config = eval("(" + text + ")");
  if (config.port == undefined) {
    config.port = 8080;
  }
  return config;
}

async function fetchAll(urls) {
  const results = [];
  for (const url of urls) {
    results.push(await fetch(url));
  }
  return results;
}

class Flag { on() { return this.value = true; } }
"""

GO = """\
package store

import (
\t"database/sql"
\t"fmt"
)

func Lookup(db *sql.DB, id string) (string, error) {
\trow := db.QueryRow(fmt.Sprintf("SELECT name FROM users WHERE id = %s", id))
\tvar name string
\terr := row.Scan(&name)
\treturn name, nil
}

func Count(items []string) int {
\tn := 0
\tfor i := 0; i <= len(items); i++ {
\t\tn++
\t}
\treturn n
}
"""

JAVA = """\
import java.util.List;

public class Report {
    public String join(List<String> parts) {
        String out = "";
        for (int i = 0; i <= parts.size(); i++) {
            out += parts.get(i);
        }
        return out;
    }

    public boolean same(String a, String b) {
        return a == b;
    }
}
"""

UNICODE = """\
def greet(name):
    \"\"\"Say hello — politely, to everyone: 日本語 too.\"\"\"
    message = "héllo, " + name + " 👋"
    if name == "Zoë":
        message = message.upper()
    return mesage
"""

SOURCES: dict[str, tuple[str, str, str]] = {
    "py": ("file:///work/shop/users.py", "python", PYTHON),
    "js": ("file:///work/web/config.js", "javascript", JAVASCRIPT),
    "go": ("file:///work/store/store.go", "go", GO),
    "java": ("file:///work/report/Report.java", "java", JAVA),
    "unicode": ("file:///work/greet.py", "python", UNICODE),
    "crlf": ("file:///work/shop/users_win.py", "python", PYTHON.replace("\n", "\r\n")),
}
"""Sources by key: (uri, languageId, text)."""


@dataclass(frozen=True)
class Edit:
    """An expected fix edit: document lines (1-based) of its start and end, and its text."""

    first_line: int
    last_line: int
    new_text: str


@dataclass(frozen=True)
class Want:
    """One expected located finding.

    ``line`` is the 1-based document line where the located range starts; ``quoted``, when
    given, is the exact document text of the range; ``fix`` is the expected edit, or the
    reason the proposed fix is refused.
    """

    title: str
    line: int
    category: str
    severity: str
    confidence: float
    exact: bool = True
    quoted: str | None = None
    fix: Edit | str | None = None


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    unit: str
    answer: str
    want: tuple[Want, ...] = ()
    dropped: tuple[str, ...] = ()


SQL_FINDING = r"""{"severity": "error", "category": "security", "title": "SQL injection",
 "message": "The query is built by string formatting from the caller's input.",
 "excerpt": "query = \"SELECT * FROM users WHERE name = '%s'\" % name",
 "line": 2, "confidence": 0.9, "fix": null}"""
SQL_WANT = Want("SQL injection", 12, "security", "error", 0.9)

CASES: tuple[Case, ...] = (
    # --- well formed ------------------------------------------------------------------------
    Case(
        "well-formed/sql-injection-with-fix",
        "py",
        "find_user",
        r"""{"findings": [{"severity": "error", "category": "security", "title": "SQL injection",
"message": "The query is built with string formatting from user input.",
"explanation": "Use a **parameterized** query: `db.execute(sql, (name,))`.",
"excerpt": "query = \"SELECT * FROM users WHERE name = '%s'\" % name",
"line": 2, "end_line": 2, "confidence": 0.92,
"fix": {"replacement": "    query = \"SELECT * FROM users WHERE name = ?\"\n    rows = db.execute(query, (name,)).fetchall()\n", "start_line": 2, "end_line": 3}}]}""",
        (
            Want(
                "SQL injection",
                12,
                "security",
                "error",
                0.92,
                quoted="query = \"SELECT * FROM users WHERE name = '%s'\" % name",
                fix=Edit(
                    12,
                    13,
                    '    query = "SELECT * FROM users WHERE name = ?"\n'
                    "    rows = db.execute(query, (name,)).fetchall()",
                ),
            ),
        ),
    ),
    Case(
        "well-formed/two-findings",
        "py",
        "Cache.get",
        r"""{
  "findings": [
    {
      "severity": "warning",
      "category": "bug",
      "title": "Mutable default argument",
      "message": "The default list is created once and shared by every call.",
      "explanation": "Use `None` and create the list inside the function.",
      "excerpt": "default=[]",
      "line": 1,
      "end_line": 1,
      "confidence": 0.8,
      "fix": {"replacement": "def get(self, key, default=None):", "start_line": 1, "end_line": 1}
    },
    {
      "severity": "hint",
      "category": "maintainability",
      "title": "Use dict.get",
      "message": "The lookup can be written as one call.",
      "explanation": "",
      "excerpt": "if key in self.items:\n            return self.items[key]\n        return default",
      "line": 2,
      "end_line": 4,
      "confidence": 0.4,
      "fix": null
    }
  ]
}""",
        (
            Want(
                "Mutable default argument",
                23,
                "bug",
                "warning",
                0.8,
                fix=Edit(23, 23, "def get(self, key, default=None):"),
            ),
            Want("Use dict.get", 24, "maintainability", "hint", 0.4),
        ),
    ),
    Case("well-formed/empty", "py", "total", '{"findings": []}'),
    Case(
        "well-formed/no-issues-prose",
        "py",
        "total",
        "I reviewed `total` carefully. No issues found: the loop is correct and idiomatic.",
    ),
    Case(
        "well-formed/findings-null",
        "py",
        "total",
        '{"findings": null, "summary": "Looks good to me."}',
    ),
    # --- fenced -----------------------------------------------------------------------------
    Case(
        "fenced/json-tag",
        "js",
        "readConfig",
        r"""```json
{"findings": [{"severity": "error", "category": "security", "title": "eval on file contents",
  "message": "eval executes whatever the configuration file contains.",
  "excerpt": "eval(\"(\" + text + \")\")", "line": 3, "confidence": 0.95,
  "fix": {"replacement": "  const config = JSON.parse(text);", "start_line": 3, "end_line": 3}}]}
```""",
        (
            Want(
                "eval on file contents",
                5,
                "security",
                "error",
                0.95,
                quoted='eval("(" + text + ")")',
                fix=Edit(5, 5, "  const config = JSON.parse(text);"),
            ),
        ),
    ),
    Case(
        "fenced/untagged-with-prose",
        "js",
        "readConfig",
        r"""Sure! Here is my review of `readConfig`.

```
{"findings": [{"severity": "minor", "category": "code smell", "title": "Loose equality",
  "message": "`==` also matches null.", "excerpt": "config.port == undefined", "line": 4,
  "confidence": 0.55}]}
```

The rest of the function looks fine.""",
        (Want("Loose equality", 6, "maintainability", "info", 0.55),),
    ),
    Case(
        "fenced/unterminated",
        "go",
        "Lookup",
        r"""```json
{
  "findings": [
    {"severity": "error", "category": "bug", "title": "Scan error ignored",
     "message": "err from row.Scan is never returned.", "excerpt": "return name, nil",
     "line": 5, "confidence": "90%"}
  ]
}""",
        (Want("Scan error ignored", 12, "bug", "error", 0.9),),
    ),
    Case(
        "fenced/code-block-before-json",
        "go",
        "Lookup",
        r"""The query should use a placeholder, like this:

```go
row := db.QueryRow("SELECT name FROM users WHERE id = ?", id)
m := map[string]int{"a": 1}
```

```json
{"findings": [{"severity": "error", "category": "security", "title": "SQL injection",
  "message": "id is formatted into the query.",
  "excerpt": "fmt.Sprintf(\"SELECT name FROM users WHERE id = %s\", id)",
  "line": 2, "confidence": 0.9}]}
```""",
        (Want("SQL injection", 9, "security", "error", 0.9),),
    ),
    Case(
        "fenced/backticks-inside-explanation",
        "unicode",
        "greet",
        "```json\n"
        + r"""{"findings": [{"severity": "error", "category": "bug", "title": "Undefined name",
  "message": "mesage is not defined.",
  "explanation": "Rename it:
```python
return message
```
",
  "excerpt": "return mesage", "line": 6, "confidence": 0.99}]}"""
        + "\n```\n",
        (Want("Undefined name", 6, "bug", "error", 0.99),),
    ),
    # --- chatty -----------------------------------------------------------------------------
    Case(
        "chatty/brackets-in-prose",
        "py",
        "find_user",
        r"""Here's what I found [2 issues, see below]. Note that `rows[0]` is safe here.

{"findings": [
"""
        + SQL_FINDING
        + r""",
{"severity": "hint", "category": "style", "title": "Use truthiness",
 "message": "`if not rows:` reads better.", "excerpt": "if len(rows) == 0:", "line": 4,
 "confidence": 0.3}]}

Let me know if you want more {details} or a patch!""",
        (SQL_WANT, Want("Use truthiness", 14, "style", "hint", 0.3)),
    ),
    Case(
        "chatty/think-block",
        "py",
        "total",
        r"""<think>The user wants JSON like {"findings": [...]}. The loop [items] looks fine,
but item["price"] may be missing.</think>
{"findings": [{"severity": "warning", "category": "bug", "title": "Missing key",
"message": "item[\"price\"] raises KeyError for items without a price.",
"excerpt": "result += item[\"price\"] * item[\"qty\"]", "line": 4, "confidence": 0.4}]}""",
        (Want("Missing key", 7, "bug", "warning", 0.4),),
    ),
    Case(
        "chatty/wrapper-object",
        "py",
        "total",
        r"""{"review": {"unit": "total", "issues": [{"severity": "info",
"category": "maintainability", "title": "Use sum()", "message": "A generator with sum() is
clearer.", "excerpt": "result = 0", "line": 2, "confidence": 0.5}]}}""",
        (Want("Use sum()", 5, "maintainability", "info", 0.5),),
    ),
    Case(
        "chatty/json-lines",
        "js",
        "fetchAll",
        r"""{"severity": "warning", "category": "performance", "title": "Sequential requests", "message": "Each fetch waits for the previous one.", "excerpt": "results.push(await fetch(url));", "line": 4, "confidence": 0.75}
{"severity": "info", "category": "style", "title": "Prefer map", "message": "urls.map reads better.", "excerpt": "for (const url of urls) {", "line": 3, "confidence": 0.35}""",
        (
            Want("Sequential requests", 15, "performance", "warning", 0.75),
            Want("Prefer map", 14, "style", "info", 0.35),
        ),
    ),
    # --- shapes and spellings ---------------------------------------------------------------
    Case(
        "shape/bare-array",
        "java",
        "Report.same",
        r"""[{"severity": "high", "category": "bug", "title": "String compared with ==",
"message": "== compares references, not contents.", "excerpt": "return a == b;", "line": 2,
"confidence": 85}]""",
        (Want("String compared with ==", 13, "bug", "error", 0.85),),
    ),
    Case(
        "shape/single-object",
        "java",
        "Report.join",
        r"""{"severity": "critical", "category": "correctness", "title": "Off-by-one",
"message": "i reaches parts.size(), one past the last index.", "excerpt": "i <= parts.size()",
"line": 3, "confidence": "high"}""",
        (Want("Off-by-one", 6, "bug", "error", 0.8),),
    ),
    Case(
        "shape/other-key-cases",
        "java",
        "Report.join",
        r"""{"Findings": [{"Severity": "Major", "Category": "Performance",
"Title": "String concatenation in a loop", "Description": "Each += copies the string.",
"Code": "out += parts.get(i);", "StartLine": 4, "EndLine": 4, "Confidence": "70%",
"suggestedFix": {"newCode": "StringBuilder out = new StringBuilder();\nfor (String part : parts) {\n    out.append(part);\n}\nreturn out.toString();", "lines": "2-6"}}]}""",
        (
            Want(
                "String concatenation in a loop",
                7,
                "performance",
                "warning",
                0.7,
                fix=Edit(
                    5,
                    9,
                    "        StringBuilder out = new StringBuilder();\n"
                    "        for (String part : parts) {\n"
                    "            out.append(part);\n"
                    "        }\n"
                    "        return out.toString();",
                ),
            ),
        ),
    ),
    Case(
        "shape/confidence-formats",
        "go",
        "Count",
        r"""{"findings": [
{"severity": "error", "category": "bug", "title": "Off-by-one", "message": "Reads past the end.", "excerpt": "i <= len(items)", "line": 3, "confidence": 85},
{"severity": "hint", "category": "style", "title": "Short declaration", "message": "Fine as is.", "excerpt": "n := 0", "line": 2, "confidence": "very low"},
{"severity": "info", "category": "maintainability", "title": "Use len", "message": "The loop counts items.", "excerpt": "return n", "line": 6, "confidence": 7},
{"severity": "hint", "category": "style", "title": "Increment", "message": "n++ is fine.", "excerpt": "n++", "line": 4, "confidence": -0.2},
{"severity": "hint", "category": "style", "title": "Signature", "message": "Unused.", "excerpt": "func Count(items []string) int", "line": 1, "confidence": "n/a"}
]}""",
        (
            Want("Off-by-one", 17, "bug", "error", 0.85),
            Want("Short declaration", 16, "style", "hint", 0.15),
            Want("Use len", 20, "maintainability", "info", 0.7),
            Want("Increment", 18, "style", "hint", 0.0),
            Want("Signature", 15, "style", "hint", 0.5),
        ),
    ),
    Case(
        "shape/severity-words",
        "py",
        "find_user",
        r"""{"findings": [
{"severity": "critical", "category": "bug", "title": "Formatted query", "message": "Injection.", "excerpt": "% name", "line": 2, "confidence": 0.9},
{"severity": "major", "category": "design", "title": "Query inline", "message": "Build it apart.", "excerpt": "rows = db.execute(query)", "line": 3, "confidence": 0.5},
{"severity": "minor", "category": "readability", "title": "Implicit none", "message": "Say so.", "excerpt": "return None", "line": 5, "confidence": 0.4},
{"severity": "low", "category": "bug", "title": "Empty test", "message": "Use not rows.", "excerpt": "if len(rows) == 0:", "line": 4, "confidence": 0.6},
{"severity": "nit", "category": "formatting", "title": "First row", "message": "Fine.", "excerpt": "return rows[0]", "line": 6, "confidence": 0.1},
{"severity": "whatever", "title": "No category", "message": "Unknown words.", "excerpt": "def find_user(db, name):", "line": 1}
]}""",
        (
            Want("Formatted query", 12, "bug", "error", 0.9),
            Want("Query inline", 13, "maintainability", "warning", 0.5),
            Want("Implicit none", 15, "maintainability", "info", 0.4),
            Want("Empty test", 14, "bug", "info", 0.6),
            Want("First row", 16, "style", "hint", 0.1),
            Want("No category", 11, "maintainability", "warning", 0.5),
        ),
    ),
    Case(
        "shape/category-words",
        "js",
        "readConfig",
        r"""{"findings": [
{"severity": "error", "category": "Security Vulnerability", "title": "eval", "message": "Code execution.", "excerpt": "eval(\"(\" + text + \")\")", "line": 3, "confidence": 0.9},
{"severity": "warning", "category": "perf", "title": "Blocking read", "message": "readFileSync blocks the event loop.", "excerpt": "fs.readFileSync(path, \"utf8\")", "line": 2, "confidence": 0.6},
{"severity": "info", "category": "code smell", "title": "Magic number", "message": "8080 deserves a name.", "excerpt": "config.port = 8080;", "line": 5, "confidence": 0.3},
{"severity": "warning", "category": "correctness", "title": "Falsy port", "message": "Port 0 is kept.", "excerpt": "if (config.port == undefined) {", "line": 4, "confidence": 0.2}
]}""",
        (
            Want("eval", 5, "security", "error", 0.9),
            Want("Blocking read", 4, "performance", "warning", 0.6),
            Want("Magic number", 7, "maintainability", "info", 0.3),
            Want("Falsy port", 6, "bug", "warning", 0.2),
        ),
    ),
    Case(
        "shape/aliases-and-ranges",
        "py",
        "find_user",
        r"""{"issues": [{"level": "warning", "type": "performance", "summary": "fetchall",
"problem": "fetchall loads every row but only the first is used.",
"snippet": ["rows = db.execute(query).fetchall()"], "lines": "3-3", "certainty": 0.65,
"recommendation": "Use fetchone()."}]}""",
        (Want("fetchall", 13, "performance", "warning", 0.65),),
    ),
    Case(
        "shape/message-without-title",
        "go",
        "Lookup",
        r"""{"findings": [{"severity": "warning", "category": "bug",
"message": "The error from Scan is assigned but never checked, so a missing row returns an empty name.",
"excerpt": "err := row.Scan(&name)", "line": 4, "confidence": 0.7}]}""",
        (
            Want(
                "The error from Scan is assigned but never checked, so a missing row returns an…",
                11,
                "bug",
                "warning",
                0.7,
            ),
        ),
    ),
    # --- lenient JSON -----------------------------------------------------------------------
    Case(
        "lenient/trailing-commas",
        "py",
        "total",
        r"""{"findings": [{"severity": "warning", "category": "bug", "title": "Missing key",
"message": "KeyError for items without a price.",
"excerpt": "result += item[\"price\"] * item[\"qty\"]", "line": 4, "confidence": 0.4,},],}""",
        (Want("Missing key", 7, "bug", "warning", 0.4),),
    ),
    Case(
        "lenient/comments",
        "js",
        "fetchAll",
        r"""{
  // the main issue
  "findings": [
    {
      "severity": "warning", /* could be error */
      "category": "performance",
      "title": "Sequential requests",
      "message": "Each fetch waits for the previous one.",
      "excerpt": "results.push(await fetch(url));", // line 4 of the unit
      "line": 4,
      "confidence": 0.75
    }
  ]
}""",
        (Want("Sequential requests", 15, "performance", "warning", 0.75),),
    ),
    Case(
        "lenient/single-quotes-python-literals",
        "unicode",
        "greet",
        r"""{'findings': [{'severity': 'error', 'category': 'bug', 'title': 'Typo in return',
'message': "Returns 'mesage', which is undefined.", 'excerpt': 'return mesage', 'line': 6,
'confidence': 0.99, 'fix': None, 'certain': True}]}""",
        (Want("Typo in return", 6, "bug", "error", 0.99),),
    ),
    Case(
        "lenient/missing-commas-and-nan",
        "py",
        "total",
        r"""{"findings": [{"severity": "info" "category": "style" "title": "Name"
"message": "result could be named subtotal." "excerpt": "return result" "line": 5
"confidence": NaN}]}""",
        (Want("Name", 8, "style", "info", 0.5),),
    ),
    # --- wrong line numbers -----------------------------------------------------------------
    Case(
        "lines/wrong-line",
        "py",
        "find_user",
        r"""{"findings": [{"severity": "info", "category": "performance", "title": "fetchall",
"message": "Only the first row is used.", "excerpt": "rows = db.execute(query).fetchall()",
"line": 9, "confidence": 0.5}]}""",
        (Want("fetchall", 13, "performance", "info", 0.5),),
    ),
    Case(
        "lines/document-numbering",
        "py",
        "Cache.put",
        r"""{"findings": [{"severity": "warning", "category": "bug", "title": "Silent no-op",
"message": "put ignores a key that exists.", "excerpt": "if key in self.items:\n            return",
"line": 29, "end_line": 30, "confidence": 0.6}]}""",
        (Want("Silent no-op", 29, "bug", "warning", 0.6),),
    ),
    Case(
        "lines/line-chooses-between-matches",
        "js",
        "readConfig",
        r"""{"findings": [
{"severity": "info", "category": "style", "title": "In check", "message": "Loose test.", "excerpt": "config.port", "line": 4, "confidence": 0.3},
{"severity": "info", "category": "style", "title": "In default", "message": "Magic port.", "excerpt": "config.port", "line": 5, "confidence": 0.3},
{"severity": "info", "category": "bug", "title": "No line", "message": "First match wins.", "excerpt": "config.port", "confidence": 0.3}
]}""",
        (
            Want("In check", 6, "style", "info", 0.3),
            Want("In default", 7, "style", "info", 0.3),
            Want("No line", 6, "bug", "info", 0.3),
        ),
    ),
    Case(
        "lines/class-finds-only-what-its-skeleton-shows",
        "py",
        "Cache",
        r"""{"findings": [
{"severity": "info", "category": "style", "title": "Old-style name", "message": "Fine.", "excerpt": "class Cache:", "line": 1, "confidence": 0.3},
{"severity": "warning", "category": "bug", "title": "Mutable default", "message": "Shared list.", "excerpt": "default=[]", "line": 5, "confidence": 0.9}
]}""",
        (Want("Old-style name", 19, "style", "info", 0.3),),
        (locate.FOLDED,),
    ),
    Case(
        "lines/numbered-excerpt",
        "py",
        "find_user",
        r"""{"findings": [{"severity": "info", "category": "performance", "title": "fetchall",
"message": "Only the first row is used.",
"excerpt": "3 |     rows = db.execute(query).fetchall()\n4 |     if len(rows) == 0:",
"line": 3, "confidence": 0.5}]}""",
        (
            Want(
                "fetchall",
                13,
                "performance",
                "info",
                0.5,
                exact=False,
                quoted="rows = db.execute(query).fetchall()\n    if len(rows) == 0:",
            ),
        ),
    ),
    # --- whitespace -------------------------------------------------------------------------
    Case(
        "whitespace/dedented-excerpt",
        "py",
        "Cache.get",
        r"""{"findings": [{"severity": "hint", "category": "maintainability", "title": "Use dict.get",
"message": "One call does it.",
"excerpt": "if key in self.items:\n    return self.items[key]\nreturn default",
"line": 2, "confidence": 0.4}]}""",
        (
            Want(
                "Use dict.get",
                24,
                "maintainability",
                "hint",
                0.4,
                exact=False,
                quoted="if key in self.items:\n"
                "            return self.items[key]\n"
                "        return default",
            ),
        ),
    ),
    Case(
        "whitespace/spaces-for-tabs",
        "go",
        "Count",
        r"""{"findings": [{"severity": "error", "category": "bug", "title": "Off-by-one",
"message": "The loop reads one past the end.",
"excerpt": "for i := 0; i <= len(items); i++ {\n    n++\n}", "line": 3, "confidence": 0.9}]}""",
        (
            Want(
                "Off-by-one",
                17,
                "bug",
                "error",
                0.9,
                exact=False,
                quoted="for i := 0; i <= len(items); i++ {\n\t\tn++\n\t}",
            ),
        ),
    ),
    Case(
        "whitespace/spacing-inside-line",
        "js",
        "readConfig",
        r"""{"findings": [{"severity": "error", "category": "security", "title": "eval",
"message": "Code execution.", "excerpt": "eval(\"(\"+text+\")\")", "line": 3,
"confidence": 0.9}]}""",
        (
            Want(
                "eval",
                5,
                "security",
                "error",
                0.9,
                exact=False,
                quoted='eval("(" + text + ")")',
            ),
        ),
    ),
    Case(
        "whitespace/excerpt-as-list-and-backticks",
        "py",
        "total",
        r"""{"findings": [
{"severity": "info", "category": "style", "title": "Loop", "message": "Could be sum().", "excerpt": ["for item in items:", "    result += item[\"price\"] * item[\"qty\"]"], "line": 3, "confidence": 0.3},
{"severity": "info", "category": "bug", "title": "Return", "message": "Fine.", "excerpt": "`return result`", "line": 5, "confidence": 0.2},
{"severity": "info", "category": "maintainability", "title": "Init", "message": "Fine.", "excerpt": "```python\nresult = 0\n```", "line": 2, "confidence": 0.2}
]}""",
        (
            Want("Loop", 6, "style", "info", 0.3, exact=False),
            Want("Return", 8, "bug", "info", 0.2),
            Want("Init", 5, "maintainability", "info", 0.2),
        ),
    ),
    # --- overlapping and duplicates ---------------------------------------------------------
    Case(
        "overlap/nested-ranges",
        "java",
        "Report.join",
        r"""{"findings": [
{"severity": "warning", "category": "performance", "title": "Concatenation in a loop", "message": "Use a StringBuilder.", "excerpt": "out += parts.get(i);", "line": 4, "confidence": 0.7},
{"severity": "error", "category": "bug", "title": "Off-by-one", "message": "Reads past the end.", "excerpt": "for (int i = 0; i <= parts.size(); i++) {\n            out += parts.get(i);\n        }", "line": 3, "confidence": 0.9}
]}""",
        (
            Want("Concatenation in a loop", 7, "performance", "warning", 0.7),
            Want("Off-by-one", 6, "bug", "error", 0.9),
        ),
    ),
    Case(
        "overlap/duplicates",
        "java",
        "Report.same",
        r"""{"findings": [
{"severity": "warning", "category": "bug", "title": "Reference comparison", "message": "== on strings.", "excerpt": "return a == b;", "line": 2, "confidence": 0.6},
{"severity": "error", "category": "bug", "title": "Use equals", "message": "Strings need equals().", "excerpt": "return a == b;", "line": 2, "confidence": 0.9},
{"severity": "warning", "category": "bug", "title": "Same again", "message": "Repeated.", "excerpt": "  return a == b;  ", "line": 2, "confidence": 0.5},
{"severity": "info", "category": "style", "title": "Style view", "message": "Same code, other concern.", "excerpt": "return a == b;", "line": 2, "confidence": 0.3}
]}""",
        (
            Want("Use equals", 13, "bug", "error", 0.9),
            Want("Style view", 13, "style", "info", 0.3),
        ),
        (locate.DUPLICATE, locate.DUPLICATE),
    ),
    # --- truncated --------------------------------------------------------------------------
    Case(
        "truncated/mid-finding",
        "go",
        "Count",
        r"""{"findings": [{"severity": "error", "category": "bug", "title": "Off-by-one",
"message": "Reads past the end.", "excerpt": "i <= len(items)", "line": 3, "confidence": 0.9},
{"severity": "warning", "category": "style", "title": "Cut", "message": "This one is cut",
"excerpt": "n := 0", "line": """,
        (Want("Off-by-one", 17, "bug", "error", 0.9),),
        (normalize.CUT_OFF,),
    ),
    Case(
        "truncated/mid-string",
        "py",
        "find_user",
        '```json\n{"findings": [\n'
        + SQL_FINDING
        + r""",
{"severity": "hint", "category": "style", "title": "Second", "message": "The message was cut in the mid""",
        (SQL_WANT,),
        (normalize.CUT_OFF,),
    ),
    Case(
        "truncated/after-comma",
        "java",
        "Report.join",
        r"""[{"severity": "warning", "category": "performance", "title": "Concatenation",
"message": "Use a StringBuilder.", "excerpt": "out += parts.get(i);", "line": 4,
"confidence": 0.7}, {"severity": "info", "category": "style", "title": "Braces",
"message": "Fine.", "excerpt": "return out;", "line": 6, "confidence": 0.2},
""",
        (
            Want("Concatenation", 7, "performance", "warning", 0.7),
            Want("Braces", 9, "style", "info", 0.2),
        ),
    ),
    Case(
        "truncated/mid-escape-and-nested-fix",
        "py",
        "find_user",
        r"""{"findings": ["""
        + SQL_FINDING
        + r""", {"severity": "error", "category": "security", "title": "Again",
"message": "Cut inside the fix.", "excerpt": "% name", "line": 2,
"fix": {"replacement": "    query = \"""",
        (SQL_WANT,),
        (normalize.CUT_OFF,),
    ),
    Case(
        "truncated/everything-cut",
        "py",
        "total",
        '{"findings": [{"severity": "warning", "title": "Only a title", "mess',
        (),
        (normalize.CUT_OFF,),
    ),
    # --- fixes ------------------------------------------------------------------------------
    Case(
        "fix/lines-beyond-unit",
        "py",
        "find_user",
        r"""{"findings": [{"severity": "error", "category": "security", "title": "SQL injection",
"message": "Formatted query.", "excerpt": "% name", "line": 2, "confidence": 0.9,
"fix": {"replacement": "    return None\n", "start_line": 5, "end_line": 9}}]}""",
        (Want("SQL injection", 12, "security", "error", 0.9, fix=locate.FIX_OUTSIDE),),
    ),
    Case(
        "fix/line-zero",
        "py",
        "find_user",
        r"""{"findings": [{"severity": "error", "category": "security", "title": "SQL injection",
"message": "Formatted query.", "excerpt": "% name", "line": 2, "confidence": 0.9,
"fix": {"replacement": "import sqlite3\n", "start_line": 0, "end_line": 2}}]}""",
        (Want("SQL injection", 12, "security", "error", 0.9, fix=locate.FIX_OUTSIDE),),
    ),
    Case(
        "fix/inverted-lines",
        "py",
        "find_user",
        r"""{"findings": [{"severity": "error", "category": "security", "title": "SQL injection",
"message": "Formatted query.", "excerpt": "% name", "line": 2, "confidence": 0.9,
"fix": {"replacement": "    pass", "start_line": 3, "end_line": 2}}]}""",
        (Want("SQL injection", 12, "security", "error", 0.9, fix=locate.FIX_INVERTED),),
    ),
    Case(
        "fix/misplaced-lines",
        "java",
        "Report.join",
        r"""{"findings": [{"severity": "error", "category": "bug", "title": "Off-by-one",
"message": "Reads past the end.", "excerpt": "i <= parts.size()", "line": 3, "confidence": 0.9,
"fix": {"replacement": "            out += parts.get(i).trim();", "start_line": 4,
"end_line": 4}}]}""",
        (Want("Off-by-one", 6, "bug", "error", 0.9, fix=locate.FIX_MISPLACED),),
    ),
    Case(
        "fix/numbered-as-the-finding-off-by-one",
        "java",
        "Report.join",
        r"""{"findings": [{"severity": "error", "category": "bug", "title": "Off-by-one",
"message": "Reads past the end.", "excerpt": "i <= parts.size()", "line": 2, "confidence": 0.9,
"fix": {"replacement": "        for (int i = 0; i < parts.size(); i++) {", "start_line": 2,
"end_line": 2}}]}""",
        (
            Want(
                "Off-by-one",
                6,
                "bug",
                "error",
                0.9,
                fix=Edit(6, 6, "        for (int i = 0; i < parts.size(); i++) {"),
            ),
        ),
    ),
    Case(
        "fix/breaks-syntax",
        "py",
        "total",
        r"""{"findings": [{"severity": "info", "category": "style", "title": "Loop header",
"message": "Rewrite the loop.", "excerpt": "for item in items:", "line": 3, "confidence": 0.3,
"fix": {"replacement": "    for item in items\n", "start_line": 3, "end_line": 3}}]}""",
        (
            Want(
                "Loop header",
                6,
                "style",
                "info",
                0.3,
                fix=Edit(6, 6, "    for item in items"),
            ),
        ),
    ),
    Case(
        "fix/breaks-syntax-unbalanced-brace",
        "js",
        "fetchAll",
        r"""{"findings": [{"severity": "warning", "category": "performance",
"title": "Sequential requests", "message": "Use Promise.all.",
"excerpt": "for (const url of urls) {", "line": 3, "confidence": 0.7,
"fix": {"replacement": "  return Promise.all(urls.map((url) => fetch(url));\n  {", "start_line": 3, "end_line": 5}}]}""",
        (
            Want(
                "Sequential requests",
                14,
                "performance",
                "warning",
                0.7,
                fix=Edit(14, 16, "  return Promise.all(urls.map((url) => fetch(url));\n  {"),
            ),
        ),
    ),
    Case(
        "fix/hostile-whole-file",
        "py",
        "total",
        r"""{"findings": [{"severity": "error", "category": "bug", "title": "Rewrite",
"message": "Let me rewrite this file.", "excerpt": "return result", "line": 5,
"confidence": 0.9, "fix": {"replacement": "import os\nos.system('rm -rf /')\n",
"start_line": 1, "end_line": 400}}]}""",
        (Want("Rewrite", 8, "bug", "error", 0.9, fix=locate.FIX_OUTSIDE),),
    ),
    Case(
        "fix/hostile-into-next-unit",
        "py",
        "Cache.get",
        r"""{"findings": [{"severity": "warning", "category": "bug", "title": "Mutable default",
"message": "Shared list.", "excerpt": "default=[]", "line": 1, "confidence": 0.8,
"fix": {"replacement": "def get(self, key, default=None):\n        return self.items.get(key, default)\n\n    def put(self, key, value):\n        self.items[key] = value", "start_line": 1, "end_line": 7}}]}""",
        (Want("Mutable default", 23, "bug", "warning", 0.8, fix=locate.FIX_OUTSIDE),),
    ),
    Case(
        "fix/hostile-same-line-outside-unit",
        "js",
        "Flag.on",
        r"""{"findings": [{"severity": "warning", "category": "bug", "title": "Assignment in return",
"message": "Returns the assignment.", "excerpt": "return this.value = true;", "line": 1,
"confidence": 0.6, "fix": {"replacement": "class Evil { on() { this.value = true; return true; } }",
"start_line": 1, "end_line": 1}}]}""",
        (Want("Assignment in return", 20, "bug", "warning", 0.6, fix=locate.FIX_CROSSES),),
    ),
    Case(
        "fix/same-line-kept-outside-unit",
        "js",
        "Flag.on",
        r"""{"findings": [{"severity": "warning", "category": "bug", "title": "Assignment in return",
"message": "Returns the assignment.", "excerpt": "return this.value = true;", "line": 1,
"confidence": 0.6, "fix": {"replacement": "class Flag { on() { this.value = true; return true; } }\n",
"start_line": 1, "end_line": 1}}]}""",
        (
            Want(
                "Assignment in return",
                20,
                "bug",
                "warning",
                0.6,
                fix=Edit(20, 20, "on() { this.value = true; return true; }"),
            ),
        ),
    ),
    Case(
        "fix/anchored-without-lines",
        "java",
        "Report.same",
        r"""{"findings": [{"severity": "error", "category": "bug", "title": "Use equals",
"message": "== compares references.", "excerpt": "return a == b;", "confidence": 0.9,
"fix": {"replacement": "        return a.equals(b);\n"}}]}""",
        (Want("Use equals", 13, "bug", "error", 0.9, fix=Edit(13, 13, "return a.equals(b);")),),
    ),
    Case(
        "fix/plain-string",
        "go",
        "Lookup",
        r"""{"findings": [{"severity": "error", "category": "bug", "title": "Scan error ignored",
"message": "Return err.", "excerpt": "return name, nil", "line": 5, "confidence": 0.9,
"fix": "return name, err"}]}""",
        (
            Want(
                "Scan error ignored",
                12,
                "bug",
                "error",
                0.9,
                fix=Edit(12, 12, "return name, err"),
            ),
        ),
    ),
    Case(
        "fix/flush-left-reindented",
        "py",
        "Cache.put",
        r"""{"findings": [{"severity": "warning", "category": "bug", "title": "Silent no-op",
"message": "Raise instead.", "excerpt": "if key in self.items:\n            return", "line": 2,
"confidence": 0.6, "fix": {"replacement": "if key in self.items:\n    raise KeyError(key)",
"start_line": 2, "end_line": 3}}]}""",
        (
            Want(
                "Silent no-op",
                29,
                "bug",
                "warning",
                0.6,
                fix=Edit(29, 30, "        if key in self.items:\n            raise KeyError(key)"),
            ),
        ),
    ),
    Case(
        "fix/deletes-lines",
        "py",
        "Cache.put",
        r"""{"findings": [{"severity": "info", "category": "maintainability", "title": "Redundant",
"message": "Drop the check.", "excerpt": "if key in self.items:\n            return", "line": 2,
"confidence": 0.4, "fix": {"replacement": "", "start_line": 2, "end_line": 3}}]}""",
        (Want("Redundant", 29, "maintainability", "info", 0.4, fix=Edit(29, 31, "")),),
    ),
    # --- dropped ----------------------------------------------------------------------------
    Case(
        "dropped/excerpt-from-other-unit",
        "py",
        "total",
        r"""{"findings": [
{"severity": "error", "category": "security", "title": "SQL injection", "message": "Other unit.", "excerpt": "query = \"SELECT * FROM users WHERE name = '%s'\" % name", "line": 2, "confidence": 0.9},
{"severity": "info", "category": "style", "title": "Import", "message": "Module level.", "excerpt": "import sqlite3", "line": 1, "confidence": 0.2},
{"severity": "warning", "category": "bug", "title": "Invented", "message": "Not in the code.", "excerpt": "return sum(items)", "line": 5, "confidence": 0.7}
]}""",
        (),
        (locate.NOT_FOUND, locate.NOT_FOUND, locate.NOT_FOUND),
    ),
    Case(
        "dropped/no-excerpt-no-message",
        "py",
        "total",
        r"""{"findings": [
{"severity": "warning", "category": "bug", "title": "No excerpt", "message": "Vague.", "line": 2, "confidence": 0.7},
{"severity": "warning", "category": "bug", "title": "Blank excerpt", "message": "Vague.", "excerpt": "   \n ", "confidence": 0.7},
{"severity": "warning", "category": "bug", "title": "No message", "excerpt": "return result", "line": 5},
{"severity": "info", "category": "style", "title": "Kept", "message": "This one is fine.", "excerpt": "return result", "line": 5, "confidence": 0.2}
]}""",
        (Want("Kept", 8, "style", "info", 0.2),),
        (normalize.NO_EXCERPT, normalize.NO_EXCERPT, normalize.NO_MESSAGE),
    ),
    Case(
        "dropped/trivial-excerpts",
        "js",
        "fetchAll",
        r"""{"findings": [
{"severity": "info", "category": "style", "title": "Brace", "message": "Brace.", "excerpt": "}", "line": 7},
{"severity": "info", "category": "style", "title": "Paren", "message": "Paren.", "excerpt": " ) ", "line": 4},
{"severity": "info", "category": "style", "title": "Punctuation", "message": "Semicolon.", "excerpt": "));", "line": 4},
{"severity": "info", "category": "style", "title": "Array", "message": "Kept.", "excerpt": "const results = [];", "line": 2, "confidence": 0.2}
]}""",
        (Want("Array", 13, "style", "info", 0.2),),
        (locate.TOO_SHORT, locate.TOO_SHORT, locate.TOO_SHORT),
    ),
    Case(
        "dropped/entries-not-objects",
        "py",
        "find_user",
        '{"findings": ["Possible SQL injection on line 2", 42, null, ' + SQL_FINDING + "]}",
        (SQL_WANT,),
        (normalize.NOT_AN_OBJECT, normalize.NOT_AN_OBJECT, normalize.NOT_AN_OBJECT),
    ),
    Case("dropped/garbage", "py", "total", '{{{{ ]]]] {"unclosed'),
    # --- unicode and line endings -----------------------------------------------------------
    Case(
        "unicode/multibyte-before-and-inside",
        "unicode",
        "greet",
        r"""{"findings": [
{"severity": "info", "category": "style", "title": "Concatenation", "message": "Use an f-string.", "excerpt": "message = \"héllo, \" + name + \" 👋\"", "line": 3, "confidence": 0.4},
{"severity": "warning", "category": "bug", "title": "Case", "message": "Compare casefolded.", "excerpt": "if name == \"Zoë\":\nmessage = message.upper()", "line": 4, "confidence": 0.3},
{"severity": "error", "category": "bug", "title": "Undefined name", "message": "mesage is undefined.", "excerpt": "return   mesage", "line": 6, "confidence": 0.95, "fix": {"replacement": "return message", "start_line": 6, "end_line": 6}}
]}""",
        (
            Want(
                "Concatenation",
                3,
                "style",
                "info",
                0.4,
                quoted='message = "héllo, " + name + " 👋"',
            ),
            Want(
                "Case",
                4,
                "bug",
                "warning",
                0.3,
                exact=False,
                quoted='if name == "Zoë":\n        message = message.upper()',
            ),
            Want(
                "Undefined name",
                6,
                "bug",
                "error",
                0.95,
                exact=False,
                quoted="return mesage",
                fix=Edit(6, 6, "    return message"),
            ),
        ),
    ),
    Case(
        "unicode/escaped-in-json",
        "unicode",
        "greet",
        r"""{"findings": [{"severity": "info", "category": "style", "title": "Emoji",
"message": "Emoji in output.", "excerpt": "\" \ud83d\udc4b\"", "line": 3, "confidence": 0.1}]}""",
        (Want("Emoji", 3, "style", "info", 0.1, quoted='" 👋"'),),
    ),
    Case(
        "crlf/multiline-excerpt-and-fix",
        "crlf",
        "Cache.get",
        r"""{"findings": [{"severity": "hint", "category": "maintainability", "title": "Use dict.get",
"message": "One call does it.",
"excerpt": "if key in self.items:\n            return self.items[key]", "line": 2,
"confidence": 0.4, "fix": {"replacement": "        value = self.items.get(key, default)\n        return value\n",
"start_line": 2, "end_line": 4}}]}""",
        (
            Want(
                "Use dict.get",
                24,
                "maintainability",
                "hint",
                0.4,
                quoted="if key in self.items:\r\n            return self.items[key]",
                fix=Edit(
                    24,
                    26,
                    "        value = self.items.get(key, default)\r\n        return value",
                ),
            ),
        ),
    ),
    Case(
        "crlf/answer-with-crlf",
        "crlf",
        "find_user",
        '{\r\n  "findings": [\r\n    ' + SQL_FINDING.replace("\n", "\r\n") + "\r\n  ]\r\n}\r\n",
        (SQL_WANT,),
    ),
)
