"""go-world-writable and the umask: a creating call given the conventional default mode
(``0777`` for a folder, ``0666`` for a file) is left to the umask, unless the file itself sets
the umask to 0, where the mode is what the file gets."""

from __future__ import annotations

import pytest

from peer_lsp.analysis.engine import Engine
from peer_lsp.settings.model import Settings

CALLS = """
func Save(dir string, data []byte) error {
	if err := os.MkdirAll(dir, 0777); err != nil {
		return err
	}
	return os.WriteFile(dir+"/data", data, 0o666)
}
"""


def _lines(source: str) -> list[int]:
    engine = Engine(Settings(enable_rules=("all",)))
    engine.open("/src/store/save.go", source, "go")
    found = engine.findings("/src/store/save.go")
    return [f.span.start_line for f in found if f.rule_id == "go-world-writable"]


def test_defaults_are_left_to_the_umask() -> None:
    assert _lines(f'package store\n\nimport "os"\n{CALLS}') == []


@pytest.mark.parametrize("package", ["syscall", "unix"])
def test_defaults_are_reported_where_the_umask_is_zero(package: str) -> None:
    source = (
        f'package store\n\nimport (\n\t"os"\n\t"{package}"\n)\n\n'
        f"func init() {{\n\t{package}.Umask(0)\n}}\n{CALLS}"
    )
    mkdir = source.splitlines().index("\tif err := os.MkdirAll(dir, 0777); err != nil {")
    assert _lines(source) == [mkdir, mkdir + 3]
