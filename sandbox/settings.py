"""`SandboxSettings`: which sandbox a `Runtime` creates when it needs one, from RLVR_SANDBOX_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rlvr.errors import ConfigError

if TYPE_CHECKING:
    from rlvr.sandbox.sandbox import Sandbox

BACKENDS = ("docker", "sockets", "local")


@dataclass(frozen=True)
class SandboxSettings:
    """Which sandbox to create.

    RLVR_SANDBOX_BACKEND: docker (default), sockets or local (no isolation; development only).
    RLVR_SANDBOX_SOCKETS: executor socket paths for `sockets`, separated by commas.
    RLVR_SANDBOX_EXECUTORS / RLVR_SANDBOX_SLOTS: containers and connections per container (docker).
    """

    backend: str = "docker"
    sockets: tuple[str, ...] = ()
    executors: int = 2
    slots: int = 8

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigError(f"RLVR_SANDBOX_BACKEND must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        if self.backend == "sockets" and not self.sockets:
            raise ConfigError("RLVR_SANDBOX_BACKEND=sockets needs RLVR_SANDBOX_SOCKETS=/path/a.sock,/path/b.sock")
        if self.executors < 1 or self.slots < 1:
            raise ConfigError("RLVR_SANDBOX_EXECUTORS and RLVR_SANDBOX_SLOTS must be >= 1")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SandboxSettings:
        env = dict(os.environ if env is None else env)
        sockets = tuple(s for s in env.get("RLVR_SANDBOX_SOCKETS", "").split(",") if s.strip())
        try:
            executors = int(env.get("RLVR_SANDBOX_EXECUTORS", "2"))
            slots = int(env.get("RLVR_SANDBOX_SLOTS", "8"))
        except ValueError:
            raise ConfigError("RLVR_SANDBOX_EXECUTORS and RLVR_SANDBOX_SLOTS must be integers") from None
        return cls(backend=env.get("RLVR_SANDBOX_BACKEND", "docker").strip().lower() or "docker",
                   sockets=tuple(s.strip() for s in sockets), executors=executors, slots=slots)

    def create(self) -> Sandbox:
        """A new sandbox; raises the sandbox's own errors (DockerUnavailable, ImageNotFound, ...) when it cannot
        start. Never falls back to another backend."""
        from rlvr.sandbox.sandbox import Sandbox

        if self.backend == "sockets":
            return Sandbox("sockets", sockets=list(self.sockets), slots=self.slots)
        return Sandbox(self.backend, executors=self.executors, slots=self.slots)  # type: ignore[arg-type]
