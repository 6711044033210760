"""A private, real redis-server for the tests that need one (the cache's Redis backend).

Started on a free port without persistence and stopped afterwards; tests that need it are
skipped where redis-server is not installed, unless ``PEER_REDIS_REQUIRED=1`` (.ci/run installs
it and sets that): then they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A redis-server working in ``folder`` while the block runs; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("PEER_REDIS_REQUIRED") == "1":
            pytest.fail("redis-server is not on PATH, and PEER_REDIS_REQUIRED=1 (.ci/run)")
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
    command += ["no", "--dir", str(folder)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_ready(server, port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_ready(server: subprocess.Popen[bytes], port: int) -> None:
    """Poll PING until the server answers; fail after a deadline or if it exits."""
    client = redis.Redis(port=port, socket_connect_timeout=0.2, socket_timeout=0.5)
    deadline = time.monotonic() + 15
    try:
        while True:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                pass
            if server.poll() is not None:
                pytest.fail(f"redis-server exited with {server.returncode}")
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not answer PING within 15 s")
            time.sleep(0.01)  # a polling interval, not a guess at readiness
    finally:
        client.close()


def emptied(url: str) -> str:
    """``url`` after deleting everything in its server."""
    with redis.Redis.from_url(url) as client:
        client.flushall()
    return url
