"""How a project writes its tests: the framework, its style, an example, a name for a new one.

"Suggest a test" asks a model for a test in the project's own style, so the prompt says which
framework the project uses and shows the head of one of its test files. `detect_test_style`
reads that from the files around the code, never running anything:

- Python: pytest or unittest. The example test decides (``unittest.TestCase`` classes and no
  pytest import: unittest); else pytest's configuration (``pytest.ini``, ``conftest.py``,
  ``[tool.pytest.ini_options]``, ``[tool:pytest]``, tox's ``[pytest]``) or a pytest
  dependency; pytest when nothing says.
- JavaScript and TypeScript: vitest, jest, mocha or node:test, from the example's imports,
  then the configuration files (``vitest.config.*``, ``jest.config.*``, ``.mocharc.*``, a
  ``jest`` key), then ``package.json``'s dependencies and test script; node:test by default.
- Go: the ``testing`` package; table-driven when the example loops over a slice of cases with
  ``t.Run``, testify when it imports it.
- Java: JUnit 5, JUnit 4 or TestNG, from the example's imports, then the build file
  (``pom.xml``, ``build.gradle``); JUnit 5 by default.
- Any other language: its usual framework, named in the prompt by the language alone.

The example is the test file of the same module when there is one (``tests/test_<module>.py``,
``<name>_test.go``, ``<name>.test.ts``, ``src/test/java/.../<Name>Test.java``), else the
nearest test file, looked for in the source's folder and the test folders of its ancestors up
to the workspace root. Only a bounded number of folder entries is read (`MAX_ENTRIES`), so a
huge tree costs no more than a small one. The caller passes ``excluded`` (the ``sendExclude``
globs) so that an example never shows a file that must not leave the machine; the excerpt is
redacted again by the router's guard, as every prompt is.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import typing
from dataclasses import dataclass
from pathlib import Path

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

MAX_ENTRIES = 5000
"""Folder entries read, at most, while looking for an example test."""
MAX_MATCHES = 200
"""Test files compared, at most, to pick the one whose folders mirror the source's."""
MAX_EXCERPT_LINES = 40
MAX_EXCERPT_CHARS = 2400
MAX_READ_BYTES = 256_000
"""A file larger than this is not read (a generated test table, a lockfile)."""
MAX_LEVELS = 8
"""Folders walked up from the source when no workspace root bounds the walk."""

SKIP_FOLDERS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", "__pycache__",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist",
        "target", "out", "vendor", "site-packages", ".gradle", ".idea", "coverage",
    }
)  # fmt: skip
"""Folders never searched for an example: dependencies, caches, build output."""

_JS_LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
_JS_TEST_FOLDERS = ("__tests__", "test", "tests", "spec")
_PY_TEST_FOLDERS = ("tests", "test")
_JAVA_TEST_FOLDERS = ("src/test/java", "src/test", "test", "tests")


@dataclass(frozen=True, slots=True)
class TestStyle:
    """How the project's tests are written, as far as its files tell."""

    language: str
    """The grammar of the code under test (``python``, ``typescript``, ``go``, ...)."""
    framework: str
    """The framework's name as a developer says it (``pytest``, ``JUnit 5``); empty when
    unknown: the prompt then asks for the language's usual one."""
    notes: tuple[str, ...]
    """What else the example or the configuration says (table-driven, fixtures, ESM...)."""
    evidence: tuple[str, ...]
    """Why the framework was chosen: the files that said so, for logs and tests."""
    suggested_path: Path
    """Where a new test of the code would go, by the project's convention."""
    example_path: Path | None = None
    """The test file shown to the model, if any."""
    example_excerpt: str = ""
    """Its head (at most `MAX_EXCERPT_LINES` lines): imports, set-up and a test or two."""

    __test__ = False  # not a pytest test class, whatever its name

    def describe(self, language_name: str) -> str:
        """The framework and notes in one line, for the prompt."""
        framework = self.framework or f"the usual test framework for {language_name}"
        return "; ".join([framework, *self.notes])


def detect_test_style(
    source: Path,
    language: str,
    *,
    root: Path | None = None,
    excluded: Callable[[Path], bool] | None = None,
) -> TestStyle:
    """The test style of the project holding ``source`` (a file in grammar ``language``).

    ``root`` (the workspace) bounds the search upwards; without it the search stops at a
    folder with a project marker (``.git``, ``pyproject.toml``, ``package.json``, ``go.mod``,
    ``pom.xml``...) or after `MAX_LEVELS` folders. ``excluded`` says which files must not be
    shown to a model. Never raises for unreadable files: they count as absent.
    """
    source = Path(os.path.abspath(source))
    top = _top(source, root)
    finder = _Finder(top, excluded or (lambda _path: False))
    if language == "python":
        return _python(source, top, finder)
    if language in _JS_LANGUAGES:
        return _javascript(source, language, top, finder)
    if language == "go":
        return _go(source, top, finder)
    if language == "java":
        return _java(source, top, finder)
    return _other(source, language, top)


# -- where to look ------------------------------------------------------------------------------

_MARKERS = (
    ".git", "pyproject.toml", "setup.py", "setup.cfg", "package.json", "go.mod", "pom.xml",
    "build.gradle", "build.gradle.kts", "Cargo.toml",
)  # fmt: skip


def _top(source: Path, root: Path | None) -> Path:
    """The highest folder searched: ``root`` when it holds ``source``, else the nearest
    folder with a project marker, else `MAX_LEVELS` up."""
    if root is not None:
        root = Path(os.path.abspath(root))
        if source.is_relative_to(root):
            return root
    folder = source.parent
    for _ in range(MAX_LEVELS):
        if any((folder / marker).exists() for marker in _MARKERS):
            return folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return folder


def _ancestors(source: Path, top: Path) -> Iterator[Path]:
    """The source's folder, then each parent up to ``top`` included."""
    folder = source.parent
    while True:
        yield folder
        if folder in (top, folder.parent) or not folder.is_relative_to(top):
            return
        folder = folder.parent


def _read(path: Path) -> str:
    """The file's text, or empty when it cannot be read, is too large or is not UTF-8."""
    try:
        if path.stat().st_size > MAX_READ_BYTES:
            return ""
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


class _Finder:
    """Test files found by walking folders, within one budget of entries for the whole call."""

    def __init__(self, top: Path, excluded: Callable[[Path], bool]) -> None:
        self.top = top
        self.excluded = excluded
        self.left = MAX_ENTRIES

    def files(self, folder: Path, *, deep: bool) -> Iterator[Path]:
        """Files of ``folder`` (and its subfolders when ``deep``), shallowest first, each
        folder's names sorted; stops when the budget is spent."""
        queue = [folder]
        while queue and self.left > 0:
            current = queue.pop(0)
            try:
                entries = sorted(os.scandir(current), key=lambda entry: entry.name)
            except OSError:
                continue
            subfolders = []
            for entry in entries:
                self.left -= 1
                if self.left <= 0:
                    return
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if deep and entry.name not in SKIP_FOLDERS:
                            subfolders.append(Path(entry.path))
                    elif entry.is_file():
                        path = Path(entry.path)
                        if not self.excluded(path):
                            yield path
                except OSError:
                    continue
            queue.extend(subfolders)

    def first(
        self,
        source: Path,
        folders: Sequence[str],
        wanted: Callable[[Path], bool],
        *,
        beside: bool = True,
    ) -> Path | None:
        """The first file ``wanted`` accepts: beside the source, then in the test folders
        (``folders``, relative) of each ancestor up to the top, searched deep."""
        if beside:
            found = next((p for p in self.files(source.parent, deep=False) if wanted(p)), None)
            if found is not None:
                return found
        for ancestor in _ancestors(source, self.top):
            names = set(source.parent.relative_to(ancestor).parts)
            for name in folders:
                folder = ancestor / name
                if not folder.is_dir() or folder == source.parent:
                    continue
                matches = list(itertools.islice(self._matches(folder, wanted), MAX_MATCHES))
                if matches:  # the tests of the source's package: tests/unit/review for review/
                    return max(matches, key=lambda p: _affinity(p, folder, names))
        return None

    def example(
        self,
        source: Path,
        folders: Sequence[str],
        language: str,
        own_names: Iterable[str],
        any_name: re.Pattern[str],
    ) -> tuple[Path | None, bool]:
        """The test to show as an example: the source's own (one of ``own_names``), else any
        test whose name ``any_name`` matches; and whether it is the source's own."""
        names = set(own_names)
        own = self.first(source, folders, _tests(language, names.__contains__))
        if own is not None:
            return own, True
        named = _tests(language, lambda name: bool(any_name.match(name)))
        return self.first(source, folders, named), False

    def _matches(self, folder: Path, wanted: Callable[[Path], bool]) -> Iterator[Path]:
        return (path for path in self.files(folder, deep=True) if wanted(path))


def _affinity(path: Path, folder: Path, names: set[str]) -> tuple[int, int]:
    """How well a test at ``path`` under the test ``folder`` mirrors a source whose folders
    are ``names``: folder names in common, then the shallower."""
    parts = path.parent.relative_to(folder).parts
    return (sum(part in names for part in parts), -len(parts))


def _find_config(source: Path, top: Path, names: Iterable[str]) -> Path | None:
    """The nearest of the files ``names`` in the source's folder or an ancestor up to top."""
    names = tuple(names)
    for folder in _ancestors(source, top):
        for name in names:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


_TEST_BODY = {
    "python": re.compile(r"^\s*(?:async\s+)?def test\w*\(", re.MULTILINE),
    "javascript": re.compile(r"\b(?:it|test|describe)\s*\("),
    "go": re.compile(r"^func (?:Test|Benchmark|Fuzz|Example)\w*\(", re.MULTILINE),
    "java": re.compile(r"@Test\b|extends TestCase\b"),
}


def _tests(language: str, named: Callable[[str], bool]) -> Callable[[Path], bool]:
    """Whether a file is a test: its name is one ``named`` accepts and its text holds a test
    (a source file called ``test_style.py`` holds none)."""
    body = _TEST_BODY[language]
    return lambda path: named(path.name) and bool(body.search(_read(path)))


_LEADING_DOCSTRING = re.compile(r'\A\s*(?:[rRbBuU]{0,2}("""|\'\'\')[\s\S]*?\1)[^\n]*\n')
_LEADING_COMMENTS = re.compile(r"\A(?:\s*(?://[^\n]*|#(?!!)[^\n]*|/\*[\s\S]*?\*/)\n)+")


def excerpt(text: str) -> str:
    """The head of a test file, past a leading docstring or comment block (imports, set-up,
    the first tests are what show the style): at most `MAX_EXCERPT_LINES` lines and
    `MAX_EXCERPT_CHARS` characters, cut at a line end, without blank lines around."""
    text = _LEADING_DOCSTRING.sub("", text, count=1)
    text = _LEADING_COMMENTS.sub("", text, count=1).lstrip("\n")
    lines = text.splitlines()[:MAX_EXCERPT_LINES]
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > MAX_EXCERPT_CHARS:
            break
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


def _stem(source: Path) -> str:
    """The module's name for a test's name: a package's ``__init__`` is its folder's name,
    leading underscores go (``_private.py`` is tested in ``test_private.py``)."""
    stem = source.name.split(".")[0]
    if stem == "__init__" and source.parent.name:
        stem = source.parent.name
    return stem.lstrip("_") or stem


# -- Python ---------------------------------------------------------------------------------------

_PYTEST_IMPORT = re.compile(r"^\s*(?:import pytest\b|from pytest\b)|@pytest\.", re.MULTILINE)
_TESTCASE = re.compile(r"^\s*class \w+\((?:[\w.]*\.)?(?:Async)?TestCase\b", re.MULTILINE)
_PY_TEST_NAME = re.compile(r"^(?:test_.*|.*_test)\.py$")


def _python(source: Path, top: Path, finder: _Finder) -> TestStyle:
    stem = _stem(source)
    names = (f"test_{stem}.py", f"{stem}_test.py")
    example, own = finder.example(source, _PY_TEST_FOLDERS, "python", names, _PY_TEST_NAME)
    text = _read(example) if example is not None else ""
    evidence: list[str] = []
    config = _pytest_config(source, top)
    if config:
        evidence.append(config)
    conftest = _find_config(source, top, ["conftest.py"]) or _conftest_near(example, top)
    unittest_style = bool(_TESTCASE.search(text)) and not _PYTEST_IMPORT.search(text)
    notes: list[str] = []
    if unittest_style:
        framework = "unittest"
        assert example is not None
        evidence.append(f"{example.name}: unittest.TestCase classes")
        notes.append("tests are methods of a unittest.TestCase subclass, self.assert* checks")
        if config:
            notes.append("run by pytest")
    else:
        framework = "pytest"
        if _PYTEST_IMPORT.search(text) and example is not None:
            evidence.append(f"{example.name}: imports pytest")
        notes.append("plain test functions with bare assert statements")
        if "@pytest.mark.parametrize" in text:
            notes.append("cases parametrized with @pytest.mark.parametrize")
        if conftest is not None:
            notes.append("shared fixtures in conftest.py")
    if example is None:
        notes.append("no existing test file was found")
    if own and example is not None:
        suggested = example
    elif example is not None and example.parent != source.parent:
        suggested = example.parent / f"test_{stem}.py"
    elif example is not None:
        suggested = source.parent / f"test_{stem}.py"
    else:
        folder = next(
            (a / "tests" for a in _ancestors(source, top) if (a / "tests").is_dir()), None
        )
        suggested = (folder or top / "tests") / f"test_{stem}.py"
    return _style("python", framework, notes, evidence, suggested, example, text)


def _pytest_config(source: Path, top: Path) -> str:
    """The file that configures pytest, as ``name: why``; empty when none does."""
    checks = (
        ("pytest.ini", ""),
        ("pyproject.toml", "[tool.pytest"),
        ("setup.cfg", "[tool:pytest]"),
        ("tox.ini", "[pytest]"),
    )
    for folder in _ancestors(source, top):
        for name, marker in checks:
            path = folder / name
            if path.is_file() and (not marker or marker in _read(path)):
                return f"{name}: configures pytest"
        for name in ("pyproject.toml", "requirements-dev.txt", "requirements.txt", "setup.py"):
            path = folder / name
            if path.is_file() and re.search(r"[\"'\s]pytest\b", "\n" + _read(path)):
                return f"{name}: depends on pytest"
    return ""


def _conftest_near(example: Path | None, top: Path) -> Path | None:
    """A conftest.py in the example's folder or above it, up to top."""
    if example is None:
        return None
    return _find_config(example, top, ["conftest.py"])


# -- JavaScript and TypeScript --------------------------------------------------------------------

_JS_FRAMEWORKS = ("vitest", "jest", "mocha")
_JS_IMPORTS = (
    ("vitest", re.compile(r"""from\s+['"]vitest['"]|require\(\s*['"]vitest['"]""")),
    ("node:test", re.compile(r"""['"]node:test['"]""")),
    ("jest", re.compile(r"""['"]@jest/globals['"]|\bjest\.(?:fn|mock|spyOn)\(""")),
    ("mocha", re.compile(r"""['"](?:mocha|chai)['"]""")),
)
_JS_CONFIGS = (
    ("vitest", ("vitest.config.ts", "vitest.config.js", "vitest.config.mts", "vitest.config.mjs")),
    ("jest", ("jest.config.js", "jest.config.ts", "jest.config.cjs", "jest.config.mjs")),
    ("mocha", (".mocharc.js", ".mocharc.json", ".mocharc.yml", ".mocharc.yaml", ".mocharc.cjs")),
)
_JS_TEST_NAME = re.compile(r"^.+\.(?:test|spec)\.[cm]?[jt]sx?$")


def _javascript(source: Path, language: str, top: Path, finder: _Finder) -> TestStyle:
    stem = _stem(source)
    ext = source.suffix.lstrip(".") or ("ts" if language != "javascript" else "js")
    exts = dict.fromkeys([ext, "ts", "tsx", "js", "jsx", "mjs", "cjs", "mts"])
    names = [f"{stem}.{infix}.{e}" for infix in ("test", "spec") for e in exts]
    example, own = finder.example(source, _JS_TEST_FOLDERS, "javascript", names, _JS_TEST_NAME)
    text = _read(example) if example is not None else ""
    package_path = _find_config(source, top, ["package.json"])
    package = _package(package_path)
    framework, evidence = _js_framework(source, top, text, example, package)
    notes: list[str] = []
    if re.search(r"\bdescribe\(", text):
        notes.append("describe/it blocks")
    if re.search(r"\bexpect\(", text):
        notes.append("expect() assertions")
    elif re.search(r"\bassert\b", text):
        notes.append("assert module checks")
    if re.search(r"^\s*import\s", text, re.MULTILINE) or package.get("type") == "module":
        notes.append("ES module imports")
    elif "require(" in text:
        notes.append("CommonJS require()")
    if example is None:
        notes.append("no existing test file was found")
    infix = "spec" if example is not None and ".spec." in example.name else "test"
    if own and example is not None:
        suggested = example
    elif example is not None and example.parent.name in _JS_TEST_FOLDERS:
        suggested = (
            source.parent / "__tests__" / f"{stem}.{infix}.{ext}"
            if example.parent.name == "__tests__"
            else example.parent / f"{stem}.{infix}.{ext}"
        )
    else:
        suggested = source.parent / f"{stem}.{infix}.{ext}"
    return _style(language, framework, notes, evidence, suggested, example, text)


def _package(path: Path | None) -> dict[str, typing.Any]:
    """``package.json`` as a dict; empty when missing or not a JSON object."""
    if path is None:
        return {}
    try:
        value = json.loads(_read(path) or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _js_framework(
    source: Path,
    top: Path,
    text: str,
    example: Path | None,
    package: dict[str, typing.Any],
) -> tuple[str, list[str]]:
    """The framework and the evidence for it: the example's imports, then configuration
    files, then package.json."""
    for name, pattern in _JS_IMPORTS:
        if example is not None and pattern.search(text):
            return name, [f"{example.name}: uses {name}"]
    for name, files in _JS_CONFIGS:
        found = _find_config(source, top, files)
        if found is not None:
            return name, [f"{found.name}: configures {name}"]
    if "jest" in package:
        return "jest", ["package.json: a jest key"]
    deps: dict[str, object] = {}
    for key in ("devDependencies", "dependencies"):
        value = package.get(key)
        if isinstance(value, dict):
            deps.update(value)
    for name in _JS_FRAMEWORKS:
        if name in deps:
            return name, [f"package.json: depends on {name}"]
    scripts = package.get("scripts")
    script = scripts.get("test") if isinstance(scripts, dict) else None
    if isinstance(script, str):
        for name in _JS_FRAMEWORKS:
            if re.search(rf"\b{name}\b", script):
                return name, [f"package.json: the test script runs {name}"]
        if "--test" in script and re.search(r"\bnode\b", script):
            return "node:test", ["package.json: the test script runs node --test"]
    return "node:test", []


# -- Go -------------------------------------------------------------------------------------------

_GO_PACKAGE = re.compile(r"^package\s+(\w+)", re.MULTILINE)
_GO_TABLE = re.compile(r"for\s+_,\s*\w+\s*:=\s*range\s+(?:\[\]struct\b|\w*(?:tests|cases)\b)", re.I)


def _go(source: Path, top: Path, finder: _Finder) -> TestStyle:
    stem = source.name.removesuffix(".go")
    own_name = f"{stem}_test.go"
    example = finder.first(source, (), _tests("go", own_name.__eq__))
    own = example is not None
    any_test = _tests("go", lambda name: name.endswith("_test.go"))
    if example is None:
        example = finder.first(source, (), any_test)
    if example is None:  # another package's test shows the style all the same
        example = next((p for p in finder.files(top, deep=True) if any_test(p)), None)
    text = _read(example) if example is not None else ""
    notes: list[str] = []
    evidence = ["go test: the testing package"]
    if _GO_TABLE.search(text):
        runs = " run with t.Run" if "t.Run(" in text else ""
        notes.append(f"table-driven: a loop over a slice of cases{runs}")
    if "github.com/stretchr/testify" in text:
        notes.append("assertions with testify (assert/require)")
    package = _GO_PACKAGE.search(_read(source))
    if package:
        black_box = example is not None and re.search(
            rf"^package\s+{package.group(1)}_test\b", text, re.MULTILINE
        )
        name = f"{package.group(1)}_test" if black_box else package.group(1)
        notes.append(f"package {name}")
    if example is None:
        notes.append("no existing test file was found")
    suggested = example if own and example is not None else source.parent / own_name
    return _style("go", "Go testing package", notes, evidence, suggested, example, text)


# -- Java -----------------------------------------------------------------------------------------

_JAVA_IMPORTS = (
    ("JUnit 5", re.compile(r"^import\s+(?:static\s+)?org\.junit\.jupiter\.", re.MULTILINE)),
    ("JUnit 4", re.compile(r"^import\s+(?:static\s+)?org\.junit\.(?!jupiter)", re.MULTILINE)),
    ("TestNG", re.compile(r"^import\s+(?:static\s+)?org\.testng\.", re.MULTILINE)),
)
_JAVA_BUILD = (
    ("JUnit 5", re.compile(r"junit-jupiter|org\.junit\.jupiter|junit-bom|useJUnitPlatform")),
    ("TestNG", re.compile(r"\btestng\b")),
    ("JUnit 4", re.compile(r"junit:junit|<artifactId>junit</artifactId>")),
)
_JAVA_TEST_NAME = re.compile(r"^(?:\w+Tests?|Test\w+)\.java$")


def _java(source: Path, top: Path, finder: _Finder) -> TestStyle:
    stem = source.stem
    names = (f"{stem}Test.java", f"{stem}Tests.java", f"Test{stem}.java")
    example, own = finder.example(source, _JAVA_TEST_FOLDERS, "java", names, _JAVA_TEST_NAME)
    text = _read(example) if example is not None else ""
    framework, evidence = "", []
    for name, pattern in _JAVA_IMPORTS:
        if example is not None and pattern.search(text):
            framework, evidence = name, [f"{example.name}: imports {name}"]
            break
    if not framework:
        build = _find_config(source, top, ["pom.xml", "build.gradle", "build.gradle.kts"])
        build_text = _read(build) if build is not None else ""
        for name, pattern in _JAVA_BUILD:
            if build is not None and pattern.search(build_text):
                framework, evidence = name, [f"{build.name}: depends on {name}"]
                break
    framework = framework or "JUnit 5"
    notes = []
    if "org.assertj" in text:
        notes.append("AssertJ assertThat")
    if "org.mockito" in text:
        notes.append("Mockito mocks")
    if "org.hamcrest" in text:
        notes.append("Hamcrest matchers")
    if example is None:
        notes.append("no existing test file was found")
    parts = source.parts
    if own and example is not None:
        suggested = example
    elif "main" in parts and parts[parts.index("main") - 1 : parts.index("main")] == ("src",):
        at = parts.index("main")
        suggested = Path(*parts[:at], "test", *parts[at + 1 : -1], f"{stem}Test.java")
    elif example is not None:
        suggested = example.parent / f"{stem}Test.java"
    else:
        suggested = source.parent / f"{stem}Test.java"
    return _style("java", framework, notes, evidence, suggested, example, text)


# -- any other language ---------------------------------------------------------------------------

_OTHER = {
    "rust": (
        "Rust's built-in test harness (#[test] in a #[cfg(test)] mod tests)",
        "tests/{stem}.rs",
    ),
    "ruby": ("RSpec", "spec/{stem}_spec.rb"),
    "php": ("PHPUnit", "tests/{Stem}Test.php"),
    "csharp": ("xUnit", "Tests/{Stem}Tests.cs"),
    "kotlin": ("JUnit 5", "src/test/kotlin/{Stem}Test.kt"),
}


def _other(source: Path, language: str, top: Path) -> TestStyle:
    stem = _stem(source)
    framework, pattern = _OTHER.get(language, ("", "tests/test_{stem}" + source.suffix))
    name = pattern.format(stem=stem, Stem=stem[:1].upper() + stem[1:])
    return _style(language, framework, [], [], top / name, None, "")


def _style(
    language: str,
    framework: str,
    notes: Sequence[str],
    evidence: Sequence[str],
    suggested: Path,
    example: Path | None,
    text: str,
) -> TestStyle:
    return TestStyle(
        language=language,
        framework=framework,
        notes=tuple(notes),
        evidence=tuple(evidence),
        suggested_path=suggested,
        example_path=example,
        example_excerpt=excerpt(text) if example is not None else "",
    )
