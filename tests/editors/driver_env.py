"""What a real editor run by a test gets: its driver's settings file, and an environment with
this interpreter's ``peer-lsp`` on PATH and a home of its own."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def driver_environment(tmp_path: Path, config: dict[str, Any]) -> dict[str, str]:
    """Write ``config`` for the driver (``PEER_TEST_CONFIG``) and return the editor's env."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    home = tmp_path / "home"
    return {
        **os.environ,
        "PEER_TEST_CONFIG": str(config_file),
        # `peer-lsp`, as the documentation names it, from this interpreter's environment
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
