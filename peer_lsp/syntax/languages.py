"""Which grammar parses a document: from the editor's languageId, else the file extension.

Grammars come from tree-sitter-language-pack (docs/decisions/0001-grammar-package.md), loaded
on first use so that starting the server costs nothing for languages nobody opens.
"""

from __future__ import annotations

import functools
import typing
from pathlib import PurePosixPath

if typing.TYPE_CHECKING:
    from tree_sitter import Language, Parser

# Editor languageIds that differ from the grammar's name.
_LANGUAGE_ID_ALIASES: dict[str, str] = {
    "javascriptreact": "javascript",
    "typescriptreact": "tsx",
    "c++": "cpp",
    "cs": "csharp",
    "c#": "csharp",
    "sh": "bash",
    "shell": "bash",
    "shellscript": "bash",
    "zsh": "bash",
    "py": "python",
    "python3": "python",
    "golang": "go",
    "rs": "rust",
    "rb": "ruby",
    "js": "javascript",
    "ts": "typescript",
    "kt": "kotlin",
    "objective-c": "objc",
    "dockerfile": "dockerfile",
    "makefile": "make",
    "jsonc": "json",
    "terraform": "hcl",
    "viml": "vim",
    "plaintext": "",
}

_EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp", ".hxx": "cpp",
    ".cs": "csharp",
    ".rb": "ruby", ".rake": "ruby",
    ".php": "php",
    ".kt": "kotlin", ".kts": "kotlin",
    ".swift": "swift",
    ".scala": "scala",
    ".lua": "lua",
    ".sh": "bash", ".bash": "bash", ".zsh": "bash",
    ".json": "json",
    ".yaml": "yaml", ".yml": "yaml",
    ".toml": "toml",
    ".css": "css", ".scss": "scss",
    ".html": "html", ".htm": "html",
    ".sql": "sql",
    ".ex": "elixir", ".exs": "elixir",
    ".erl": "erlang",
    ".hs": "haskell",
    ".ml": "ocaml",
    ".dart": "dart",
    ".zig": "zig",
    ".r": "r",
    ".jl": "julia",
    ".vue": "vue",
    ".svelte": "svelte",
    ".tf": "hcl",
    ".proto": "proto",
    ".md": "markdown",
}  # fmt: skip

_FILENAMES: dict[str, str] = {
    "Dockerfile": "dockerfile",
    "Makefile": "make",
    "CMakeLists.txt": "cmake",
}


@functools.cache
def known_grammars() -> frozenset[str]:
    """Every grammar name the installed language pack can load."""
    import tree_sitter_language_pack

    return frozenset(typing.get_args(tree_sitter_language_pack.SupportedLanguage))


def resolve_language(language_id: str | None, path: str | None) -> str | None:
    """The grammar name for a document, or None when no grammar fits.

    The editor's languageId wins; an unknown or missing one falls back to the extension.
    """
    if language_id:
        key = language_id.lower()
        name = _LANGUAGE_ID_ALIASES.get(key, key)
        if name in known_grammars():
            return name
    if path:
        pure = PurePosixPath(path)
        name = _FILENAMES.get(pure.name) or _EXTENSIONS.get(pure.suffix.lower(), "")
        if name in known_grammars():
            return name
    return None


def language_for_path(path: str) -> str | None:
    """The grammar name for a file on disk, judged by its name alone."""
    return resolve_language(None, path)


@functools.cache
def get_language(name: str) -> Language:
    """The tree-sitter Language for a grammar name (loaded once)."""
    from tree_sitter_language_pack import get_language as load

    return load(typing.cast(typing.Any, name))


def new_parser(name: str) -> Parser:
    """A fresh parser for a grammar; parsers are cheap and not shared across threads."""
    from tree_sitter import Parser

    return Parser(get_language(name))
