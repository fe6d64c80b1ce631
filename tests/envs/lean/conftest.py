"""Fixtures for the Lean tests: a REPL config that runs the protocol double, a kimina double on uvicorn."""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from lean_kimina_double import create_app

from rlvr.envs.lean import LeanConfig

FAKE_REPL = Path(__file__).with_name("lean_fake_repl.py")


@pytest.fixture
def repl_config():
    """Build a `repl` LeanConfig whose REPL is the protocol double."""

    def make(**overrides) -> LeanConfig:
        values = {"backend": "repl", "repl_cmd": (sys.executable, "-I", str(FAKE_REPL)), "timeout_s": 5.0,
                  "header_timeout_s": 5.0, "max_processes": 2, "max_uses": 100}
        return LeanConfig(**{**values, **overrides})

    return make


class _Server:
    def __init__(self, app):
        self.app = app
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="kimina-double")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the kimina double did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def kimina_server():
    """A kimina-lean-server double served by a real uvicorn on loopback."""
    with _Server(create_app()) as server:
        yield server


@pytest.fixture(scope="module")
def kimina_server_with_key():
    with _Server(create_app(api_key="s3cret")) as server:
        yield server
