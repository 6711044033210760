"""The server answers exactly the commands of the registry, and announces them."""

from __future__ import annotations

from peer_lsp.lsp import fast_start
from peer_lsp.lsp.commands import Command
from peer_lsp.server import create_server


def test_the_server_registers_every_command_of_the_registry_and_no_other() -> None:
    registered = create_server().protocol.fm.commands

    assert sorted(registered) == sorted(Command)


def test_fast_start_announces_the_registry() -> None:
    template = fast_start.load_template()

    for answer in template["capabilities"].values():
        assert sorted(answer["executeCommandProvider"]["commands"]) == sorted(Command)
