"""A pool of killable worker processes for CPU-bound checks that may hang.

Each worker runs one job at a time in its own main thread, where a `setitimer` deadline interrupts
Python-level work cleanly. Its dispatcher thread in the parent is the guarantee: if no answer comes by
the deadline plus a grace period (C-level arithmetic that never returns to the interpreter), it kills
the worker and starts a fresh one. So a call returns within its limit from any thread, asyncio loop or
web handler, and one pathological input never poisons the pool.

While a worker runs a job, its dispatcher has already sent it the next small one, so the worker never waits for
its dispatcher to get the GIL back (in a busy server the event loop holds it much of the time): math checks went
from ~2,900 to ~4,000 a second on 2 workers, and HTTP from ~2,150 to ~3,700 (bench/server_load.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

from rlvr.errors import ConfigError, JobTimeout, PoolClosed, WorkerCrashed

log = logging.getLogger(__name__)

IMPORTING, IMPORTED = ("importing", None), ("imported", None)  # a worker's notes around a job's imports
AHEAD_BYTES = 32 << 10  # the largest job sent ahead of a running one (and a quarter of the socket's buffer at most)


@dataclass(frozen=True)
class PoolConfig:
    """Sizing and limits of a worker pool."""

    workers: int = max(1, os.cpu_count() or 1)
    grace_s: float = 1.0
    memory_bytes: int = 4 << 30
    max_jobs_per_worker: int = 5_000
    start_timeout_s: float = 120.0
    preload: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ConfigError(f"workers must be >= 1, got {self.workers}")
        if self.grace_s <= 0:
            raise ConfigError(f"grace_s must be > 0, got {self.grace_s}")
        if self.max_jobs_per_worker < 1:
            raise ConfigError(f"max_jobs_per_worker must be >= 1, got {self.max_jobs_per_worker}")


@dataclass
class _Job:
    fn: Callable[..., Any]
    kwargs: dict[str, Any]
    timeout_s: float
    future: Future
    on_error: Callable[[Exception], Any] | None = None
    imports: tuple[str, ...] = ()

    def fail(self, exc: Exception) -> None:
        """The job is lost (timeout, crash, closed pool): its future raises `exc`, or holds `on_error(exc)`."""
        try:
            if self.on_error is None:
                self.future.set_exception(exc)
            else:
                self.future.set_result(self.on_error(exc))
        except InvalidStateError:  # cancelled by its caller in the meantime
            pass


@dataclass
class _Ahead:
    """A job sent to a worker (`worker`; None when not sent yet) before its previous job answered."""

    job: _Job
    request: bytes
    worker: _Worker | None


def _encode(job: _Job) -> bytes | None:
    """The job as the worker reads it, or None when it cannot be sent (the job fails alone)."""
    try:
        return ForkingPickler.dumps((job.fn, job.kwargs, job.timeout_s, job.imports))
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as exc:
        # e.g. a reference nested 100,000 deep: fail this job alone, the worker and this thread live on
        job.fail(WorkerCrashed(f"the job could not be sent to a worker ({type(exc).__name__})"))
        return None


class WorkerPool:
    """Runs picklable module-level functions in worker processes with a hard per-job time limit."""

    def __init__(self, config: PoolConfig | None = None):
        self.config = config or PoolConfig()
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._busy = 0
        self._lock = threading.Lock()
        self.restarts = 0
        self._threads = [
            threading.Thread(target=self._dispatch, name=f"rlvr-worker-{i}", daemon=True)
            for i in range(self.config.workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., Any], /, *, timeout_s: float, **kwargs: Any) -> Future:
        """Queue `fn(**kwargs)`; the future raises JobTimeout or WorkerCrashed when the job is lost."""
        return self.submit_job(fn, kwargs, timeout_s=timeout_s)

    def submit_job(self, fn: Callable[..., Any], kwargs: dict[str, Any], *, timeout_s: float,
                   on_error: Callable[[Exception], Any] | None = None, imports: tuple[str, ...] = ()) -> Future:
        """`submit`, where a lost job's future holds `on_error(exc)` instead of raising: one future per job for
        callers whose futures always resolve to a value (cancelling it still drops a job no worker took).
        `imports`: modules the job needs; a worker imports the ones it lacks before the job's deadline starts
        (within `start_timeout_s`), so a worker loads only the families it is given, and no job pays for it."""
        if timeout_s <= 0:
            raise ConfigError(f"timeout_s must be > 0, got {timeout_s}")
        job = _Job(fn, kwargs, timeout_s, Future(), on_error, imports)
        if self._closed:
            job.fail(PoolClosed("the worker pool is closed"))
        else:
            self._jobs.put(job)
        return job.future

    def run(self, fn: Callable[..., Any], /, *, timeout_s: float, **kwargs: Any) -> Any:
        return self.submit(fn, timeout_s=timeout_s, **kwargs).result()

    async def run_async(self, fn: Callable[..., Any], /, *, timeout_s: float, **kwargs: Any) -> Any:
        return await asyncio.wrap_future(self.submit(fn, timeout_s=timeout_s, **kwargs))

    def map(self, fn: Callable[..., Any], items: Iterable[dict[str, Any]], *, timeout_s: float) -> list[Future]:
        """Submit one job per kwargs dict; the futures come back in input order."""
        return [self.submit(fn, timeout_s=timeout_s, **kwargs) for kwargs in items]

    @property
    def queue_depth(self) -> int:
        return self._jobs.qsize()

    @property
    def busy(self) -> int:
        return self._busy

    def close(self) -> None:
        """Stop accepting jobs, fail queued ones, and stop the workers."""
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(timeout=10)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _dispatch(self) -> None:
        """One worker's loop. While the worker runs a job, the next one (when small) is already in its socket, so
        the worker starts it the moment it answers, however long this thread waits for the GIL; the deadline of a
        job sent ahead starts when it becomes the one the worker runs. A worker that is killed or dies runs none of
        the job sent ahead: it goes to the fresh worker."""
        worker: _Worker | None = None
        ahead: _Ahead | None = None
        try:
            while True:
                if ahead is None:
                    job = self._jobs.get()
                    if job is None:
                        break
                    if not self._takes(job) or (request := _encode(job)) is None:
                        continue
                    if worker is not None and worker.jobs_done >= self.config.max_jobs_per_worker:
                        worker.stop()
                        worker = None
                    sent_to = None
                else:
                    job, request, sent_to = ahead.job, ahead.request, ahead.worker
                    ahead = None
                worker = worker or _Worker(self.config)
                if sent_to is not worker and not worker.wait_ready(self.config.start_timeout_s):
                    self._replace(worker, "failed to start")
                    worker = None
                    job.fail(WorkerCrashed("a verification worker failed to start"))
                    continue
                with self._lock:
                    self._busy += 1
                try:
                    if sent_to is not worker:
                        with contextlib.suppress(OSError):  # a dead worker: _finish reads that and fails the job
                            worker.conn.send_bytes(request)
                    ahead = self._send_ahead(worker)
                    worker = self._finish(worker, job)
                except Exception:  # never let one job take the dispatcher down: later jobs would hang
                    log.exception("verification job failed in the dispatcher")
                    if not job.future.done():
                        job.fail(WorkerCrashed("the job failed in the dispatcher"))
                    self._replace(worker, "was in an unknown state")
                    worker = _Worker(self.config)
                finally:
                    with self._lock:
                        self._busy -= 1
        finally:
            if ahead is not None:
                ahead.job.fail(PoolClosed("the worker pool closed before the job ran"))
            if worker is not None:
                worker.stop()

    def _takes(self, job: _Job) -> bool:
        """Whether a dequeued job is to run: not when the pool has closed (it fails) or its caller cancelled it."""
        if self._closed:
            job.fail(PoolClosed("the worker pool closed before the job ran"))
            return False
        return job.future.set_running_or_notify_cancel()

    def _send_ahead(self, worker: _Worker) -> _Ahead | None:
        """Send the next queued job to the busy worker when it fits in the socket's buffer (so the send never
        blocks while the worker runs a job that may hang) and the worker will not be recycled before it."""
        if worker.jobs_done + 1 >= self.config.max_jobs_per_worker:
            return None
        try:
            job = self._jobs.get_nowait()
        except queue.Empty:
            return None
        if job is None:  # the pool is closing: leave the stop for the main loop
            self._jobs.put(None)
            return None
        if not self._takes(job) or (request := _encode(job)) is None:
            return None
        if len(request) > worker.ahead_bytes:
            return _Ahead(job, request, None)
        try:
            worker.conn.send_bytes(request)
        except OSError:  # the worker died: the job goes to the next one
            return _Ahead(job, request, None)
        return _Ahead(job, request, worker)

    def _finish(self, worker: _Worker, job: _Job) -> _Worker:
        """Wait for the job's answer; return the worker to keep, or a fresh one (starting) when it was killed."""
        try:
            message = self._answer(worker, job)
        except (EOFError, OSError, BrokenPipeError):
            exitcode = worker.exitcode
            self._replace(worker, "crashed")
            job.fail(WorkerCrashed(f"the worker died running the job (exit {exitcode})"))
            return _Worker(self.config)
        if message is None:
            self._replace(worker, "overran its deadline")
            job.fail(JobTimeout(f"no answer within {job.timeout_s:g}s; worker killed"))
            return _Worker(self.config)
        worker.jobs_done += 1
        kind, payload = message
        if kind == "ok":
            job.future.set_result(payload)
        elif kind == "timeout":
            job.fail(JobTimeout(f"job exceeded {job.timeout_s:g}s"))
        else:
            job.fail(WorkerCrashed(payload))
        return worker

    def _answer(self, worker: _Worker, job: _Job) -> tuple[str, Any] | None:
        """The worker's answer to the job just sent, or None past the deadline. While the worker imports what the
        job needs, the deadline is the start-up limit; the job's own starts when the imports are done."""
        deadline = time.monotonic() + job.timeout_s + self.config.grace_s
        while worker.conn.poll(max(0.0, deadline - time.monotonic())):
            message = worker.conn.recv()
            if message == IMPORTING:
                deadline = time.monotonic() + self.config.start_timeout_s
            elif message == IMPORTED:
                deadline = time.monotonic() + job.timeout_s + self.config.grace_s
            else:
                return message
        return None

    def _replace(self, worker: _Worker, why: str) -> None:
        worker.kill()
        self.restarts += 1
        log.warning("verification worker %s; restarted (%d restarts so far)", why, self.restarts)


class _Worker:
    """One worker process, started with `python -m rlvr.worker_process` (never forked from the caller).

    A fresh interpreter, not multiprocessing's spawn/forkserver, because those re-import the caller's
    `__main__`: a plain user script without an `if __name__ == "__main__"` guard would recurse.
    """

    def __init__(self, config: PoolConfig):
        parent, child = socket.socketpair()
        command = [sys.executable, "-m", "rlvr.worker_process", str(child.fileno()), str(config.memory_bytes),
                   *config.preload]
        self.process = subprocess.Popen(command, pass_fds=[child.fileno()], stdin=subprocess.DEVNULL)
        child.close()
        # A job sent ahead must never block the send while the worker runs (or hangs in) the job before it.
        self.ahead_bytes = min(AHEAD_BYTES, parent.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) // 4)
        self.conn = Connection(parent.detach())
        self.jobs_done = 0
        self._ready = False

    @property
    def exitcode(self) -> int | None:
        return self.process.poll()

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until the worker has imported its preloads (so its start-up never eats a job's deadline)."""
        if not self._ready:
            try:
                self._ready = self.conn.poll(timeout_s) and self.conn.recv() == "ready"
            except (EOFError, OSError):
                self._ready = False
        return self._ready

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.conn.close()
