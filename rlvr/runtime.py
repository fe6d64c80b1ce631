"""`Runtime`: every live resource verification needs, owned in one place and closed in one call.

A runtime holds the killable worker pool (for `runs_in="worker"` families), a thread lane per inline family,
the code sandbox (an embedded Docker pool, remote executor sockets, or the local backend) and the resources
families keep warm (Lean REPL pools, kimina clients; see `Runtime.resource`). Everything is created on first
use, so a runtime is cheap to make and cheap to close twice. `rlvr.verify` uses a default runtime made on first
call and closed at exit; the server, the trainer and `rlvr qa` make their own and pass it down (envs take
`runtime=`), so nothing global is swapped.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing.util
import os
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any, Protocol, TypeVar

from rlvr.dispatch import (
    VerifyRequest,
    check_types,
    done,
    job_error,
    request_from,
    run_verifier,
    run_verifier_job,
)
from rlvr.errors import ConfigError, RuntimeClosed
from rlvr.lanes import Lane, LaneLoad
from rlvr.outcomes import result_for
from rlvr.registry import FAMILIES, Family, family_of
from rlvr.results import VerifyResult
from rlvr.sandbox import Sandbox, SandboxSettings
from rlvr.workers import PoolConfig, WorkerPool

Item = VerifyRequest | Mapping[str, Any]


class Closeable(Protocol):
    def close(self) -> None: ...


R = TypeVar("R", bound=Closeable)


class Runtime:
    """Owns the pools and connections checks run on; use as a context manager or call `close()`.

    pool: a WorkerPool to use (the runtime closes it), a PoolConfig for the one it makes, or None (one worker
        per CPU, made at the first worker check).
    timeout_s: the hard limit of one worker check; None reads RLVR_VERIFY_TIMEOUT_S (default 5).
    sandbox: a Sandbox to run code in (the caller keeps it and closes it), SandboxSettings for the one the
        runtime makes at the first code check, or None for `SandboxSettings.from_env()`.
    """

    def __init__(self, pool: WorkerPool | PoolConfig | None = None, *, timeout_s: float | None = None,
                 sandbox: Sandbox | SandboxSettings | None = None):
        self.timeout_s = _timeout_from_env() if timeout_s is None else timeout_s
        if not self.timeout_s > 0:
            raise ConfigError(f"timeout_s must be > 0, got {self.timeout_s}")
        self._pool = pool if isinstance(pool, WorkerPool) else None
        self._pool_config = pool if isinstance(pool, PoolConfig) else None
        self._borrowed_sandbox = sandbox if isinstance(sandbox, Sandbox) else None
        self._sandbox_settings = sandbox if isinstance(sandbox, SandboxSettings) else None
        self._own_sandbox: Sandbox | None = None
        self._resources: dict[Hashable, Closeable] = {}
        self._lock = threading.Lock()
        self._sandbox_lock = threading.Lock()  # starting containers takes seconds: worker checks must not wait
        self._closed = False
        self._pid = os.getpid()  # threads and pipes do not survive a fork: a child must make its own runtime
        self._lanes: dict[str, Lane] = {}

    # Resources ---------------------------------------------------------------------------------------------

    @property
    def pool(self) -> WorkerPool:
        """The worker pool, started on first use."""
        with self._lock:
            self._check_open()
            if self._pool is None:
                self._pool = WorkerPool(self._pool_config or PoolConfig())
            return self._pool

    @property
    def sandbox(self) -> Sandbox:
        """The sandbox code runs in, made on first use; raises the sandbox's errors (DockerUnavailable, ...)
        when it cannot start, and tries again on the next call."""
        if self._borrowed_sandbox is not None:
            return self._borrowed_sandbox
        with self._sandbox_lock:
            self._check_open()
            if self._own_sandbox is None:
                made = (self._sandbox_settings or SandboxSettings.from_env()).create()
                with self._lock:
                    closed, self._own_sandbox = self._closed, made
                if closed:  # closed while the containers started: they must not outlive the runtime
                    made.close()
                    self._check_open()
            return self._own_sandbox

    def lane_loads(self) -> dict[str, LaneLoad]:
        """Each inline family's lane that has run a check: its threads, checks waiting and running (/metrics)."""
        with self._lock:
            lanes = list(self._lanes.values())
        return {lane.name: lane.load() for lane in lanes}

    @property
    def current_sandbox(self) -> Sandbox | None:
        """The sandbox if there is one now; never makes one (for metrics and readiness probes)."""
        return self._borrowed_sandbox or self._own_sandbox

    def resource(self, key: Hashable, factory: Callable[[], R]) -> R:
        """The resource under `key`, made by `factory` on first use and closed with the runtime: how a family
        keeps something warm (a Lean REPL pool per config) without a module global."""
        with self._lock:
            self._check_open()
            if key not in self._resources:
                self._resources[key] = factory()
            return self._resources[key]  # type: ignore[return-value]

    def close(self) -> None:
        """Stop every lane and close what the runtime made; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            owned = [*self._resources.values(), self._own_sandbox, self._pool]
            lanes = list(self._lanes.values())
            self._resources.clear()
        for lane in lanes:
            lane.shutdown()
        for resource in owned:
            if resource is not None:
                resource.close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _lane(self, family: Family) -> Lane:
        with self._lock:
            self._check_open()
            if family.name not in self._lanes:
                self._lanes[family.name] = Lane(family.name, family.lane_threads)
            return self._lanes[family.name]

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeClosed("the runtime is closed")
        if os.getpid() != self._pid:
            raise RuntimeClosed(f"this runtime belongs to process {self._pid}; a forked process must make its own "
                                "(envs made without one use the process's default runtime)")

    # Verification ------------------------------------------------------------------------------------------

    def submit(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> Future:
        """Start one check; the future always resolves to a VerifyResult."""
        try:
            family = family_of(env).name
        except Exception as exc:  # noqa: BLE001 - an unknown env is this item's error, not the batch's
            return done(result_for(exc))
        return self.submit_family(family, completion=completion, reference=reference)

    def submit_family(self, family_name: str, *, completion: str, reference: Mapping[str, Any]) -> Future:
        """Start one check by family name (what envs call); resolves to a VerifyResult."""
        family = FAMILIES[family_name]
        try:
            self._check_open()
            check_types(completion, reference)
            if family.runs_in == "inline":
                resources = {"runtime": self} if family.uses_runtime else {}
                return self._lane(family).submit(run_verifier, family.verifier, completion, dict(reference),
                                                 **resources)
            kwargs = {"verifier": family.verifier, "completion": completion, "reference": dict(reference)}
            return self.pool.submit_job(run_verifier_job, kwargs, timeout_s=self.timeout_s, on_error=job_error,
                                        imports=(family.verifier_module,))
        except Exception as exc:  # noqa: BLE001 - a closed runtime or a bad item: this item's result
            return done(result_for(exc))

    def verify(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
        family_of(env)  # an unknown env id in a direct call is a programming error: raise it
        return self.submit(env, completion=completion, reference=reference).result()

    def verify_family(self, family: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
        return self.submit_family(family, completion=completion, reference=reference).result()

    def verify_batch(self, items: Sequence[Item]) -> list[VerifyResult]:
        """One result per item, in order, failures included."""
        return [future.result() for future in self._submit_all(items)]

    async def averify(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
        return await asyncio.wrap_future(self.submit(env, completion=completion, reference=reference))

    async def averify_batch(self, items: Sequence[Item]) -> list[VerifyResult]:
        return list(await asyncio.gather(*(asyncio.wrap_future(f) for f in self._submit_all(items))))

    def _submit_all(self, items: Sequence[Item]) -> list[Future]:
        futures = []
        for item in items:
            request = request_from(item)
            if isinstance(request, VerifyResult):
                futures.append(done(request))
            else:
                futures.append(self.submit(request.env, completion=request.completion, reference=request.reference))
        return futures


def _timeout_from_env() -> float:
    raw = os.environ.get("RLVR_VERIFY_TIMEOUT_S", "5")
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"RLVR_VERIFY_TIMEOUT_S must be a number of seconds, got {raw!r}") from None


_default: Runtime | None = None
_default_lock = threading.Lock()


def default_runtime() -> Runtime:
    """The process-wide Runtime behind `rlvr.verify` and envs made without one: created on first use, closed at
    exit, also in a multiprocessing child (Gymnasium's async vector env workers end with `os._exit`, which skips
    atexit: their Docker executors would outlive them). A forked child starts without one."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Runtime()
            atexit.register(_default.close)
            multiprocessing.util.Finalize(_default, _default.close, exitpriority=10)
        return _default


def _forget_default() -> None:
    """In a forked child: the parent's default runtime has no threads here; the child makes its own."""
    global _default, _default_lock
    _default, _default_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_default)


def verify(env: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
    """Score one completion for `env` against its reference; see `Runtime.verify`."""
    return default_runtime().verify(env, completion=completion, reference=reference)


def verify_batch(items: Sequence[Item]) -> list[VerifyResult]:
    """Score many items across the worker pool; one result per item, in order, failures included."""
    return default_runtime().verify_batch(items)
