"""The server's sandbox in a compose deployment: executors it did not start, found by their sockets.

Compose runs the executors as a service; each replica serves `<container>.sock` in a shared volume.
At startup the server pings every socket there (a volume can hold stale ones from removed replicas),
connects to the live ones, and hands that Sandbox to the code verifier when it is installed. Executors
added later (`--scale executor=N` on a running stack) are seen after a server restart.
"""

from __future__ import annotations

import importlib.util
import logging
import time
from pathlib import Path
from typing import Any

from rlvr.sandbox import Sandbox
from rlvr.sandbox.client import ping

log = logging.getLogger(__name__)


def live_sockets(directory: str, *, wait_s: float) -> list[str]:
    """Executor sockets in `directory` that answer a ping, waiting up to `wait_s` for the first."""
    deadline = time.monotonic() + wait_s
    while True:
        live = [str(p) for p in sorted(Path(directory).glob("*.sock")) if ping(str(p), 0.5)]
        if live or time.monotonic() >= deadline:
            return live
        time.sleep(0.2)


def attach(directory: str, *, slots: int, wait_s: float) -> Sandbox | None:
    """A Sandbox on the live executors in `directory`, made the code verifier's shared one; None if none."""
    sockets = live_sockets(directory, wait_s=wait_s)
    if not sockets:
        log.error("no sandbox executor answers in %s; code checks will fail with sandbox_error", directory)
        return None
    sandbox = Sandbox("sockets", sockets=sockets, slots=slots)
    code = _code_config()
    if code is not None:
        code.set_shared_sandbox(sandbox)
    log.info("sandbox: %d executor(s) in %s, %d slots each", len(sockets), directory, slots)
    return sandbox


def detach(sandbox: Sandbox | None) -> None:
    if sandbox is None:
        return
    code = _code_config()
    if code is not None:
        code.set_shared_sandbox(None)
    sandbox.close()


def _code_config() -> Any:
    """The code verifier's config module, when that family is installed."""
    if importlib.util.find_spec("rlvr.verifiers.code") is None:
        return None
    return importlib.import_module("rlvr.verifiers.code")
