"""Generating and checking ``capabilities_template.json``, fast start's answer to initialize.

The template is pygls's own answer for the assembled server (``create``), to a client that
offers nothing and to one that offers every capability in `SWITCHES`; `mismatches` holds it
against pygls's answers to many clients. Needs pygls: run at development time and in tests
(``python -m peer_lsp.server --write-template`` or ``--check``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from peer_lsp.lsp.initialize_answer import (
    MISSING,
    REGENERATE,
    SWITCHES,
    TEMPLATE_FORMAT,
    initialize_result,
)


def offering_everything() -> dict[str, Any]:
    """Client capabilities that switch on every capability in SWITCHES."""
    capabilities: dict[str, Any] = {}
    for switch in SWITCHES:
        *parents, leaf = switch.client.split(".")
        node = capabilities
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = switch.offered
    return capabilities


def pygls_answer(server: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """What pygls itself answers to ``initialize`` with ``params``, got in-process by sending
    the request through ``server.protocol`` as its IO loop would (user handler included)."""
    import asyncio

    protocol = server.protocol
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})

    async def answer() -> dict[str, Any]:
        response: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        protocol.set_writer(_Capture(response))
        protocol.handle_message(json.loads(body, object_hook=protocol.structure_message))
        return await asyncio.wait_for(response, 30)

    message = asyncio.run(answer())
    if "result" not in message:
        raise RuntimeError(f"pygls failed initialize with {dict(params)}: {message}")
    result: dict[str, Any] = message["result"]
    return result


class _Capture:
    """A pygls writer that resolves a future with the first response written."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def write(self, data: bytes) -> None:
        message = json.loads(data.partition(b"\r\n\r\n")[2])
        if "method" not in message and not self._response.done():
            self._response.set_result(message)

    def close(self) -> None:
        return None


def build_template(create: Callable[[], Any]) -> dict[str, Any]:
    """The template for servers made by ``create``, from pygls's answers to two clients."""
    from importlib.metadata import version

    least = pygls_answer(create(), {"processId": None, "capabilities": {}})
    most = pygls_answer(create(), {"processId": None, "capabilities": offering_everything()})
    if least["serverInfo"] != most["serverInfo"]:
        raise RuntimeError("serverInfo depends on the client: the template cannot hold it")
    for result in (least, most):
        result["capabilities"].pop("positionEncoding", None)
    return {
        "format": TEMPLATE_FORMAT,
        "regenerate": REGENERATE,
        "generatedWith": {name: version(name) for name in ("pygls", "lsprotocol")},
        "serverInfo": least["serverInfo"],
        "capabilities": {
            "clientOffersNothing": least["capabilities"],
            "clientOffersAll": most["capabilities"],
        },
    }


def sample_clients() -> dict[str, dict[str, Any]]:
    """Client capabilities to check a template with: recorded editors, and each switch
    absent, false and true on its own, with and without UTF-8."""
    clients: dict[str, dict[str, Any]] = {
        "nothing": {},
        "everything": offering_everything(),
        "utf-8": {"general": {"positionEncodings": ["utf-16", "utf-8"]}},
        "utf-32 only": {"general": {"positionEncodings": ["utf-32"]}},
    }
    for switch in SWITCHES:
        *parents, leaf = switch.client.split(".")
        for value in (switch.offered, False if switch.kind != "present" else None):
            node: dict[str, Any] = {leaf: value}
            for key in reversed(parents):
                node = {key: node}
            clients[f"{switch.client}={value}"] = node
    clients.update(_recorded_clients())
    return clients


def _recorded_clients() -> dict[str, dict[str, Any]]:
    """pytest-lsp's recorded editors' capabilities, if pytest-lsp is installed."""
    try:
        from pygls.protocol import default_converter
        from pytest_lsp import client_capabilities
    except ImportError:
        return {}
    converter = default_converter()  # type: ignore[no-untyped-call]
    return {
        editor: converter.unstructure(client_capabilities(editor))
        for editor in ("neovim", "visual_studio_code")
    }


def mismatches(
    template: Mapping[str, Any], create: Callable[[], Any], clients: Mapping[str, Any]
) -> list[str]:
    """Clients for which the template's answer differs from pygls's, with both answers."""
    found: list[str] = []
    for name, capabilities in clients.items():
        expected = pygls_answer(create(), {"processId": None, "capabilities": capabilities})
        got = initialize_result(template, capabilities)
        found.extend(f"{name}: {difference}" for difference in differences(got, expected))
    return found


def differences(got: Any, expected: Any, path: str = "") -> list[str]:
    """Where two JSON values differ, as ``path: got X, expected Y`` lines."""
    if isinstance(got, dict) and isinstance(expected, dict):
        return [
            line
            for key in sorted(got.keys() | expected.keys())
            for line in differences(
                got.get(key, MISSING), expected.get(key, MISSING), f"{path}.{key}".lstrip(".")
            )
        ]
    if got is expected or (got is not MISSING and expected is not MISSING and got == expected):
        return []
    return [f"{path or '(top)'}: got {_show(got)}, expected {_show(expected)}"]


def _show(value: Any) -> str:
    return "(absent)" if value is MISSING else json.dumps(value, sort_keys=True)
