"""Settings of the code verifier: a frozen dataclass, and the process-wide sandbox it runs in."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rlvr.errors import ConfigError

if TYPE_CHECKING:
    from rlvr.sandbox import Sandbox

BACKENDS = ("docker", "sockets", "local")


@dataclass(frozen=True)
class CodeConfig:
    """How candidates are run and scored.

    partial_credit: reward the fraction of tests passed (and run every test) instead of 1/0 with a
        stop at the first failure; a reference's own `partial_credit` field overrides it.
    test_timeout_s: wall time for one test (one `check(candidate)`, one assert, one stdin case).
    total_timeout_s: cap on the whole job, whatever the number of tests.
    memory_mb: address-space limit of each process of the job (C++ compilation needs about 512).
    max_tests: references with more tests are refused (they would not fit the time budget).
    """

    partial_credit: bool = False
    test_timeout_s: float = 6.0
    total_timeout_s: float = 60.0
    memory_mb: int = 1024
    max_tests: int = 500

    def __post_init__(self) -> None:
        if not 0 < self.test_timeout_s <= 600:
            raise ConfigError(f"test_timeout_s must be in (0, 600], got {self.test_timeout_s}")
        if not self.test_timeout_s <= self.total_timeout_s <= 3600:
            raise ConfigError(f"total_timeout_s must be in [test_timeout_s, 3600], got {self.total_timeout_s}")
        if self.memory_mb < 64:
            raise ConfigError(f"memory_mb must be >= 64, got {self.memory_mb}")
        if self.max_tests < 1:
            raise ConfigError(f"max_tests must be >= 1, got {self.max_tests}")


@dataclass(frozen=True)
class SandboxSettings:
    """Which sandbox the shared instance uses, from RLVR_SANDBOX_* environment variables.

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
        from rlvr.sandbox import Sandbox

        if self.backend == "sockets":
            return Sandbox("sockets", sockets=list(self.sockets), slots=self.slots)
        return Sandbox(self.backend, executors=self.executors, slots=self.slots)  # type: ignore[arg-type]


_shared: Sandbox | None = None
_lock = threading.Lock()


def shared_sandbox() -> Sandbox:
    """The process-wide sandbox, created on first use from the environment and reused.

    Raises the sandbox's own errors (DockerUnavailable, ImageNotFound, ...) when it cannot be created;
    the next call tries again. Never falls back to another backend.
    """
    global _shared
    with _lock:
        if _shared is None:
            _shared = SandboxSettings.from_env().create()
            import atexit

            atexit.register(_shared.close)
        return _shared


def current_shared_sandbox() -> Sandbox | None:
    """The shared sandbox if one exists now; never creates one (for metrics and readiness probes)."""
    return _shared


def set_shared_sandbox(sandbox: Sandbox | None) -> Sandbox | None:
    """Make `sandbox` the one the verifier uses (None: back to lazy creation); returns the previous one.
    The caller keeps ownership of both."""
    global _shared
    with _lock:
        previous, _shared = _shared, sandbox
        return previous


@contextmanager
def using_sandbox(sandbox: Sandbox) -> Iterator[Sandbox]:
    """Verify with `sandbox` inside the block (tests, benchmarks), then restore the previous one."""
    previous = set_shared_sandbox(sandbox)
    try:
        yield sandbox
    finally:
        set_shared_sandbox(previous)


@contextmanager
def owning_shared_sandbox() -> Iterator[None]:
    """A sandbox the verifier creates on first use inside the block belongs to the block: it is closed at the
    end and the one from before is restored. For commands that run code checks and then hand the process back
    (`rlvr qa`), so no executor outlives them into whatever the process does next."""
    before = current_shared_sandbox()
    try:
        yield
    finally:
        during = set_shared_sandbox(before)
        if during is not None and during is not before:
            during.close()
