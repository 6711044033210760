"""The seeded bugs of the corpus, their true fixes, and the noise the scripted model adds.

Each source file here is stored as ``<name>.txt`` (so that linters and formatters leave its
bugs alone) and written under ``<name>`` where a test reviews it. A `Bug` is a true problem:
the unit it is in, the code the model quotes for it, the lines where it must be shown
(``place``: its excerpt's lines, or wider where a local rule flags a neighbouring line of the
same problem), its category, and its `TrueFix` when it has one: a correct fix that must be
offered and verified. The rest is noise a real model adds: wrong line numbers, fences and
prose, re-indented excerpts, broken, out-of-unit and unresolvable fixes (`BadFix`), the same
finding repeated in its class's answer, and `Invented` findings whose code is not in the unit.

Lines in a `TrueFix` or a `place` are whole source lines, exactly as in the file; the tests
find their document line numbers, and the scripted model finds their unit line numbers in the
prompt it receives, as a model reading the numbered code would.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fakes.scripted import Said, SaidFix

CORPUS = Path(__file__).parent


@dataclass(frozen=True)
class Source:
    """A corpus file: its name when reviewed, language id, and every unit peer reviews."""

    name: str
    language: str
    units: tuple[str, ...]

    @property
    def text(self) -> str:
        return _read(self.name)


@dataclass(frozen=True)
class TrueFix:
    """Replace the whole ``lines`` with ``replacement``; the model gives the fix's lines off
    by ``shift`` (noise that placing the fix by its quoted code must forgive)."""

    lines: str
    replacement: str
    shift: int = 0


@dataclass(frozen=True)
class BadFix:
    """A fix the model proposes that must never be offered.

    ``broken``: it does not parse; ``undefined``: it calls a name the file neither defines
    nor imports; ``outside``: its lines lie past the end of the unit.
    """

    kind: str
    replacement: str


@dataclass(frozen=True)
class Bug:
    """A seeded true bug (module docstring)."""

    id: str
    file: str
    unit: str
    excerpt: str
    category: str
    severity: str
    title: str
    place: str = ""
    fix: TrueFix | None = None
    bad_fix: BadFix | None = None
    repeat_known: bool = False
    """The model reports it even when the prompt lists a local finding on its lines (models
    do); else an obedient model leaves it to the local rule."""
    excerpt_style: str = ""
    """How the model re-indents a quoted excerpt: ``flush`` (leading blanks dropped),
    ``tabs`` (indentation as tabs), or as in the file."""
    repeated_by: str = ""
    """A unit (the class) whose answer repeats this finding."""

    @property
    def where(self) -> str:
        """The source lines where the finding may be shown."""
        return self.place or self.excerpt


@dataclass(frozen=True)
class Invented:
    """A finding the model makes up: its excerpt is nowhere in ``unit`` (nowhere in the
    file, or in another unit). It must never be shown."""

    file: str
    unit: str
    excerpt: str
    title: str
    category: str = "bug"


SOURCES = (
    Source(
        "inventory.py",
        "python",
        (
            "load_settings",
            "find_item",
            "last_items",
            "read_report",
            "add_tag",
            "parse_quantity",
            "connect",
            "Stock",
            "Stock.take",
            "Stock.average",
            "Report",
            "Report.__init__",
            "Report.render",
            "Report.size",
        ),
    ),
    Source(
        "orders.js",
        "javascript",
        (
            "orderTotal",
            "findOrder",
            "parseFilter",
            "OrderBook",
            "OrderBook.constructor",
            "OrderBook.add",
            "OrderBook.cancel",
            "sessionToken",
        ),
    ),
    Source(
        "store.go",
        "go",
        ("User", "Store", "FindUser", "CachedName", "Last", "ReadConfig", "Label"),
    ),
)

_PY_SQL = (
    "    query = \"SELECT sku, name, count FROM items WHERE sku = '%s'\" % sku\n"
    "    return db.execute(query).fetchone()"
)
_GO_SQL = (
    "\tquery := fmt.Sprintf(\"SELECT id, name FROM users WHERE name = '%s'\", name)\n"
    "\trow := s.db.QueryRow(query)"
)

BUGS = (
    # -- Python ------------------------------------------------------------------------------
    Bug(
        "py-eval-settings",
        "inventory.py",
        "load_settings",
        "settings = eval(text)",
        "security",
        "error",
        "eval of settings text",
        fix=TrueFix("    settings = eval(text)", "    settings = json.loads(text)"),
        repeat_known=True,
    ),
    Bug(
        "py-sql-format",
        "inventory.py",
        "find_item",
        "query = \"SELECT sku, name, count FROM items WHERE sku = '%s'\" % sku",
        "security",
        "error",
        "SQL injection through sku",
        place=_PY_SQL,
        fix=TrueFix(
            _PY_SQL,
            '    query = "SELECT sku, name, count FROM items WHERE sku = ?"\n'
            "    return db.execute(query, (sku,)).fetchone()",
            shift=1,
        ),
        repeat_known=True,
    ),
    Bug(
        "py-off-by-one",
        "inventory.py",
        "last_items",
        "for index in range(len(items) - count, len(items) + 1):\n"
        "        result.append(items[index])",
        "bug",
        "error",
        "range runs one past the end",
        fix=TrueFix(
            "    for index in range(len(items) - count, len(items) + 1):",
            "    for index in range(len(items) - count, len(items)):",
        ),
        excerpt_style="flush",
    ),
    Bug(
        "py-unclosed-file",
        "inventory.py",
        "read_report",
        "handle = open(path)",
        "bug",
        "warning",
        "file handle never closed",
        bad_fix=BadFix(
            "broken", "    with open(path) as handle\n        header = handle.readline()"
        ),
    ),
    Bug(
        "py-mutable-default",
        "inventory.py",
        "add_tag",
        "def add_tag(tag, tags=[]):",
        "bug",
        "warning",
        "mutable default shared across calls",
        bad_fix=BadFix("outside", "def add_tag(tag, tags=None):"),
        repeat_known=True,
    ),
    Bug(
        "py-eval-quantity",
        "inventory.py",
        "parse_quantity",
        "quantity = int(eval(text))",
        "security",
        "error",
        "eval of caller text",
        bad_fix=BadFix("undefined", "    quantity = int(ast.literal_eval(text))"),
        repeat_known=True,
    ),
    Bug(
        "py-zero-division",
        "inventory.py",
        "Stock.average",
        "return total / len(self.history)",
        "bug",
        "warning",
        "division by zero on empty history",
        fix=TrueFix(
            "        return total / len(self.history)",
            "        return total / len(self.history) if self.history else 0.0",
        ),
        repeated_by="Stock",
        excerpt_style="tabs",
    ),
    Bug(
        "py-is-literal",
        "inventory.py",
        "Report.render",
        'if fmt is "json":',
        "bug",
        "error",
        "identity comparison with a string",
        fix=TrueFix('        if fmt is "json":', '        if fmt == "json":'),
        repeat_known=True,
    ),
    # -- JavaScript --------------------------------------------------------------------------
    Bug(
        "js-off-by-one",
        "orders.js",
        "orderTotal",
        "for (let i = 0; i <= lines.length; i++) {",
        "bug",
        "error",
        "loop reads past the last line",
        fix=TrueFix(
            "  for (let i = 0; i <= lines.length; i++) {",
            "  for (let i = 0; i < lines.length; i++) {",
            shift=-2,
        ),
    ),
    Bug(
        "js-sql",
        "orders.js",
        "findOrder",
        'db.query("SELECT id, status FROM orders WHERE id = " + id)',
        "security",
        "error",
        "SQL injection through id",
        fix=TrueFix(
            '  return db.query("SELECT id, status FROM orders WHERE id = " + id);',
            '  return db.query("SELECT id, status FROM orders WHERE id = ?", [id]);',
        ),
        repeat_known=True,
    ),
    Bug(
        "js-eval",
        "orders.js",
        "parseFilter",
        'const filter = eval("(" + text + ")");',
        "security",
        "error",
        "eval of filter text",
        bad_fix=BadFix("undefined", "  const filter = JSON5.parse(text);"),
        repeat_known=True,
    ),
    Bug(
        "js-missing-check",
        "orders.js",
        "OrderBook.cancel",
        'order.status = "cancelled";',
        "bug",
        "warning",
        "unknown id crashes cancel",
        bad_fix=BadFix(
            "broken", '    if (!order) {\n      return undefined;\n    order.status = "cancelled";'
        ),
        repeated_by="OrderBook",
    ),
    Bug(
        "js-random-token",
        "orders.js",
        "sessionToken",
        "return Math.random().toString(36).slice(2);",
        "security",
        "warning",
        "predictable session token",
        fix=TrueFix(
            "  return Math.random().toString(36).slice(2);",
            '  return crypto.randomBytes(16).toString("hex");',
        ),
        repeat_known=True,
    ),
    # -- Go ----------------------------------------------------------------------------------
    Bug(
        "go-sql",
        "store.go",
        "FindUser",
        "query := fmt.Sprintf(\"SELECT id, name FROM users WHERE name = '%s'\", name)",
        "security",
        "error",
        "SQL injection through name",
        place=_GO_SQL,
        fix=TrueFix(
            _GO_SQL, '\trow := s.db.QueryRow("SELECT id, name FROM users WHERE name = $1", name)'
        ),
        repeat_known=True,
    ),
    Bug(
        "go-nil-map-value",
        "store.go",
        "CachedName",
        "return user.Name",
        "bug",
        "error",
        "nil user dereferenced",
        fix=TrueFix(
            "\treturn user.Name",
            '\tif user == nil {\n\t\treturn ""\n\t}\n\treturn user.Name',
            shift=1,
        ),
    ),
    Bug(
        "go-off-by-one",
        "store.go",
        "Last",
        "values[len(values)-n-1:]",
        "bug",
        "error",
        "slice keeps one element too many",
        fix=TrueFix("\treturn values[len(values)-n-1:]", "\treturn values[len(values)-n:]"),
    ),
    Bug(
        "go-unclosed-file",
        "store.go",
        "ReadConfig",
        "f, err := os.Open(path)\n\tif err != nil {",
        "bug",
        "warning",
        "file never closed",
        bad_fix=BadFix("outside", "\tdefer f.Close()"),
        excerpt_style="flush",
    ),
)

INVENTED = (
    Invented("inventory.py", "Stock", "self.history.clear()", "history never cleared"),
    Invented("inventory.py", "connect", "return db.execute(query).fetchone()", "query unchecked"),
    Invented("inventory.py", "Report", "self.rows.sort()", "rows sorted in place"),
    Invented("orders.js", "OrderBook", "this.orders.clear();", "orders dropped on reset"),
    Invented("orders.js", "orderTotal", "return orders.length;", "wrong total", "bug"),
    Invented("store.go", "Store", "mu sync.Mutex", "cache unsynchronised"),
    Invented("store.go", "User", "return user.Name", "name may be empty"),
)


@cache
def _read(name: str) -> str:
    return (CORPUS / f"{name}.txt").read_text(encoding="utf-8")


def source(name: str) -> Source:
    return next(s for s in SOURCES if s.name == name)


def lines_of(text: str, code: str) -> range:
    """The 1-based document lines of ``code`` (whole lines or part of one) in ``text``;
    ValueError unless it occurs exactly once."""
    if text.count(code) != 1:
        raise ValueError(f"{code!r} occurs {text.count(code)} times")
    start = text[: text.index(code)].count("\n") + 1
    return range(start, start + code.count("\n") + 1)


def place(bug: Bug) -> range:
    """Where ``bug`` must be shown: document lines, 1-based."""
    return lines_of(source(bug.file).text, bug.where)


def fixed(name: str, bugs: tuple[Bug, ...] = BUGS) -> str:
    """The text of ``name`` with the true fixes of ``bugs`` applied."""
    text = source(name).text
    for bug in bugs:
        if bug.file == name and bug.fix is not None:
            lines_of(text, bug.fix.lines)
            text = text.replace(bug.fix.lines, bug.fix.replacement)
    return text


def model_says() -> dict[tuple[str, str], list[Said]]:
    """What the scripted model reports, per (file, unit): the true findings with their noise,
    the repeats in class answers, and the invented findings."""
    says: dict[tuple[str, str], list[Said]] = {}
    for bug in BUGS:
        said = Said(
            bug.excerpt,
            bug.category,
            bug.severity,
            bug.title,
            place=bug.where,
            fix=_said_fix(bug),
            excerpt_style=bug.excerpt_style,
            repeat_known=bug.repeat_known,
        )
        says.setdefault((bug.file, bug.unit), []).append(said)
        if bug.repeated_by:
            says.setdefault((bug.file, bug.repeated_by), []).append(said)
    for made_up in INVENTED:
        said = Said(made_up.excerpt, made_up.category, "warning", made_up.title, confidence=0.8)
        says.setdefault((made_up.file, made_up.unit), []).append(said)
    return says


def _said_fix(bug: Bug) -> SaidFix | None:
    if bug.fix is not None:
        return SaidFix(bug.fix.replacement, bug.fix.lines, bug.fix.shift)
    if bug.bad_fix is not None:
        outside = bug.bad_fix.kind == "outside"
        return SaidFix(bug.bad_fix.replacement, bug.excerpt, outside=outside)
    return None
