"""The server's path to the Runtime: admission (bounded queue), limits, metrics, and an await that
never blocks the event loop. When the client goes away, its outstanding checks are cancelled: queued
ones never reach a worker and give their queue slots back at once, so an abandoned backlog costs no CPU."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from rlvr.registry import DEPRECATED, ENVS
from rlvr.results import Status, VerifyResult
from rlvr.runtime import Runtime
from rlvr.server.errors import Busy
from rlvr.server.metrics import Metrics
from rlvr.server.models import VerifyIn
from rlvr.server.settings import Settings

_ITEM = TypeAdapter(VerifyIn)
_POLL_GONE_S = 0.25  # how often a waiting request checks that its client is still there


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


@dataclass(frozen=True)
class Item:
    env: str
    completion: str
    reference: dict[str, Any]


class Scorer:
    """Scores items for the routers; owns nothing but counters (the lifespan owns the Runtime)."""

    def __init__(self, runtime: Runtime, settings: Settings, metrics: Metrics):
        self.runtime = runtime
        self.settings = settings
        self.metrics = metrics
        self.admission = Admission(settings.max_pending)

    def parse(self, raw: Any) -> Item | VerifyResult:
        """Validate one raw batch item; a bad one becomes its own error result."""
        try:
            model = _ITEM.validate_python(raw, strict=True)
        except ValidationError as exc:
            return VerifyResult.broken(Status.ERROR, f"invalid item: {_describe(exc)}")
        return self.check_limits(Item(model.env, model.completion, model.reference))

    def check_limits(self, item: Item) -> Item | VerifyResult:
        limit = self.settings.max_completion_chars
        if len(item.completion) > limit:
            return VerifyResult.broken(
                Status.ERROR,
                f"completion has {len(item.completion)} characters; the limit is {limit} (RLVR_MAX_COMPLETION_CHARS)",
            )
        return item

    async def score(
        self, items: Sequence[Item | VerifyResult], *, gone: Callable[[], Awaitable[bool]] | None = None
    ) -> list[VerifyResult]:
        """Score items in order; raises Busy (429) when the bounded queue cannot take them all. `gone`
        (the request's `is_disconnected`) is polled while checks run: once it says so, the rest are
        cancelled and come back as `error` results that no one will read."""
        todo = [item for item in items if isinstance(item, Item)]
        if todo:
            self.admit(len(todo))
        for item in items:
            if isinstance(item, VerifyResult):  # refused at the edge: counted, never queued
                self.metrics.results.labels("invalid", item.status.value).inc()
        futures = [item if isinstance(item, VerifyResult) else self._submit(item) for item in items]
        await _wait_all([f for f in futures if isinstance(f, Future)], gone)
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

    def _submit(self, item: Item) -> Future:
        entry = ENVS.get(DEPRECATED.get(item.env, item.env))
        family = entry.family if entry else "unknown"
        started = time.perf_counter()
        future = self.runtime.submit(item.env, completion=item.completion, reference=item.reference)

        def finished(done: Future) -> None:
            self.admission.release()
            if not done.cancelled():
                self.metrics.observe(family, done.result().status.value, time.perf_counter() - started)

        future.add_done_callback(finished)
        return future


async def _wait_all(futures: list[Future], gone: Callable[[], Awaitable[bool]] | None) -> None:
    """Wait for thread-side futures with one loop wake-up for the lot, polling `gone` meanwhile; when
    the client is gone, cancel them and return (a check already running cannot be stopped, only left)."""
    if not futures:
        return
    loop = asyncio.get_running_loop()
    waiter = loop.create_future()
    remaining = len(futures)
    lock = threading.Lock()

    def one_done(_: Future) -> None:
        nonlocal remaining
        with lock:
            remaining -= 1
            last = remaining == 0
        if last:
            loop.call_soon_threadsafe(_resolve, waiter)

    for future in futures:
        future.add_done_callback(one_done)
    if gone is None:
        await waiter
        return
    while not waiter.done():
        await asyncio.wait([waiter], timeout=_POLL_GONE_S)
        if not waiter.done() and await gone():
            for future in futures:
                future.cancel()
            return


def _outcome(future: Future) -> VerifyResult:
    if future.done() and not future.cancelled():
        return future.result()
    return VerifyResult.broken(Status.ERROR, "cancelled: the client disconnected")


def _resolve(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _describe(exc: ValidationError) -> str:
    """Pydantic's messages name the field and the expected type; the input itself is not echoed."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "item"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
