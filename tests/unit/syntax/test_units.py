"""Units per grammar: what each units query captures, chunks without a query, and hashes."""

from __future__ import annotations

import pytest

from peer_lsp.documents.store import Document
from peer_lsp.syntax.unit import Unit, UnitKind
from peer_lsp.syntax.unit_chunks import DEFAULT_CHUNK_LINES
from peer_lsp.syntax.unit_extract import units_query

UnitRow = tuple[str, str, int, int]

PYTHON = '''\
import functools


class Repo:
    """A repository on disk."""

    def __init__(self, root: str) -> None:
        self.root = root

    class Entry:
        def path(self) -> str:
            return "entry"


@functools.cache
def load(root: str) -> Repo:
    return Repo(root)
'''

JAVASCRIPT = """\
import { readFile } from "node:fs/promises";

export function createStore(path) {
  class Store {
    constructor() {
      this.items = new Map();
    }

    async load() {
      return readFile(path, "utf8");
    }
  }
  return new Store();
}

const double = (x) => x * 2;

exports.handler = async function (event) {
  return double(event.n);
};

setTimeout(() => console.log("anonymous"), 10);
"""

TYPESCRIPT = """\
export interface Shape {
  area(): number;
}

export abstract class Base implements Shape {
  abstract area(): number;

  describe(): string {
    return `area ${this.area()}`;
  }
}

namespace Geometry {
  export class Square extends Base {
    constructor(private side: number) {
      super();
    }

    area(): number {
      return this.side ** 2;
    }
  }
}

export const unit = (): Shape => new Geometry.Square(1);
"""

TSX = """\
import { useState } from "react";

interface Props {
  label: string;
}

export function Counter({ label }: Props) {
  const [count, setCount] = useState(0);
  const increment = () => setCount(count + 1);
  return <button onClick={increment}>{label}: {count}</button>;
}

export class Panel extends React.Component<Props> {
  render() {
    return <div>{this.props.label}</div>;
  }
}
"""

GO = """\
package server

import "net/http"

type Server struct {
\tAddr string
}

type Handler interface {
\tServe(w http.ResponseWriter)
}

func (s *Server) Start() error {
\treturn http.ListenAndServe(s.Addr, nil)
}

func New(addr string) *Server {
\treturn &Server{Addr: addr}
}
"""

RUST = """\
use std::fmt;

pub struct Point {
    x: i32,
    y: i32,
}

impl Point {
    pub fn new(x: i32, y: i32) -> Self {
        Point { x, y }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

trait Shape {
    fn area(&self) -> f64;
    fn describe(&self) -> String {
        format!("area {}", self.area())
    }
}

mod tests {
    fn origin() {}
}
"""

JAVA = """\
package app;

public class Account {
    private long balance;

    public Account(long opening) {
        this.balance = opening;
    }

    @Override
    public String toString() {
        return "Account";
    }

    static class Ledger {
        void record(long amount) {
        }
    }

    interface Audited {
        void audit();
    }

    enum State { OPEN, CLOSED }

    record Entry(long amount) {
    }
}
"""

C = """\
#include <stdlib.h>

struct list {
    struct node {
        int value;
    } *head;
};

typedef struct {
    int x;
} point_t;

int *alloc_ints(size_t n);

static int *alloc_ints(size_t n) {
    return malloc(n * sizeof(int));
}

int main(void) {
    return 0;
}
"""

CPP = """\
#include <string>

namespace app {

class Greeter {
 public:
  Greeter() {}
  std::string greet(const std::string& name) const {
    return "hi " + name;
  }
  void reset();

  struct Options {
    bool loud = false;
  };
};

}  // namespace app

void app::Greeter::reset() {}

template <typename T>
T twice(T value) {
  return value * 2;
}
"""

CSHARP = """\
using System;

namespace App.Billing
{
    public class Invoice
    {
        public Invoice(decimal total)
        {
            Total = total;
        }

        public decimal Total { get; }

        public decimal Tax() => Total * 0.2m;

        private struct Line
        {
            public string Describe() { return "line"; }
        }
    }

    interface IPayable
    {
        void Pay();
    }
}
"""

RUBY = """\
module Billing
  class Invoice
    def initialize(total)
      @total = total
    end

    def self.empty
      new(0)
    end

    class Line
      def describe
        "line"
      end
    end
  end
end

def helper; end
"""

PHP = """\
<?php

namespace App\\Billing {
    interface Payable
    {
        public function pay(): void;
    }

    trait Logs
    {
        public function log(string $m): void {}
    }

    class Invoice implements Payable
    {
        public function __construct(private int $total) {}

        public function pay(): void
        {
            echo $this->total;
        }
    }

    function helper() { return 1; }
}
"""

UNIT_CASES = [
    pytest.param(
        "x.py",
        "python",
        PYTHON,
        [
            ("class", "Repo", 3, 11),
            ("method", "Repo.__init__", 6, 7),
            ("class", "Repo.Entry", 9, 11),
            ("method", "Repo.Entry.path", 10, 11),
            ("function", "load", 14, 16),  # the decorator belongs to the unit
        ],
        id="python",
    ),
    pytest.param(
        "x.js",
        "javascript",
        JAVASCRIPT,
        [
            ("function", "createStore", 2, 13),  # `export` belongs to the unit
            ("class", "createStore.Store", 3, 11),
            ("method", "createStore.Store.constructor", 4, 6),
            ("method", "createStore.Store.load", 8, 10),
            ("function", "double", 15, 15),
            ("function", "handler", 17, 19),
        ],
        id="javascript",
    ),
    pytest.param(
        "x.ts",
        "typescript",
        TYPESCRIPT,
        [
            ("class", "Shape", 0, 2),
            ("class", "Base", 4, 10),  # the abstract signature is not a unit
            ("method", "Base.describe", 7, 9),
            ("class", "Geometry", 12, 22),
            ("class", "Geometry.Square", 13, 21),
            ("method", "Geometry.Square.constructor", 14, 16),
            ("method", "Geometry.Square.area", 18, 20),
            ("function", "unit", 24, 24),
        ],
        id="typescript",
    ),
    pytest.param(
        "x.tsx",
        "typescriptreact",
        TSX,
        [
            ("class", "Props", 2, 4),
            ("function", "Counter", 6, 10),
            ("function", "Counter.increment", 8, 8),
            ("class", "Panel", 12, 16),
            ("method", "Panel.render", 13, 15),
        ],
        id="tsx",
    ),
    pytest.param(
        "x.go",
        "go",
        GO,
        [
            ("class", "Server", 4, 6),
            ("class", "Handler", 8, 10),
            ("function", "Start", 12, 14),  # a Go method is named without its receiver
            ("function", "New", 16, 18),
        ],
        id="go",
    ),
    pytest.param(
        "x.rs",
        "rust",
        RUST,
        [
            ("class", "Point", 2, 5),
            ("class", "Point", 7, 11),
            ("method", "Point.new", 8, 10),
            ("class", "Point", 13, 17),  # `impl fmt::Display for Point`
            ("method", "Point.fmt", 14, 16),
            ("class", "Shape", 19, 24),
            ("method", "Shape.describe", 21, 23),
            ("class", "tests", 26, 28),
            ("method", "tests.origin", 27, 27),
        ],
        id="rust",
    ),
    pytest.param(
        "Account.java",
        "java",
        JAVA,
        [
            ("class", "Account", 2, 27),
            ("method", "Account.Account", 5, 7),
            ("method", "Account.toString", 9, 12),  # the annotation belongs to the unit
            ("class", "Account.Ledger", 14, 17),
            ("method", "Account.Ledger.record", 15, 16),
            ("class", "Account.Audited", 19, 21),
            ("class", "Account.State", 23, 23),
            ("class", "Account.Entry", 25, 26),
        ],
        id="java",
    ),
    pytest.param(
        "x.c",
        "c",
        C,
        [
            ("class", "list", 2, 6),
            ("class", "list.node", 3, 5),
            ("class", "point_t", 8, 10),
            ("function", "alloc_ints", 14, 16),  # the prototype is not a unit
            ("function", "main", 18, 20),
        ],
        id="c",
    ),
    pytest.param(
        "x.cpp",
        "cpp",
        CPP,
        [
            ("class", "app", 2, 17),
            ("class", "app.Greeter", 4, 15),
            ("method", "app.Greeter.Greeter", 6, 6),
            ("method", "app.Greeter.greet", 7, 9),
            ("class", "app.Greeter.Options", 12, 14),
            ("function", "app::Greeter::reset", 19, 19),
            ("function", "twice", 21, 24),  # `template <...>` belongs to the unit
        ],
        id="cpp",
    ),
    pytest.param(
        "x.cs",
        "csharp",
        CSHARP,
        [
            ("class", "App.Billing", 2, 25),
            ("class", "App.Billing.Invoice", 4, 19),
            ("method", "App.Billing.Invoice.Invoice", 6, 9),
            ("method", "App.Billing.Invoice.Tax", 13, 13),
            ("class", "App.Billing.Invoice.Line", 15, 18),
            ("method", "App.Billing.Invoice.Line.Describe", 17, 17),
            ("class", "App.Billing.IPayable", 21, 24),
        ],
        id="csharp",
    ),
    pytest.param(
        "x.rb",
        "ruby",
        RUBY,
        [
            ("class", "Billing", 0, 16),
            ("class", "Billing.Invoice", 1, 15),
            ("method", "Billing.Invoice.initialize", 2, 4),
            ("method", "Billing.Invoice.empty", 6, 8),
            ("class", "Billing.Invoice.Line", 10, 14),
            ("method", "Billing.Invoice.Line.describe", 11, 13),
            ("function", "helper", 18, 18),
        ],
        id="ruby",
    ),
    pytest.param(
        "x.php",
        "php",
        PHP,
        [
            ("class", "App\\Billing", 2, 24),
            ("class", "App\\Billing.Payable", 3, 6),
            ("class", "App\\Billing.Logs", 8, 11),
            ("method", "App\\Billing.Logs.log", 10, 10),
            ("class", "App\\Billing.Invoice", 13, 21),
            ("method", "App\\Billing.Invoice.__construct", 15, 15),
            ("method", "App\\Billing.Invoice.pay", 17, 20),
            ("method", "App\\Billing.helper", 23, 23),  # namespaces are class-like
        ],
        id="php",
    ),
]


def rows(units: list[Unit]) -> list[UnitRow]:
    return [
        (unit.kind.value, unit.qualified_name, unit.start_line, unit.end_line) for unit in units
    ]


def open_doc(path: str, source: str, language_id: str) -> Document:
    return Document.open(f"file:///{path}", source, language_id)


@pytest.mark.parametrize(("path", "language_id", "source", "expected"), UNIT_CASES)
def test_units_of_each_grammar(
    path: str, language_id: str, source: str, expected: list[UnitRow]
) -> None:
    doc = open_doc(path, source, language_id)

    assert doc.tree is not None
    assert not doc.tree.root_node.has_error
    assert rows(doc.units) == expected


@pytest.mark.parametrize(
    "grammar",
    [
        "python",
        "javascript",
        "typescript",
        "tsx",
        "go",
        "rust",
        "java",
        "c",
        "cpp",
        "csharp",
        "ruby",
        "php",
    ],
)
def test_units_query_compiles(grammar: str) -> None:
    assert units_query(grammar) is not None


def assert_chunks_cover(doc: Document, source: str) -> None:
    lines = source.splitlines()
    assert doc.units
    assert all(unit.kind is UnitKind.CHUNK for unit in doc.units)
    assert all(unit.end_line - unit.start_line < DEFAULT_CHUNK_LINES for unit in doc.units)
    assert all(
        before.end_line < after.start_line
        for before, after in zip(doc.units, doc.units[1:], strict=False)
    )
    covered = {line for unit in doc.units for line in range(unit.start_line, unit.end_line + 1)}
    assert {number for number, text in enumerate(lines) if text.strip()} <= covered
    assert "\n".join(unit.text for unit in doc.units).split() == source.split()


def test_grammar_without_query_is_cut_into_chunks() -> None:
    blocks = [f"function f{i}(x)\n  local y = x + {i}\n  return y\nend\n" for i in range(50)]
    source = "\n".join(blocks)  # 249 lines of top-level Lua functions
    doc = open_doc("x.lua", source, "lua")

    assert doc.grammar == "lua"
    assert units_query("lua") is None
    assert len(doc.units) == 4
    assert_chunks_cover(doc, source)
    # Chunks break between top-level nodes, never inside a function.
    assert all(unit.text.startswith("function") for unit in doc.units)
    assert all(unit.text.endswith("end") for unit in doc.units)


def test_unknown_language_is_cut_into_line_chunks() -> None:
    source = "".join(f"note {i}\n" for i in range(200))
    doc = open_doc("notes.txt", source, "plaintext")

    assert doc.grammar is None
    assert doc.tree is None
    assert [(unit.start_line, unit.end_line) for unit in doc.units] == [
        (0, 79),
        (80, 159),
        (160, 199),
    ]
    assert_chunks_cover(doc, source)


def only_unit(path: str, source: str, language_id: str) -> Unit:
    units = open_doc(path, source, language_id).units
    assert len(units) == 1
    return units[0]


PY_TOTAL = """\
def total(items):
    result = 0
    for item in items:
        result += item
    return result
"""

PY_TOTAL_RESTYLED = """\
def total( items ):
    result = 0  # start from nothing

    for item in items :   # every one
        result  +=  item
    return result
"""

PY_TOTAL_CHANGED = PY_TOTAL.replace("result += item", "result -= item")

PY_TOTAL_COMMENT_LINE = PY_TOTAL.replace("    result = 0\n", "    # start\n    result = 0\n")

GO_TOTAL = """\
func total(items []int) int {
\tresult := 0
\tfor _, item := range items {
\t\tresult += item
\t}
\treturn result
}
"""

GO_TOTAL_RESTYLED = """\
func total(items []int) int {
\t// Start from nothing.
\tresult := 0 /* zero */
\tfor _, item := range items { result += item }

\treturn result
}
"""

GO_TOTAL_CHANGED = GO_TOTAL.replace("result := 0", "result := 1")


@pytest.mark.parametrize(
    ("path", "language_id", "original", "restyled", "changed"),
    [
        pytest.param("x.py", "python", PY_TOTAL, PY_TOTAL_RESTYLED, PY_TOTAL_CHANGED, id="python"),
        pytest.param(
            "x.go",
            "go",
            "package m\n\n" + GO_TOTAL,
            "package m\n\n" + GO_TOTAL_RESTYLED,
            "package m\n\n" + GO_TOTAL_CHANGED,
            id="go",
        ),
    ],
)
def test_normalized_hash_ignores_layout_and_comments_only(
    path: str, language_id: str, original: str, restyled: str, changed: str
) -> None:
    base = only_unit(path, original, language_id)
    same = only_unit(path, restyled, language_id)
    other = only_unit(path, changed, language_id)

    assert base.exact_hash != same.exact_hash
    assert base.normalized_hash == same.normalized_hash
    assert base.normalized_hash != other.normalized_hash


def test_string_contents_are_not_normalized() -> None:
    spaced = 'def greet():\n    return "hello  world"\n'
    base = only_unit("x.py", spaced, "python")
    other = only_unit("x.py", spaced.replace("hello  world", "hello world"), "python")

    assert base.normalized_hash != other.normalized_hash


def test_python_comment_on_its_own_line_keeps_the_normalized_hash() -> None:
    base = only_unit("x.py", PY_TOTAL, "python")
    commented = only_unit("x.py", PY_TOTAL_COMMENT_LINE, "python")

    assert base.normalized_hash == commented.normalized_hash


def test_python_dedenting_a_statement_changes_the_normalized_hash() -> None:
    inside = """\
def check(value):
    if value:
        log(value)
        return 1
    return 0
"""
    outside = inside.replace("        return 1\n", "    return 1\n")

    assert only_unit("x.py", inside, "python").normalized_hash != (
        only_unit("x.py", outside, "python").normalized_hash
    )
