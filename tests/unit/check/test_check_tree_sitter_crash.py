"""`peer check` on Go shaped like most real Go files, in a child process so a crash shows.

A file that opens with a comment and ends with one made the local rules ask tree-sitter for
the first top-level node after the last function: py-tree-sitter wrapped the null node the C
library answered, and reading it killed the process (SIGSEGV, exit 139).
"""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

GO_SOURCE = """\
// Copyright 2024 The Example Authors. All rights reserved.

// Package config reads the service settings.
package config

// Password is the database password of the staging account.
func Password() string {
	dbPassword := "pr0d-Pa55word"
	return dbPassword
}

// TODO: read the password from the environment.
"""


def test_check_survives_a_go_file_ending_in_a_comment(tmp_path: Path) -> None:
    (tmp_path / "config.go").write_text(GO_SOURCE, encoding="utf-8")
    (tmp_path / ".peer.toml").write_text("ollamaAutodetect = false\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "peer_lsp", "check", "config.go"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "config.go:8:16: warning[go-hardcoded-secret] A credential is written in the code "
        "(`dbPassword`): read it from the environment or a secret store",
        "1 finding (1 warning) in 1 file",
    ]
