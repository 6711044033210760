"""Local model servers peer found on its own: whose they are, and whether the user said yes.

Autodetection finds whatever answers on 127.0.0.1:11434. On a shared machine that can be
another user's process, which would receive the code. So before an autodetected server gets
any code, two things hold: its port is not owned by another person's account (read from the
kernel's socket table, Linux), and the user allowed this server and model for this
workspace, once (`Consents`, a small JSON file in the user state directory).
"""

from __future__ import annotations

import json
import logging
import os
import pwd
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

log = logging.getLogger(__name__)

CONSENTS_FILE_NAME = "local-models.json"
_LISTEN = "0A"
"""The TCP state LISTEN in /proc/net/tcp."""
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_FIRST_LOGIN_UID = 1000
"""Where accounts of people start (Debian's and most distributions' UID_MIN); below are
root and the system accounts services run as (Ollama's installer makes an ``ollama`` one)."""


@dataclass(frozen=True, slots=True)
class LocalServer:
    """An autodetected server: where it is, the model peer would use, and who runs it."""

    url: str
    model: str
    owner: str | None = None
    """The account listening on the port; None where the socket table cannot be read."""

    def describe(self) -> str:
        run_by = f", run by {self.owner}" if self.owner else ""
        return f"the local model server at {self.url} (model {self.model}{run_by})"


def port_owner(url: str, proc: Path = Path("/proc/net")) -> int | None:
    """The uid of the process listening on the loopback port of ``url``; None when the port
    is not local, nothing listens, or the socket table is not readable (not Linux)."""
    parts = urlsplit(url)
    if parts.hostname not in _LOOPBACK:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc / table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()  # sl local_address rem_address st ... uid
            if len(fields) > 7 and fields[3] == _LISTEN and _port_of(fields[1]) == port:
                return int(fields[7])
    return None


def _port_of(address: str) -> int:
    """The port of a /proc/net/tcp address, ``0100007F:2CAA`` (hex)."""
    return int(address.rsplit(":", 1)[1], 16)


def account_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def another_persons(uid: int | None) -> bool:
    """Whether ``uid`` is someone else's login account: not ours, not root or a service."""
    return uid is not None and uid != os.getuid() and uid >= _FIRST_LOGIN_UID


def foreign_owner_problem(url: str) -> str | None:
    """Why code must not go to ``url``: its port is held by another person's account."""
    uid = port_owner(url)
    if not another_persons(uid):
        return None
    assert uid is not None
    return (
        f"not using {url}: its port is held by another user's process ({account_name(uid)}), "
        "which would receive your code; configure a provider you run yourself"
    )


def default_consents_file() -> Path:
    """``local-models.json`` in the user state directory (e.g. ~/.local/state/peer-lsp)."""
    return Path(platformdirs.user_state_dir("peer-lsp", appauthor=False)) / CONSENTS_FILE_NAME


class Consents:
    """The user's answers per workspace: may this server and model get this workspace's code?

    Keyed by workspace folder, then ``url model``: a different server or model is asked
    about again. An unreadable file means no answer yet (asked again), never a yes.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_consents_file()

    def answer(self, workspace: str, server: LocalServer) -> bool | None:
        value = self._load().get(workspace, {}).get(_key(server))
        return value if isinstance(value, bool) else None

    def remember(self, workspace: str, server: LocalServer, allowed: bool) -> None:
        data = self._load()
        data.setdefault(workspace, {})[_key(server)] = allowed
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
            temporary.replace(self.path)
        except OSError as error:
            log.warning("could not remember the answer in %s: %s", self.path, error)

    def _load(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, dict)}


def _key(server: LocalServer) -> str:
    return f"{server.url} {server.model}"
