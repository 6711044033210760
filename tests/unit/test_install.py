"""What a user installing peer-lsp gets: the licence, the project's addresses, a version, and
messages that link to documentation an installed copy can reach (it has no docs/ folder).

The wheel is built for real by the project's build backend, as pip or pipx would build it.
"""

from __future__ import annotations

import ast
import email.parser
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import peer_lsp
from peer_lsp.project import HOMEPAGE, docs_url

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "peer_lsp"
DEVELOPER_TOOLS = {PACKAGE / "rules" / "docs.py"}
"""Run from a checkout by the people who write the docs; a relative path is right there."""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    argv = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*argv, "-w", str(out), str(ROOT)], check=True, capture_output=True)
    (built,) = out.glob("peer_lsp-*.whl")
    return built


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(archive.read(name).decode())


def test_the_wheel_carries_the_licence(wheel: Path) -> None:
    metadata = _metadata(wheel)
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"
    with zipfile.ZipFile(wheel) as archive:
        (licence,) = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert archive.read(licence).decode().startswith("MIT License")


def test_the_wheel_names_the_project_addresses_and_python(wheel: Path) -> None:
    metadata = _metadata(wheel)
    urls = dict(value.split(", ", 1) for value in metadata.get_all("Project-URL") or [])
    assert urls["Homepage"] == HOMEPAGE
    assert urls["Documentation"].startswith(HOMEPAGE)
    assert urls["Issues"] == f"{HOMEPAGE}/issues"
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["Version"] == peer_lsp.__version__


@pytest.mark.parametrize("command", ["peer", "peer-lsp"])
def test_version_is_printed_by_both_commands(command: str) -> None:
    script = Path(sys.executable).with_name(command)
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"peer-lsp {peer_lsp.__version__}"


def test_peer_providers_links_to_docs_on_the_web(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_TOKEN"))}
    env |= {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    argv = [sys.executable, "-m", "peer_lsp", "providers"]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, env=env, check=True)
    assert "No provider is configured" in done.stdout
    assert docs_url("providers.md") in done.stdout
    assert " docs/" not in done.stdout


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of string constants that stand alone as statements: module, class, function and
    attribute docstrings, which users never see from the command line."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def _relative_doc_paths(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and id(node) not in skip and "docs/" in text:
            bare = text.replace(HOMEPAGE, "").replace("/docs/", "")
            if "docs/" in bare:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:60]!r}")
    return found


def test_no_message_points_at_a_docs_folder_an_install_does_not_have() -> None:
    modules = sorted(set(PACKAGE.rglob("*.py")) - DEVELOPER_TOOLS)
    found = [line for path in modules for line in _relative_doc_paths(path)]
    assert found == []


def test_setting_descriptions_in_the_editor_schema_do_not_point_at_docs_paths() -> None:
    manifest = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text())
    sections = manifest["contributes"]["configuration"]
    described = {
        key: spec.get("markdownDescription", spec.get("description", ""))
        for section in sections
        for key, spec in section["properties"].items()
    }
    assert described, "the schema lists the settings"
    assert [key for key, text in described.items() if "docs/" in text.replace("/docs/", "")] == []


def test_the_readme_states_prerequisites_and_installs_without_the_package_index() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python 3.11" in readme
    assert f"pipx install git+{HOMEPAGE}" in readme
    assert f"uv tool install git+{HOMEPAGE}" in readme


def test_no_install_instruction_names_the_package_index() -> None:
    """`pipx install peer-lsp` fails: the package is not on the index."""
    places = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "editors").rglob("*")]
    texts = {
        path: path.read_text(encoding="utf-8", errors="replace")
        for path in places
        if path.is_file() and "node_modules" not in path.parts and path.suffix != ".vsix"
    }
    wrong = ("pipx install peer-lsp", "pip install peer-lsp", "uv tool install peer-lsp")
    assert [str(p) for p, text in texts.items() if any(w in text for w in wrong)] == []
