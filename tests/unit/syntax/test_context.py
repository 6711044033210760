"""Unit context: imports per grammar, called names, sibling signatures and the context hash."""

from __future__ import annotations

import pytest

from peer_lsp.documents.store import Document
from peer_lsp.review.prompt.callees import (
    CALL_FIELDS,
    called_names,
    sibling_signatures,
    signature_of,
    simple_name,
)
from peer_lsp.review.prompt.imports import file_imports, imports_query, imports_used
from peer_lsp.review.prompt.skeleton import ELIDED, skeleton
from peer_lsp.review.prompt.unit_context import context_hash
from peer_lsp.syntax.unit import Unit

IMPORTS: dict[str, tuple[str, str, list[str]]] = {
    "python": (
        "a.py",
        "from __future__ import annotations\n"
        "import os\n"
        "from typing import (\n    Any,\n)\n"
        "if TYPE_CHECKING:\n    from pathlib import Path\n"
        "def f():\n    import json\n",
        [
            "from __future__ import annotations",
            "import os",
            "from typing import (\n    Any,\n)",
            "from pathlib import Path",
        ],
    ),
    "javascript": (
        "a.js",
        "import x from 'y';\nconst fs = require('fs');\nrequire('side');\n"
        "export { q } from './q';\nconst n = compute('fs');\n"
        "function f() { const z = require('z'); }\n",
        [
            "import x from 'y';",
            "const fs = require('fs');",
            "require('side');",
            "export { q } from './q';",
        ],
    ),
    "typescript": (
        "a.ts",
        "import type { A } from './a';\nimport x = require('y');\nvar z = require('z');\n",
        ["import type { A } from './a';", "import x = require('y');", "var z = require('z');"],
    ),
    "tsx": (
        "a.tsx",
        "import React from 'react';\nconst el = <div />;\n",
        ["import React from 'react';"],
    ),
    "go": (
        "a.go",
        'package main\n\nimport "fmt"\nimport (\n\t"os"\n\tstr "strings"\n)\n',
        ['import "fmt"', 'import (\n\t"os"\n\tstr "strings"\n)'],
    ),
    "rust": (
        "a.rs",
        "use std::io;\nuse crate::{a, b::c};\nextern crate foo;\nmod m;\nmod inline { }\n"
        "fn f() { use x::y; }\n",
        ["use std::io;", "use crate::{a, b::c};", "extern crate foo;", "mod m;"],
    ),
    "java": (
        "A.java",
        "package a;\nimport java.util.List;\nimport static java.lang.Math.*;\nclass A {}\n",
        ["import java.util.List;", "import static java.lang.Math.*;"],
    ),
    "c": (
        "a.c",
        '#include <stdio.h>\n#include "x.h"\n#define N 1\nint main(void) { return 0; }\n',
        ["#include <stdio.h>", '#include "x.h"'],
    ),
    "cpp": (
        "a.cpp",
        "#include <vector>\nusing namespace std;\nusing std::string;\n"
        "int main() { using std::size_t; return 0; }\n",
        ["#include <vector>", "using namespace std;", "using std::string;"],
    ),
    "csharp": (
        "a.cs",
        "using System;\nusing static System.Math;\nusing X = A.B;\n"
        "class C { void M() { using (var r = F()) { } } }\n",
        ["using System;", "using static System.Math;", "using X = A.B;"],
    ),
    "ruby": (
        "a.rb",
        "require 'json'\nrequire_relative \"helper\"\nload 'x.rb'\n"
        "class A\n  include Comparable\n  def f\n    require 'lazy'\n  end\nend\n",
        ["require 'json'", 'require_relative "helper"'],
    ),
    "php": (
        "a.php",
        "<?php\nnamespace App;\nuse A\\B;\nuse function C\\d;\n"
        "require 'a.php';\ninclude_once __DIR__ . '/b.php';\n"
        "class K { use T; }\n",
        ["use A\\B;", "use function C\\d;", "require 'a.php';", "include_once __DIR__ . '/b.php';"],
    ),
}

PYTHON = """\
import os


class Repo(Base):
    def load(
        self, key: str,
    ) -> bytes:
        data = self.read(key)
        return parse(data) + helpers.fmt(key)

    def read(self, key: str) -> bytes:
        return self.load(key)

    def unused(self) -> None:
        pass


@functools.cache
def parse(data: bytes) -> list[int]:
    def inner() -> None:
        pass

    return [inner()]


def unrelated(x):
    return os.path.join(x)
"""

GO = """\
package main

type Store struct {
\titems map[string]int
}

func (s *Store) Load(key string) int {
\treturn s.read(key) + helper(key) + fmt.Sprint(key)
}

func (s *Store) read(key string) int {
\treturn s.items[key]
}

func helper(key string) int {
\treturn len(key)
}

func unused() {}
"""

JAVASCRIPT = """\
class Store {
  load(key) {
    return this.read(key) + helper({ key }) + new Entry(key);
  }

  read(key) {
    return 0;
  }
}

function helper({ key }) {
  return key.length;
}

const Entry = class {};

const unused = () => 1;
"""


def _doc(path: str, text: str) -> Document:
    return Document.open(f"file:///work/{path}", text)


def _unit(doc: Document, qualified_name: str) -> Unit:
    return next(unit for unit in doc.units if unit.qualified_name == qualified_name)


@pytest.mark.parametrize("grammar", sorted(IMPORTS))
def test_imports_per_grammar(grammar: str) -> None:
    path, text, expected = IMPORTS[grammar]
    doc = _doc(path, text)
    assert doc.grammar == grammar
    assert imports_query(grammar) is not None
    assert file_imports(doc) == expected


def test_every_grammar_with_units_has_imports_and_calls() -> None:
    for grammar in IMPORTS:
        assert imports_query(grammar) is not None
        assert grammar in CALL_FIELDS


def test_imports_are_bounded_in_lines() -> None:
    text = "".join(f"import m{i}\n" for i in range(10)) + "from x import (\n a,\n b,\n)\n"
    doc = _doc("a.py", text)
    assert file_imports(doc, limit_lines=3) == ["import m0", "import m1", "import m2"]
    cut = file_imports(doc, limit_lines=12)
    assert cut[-1] == "from x import (\n a,"
    assert sum(len(item.splitlines()) for item in cut) == 12


def test_no_imports_without_a_grammar_or_query() -> None:
    assert file_imports(_doc("notes.txt", "import os\n")) == []
    assert file_imports(_doc("a.lua", "local x = require('x')\n")) == []


def test_called_names_python() -> None:
    doc = _doc("a.py", PYTHON)
    assert called_names(_unit(doc, "Repo.load"), doc) == {"read", "parse", "fmt"}
    assert called_names(_unit(doc, "Repo.unused"), doc) == set()


def test_called_names_in_brace_languages() -> None:
    go = _doc("a.go", GO)
    assert called_names(_unit(go, "Load"), go) == {"read", "helper", "Sprint"}
    js = _doc("a.js", JAVASCRIPT)
    assert called_names(_unit(js, "Store.load"), js) == {"read", "helper", "Entry"}


def test_called_names_java_and_rust() -> None:
    java = _doc(
        "A.java",
        "class A {\n"
        "  int load(String k) { return read(k) + Util.helper(k) + new B<String>().x(); }\n"
        "  int read(String k) { return 0; }\n}\n",
    )
    assert called_names(_unit(java, "A.load"), java) == {"read", "helper", "B", "x"}
    rust = _doc("a.rs", "fn load() -> i32 { self.read() + helper::<i32>() + S::make() }\n")
    assert called_names(_unit(rust, "load"), rust) == {"read", "helper", "make"}


def test_called_names_fall_back_to_text() -> None:
    doc = _doc("a.lua", "local function go()\n  return fetch(1) + parse (2)\nend\n")
    assert doc.grammar == "lua"
    assert doc.grammar not in CALL_FIELDS
    assert {"fetch", "parse"} <= called_names(doc.units[0], doc)


def test_sibling_signatures_python() -> None:
    doc = _doc("a.py", PYTHON)
    load = _unit(doc, "Repo.load")
    assert sibling_signatures(load, doc) == [
        "def read(self, key: str) -> bytes:",
        "def parse(data: bytes) -> list[int]:",
    ]
    # A unit does not list itself, its containers, or units nested inside it.
    assert sibling_signatures(_unit(doc, "Repo.read"), doc) == [
        "def load( self, key: str, ) -> bytes:"
    ]
    assert sibling_signatures(_unit(doc, "parse"), doc) == []
    assert sibling_signatures(load, doc, limit=1) == ["def read(self, key: str) -> bytes:"]


def test_sibling_signatures_go_and_javascript() -> None:
    go = _doc("a.go", GO)
    assert sibling_signatures(_unit(go, "Load"), go) == [
        "func (s *Store) read(key string) int",
        "func helper(key string) int",
    ]
    js = _doc("a.js", JAVASCRIPT)
    assert sibling_signatures(_unit(js, "Store.load"), js) == [
        "read(key)",
        "function helper({ key })",
        "const Entry = class",
    ]


def test_signature_without_a_body_reads_up_to_the_brace() -> None:
    go = _doc("a.go", GO)
    assert signature_of(_unit(go, "Store"), go) == "type Store struct"


@pytest.mark.parametrize(
    ("name", "simple"),
    [("Outer::Inner", "Inner"), ("ns::f<T>", "f"), ("App\\Models\\User", "User"), ("x", "x")],
)
def test_simple_name(name: str, simple: str) -> None:
    assert simple_name(name) == simple


def test_context_hash_is_stable_and_unambiguous() -> None:
    assert context_hash(["a", "b"]) == context_hash(["a", "b"])
    assert context_hash(["ab", "c"]) != context_hash(["a", "bc"])
    assert context_hash(["a", "b"]) != context_hash(["b", "a"])
    assert context_hash([]) != context_hash([""])


@pytest.mark.parametrize(
    ("imports", "text", "kept"),
    [
        (["import os", "from typing import Any"], "def f(x: Any): return x", [1]),
        (["import os.path as osp", "import json"], "osp.join(a, b)", [0]),
        (["import { readFile } from 'fs'", "import React from 'react'"], "readFile(p)", [0]),
        (['import (\n\t"fmt"\n\t"net/http"\n)'], "http.Get(url)", [0]),
        (['import "fmt"'], "os.Exit(1)", []),
        (["#include <stdio.h>", '#include "util.h"'], "puts(s);", [0, 1]),
        (["use std::collections::HashMap;"], "let m: HashMap<u8, u8>", [0]),
        (["import java.util.List;"], "String s;", []),
        (["from os import *"], "getcwd()", [0]),
    ],
)
def test_imports_used_keeps_what_the_unit_mentions(
    imports: list[str], text: str, kept: list[int]
) -> None:
    assert imports_used(imports, text) == [imports[i] for i in kept]


CLASS = """\
class Store(Base):
    limit = 10

    @cached
    def get(self, key):
        value = self.data[key]
        return value

    def put(self, key, value): self.data[key] = value

    def size(
        self,
    ) -> int:
        return len(self.data)
"""


def _skeleton_of(text: str, grammar: str, name: str) -> list[tuple[int, str]]:
    document = Document.open(f"file:///s.{grammar}", text, grammar)
    unit = next(u for u in document.units if u.name == name)
    lines = unit.text.split("\n")[:-1] if unit.text.endswith("\n") else unit.text.split("\n")
    return skeleton(unit, document, lines)


def test_a_class_skeleton_folds_its_members_and_keeps_line_numbers() -> None:
    shown = _skeleton_of(CLASS, "python", "Store")
    assert shown == [
        (1, "class Store(Base):"),
        (2, "    limit = 10"),
        (3, ""),
        (ELIDED, "    … lines 4-14: members, reviewed on their own"),
    ]


def test_statements_between_members_split_the_placeholders() -> None:
    text = CLASS.replace("\n    def put", "\n    count = 0\n\n    def put")
    shown = _skeleton_of(text, "python", "Store")
    assert shown[3:] == [
        (ELIDED, "    … lines 4-7: members, reviewed on their own"),
        (8, ""),
        (9, "    count = 0"),
        (10, ""),
        (ELIDED, "    … lines 11-16: members, reviewed on their own"),
    ]


def test_a_skeleton_in_a_brace_language() -> None:
    java = "class A {\n  int n;\n  int twice() {\n    int m = n * 2;\n    return m;\n  }\n}\n"
    shown = _skeleton_of(java, "java", "A")
    assert shown == [
        (1, "class A {"),
        (2, "  int n;"),
        (ELIDED, "  … lines 3-6: members, reviewed on their own"),
        (7, "}"),
    ]


def test_functions_are_shown_whole() -> None:
    shown = _skeleton_of("def f():\n    a = 1\n    return a\n", "python", "f")
    assert shown == [(1, "def f():"), (2, "    a = 1"), (3, "    return a")]


@pytest.mark.parametrize(
    ("statement", "text", "shown"),
    [
        (
            "from ._types import (\n    AuthTypes,\n    CertTypes,  # certs\n    HeaderTypes,\n)",
            "def send(auth: AuthTypes, headers: HeaderTypes): ...",
            "from ._types import AuthTypes, HeaderTypes",
        ),
        ("from os import path as p, sep", "p.join(a, b)", "from os import path as p"),
        ("from x import a, b", "a(b)", "from x import a, b"),
        (
            "import React, { useState, useEffect } from 'react'",
            "useState(0)",
            "import React, { useState } from 'react'",
        ),
        ("import { a as b, c } from './m'", "b()", "import { a as b } from './m'"),
    ],
)
def test_a_statement_of_several_names_shows_the_used_ones(
    statement: str, text: str, shown: str
) -> None:
    assert imports_used([statement], text) == [shown]


def test_a_skeleton_names_the_members_that_make_the_protocol() -> None:
    text = (
        "class Key:\n"
        "    def __eq__(self, other):\n        return True\n\n"
        "    def name(self):\n        return 'k'\n"
    )
    (_, placeholder) = _skeleton_of(text, "python", "Key")
    assert placeholder == (
        ELIDED,
        "    … lines 2-6: members, reviewed on their own (among them __eq__)",
    )
