"""A verified fix uses only names that resolve: bound by the fixed unit, named by the file
(imports, definitions, globals it already relies on) or provided by the language. Each
language's policy refuses only what cannot come from outside the file (issue 14, point 5)."""

from __future__ import annotations

import pytest

from peer_lsp.documents.name_rules import checked_grammars
from peer_lsp.documents.store import Document
from peer_lsp.documents.verify import Verdict, verify_fix
from peer_lsp.findings.model import TextEdit
from peer_lsp.syntax.languages import language_for_path

EXTENSIONS = {
    "python": ".py", "javascript": ".js", "typescript": ".ts", "tsx": ".tsx", "go": ".go",
    "java": ".java", "rust": ".rs", "php": ".php", "c": ".c", "cpp": ".cpp", "csharp": ".cs",
    "ruby": ".rb",
}  # fmt: skip


def fix(language: str, source: str, old: str, new: str) -> Verdict:
    """Verify the fix replacing ``old`` (once, inside the unit around it) with ``new``."""
    document = Document.open(f"file:///sample{EXTENSIONS[language]}", source, language)
    start = document.data.index(old.encode())
    unit = next(u for u in reversed(document.units) if u.contains(start, start + len(old)))
    return verify_fix(document, unit, [TextEdit(start, start + len(old.encode()), new)])


PY = "import os\n\n\ndef load(text):\n    return eval(text)\n"


def test_the_issue_case_a_module_that_is_not_imported_is_refused_by_name() -> None:
    verdict = fix("python", PY, "eval(text)", "ast.literal_eval(text)")
    assert verdict == Verdict(False, "the fix uses `ast`, which is not defined or imported")
    assert fix("python", "import ast\n" + PY, "eval(text)", "ast.literal_eval(text)").ok


@pytest.mark.parametrize(
    "new",
    [
        "os.path.basename(text)",  # imported by the file
        "len(text) and repr(text) and __name__",  # builtins
        "[part for part in text.split()]",  # comprehension variable
        "(size := len(text)) and size",  # assignment expression
        "__import__('ast').literal_eval(text)",
        "helper(text)",  # defined further down the file (see SOURCE below)
    ],
)
def test_names_bound_by_the_file_or_the_language_are_accepted(new: str) -> None:
    source = PY + "\n\ndef helper(value):\n    return value\n"
    assert fix("python", source, "eval(text)", new).ok


def test_names_the_fix_binds_itself_are_accepted() -> None:
    new = (
        "import ast\n"
        "    from .pool import Pool\n"
        "    from . import managers\n"
        "    print(Pool, managers)\n"
        "    with open(text) as handle, open(text) as (a, b):\n"
        "        pass\n"
        "    try:\n        data = ast.literal_eval(text)\n"
        "    except ValueError as error:\n        raise TypeError(error) from None\n"
        "    for key, *rest in data:\n        print(key, rest, handle, a, b)\n"
        "    def inner(x, *args, flag=False, **kw):\n        return x, args, flag, kw\n"
        "    return inner(data)"
    )
    assert fix("python", PY, "return eval(text)", new).ok


def test_names_already_in_the_file_are_not_held_against_a_fix() -> None:
    # `settings` resolves nowhere we can see (a star import elsewhere, a global set by exec):
    # the file already relies on it, so a fix may too.
    source = "def a():\n    return settings.debug\n\n\ndef b(x):\n    return x\n"
    assert fix("python", source, "return x", "return settings.value(x)").ok


def test_an_attribute_with_the_same_name_does_not_resolve_a_module() -> None:
    source = "def a(self):\n    return self.json\n\n\ndef b(x):\n    return x\n"
    assert not fix("python", source, "return x", "return json.dumps(x)").ok


def test_a_star_import_turns_the_check_off_for_its_file() -> None:
    source = "from os.path import *\n\n\ndef b(x):\n    return x\n"
    assert fix("python", source, "return x", "return anything(x)").ok


def test_the_reason_names_every_missing_name_once() -> None:
    verdict = fix("python", PY, "eval(text)", "json.loads(text) or json.dumps(yaml)")
    assert verdict.reason == "the fix uses `json`, `yaml`, which are not defined or imported"


# Per language: the file, the text a fix replaces, a true fix (introducing names that
# resolve), and a broken one (introducing a name that resolves nowhere, for sure).
CASES: dict[str, tuple[str, str, str, str]] = {
    "javascript": (
        "const fs = require('fs');\nfunction read(name) {\n  return eval(name);\n}\n",
        "eval(name)",
        "JSON.parse(fs.readFileSync(name, 'utf8')) || [1].map((v) => v + name.length)",
        "path.join(name)",
    ),
    "typescript": (
        "import { join } from 'path';\nexport function read(name: string): string {\n"
        "  return eval(name);\n}\n\nexport class Reader {}\n",
        "eval(name)",
        "join(name, String(new Reader()), String(Math.max(...[1, 2]))) as Partial<string>",
        "escapeHtml(name)",
    ),
    "tsx": (
        "import React from 'react';\nexport function View(props: { name: string }) {\n"
        "  return <div>{props.name}</div>;\n}\n",
        "<div>{props.name}</div>",
        "<section><React.Fragment>{props.name}</React.Fragment></section>",
        "<Missing>{props.name}</Missing>",
    ),
    "go": (
        'package main\n\nimport "fmt"\n\nfunc show(n int) string {\n\treturn fmt.Sprint(n)\n}\n',
        "return fmt.Sprint(n)",
        's := fmt.Sprintf("%d", n)\n\treturn helperInAnotherFile(s)',
        "return strconv.Itoa(n)",
    ),
    "java": (
        "import java.util.List;\n\nclass A {\n  int size(List<String> items) {\n"
        "    return items.size();\n  }\n}\n",
        "return items.size();",
        "int total = 0; for (String item : items) { total += item.length(); }"
        " return Math.max(total, SamePackageHelper.count(items));",
        "return Objects.hash(items);",
    ),
    "rust": (
        "use std::collections::HashMap;\n\nfn count(words: &[String]) -> usize {\n"
        "    words.len()\n}\n",
        "words.len()",
        "let mut seen: HashMap<&str, usize> = HashMap::new();\n"
        "    for w in words { *seen.entry(w.as_str()).or_insert(0) += 1; }\n"
        '    println!("{}", seen.len());\n'
        "    serde_json::to_string(&1).map(|s| s.len()).unwrap_or(0)",
        "let s: HashSet<u8> = HashSet::new(); s.len()",
    ),
    "php": (
        "<?php\nfunction greet($name) {\n    return 'hi ' . $name;\n}\n",
        "return 'hi ' . $name;",
        "$safe = htmlspecialchars($name); foreach ([$safe] as $k => $v) {} return $v . $_GET['x'];",
        "return 'hi ' . $nmae;",
    ),
    "csharp": (
        "using System.Text;\n\nclass A {\n  int Size(string s) {\n    return s.Length;\n  }\n}\n",
        "return s.Length;",
        "var sb = new StringBuilder(s); var seen = new List<string>(File.ReadAllLines(s));"
        " return System.Text.RegularExpressions.Regex.Escape(sb.ToString()).Length + seen.Count;",
        "return Regex.Escape(s).Length;",
    ),
    "c": (
        "int twice(int n) {\n    return n * 2;\n}\n",
        "return n * 2;",
        "int doubled = n * 2; return doubled;",
        "return strlen(n);",
    ),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_every_checked_language_accepts_a_true_fix_and_refuses_a_broken_one(
    language: str,
) -> None:
    source, old, good, bad = CASES[language]
    accepted = fix(language, source, old, good)
    assert (accepted.ok, accepted.reason) == (True, "")
    refused = fix(language, source, old, bad)
    assert not refused.ok
    assert "which is not defined or imported" in refused.reason


def test_every_language_with_a_units_query_has_a_policy() -> None:
    """A grammar gains a units query: its names must get rules, or be listed as unchecked."""
    from peer_lsp.syntax.queries import query_source

    with_units = {g for g in EXTENSIONS if query_source(g, "units") is not None}
    assert with_units == set(EXTENSIONS)
    assert checked_grammars() == with_units - {"ruby"}
    assert all(language_for_path(f"x{ext}") == g for g, ext in EXTENSIONS.items())


@pytest.mark.parametrize(
    ("language", "source", "old", "new"),
    [
        # Go: a lowercase name may be package-level in a sibling file; an imported package
        # under its path's last element resolves.
        ("go", 'package p\n\nimport "gopkg.in/yaml.v3"\n\nfunc f() int {\n\treturn 1\n}\n',
         "return 1", "_, _ = yaml.Marshal(1)\n\treturn siblingValue"),
        # Java: `import java.util.*` brings in Objects; a class may inherit a field.
        ("java", "import java.util.*;\nclass A {\n  int f(String s) {\n    return 1;\n  }\n}\n",
         "return 1;", "return Objects.hash(s);"),
        ("java", "class A extends B {\n  int f() {\n    return 1;\n  }\n}\n",
         "return 1;", "return inheritedCount;"),
        # C: a header may declare anything.
        ("c", "#include <string.h>\nint f(const char *s) {\n    return 1;\n}\n",
         "return 1;", "return (int) strlen(s) + MACRO_FROM_HEADER;"),
        # Ruby: not checked (documented).
        ("ruby", "def f(x)\n  x\nend\n", "  x\n", "  helper_from_a_mixin(x)\n"),
        # C#: a class of the namespace (or of a `using`) may be in another file.
        ("csharp", "class A {\n  int F(int x) {\n    return x;\n  }\n}\n",
         "return x;", "return Helper.Count(x) + missingLocal;"),
    ],
)  # fmt: skip
def test_where_the_file_is_not_the_whole_scope_only_sure_names_are_refused(
    language: str, source: str, old: str, new: str
) -> None:
    assert fix(language, source, old, new).ok


CS = "class A {\n  int F(string x) {\n    return x.Length;\n  }\n}\n"
RX = "using System.Text.RegularExpressions;\n"
CS_PARTIAL = CS.replace("class A", "partial class A")


@pytest.mark.parametrize(
    ("source", "new"),
    [
        (RX + CS, "return Regex.Escape(x).Length;"),
        ("global " + RX + CS, "return new Regex(x).GetHashCode();"),
        ("using static System.Text.RegularExpressions.Regex;\n" + CS, "return Escape(x).Length;"),
        ("using Regex = " + RX[6:-2] + ".Regex;\n" + CS, "return Regex.Escape(x).Length;"),
        (CS, "return global::System.Text.RegularExpressions.Regex.Escape(x).Length;"),
        (CS, "System.Text.StringBuilder sb = new System.Text.StringBuilder(x); return sb.Length;"),
        # The SDK's implicit global usings: System, System.IO, System.Linq, collections, tasks.
        (CS, "var l = new List<string> { Path.GetFileName(x) }; return l.Count()"
             " + Task.FromResult(1).Result + new HttpClient().GetHashCode();"),
        # The file's namespace is (inside) the type's, in any of its three spellings.
        ("namespace System.Text.Extra;\n" + CS, "return new StringBuilder(x).Length;"),
        ("namespace System { namespace Text {\n" + CS + "}}", "return new StringBuilder().Length;"),
        ("namespace System { using Text;\n" + CS + "}", "return new StringBuilder(x).Length;"),
        # The file declares the name, or uses another type of its namespace with no `using`
        # (a project-wide `global using`, out of sight).
        ("class Regex {}\n" + CS, "return new Regex().GetHashCode();"),
        (CS.replace("int F", "XmlReader r;\n  int F"), "return new XmlDocument().GetHashCode();"),
        # Members that may be inherited, or in another part of a partial class.
        (CS.replace("class A", "class A : TextWriter"), "return Encoding.GetByteCount(x);"),
        (CS_PARTIAL, "return Stopwatch.Elapsed.Seconds;"),
        ("using static Company.Helpers;\n" + CS, "return Encoding.GetByteCount(x);"),
        # Libraries that define a type of the same name.
        ("using UnityEngine;\n" + CS, "Debug.Log(x); return 1;"),
        ("using Newtonsoft.Json;\n" + CS, "return JsonSerializer.CreateDefault().GetHashCode();"),
        # Member names, not types: initializers, anonymous types, named arguments, patterns.
        (CS, "var o = new Options { Encoding = null }; return o.GetHashCode();"),
        (CS, "var o = new { Encoding = 1 }; return F(Regex: o) + (o is { Encoding: 1 } ? 0 : 2);"),
        (CS, "var StringBuilder = x; return StringBuilder.Length;"),
    ],
)  # fmt: skip
def test_csharp_accepts_a_dotnet_type_the_file_can_reach(source: str, new: str) -> None:
    verdict = fix("csharp", source, "return x.Length;", new)
    assert (verdict.ok, verdict.reason) == (True, "")


@pytest.mark.parametrize(
    ("source", "new", "missing"),
    [
        (CS, "return Regex.Escape(x).Length;", "Regex"),
        (CS, "var sb = new StringBuilder(x); return sb.Length;", "StringBuilder"),
        # A type position cannot hold an inherited member: checked even in a partial class.
        (CS_PARTIAL, "Encoding e = Encoding.UTF8; return e.GetByteCount(x);", "Encoding"),
        ("using System.Xml;\nnamespace System.Textual {\n" + CS + "}",
         "return new StringBuilder(x).Length;", "StringBuilder"),
        (CS, "return CultureInfo.InvariantCulture.Name.Length;", "CultureInfo"),
        (CS, "return SHA256.HashData(new byte[0]).Length;", "SHA256"),
    ],
)  # fmt: skip
def test_csharp_refuses_a_dotnet_type_its_file_does_not_import(
    source: str, new: str, missing: str
) -> None:
    verdict = fix("csharp", source, "return x.Length;", new)
    assert verdict == Verdict(False, f"the fix uses `{missing}`, which is not defined or imported")
