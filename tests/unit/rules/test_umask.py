"""go-world-writable and the umask: a creating call given the conventional default mode
(``0777`` for a folder, ``0666`` for a file) is left to the umask, unless the function itself
sets the umask to 0, where the mode is what the file gets (only the function is read: a
unit's findings follow from the unit alone)."""

from __future__ import annotations

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.settings.model import Settings

MKDIR = "\tif err := os.MkdirAll(dir, 0777); err != nil {"


def _source(before: str = "", top: str = "", package: str = "syscall") -> str:
    return (
        f'package store\n\nimport (\n\t"os"\n\t"{package}"\n)\n\n{top}'
        f"func Save(dir string, data []byte) error {{\n{before}{MKDIR}\n\t\treturn err\n\t}}\n"
        '\treturn os.WriteFile(dir+"/data", data, 0o666)\n}\n'
    )


def _lines(source: str) -> list[int]:
    engine = Engine(Settings(enable_rules=("all",)))
    engine.open("/src/store/save.go", source, "go")
    found = engine.findings("/src/store/save.go")
    return [f.span.start_line for f in found if f.rule_id == "go-world-writable"]


def test_defaults_are_left_to_the_umask() -> None:
    assert _lines(_source()) == []


@pytest.mark.parametrize("package", ["syscall", "unix"])
def test_defaults_are_reported_where_the_function_sets_the_umask_to_zero(package: str) -> None:
    source = _source(before=f"\t{package}.Umask(0)\n", package=package)
    mkdir = source.splitlines().index(MKDIR)
    assert _lines(source) == [mkdir, mkdir + 3]


def test_a_umask_set_in_another_function_is_not_read() -> None:
    source = _source(top="func init() {\n\tsyscall.Umask(0)\n}\n\n")
    assert _lines(source) == []
