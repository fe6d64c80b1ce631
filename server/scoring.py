"""The server's path to the Runtime: admission (bounded queue), limits, metrics, and an await that
never blocks the event loop. When the client goes away, its outstanding checks are cancelled: queued
ones never reach a worker and give their queue slots back at once, so an abandoned backlog costs no CPU.

The hot path is lean on purpose (bench/server_load.py holds HTTP to >= 0.8x in-process): a well-formed item
skips pydantic, each check has one done-callback, a batch wakes the event loop once, and a disconnect is
awaited (one task per request), not polled."""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

from starlette.types import Receive

from rlvr.dispatch import VerifyRequest
from rlvr.items import checked, within_limit
from rlvr.registry import DEPRECATED, ENVS
from rlvr.results import Status, VerifyResult
from rlvr.runtime import Runtime
from rlvr.server.errors import Busy
from rlvr.server.metrics import Metrics
from rlvr.server.settings import Settings


class Admission:
    """Counts items admitted and not yet verified; refuses a request that would pass the bound."""

    def __init__(self, limit: int):
        self.limit = limit
        self.pending = 0
        self._lock = threading.Lock()

    def try_acquire(self, n: int) -> bool:
        with self._lock:
            if self.pending + n > self.limit:
                return False
            self.pending += n
            return True

    def release(self, n: int = 1) -> None:
        with self._lock:
            self.pending -= n



class Scorer:
    """Scores items for the routers; owns nothing but counters (the lifespan owns the Runtime)."""

    def __init__(self, runtime: Runtime, settings: Settings, metrics: Metrics):
        self.runtime = runtime
        self.settings = settings
        self.metrics = metrics
        self.admission = Admission(settings.max_pending)

    def parse(self, raw: Any) -> VerifyRequest | VerifyResult:
        """Validate one raw batch item; a bad one becomes its own error result (`rlvr.items`: the fleet's
        driver refuses the same items with the same reasons)."""
        return checked(raw, max_completion_chars=self.settings.max_completion_chars)

    def check_limits(self, item: VerifyRequest) -> VerifyRequest | VerifyResult:
        return within_limit(item, self.settings.max_completion_chars)

    async def score(
        self, items: Sequence[VerifyRequest | VerifyResult], *, receive: Receive | None = None
    ) -> list[VerifyResult]:
        """Score items in order; raises Busy (429) when the bounded queue cannot take them all. `receive`
        (the request's, once its body is read) is awaited beside the checks: it returns when the client
        disconnects, and then the rest are cancelled and come back as `error` results that no one reads."""
        todo = [item for item in items if isinstance(item, VerifyRequest)]
        if todo:
            self.admit(len(todo))
        for item in items:
            if isinstance(item, VerifyResult):  # refused at the edge: counted, never queued
                self.metrics.results.labels("invalid", item.status.value).inc()
        if not todo:
            return list(items)  # type: ignore[arg-type]  # all VerifyResult
        batch = _Batch(asyncio.get_running_loop(), len(todo))
        futures = [item if isinstance(item, VerifyResult) else self._submit(item, batch) for item in items]
        await batch.wait([f for f in futures if isinstance(f, Future)], receive)
        return [f if isinstance(f, VerifyResult) else _outcome(f) for f in futures]

    def admit(self, n: int) -> None:
        """Take `n` queue slots (the caller releases them), or raise Busy (429) when they do not fit."""
        if not self.admission.try_acquire(n):
            self.metrics.rejected.inc()
            raise Busy(
                f"the verification queue is full ({self.admission.pending} items pending, "
                f"limit {self.admission.limit}); retry later",
                retry_after_s=self.settings.retry_after_s,
            )

    def _submit(self, item: VerifyRequest, batch: _Batch) -> Future:
        entry = ENVS.get(DEPRECATED.get(item.env, item.env))
        family = entry.family if entry else "unknown"
        future = self.runtime.submit(item.env, completion=item.completion, reference=item.reference)
        future.add_done_callback(functools.partial(self._finished, family, time.perf_counter(), batch))
        return future

    def _finished(self, family: str, started: float, batch: _Batch, done: Future) -> None:
        """The one callback per check (on the thread that finished it): slot back, metrics, batch count."""
        self.admission.release()
        if not done.cancelled():
            self.metrics.observe(family, done.result().status.value, time.perf_counter() - started)
        batch.one_done()


class _Batch:
    """A request's checks: counted down on the threads that finish them, one loop wake-up at the last.

    It holds no future: each future's callback holds the batch, so a batch that held its futures would make
    every check a reference cycle, garbage only the cyclic collector frees (its full collections once took a
    third of the event loop's CPU)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, n: int):
        self._loop = loop
        self._left = n
        self._lock = threading.Lock()
        self._waiter = loop.create_future()

    def one_done(self) -> None:
        with self._lock:
            self._left -= 1
            last = self._left == 0
        if last:
            self._loop.call_soon_threadsafe(_resolve, self._waiter)

    async def wait(self, futures: Sequence[Future], receive: Receive | None) -> None:
        """Until every check is done, or until `receive` returns (the client left): then cancel the rest (a
        check already running cannot be stopped, only left)."""
        watch = asyncio.ensure_future(_disconnect(receive)) if receive is not None else None
        try:
            await asyncio.wait([self._waiter, *([watch] if watch else [])], return_when=asyncio.FIRST_COMPLETED)
        finally:
            if watch is not None:
                watch.cancel()
            if not self._waiter.done():  # the client left, or shutdown cut the request off: drop the rest
                for future in futures:
                    future.cancel()


async def _disconnect(receive: Receive) -> None:
    """Returns once the client has gone. After the body, an ASGI server's `receive` blocks until then (or until
    the response is sent, when the watch is cancelled anyway); a stray body message is read past."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _outcome(future: Future) -> VerifyResult:
    if future.done() and not future.cancelled():
        return future.result()
    return VerifyResult.broken(Status.ERROR, "cancelled: the client disconnected")


def _resolve(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)
