"""Which sandbox the code verifier uses inside the server.

Compose (`RLVR_SANDBOX_SOCKET_DIR`): executors the server did not start, each replica serving
`<container>.sock` in a shared volume. At startup the server pings every socket there (a volume can
hold stale ones from removed replicas), connects to the live ones, and hands that Sandbox to the code
verifier. Executors added later (`--scale executor=N` on a running stack) are seen after a restart.

Embedded (`rlvr serve`, no socket dir, no RLVR_SANDBOX_BACKEND): the code verifier's default, Docker
executors started on first use, when a daemon and the executor image are there; otherwise the local
backend, with a loud warning, because it isolates nothing.

Either way the app's lifespan closes, at shutdown, every sandbox created while it ran (`release`).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
from pathlib import Path
from typing import Any

from rlvr.registry import FAMILIES
from rlvr.sandbox import Sandbox
from rlvr.sandbox.client import ping
from rlvr.sandbox.errors import DockerUnavailable

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


def embedded() -> Sandbox | None:
    """For `rlvr serve` without compose: a local Sandbox (and a warning) when Docker cannot serve code
    checks; None when Docker can (the verifier then starts its executors on first use), when the user
    chose a backend, or when no registered family runs code."""
    code = _code_config()
    if code is None or not _code_family_registered() or os.environ.get("RLVR_SANDBOX_BACKEND"):
        return None
    try:
        _probe_docker()
    except DockerUnavailable as exc:
        log.warning(
            "\n%s\nNO CODE ISOLATION: %s\nCode checks run with the LOCAL sandbox backend: untrusted programs run "
            "on this host as this user. Fine for development only. Start dockerd and build the executor image "
            "(.ci/setup-docker.sh), or set RLVR_SANDBOX_BACKEND=local to silence this.\n%s",
            "!" * 100,
            exc,
            "!" * 100,
        )
        sandbox = Sandbox("local")
        code.set_shared_sandbox(sandbox)
        return sandbox
    return None


def current() -> Sandbox | None:
    """The code verifier's shared sandbox as it is now (None if it has none yet), without creating one:
    cheap enough for every /metrics scrape."""
    code = _code_config()
    return code.current_shared_sandbox() if code is not None else None


def release(sandbox: Sandbox | None, *, before: Sandbox | None) -> None:
    """At shutdown: close `sandbox` (what `attach` or `embedded` made) and whatever shared sandbox the code
    verifier created on first use while the app ran, and give it back `before`. The verifier's own atexit
    close is not enough: uvicorn re-raises SIGTERM after shutdown, so atexit never runs and Docker
    executor containers would outlive the server."""
    code = _code_config()
    during = code.set_shared_sandbox(before) if code is not None else None
    for owned in (sandbox, during):
        if owned is not None and owned is not before:
            owned.close()  # idempotent: `sandbox` is usually `during` too


def _code_config() -> Any:
    """The code verifier's config module, when that family is installed."""
    if importlib.util.find_spec("rlvr.envs.code") is None:
        return None
    return importlib.import_module("rlvr.envs.code")


def _code_family_registered() -> bool:
    return any(f.verifier.startswith("rlvr.envs.code") for f in FAMILIES.values())


def _probe_docker() -> None:
    """Raise DockerUnavailable (or its ImageNotFound) unless the docker backend could start."""
    from rlvr.sandbox.docker_pool import DEFAULT_IMAGE, docker_client

    client = docker_client()
    try:
        client.images.get(DEFAULT_IMAGE)
    except Exception as exc:  # docker-py's ImageNotFound, or an API error: either way no executors
        raise DockerUnavailable(f"executor image {DEFAULT_IMAGE!r} is not available ({type(exc).__name__})") from exc
    finally:
        client.close()
