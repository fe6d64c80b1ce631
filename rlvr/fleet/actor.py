"""`VerifierActor`: what runs on a node. One `Runtime` (its worker pool, lanes and warm sandbox executors on that
node) behind Ray calls that take a chunk of items and answer one result per item, in order.

It is a plain class: `rlvr.fleet.connect` wraps it with `ray.remote` and the options Ray needs (Ray is imported
here only to name the node, which can change when Ray restarts the actor elsewhere).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rlvr.dispatch import VerifyRequest
from rlvr.fleet.options import FleetOptions
from rlvr.results import VerifyResult
from rlvr.runtime import Runtime
from rlvr.sandbox import Sandbox, SandboxSettings
from rlvr.sandbox.errors import SandboxError
from rlvr.workers import PoolConfig

log = logging.getLogger(__name__)
_WARMUP_S = 60.0

Chunk = Sequence[tuple[str, str, dict[str, Any]]]  # (env, completion, reference) per item


@dataclass(frozen=True)
class ActorInfo:
    """What an actor tells the driver about itself: where it runs and how many code jobs it can hold."""

    node_id: str
    pid: int
    sandbox_slots: int


class VerifierActor:
    def __init__(self, options: FleetOptions):
        self._node_id = _node_id()
        self._socket_sandbox = _socket_sandbox(options)
        self._runtime = Runtime(PoolConfig(workers=options.worker_processes),
                                sandbox=self._socket_sandbox or _docker_settings(options))

    async def warm(self) -> ActorInfo:
        """Start the worker pool and the sandbox now, so the first batch pays for neither (again after Ray
        restarts the actor: a new sandbox also reaps the executors its dead predecessor left on this host). A
        sandbox that cannot start is logged: code items then answer `sandbox_error`, as they would on the server."""
        await asyncio.to_thread(self._warm)
        return self.info()

    async def verify(self, items: Chunk) -> list[VerifyResult]:
        return await self._runtime.averify_batch([VerifyRequest(*item) for item in items])

    def info(self) -> ActorInfo:
        sandbox = self._runtime.current_sandbox
        return ActorInfo(self._node_id, os.getpid(), sandbox.capacity if sandbox is not None else 0)

    async def close(self) -> None:
        """Close the runtime and what it started (executor containers); the driver then kills the actor."""
        await asyncio.to_thread(self._close)

    def _warm(self) -> None:
        self._runtime.pool.submit(os.getpid, timeout_s=_WARMUP_S).result()
        try:
            self._runtime.sandbox  # noqa: B018 - the property starts the executors
        except SandboxError as exc:
            log.error("verifier actor on node %s has no sandbox (%s); code checks answer sandbox_error",
                      self._node_id, exc)

    def _close(self) -> None:
        self._runtime.close()
        if self._socket_sandbox is not None:
            self._socket_sandbox.close()


def _socket_sandbox(options: FleetOptions) -> Sandbox | None:
    """Executors someone else runs (a Kubernetes sidecar) in a shared directory, when one is configured."""
    directory = options.sandbox_socket_dir or os.environ.get("RLVR_SANDBOX_SOCKET_DIR")
    return Sandbox("sockets", socket_dir=directory, slots=options.sandbox_slots) if directory else None


def _docker_settings(options: FleetOptions) -> SandboxSettings:
    backend = os.environ.get("RLVR_SANDBOX_BACKEND", "docker").strip().lower() or "docker"
    return SandboxSettings(backend=backend, executors=options.sandbox_executors, slots=options.sandbox_slots)


def _node_id() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()
