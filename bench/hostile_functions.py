"""Rules on one huge function full of sinks: time and findings of `peer check --no-model`.

    python bench/hostile_functions.py [--sinks 1400] [--languages python javascript java go]
                                      [--runs 1] [--json out.json]

For each language the script writes one file holding one function with ``--sinks``
repetitions of the shapes the data-flow rules follow (a command built with ``+`` then run,
an SQL string built with ``+`` then executed, in Go also with a ``strings.Builder``, a
password hashed with MD5, a string compared with ``==`` in Java, ``innerHTML`` in
JavaScript), then times ``python -m peer_lsp check --no-model --format json`` on it as a
fresh process (imports included) and counts the findings per rule.

Found while judging the rules against real code: every lookup of a name (the value last
assigned to it, a Go import, a hasher's writes) walked the function or the file again, and
every quick fix was verified by parsing the function again, so a function of 1,400 sinks took
one to over two minutes. Real code has no such function; hostile or generated input does,
and the editor runs the rules on the function being edited at every keystroke.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import typing
from pathlib import Path


class Shape(typing.NamedTuple):
    """One language's file: what comes before the function's body, one repetition of the
    body (``{i}``: its number, ``{k}``: its number modulo 5), and what closes the file."""

    name: str
    head: str
    sink: str
    tail: str

    def source(self, sinks: int) -> str:
        body = "".join(
            self.sink.replace("{i}", str(i)).replace("{k}", str(i % 5)) for i in range(sinks)
        )
        return self.head + body + self.tail


SHAPES: dict[str, Shape] = {
    "python": Shape(
        "big.py",
        "import hashlib\nimport os\n\n\ndef big(x, db, password):\n",
        "    cmd{i} = 'ls ' + x\n    os.system(cmd{i})\n"
        "    q{i} = 'SELECT * FROM t WHERE a = ' + x\n    db.execute(q{i})\n"
        "    h{i} = hashlib.md5(password.encode()).hexdigest()\n",
        "",
    ),
    "javascript": Shape(
        "big.js",
        "const cp = require('child_process');\nfunction big(req, db, el) {\n",
        "  const c{i} = 'ls ' + req.query.x;\n  cp.exec(c{i});\n"
        "  const q{i} = 'SELECT * FROM t WHERE a = ' + req.query.x;\n  db.query(q{i});\n"
        "  el.innerHTML = q{i};\n",
        "}\n",
    ),
    "java": Shape(
        "Big.java",
        "import java.sql.*;\nclass Big {\n  void big(String x, Statement st) throws Exception {\n",
        '    String q{i} = "SELECT * FROM t WHERE a = " + x;\n    st.executeQuery(q{i});\n'
        '    Runtime.getRuntime().exec("ls " + x);\n    if (x == "a{i}") { }\n',
        "  }\n}\n",
    ),
    "go": Shape(
        "big.go",
        'package p\n\nimport (\n\t"crypto/md5"\n\t"database/sql"\n\t"encoding/hex"\n'
        '\t"strings"\n)\n\ntype User struct{ Password string }\n\n'
        "func Big(db *sql.DB, x, password string, users []User) {\n",
        '\tq{i} := "SELECT * FROM t WHERE a = " + x\n\tdb.Query(q{i})\n'
        "\th{i} := md5.New()\n\th{i}.Write([]byte(password))\n"
        "\tusers[{k}].Password = hex.EncodeToString(h{i}.Sum(nil))\n"
        '\tvar b{i} strings.Builder\n\tb{i}.WriteString("SELECT * FROM t WHERE a = ")\n'
        "\tb{i}.WriteString(x)\n\tdb.Query(b{i}.String())\n",
        "}\n",
    ),
}


def check(path: Path) -> tuple[float, collections.Counter[str]]:
    """Wall seconds of one `peer check --no-model` of ``path``, and its findings per rule."""
    command = [sys.executable, "-m", "peer_lsp", "check", "--no-model", "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--exit-zero", "--no-progress", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    findings = json.loads(done.stdout)["findings"]
    return seconds, collections.Counter(f["rule"] for f in findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sinks", type=int, default=1400, help="repetitions in the function")
    parser.add_argument("--languages", nargs="+", choices=sorted(SHAPES), default=list(SHAPES))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    results = []
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="peer-hostile-") as tmp:
        for language in args.languages:
            shape = SHAPES[language]
            path = Path(tmp) / shape.name
            text = shape.source(args.sinks)
            path.write_text(text, encoding="utf-8")
            times, rules = [], collections.Counter[str]()
            for _ in range(args.runs):
                seconds, rules = check(path)
                times.append(seconds)
            lines = text.count("\n")
            best = min(times)
            print(f"{language:10} {lines:6} lines  {best:7.2f} s  {dict(rules.most_common())}")
            results.append({"language": language, "lines": lines, "seconds": times, **rules})
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
