"""The language server assembled: the state (`PeerLanguageServer`) with every feature registered.

Run as a module, it writes or checks fast start's answer to initialize, which is a snapshot of
the assembled server's (`peer_lsp.lsp.capabilities_template`).
"""

from __future__ import annotations

import json
import linecache
import sys

from peer_lsp.lsp import (
    code_actions,
    diagnostics,
    editor_commands,
    explain,
    inspect_command,
    lifecycle,
    project_rules,
    review_commands,
    streaming,
    suggest_test,
    symbols,
    sync,
)
from peer_lsp.lsp.initialize_answer import REGENERATE, TEMPLATE_FILE, template_path
from peer_lsp.lsp.language_server import PeerLanguageServer


def create_server() -> PeerLanguageServer:
    """A fresh server with every feature registered."""
    server = PeerLanguageServer()
    for feature in (
        lifecycle,
        project_rules,
        sync,
        diagnostics,
        review_commands,
        explain,
        code_actions,
        editor_commands,
        inspect_command,
        symbols,
        streaming,
        suggest_test,
    ):
        feature.register(server)
    forget_generated_sources()
    return server


_GENERATED = ("<attrs generated", "<cattrs generated")


def forget_generated_sources() -> int:
    """Drop the sources attrs and cattrs keep in linecache for the methods they generate.

    Each of lsprotocol's ~600 attrs classes leaves the source of its generated ``__init__``,
    ``__eq__``, ... in linecache, for debuggers to step through: about 1.5 MB that the
    server never reads (bench/memory_breakdown.py). A traceback through such a method still
    names its file and line, without the line's text. Returns how many were dropped.
    """
    generated = [name for name in list(linecache.cache) if str(name).startswith(_GENERATED)]
    for name in generated:
        linecache.cache.pop(name, None)
    return len(generated)


def main(argv: list[str] | None = None) -> int:
    """``--write-template`` regenerates the template; ``--check`` fails if it is stale."""
    import argparse

    from peer_lsp.lsp import capabilities_template as template

    parser = argparse.ArgumentParser(prog="python -m peer_lsp.server")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write-template", action="store_true", help=f"write {TEMPLATE_FILE}")
    action.add_argument("--check", action="store_true", help="exit 1 if the template is stale")
    args = parser.parse_args(argv)
    built = template.build_template(create_server)
    wrong = template.mismatches(built, create_server, template.sample_clients())
    if wrong:
        print("pygls's builder reads client capabilities SWITCHES misses:", *wrong, sep="\n")
        return 1
    text = json.dumps(built, indent=2, sort_keys=True) + "\n"
    if args.check:
        with open(template_path(), encoding="utf-8") as file:
            if file.read() == text:
                return 0
        print(f"{TEMPLATE_FILE} is stale: run {REGENERATE}", file=sys.stderr)
        return 1
    with open(template_path(), "w", encoding="utf-8") as file:
        file.write(text)
    print(f"wrote {template_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
