"""Which sandbox the server's Runtime runs code in.

Compose (`RLVR_SANDBOX_SOCKET_DIR`): executors the server did not start, each replica serving
`<container>.sock` in a shared volume. The server connects to the sockets there that answer a ping (a
volume keeps the sockets of removed or killed replicas), evicts an executor that stops listening (the job
it held runs again on another) and admits one that appears (`--scale executor=N` on a running stack)
within seconds, with no restart: see rlvr.sandbox.fleet.

Embedded (`rlvr serve`, no socket dir, no RLVR_SANDBOX_BACKEND): the Runtime's default, Docker executors
started on first use, when a daemon and the executor image are there; otherwise the local backend, with a
loud warning, because it isolates nothing. At startup it removes the executor containers and socket
directories that servers killed on this host (SIGKILL, OOM) left behind (`docker_pool.reap_orphans`).

The lifespan closes the sandbox it got here, and the Runtime the one it made, at shutdown: uvicorn re-raises
SIGTERM after shutdown, so atexit hooks never run and Docker executor containers would outlive the server.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

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


def attach(directory: str, *, slots: int, wait_s: float) -> Sandbox:
    """A Sandbox on the executors in `directory`, now and later; waits up to `wait_s` for the first."""
    sockets = live_sockets(directory, wait_s=wait_s)
    if not sockets:
        log.error("no sandbox executor answers in %s yet; code checks fail with sandbox_error until one does",
                  directory)
    box = Sandbox("sockets", socket_dir=directory, slots=slots)
    log.info("sandbox: %d executor(s) in %s, %d slots each", box.executors, directory, slots)
    return box


def embedded() -> Sandbox | None:
    """For `rlvr serve` without compose: a local Sandbox (and a warning) when Docker cannot serve code
    checks; None when Docker can (the Runtime then starts its executors on first use), when the user
    chose a backend, or when no registered family runs code."""
    if "code" not in FAMILIES or os.environ.get("RLVR_SANDBOX_BACKEND"):
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
        return Sandbox("local")
    return None


def _probe_docker() -> None:
    """Raise DockerUnavailable (or its ImageNotFound) unless the docker backend could start; reap orphans."""
    from rlvr.sandbox.docker_pool import DEFAULT_IMAGE, docker_client, reap_orphans

    client = docker_client()
    try:
        reap_orphans(client)
        client.images.get(DEFAULT_IMAGE)
    except Exception as exc:  # docker-py's ImageNotFound, or an API error: either way no executors
        raise DockerUnavailable(f"executor image {DEFAULT_IMAGE!r} is not available ({type(exc).__name__})") from exc
    finally:
        client.close()
