"""`rlvr.verify`: route a completion to its family's verifier, in the killable pool or inline.

Every failure of an item becomes a result with a status that says why (never an exception, never a
silent 0), so a batch always returns one result per item, in order.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from rlvr.errors import InvalidReferenceError, JobTimeout, RlvrError, UnknownEnvError, WorkerPoolError
from rlvr.registry import FAMILIES, family_of, load_verifier
from rlvr.results import Status, VerifyResult
from rlvr.workers import PoolConfig, WorkerPool

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = float(os.environ.get("RLVR_VERIFY_TIMEOUT_S", "5"))


@dataclass(frozen=True)
class VerifyRequest:
    """One item of a batch: which env judges it, the completion, and the env's reference."""

    env: str
    completion: str
    reference: Mapping[str, Any] = field(default_factory=dict)


class Verifier:
    """Owns the worker pool (for `runs_in="worker"` families) and a thread pool (for inline ones)."""

    def __init__(self, pool: WorkerPool | None = None, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                 inline_threads: int = 32):
        self.timeout_s = timeout_s
        self._pool = pool
        self._pool_lock = threading.Lock()
        self._threads = ThreadPoolExecutor(max_workers=inline_threads, thread_name_prefix="rlvr-inline")

    @property
    def pool(self) -> WorkerPool:
        with self._pool_lock:
            if self._pool is None:
                preload = tuple(f.verifier.partition(":")[0] for f in FAMILIES.values() if f.runs_in == "worker")
                self._pool = WorkerPool(PoolConfig(preload=preload))
            return self._pool

    def submit(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> Future:
        """Start one check; the future always resolves to a VerifyResult."""
        try:
            family = family_of(env).name
        except UnknownEnvError as exc:
            return _done(VerifyResult.broken(Status.ERROR, str(exc)))
        return self.submit_family(family, completion=completion, reference=reference)

    def submit_family(self, family_name: str, *, completion: str, reference: Mapping[str, Any]) -> Future:
        """Start one check by family name (what envs call); resolves to a VerifyResult."""
        family = FAMILIES[family_name]
        try:
            _check_types(completion, reference)
        except InvalidReferenceError as exc:
            return _done(VerifyResult.broken(Status.ERROR, str(exc)))
        if family.runs_in == "inline":
            return self._threads.submit(run_verifier, family.name, completion, dict(reference))
        job = self.pool.submit(run_verifier_job, timeout_s=self.timeout_s, family=family.name,
                               completion=completion, reference=dict(reference))
        return _result_of(job, self.timeout_s)

    def verify(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
        family_of(env)  # an unknown env id in a direct call is a programming error: raise it
        return self.submit(env, completion=completion, reference=reference).result()

    def verify_batch(self, items: Sequence[VerifyRequest | Mapping[str, Any]]) -> list[VerifyResult]:
        return [future.result() for future in self._submit_all(items)]

    async def averify(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
        return await asyncio.wrap_future(self.submit(env, completion=completion, reference=reference))

    async def averify_batch(self, items: Sequence[VerifyRequest | Mapping[str, Any]]) -> list[VerifyResult]:
        return list(await asyncio.gather(*(asyncio.wrap_future(f) for f in self._submit_all(items))))

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._pool is not None:
            self._pool.close()

    def _submit_all(self, items: Sequence[VerifyRequest | Mapping[str, Any]]) -> list[Future]:
        futures = []
        for item in items:
            request = item if isinstance(item, VerifyRequest) else _request_from_mapping(item)
            if isinstance(request, VerifyResult):
                futures.append(_done(request))
            else:
                futures.append(self.submit(request.env, completion=request.completion,
                                           reference=request.reference))
        return futures


def run_verifier(family: str, completion: str, reference: dict[str, Any]) -> VerifyResult:
    """Call a family's verifier, turning its failures into results that say whose fault they were."""
    try:
        return load_verifier(family)(completion=completion, reference=reference)
    except InvalidReferenceError as exc:
        return VerifyResult.broken(Status.ERROR, f"invalid reference: {exc}")
    except RlvrError as exc:
        return VerifyResult.broken(Status.ERROR, str(exc))
    except Exception:
        log.exception("verifier for family %r crashed", family)
        return VerifyResult.broken(Status.ERROR, "the verifier crashed on this item")


def run_verifier_job(*, family: str, completion: str, reference: dict[str, Any]) -> VerifyResult:
    """Worker-side entry point (module level, so the pool can pickle it by reference)."""
    return run_verifier(family, completion, reference)


def _result_of(job: Future, timeout_s: float) -> Future:
    """A future of the job's VerifyResult. Cancelling it (a client that went away) cancels the job if no
    worker has started it, so an abandoned backlog costs no CPU."""
    result: Future = Future()

    def finish(done: Future) -> None:
        if done.cancelled():
            return
        try:
            result.set_result(_job_result(done, timeout_s))
        except InvalidStateError:  # the caller cancelled in the meantime
            pass

    job.add_done_callback(finish)
    result.add_done_callback(lambda outer: job.cancel() if outer.cancelled() else None)
    return result


def _job_result(job: Future, timeout_s: float) -> VerifyResult:
    try:
        return job.result()
    except JobTimeout:
        return VerifyResult.broken(Status.TIMEOUT, f"the check took longer than {timeout_s:g}s")
    except WorkerPoolError as exc:
        return VerifyResult.broken(Status.ERROR, f"the check could not run: {exc}")


def _check_types(completion: Any, reference: Any) -> None:
    if not isinstance(completion, str):
        raise InvalidReferenceError(f"completion must be a string, got {type(completion).__name__}")
    if not isinstance(reference, Mapping):
        raise InvalidReferenceError(f"reference must be an object, got {type(reference).__name__}")


def _request_from_mapping(item: Any) -> VerifyRequest | VerifyResult:
    if not isinstance(item, Mapping):
        return VerifyResult.broken(Status.ERROR, f"batch item must be an object, got {type(item).__name__}")
    missing = [key for key in ("env", "completion") if key not in item]
    if missing:
        return VerifyResult.broken(Status.ERROR, f"batch item is missing {', '.join(missing)}")
    return VerifyRequest(env=item["env"], completion=item["completion"], reference=item.get("reference", {}))


def _done(result: VerifyResult) -> Future:
    future: Future = Future()
    future.set_result(result)
    return future


_default: Verifier | None = None
_default_lock = threading.Lock()


def default_verifier() -> Verifier:
    """The process-wide Verifier behind `rlvr.verify`, created on first use and closed at exit."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Verifier()
            atexit.register(_default.close)
        return _default


def verify(env: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
    """Score one completion for `env` against its reference; see `Verifier.verify`."""
    return default_verifier().verify(env, completion=completion, reference=reference)


def verify_batch(items: Sequence[VerifyRequest | Mapping[str, Any]]) -> list[VerifyResult]:
    """Score many items across the worker pool; one result per item, in order, failures included."""
    return default_verifier().verify_batch(items)


def verify_family(family: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
    """Score by family name (what envs call); same routing as `verify`."""
    return default_verifier().submit_family(family, completion=completion, reference=reference).result()
