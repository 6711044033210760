"""A typing script for the editor-latency benchmark: statements typed a key at a time.

Most states of a file someone is typing in do not parse: an unclosed bracket or string, a
``def``/``if``/``for`` header not yet followed by its body, a docstring or block comment whose
closing quotes are not typed yet, a closing bracket or a function's closing brace deleted
and typed again a few keys later. This script goes through those states one key per edit:

- statements (`PYTHON_STATEMENTS`, `JAVASCRIPT_STATEMENTS`) typed into function bodies, a
  new line first, so the file parses again when each statement is done; in a shuffled
  order where each comes once (and a bracket is retyped twice) before any comes again;
- a closing bracket deleted (Python: the ``]`` or ``)`` ending a body line; JavaScript: the
  ``}`` closing a function or method), then more typed in its place (another argument; a
  statement at the end of the function), then the bracket typed again.

Every edit says whether the file parses after it, decided outside the timed path by a
parser that is not peer's:

- Python: ``compile()`` of the whole file after each edit.
- JavaScript: Node (``node`` on PATH), once per script, not once per edit: one ``node -e``
  process gets the file and the edits as JSON on stdin, applies each edit to its own copy
  and compiles the whole file with ``new vm.Script(text)``, which raises V8's SyntaxError for
  any early error, lazily compiled function bodies included. Node also returns a hash of its
  final text, which must equal this script's: both sides applied the same edits. (``node
  --check`` per state would start a process per edit; no JavaScript parser is vendored.)

    python bench/typing_script.py 10000                 # how many edits of each state
    python bench/typing_script.py 10000 javascript
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Sequence
from typing import NamedTuple

PYTHON_STATEMENTS = (
    "values = compute(total, [index, 2], key={'a': (1, 2)})",
    'note = "a half-typed string that closes at the end"',
    "if total > 10 and label:\n    total -= len(items)",
    "for item in sorted(items, reverse=True):\n    total += item",
    "def helper(value, scale=2):\n    return value * scale",
    "while total > 100:\n    total //= 2",
    "result = [item * 2 for item in items if item]",
    'def describe(value):\n    """Return the value as text, for the log."""\n    return str(value)',
)
"""What gets typed in Python, at the indentation of the body line it follows."""

JAVASCRIPT_STATEMENTS = (
    "const values{n} = compute(total, [index, 2], { key: { a: [1, 2] } });",
    'const note{n} = "a half-typed string that closes at the end";',
    "const message{n} = `total ${total} for ${label}`;",
    "if (total > 10 && label) {\n  total -= items.length;\n}",
    "for (const item of items.slice().reverse()) {\n  total += item;\n}",
    "function helper{n}(value, scale = 2) {\n  return value * scale;\n}",
    "while (total > 100) {\n  total = Math.floor(total / 2);\n}",
    "const result{n} = items.filter((item) => item > 0).map((item) => item * 2);",
    "/** Halve the total until it fits the page. */",
)
"""What gets typed in JavaScript; ``{n}`` makes each ``const`` name new in its scope."""

RECLOSE = ""
"""In the deck of what to type next: delete a closing bracket and retype it."""
RECLOSES_PER_DECK = 2


class TypedEdit(NamedTuple):
    """One key: at (line, column) delete ``removed`` characters of that line, insert ``text``.

    Columns are in UTF-16 code units (all typed text is ASCII)."""

    line: int
    column: int
    text: str
    parses: bool
    """Whether the whole file parses after this edit."""
    removed: int = 0


class _Key(NamedTuple):
    line: int
    column: int
    text: str
    removed: int


def apply(lines: list[str], line: int, column: int, text: str, removed: int = 0) -> None:
    """Apply one key to ``lines`` in place: ``text`` is one character, or "" to delete."""
    old = lines[line]
    if text == "\n":
        lines[line : line + 1] = [old[:column], old[column + removed :]]
    else:
        lines[line] = old[:column] + text + old[column + removed :]


def parses(lines: list[str]) -> bool:
    """Whether Python compiles the file."""
    try:
        compile("\n".join(lines) + "\n", "<typed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def typing_edits(
    lines: list[str],
    body_lines: list[int],
    count: int,
    seed: int,
    language: str = "python",
    closer_lines: Sequence[int] = (),
) -> list[TypedEdit]:
    """``count`` keys typing statements after random body lines of ``lines``, and deleting
    and retyping the closing bracket at the end of one of ``closer_lines`` now and then.

    ``lines`` is the file as opened; it is not changed. Lines after an insertion move down,
    so body and closer line numbers are shifted as lines are added.
    """
    keys = _script(list(lines), body_lines, count, seed, language, closer_lines)
    flags = python_flags(lines, keys) if language == "python" else node_flags(lines, keys)
    return [
        TypedEdit(k.line, k.column, k.text, ok, k.removed)
        for k, ok in zip(keys, flags, strict=True)
    ]


def _script(
    lines: list[str],
    body_lines: list[int],
    count: int,
    seed: int,
    language: str,
    closer_lines: Sequence[int],
) -> list[_Key]:
    rng = random.Random(seed + 2)
    statements = PYTHON_STATEMENTS if language == "python" else JAVASCRIPT_STATEMENTS
    # Python: not after a header, a statement between it and its body would never parse
    body = sorted(n for n in body_lines if not lines[n].rstrip().endswith(":"))
    closers = sorted(closer_lines)
    keys: list[_Key] = []
    named = 0
    # Every statement and every kind of broken state comes once before any comes again.
    deck: list[str] = []

    def press(line: int, column: int, text: str, removed: int = 0) -> None:
        keys.append(_Key(line, column, text, removed))
        apply(lines, line, column, text, removed)

    def type_text(line: int, column: int, text: str) -> int:
        """Type ``text`` a key at a time from (line, column); returns the lines added."""
        start = line
        for char in text:
            if len(keys) == count:
                break
            press(line, column, char)
            line, column = (line + 1, 0) if char == "\n" else (line, column + 1)
        return line - start

    while len(keys) < count:
        if not deck:
            deck = [*statements, *[RECLOSE] * (RECLOSES_PER_DECK if closers else 0)]
            rng.shuffle(deck)
        next_up = deck.pop()
        if next_up == RECLOSE:
            at = rng.choice(closers)
            stripped = lines[at].rstrip()
            column, closer = len(stripped) - 1, stripped[-1]
            press(at, column, "", 1)
            if language == "python":
                retyped = ", total" + closer
            else:
                indent = stripped[:column]
                retyped = f"  CACHE.set(label, total);\n{indent}{closer}"
            added = type_text(at, column, retyped)
            # the retyped bracket's line is where the closer now is
            closers = [n + added if n >= at else n for n in closers]
            body = [n + added if n > at else n for n in body]
            continue
        at = rng.choice(body)
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        named += 1
        statement = next_up.replace("{n}", str(named))
        added = type_text(
            at, len(lines[at]), "\n" + indent + statement.replace("\n", "\n" + indent)
        )
        body = [n + added if n > at else n for n in body]
        closers = [n + added if n > at else n for n in closers]
    return keys


def python_flags(lines: Sequence[str], keys: Sequence[_Key]) -> list[bool]:
    """Whether Python compiles the file after each key."""
    state = list(lines)
    flags = []
    for key in keys:
        apply(state, *key)
        flags.append(parses(state))
    return flags


_NODE_CHECK = r"""
const vm = require("vm");
const crypto = require("crypto");
const job = JSON.parse(require("fs").readFileSync(0, "utf8"));
const lines = job.lines;
function parses() {
  try {
    new vm.Script(lines.join("\n") + "\n", { filename: "typed.js" });
    return true;
  } catch (error) {
    if (error && error.name === "SyntaxError") return false;
    throw error;
  }
}
const initial = parses();
const flags = [];
for (const [line, column, text, removed] of job.keys) {
  const old = lines[line];
  if (text === "\n") {
    lines.splice(line, 1, old.slice(0, column), old.slice(column + removed));
  } else {
    lines[line] = old.slice(0, column) + text + old.slice(column + removed);
  }
  flags.push(parses());
}
const sha256 = crypto.createHash("sha256").update(lines.join("\n") + "\n").digest("hex");
process.stdout.write(JSON.stringify({ initial, flags, sha256 }));
"""
"""Applies the keys as `apply` does and compiles the whole file with V8 after each."""


def node_check(lines: Sequence[str], keys: Sequence[_Key] = ()) -> tuple[bool, list[bool]]:
    """(whether Node parses ``lines``, whether it parses after each of ``keys``)."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not on PATH: the JavaScript typing states need it")
    job = json.dumps({"lines": list(lines), "keys": [list(k) for k in keys]})
    done = subprocess.run(
        [node, "-e", _NODE_CHECK], input=job, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"node failed to check the typing states:\n{done.stderr[-2000:]}")
    answer = json.loads(done.stdout)
    state = list(lines)
    for key in keys:
        apply(state, *key)
    mine = hashlib.sha256(("\n".join(state) + "\n").encode()).hexdigest()
    if answer["sha256"] != mine:
        raise RuntimeError("node and this script applied the keys to different texts")
    return answer["initial"], answer["flags"]


def node_flags(lines: Sequence[str], keys: Sequence[_Key]) -> list[bool]:
    """Whether Node parses the file after each key; the file must parse before the first."""
    initial, flags = node_check(lines, keys)
    if not initial:
        raise RuntimeError("the JavaScript file does not parse before the first key")
    return flags


if __name__ == "__main__":
    from editor_latency import generate_source

    language = sys.argv[2] if len(sys.argv) > 2 else "python"
    source = generate_source(language, int(sys.argv[1]) if len(sys.argv) > 1 else 1000, 1)
    typed = typing_edits(source.lines, source.body_lines, 200, 1, language, source.closer_lines)
    broken = sum(not edit.parses for edit in typed)
    print(f"{len(typed)} keystrokes: {len(typed) - broken} leave the file parsing, {broken} not")
