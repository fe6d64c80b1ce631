"""`FleetOptions`: how many verifier actors a `RayVerifier` places per node, and what each one takes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import ConfigError

DEFAULT_MAX_COMPLETION_CHARS = 100_000  # the server's RLVR_MAX_COMPLETION_CHARS default: the same refusals


@dataclass(frozen=True)
class FleetOptions:
    """Sizes and limits of the fleet.

    actors_per_node / num_cpus: actors placed on each node that has room, and the CPUs each reserves (Ray
        restarts an actor only where its CPUs are free, so a lost node's actors come back when a node does).
    workers: math worker processes per actor (default: its CPUs, at least 1).
    sandbox_executors / sandbox_slots: Docker executor containers per actor and jobs per container; the actor's
        code items are bounded by executors x slots. sandbox_socket_dir instead attaches executors someone else
        runs (a Kubernetes sidecar's shared emptyDir), as `RLVR_SANDBOX_SOCKET_DIR` does for the server.
    chunk / code_chunk: items per call for cheap families (fewer when a small batch is spread over the actors),
        and for families that use the runtime (code, Lean).
    max_inflight: chunks sent to one actor and not yet answered (backpressure: the rest wait in the driver).
    max_pending: items accepted and not yet answered; `submit` blocks past it, so the driver's queue is bounded.
    call_timeout_s: a call unanswered this long counts as lost (its items are retried once elsewhere).
    ready_timeout_s: how long construction waits for the actors' warm-up (Docker executors take seconds).
    connect_timeout_s: how long to wait for the cluster's address to answer before failing construction.
    max_completion_chars: the longest completion accepted, as the server's limit.
    runtime_env: Ray's runtime_env for the actors (environment variables, working dir).
    """

    actors_per_node: int = 1
    num_cpus: float = 1.0
    workers: int | None = None
    sandbox_executors: int = 1
    sandbox_slots: int = 8
    sandbox_socket_dir: str | None = None
    chunk: int = 64
    code_chunk: int = 2
    max_inflight: int = 4
    max_pending: int = 4096
    call_timeout_s: float = 150.0
    ready_timeout_s: float = 120.0
    connect_timeout_s: float = 5.0
    max_completion_chars: int = DEFAULT_MAX_COMPLETION_CHARS
    runtime_env: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        for name in ("actors_per_node", "sandbox_executors", "sandbox_slots", "chunk", "code_chunk", "max_inflight",
                     "max_pending", "max_completion_chars"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ConfigError(f"FleetOptions.{name} must be an int >= 1, got {getattr(self, name)!r}")
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"FleetOptions.workers must be >= 1 or None (one per CPU), got {self.workers}")
        for name in ("num_cpus", "call_timeout_s", "ready_timeout_s", "connect_timeout_s"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"FleetOptions.{name} must be > 0, got {getattr(self, name)!r}")

    @property
    def worker_processes(self) -> int:
        return self.workers or max(1, int(self.num_cpus))

    @property
    def code_slots(self) -> int:
        """Code items one actor may hold at once: its executors' slots."""
        return self.sandbox_executors * self.sandbox_slots
