"""`Dispatcher`: items to actors in chunks, in order, bounded, and retried once when their actor dies.

It runs on an event loop of its own thread, so callers on any thread (a trainer, the server's loop) only hand
items over. Every item's future resolves exactly once: to its actor's result; to the retry's result when the
first actor or its node died before answering; or, when no live actor is left or the retry died too, to an
`error` result with reward None that says so (`ActorLost`). A call that never answers counts as a death after
`call_timeout_s`. An answer that is not one `VerifyResult` per item is not used (an actor half gone): its items
are retried like a death's. A late answer to a call already given up is dropped.

Chunks wait in one queue, in order, until an actor has room (`rlvr.fleet.members`); `_pump` hands them out
whenever room appears (an answer, an actor back), so nothing polls and no waiter is woken for nothing.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from typing import Any, Protocol

from rlvr.dispatch import VerifyRequest
from rlvr.errors import RuntimeClosed
from rlvr.fleet.actor import ActorInfo
from rlvr.fleet.errors import ActorLost
from rlvr.fleet.members import Member, pick
from rlvr.fleet.options import FleetOptions
from rlvr.outcomes import result_for
from rlvr.results import VerifyResult

log = logging.getLogger(__name__)
_WARM_TIMEOUT_S = 120.0
_REVIVE_MAX_DELAY_S = 5.0
_CLOSE_S = 10.0


class Transport(Protocol):
    """How the dispatcher reaches an actor (Ray in `rlvr.fleet.connect`; anything in a unit test)."""

    def call(self, member: Member, chunk: list[tuple[str, str, dict[str, Any]]]) -> Future: ...

    def warm(self, member: Member) -> Future:
        """Resolves to the actor's ActorInfo once it is up and warm (idempotent)."""
        ...

    def died(self, exc: BaseException) -> bool:
        """True when `exc` says the actor or its node is gone (retry elsewhere), False when the call raised."""
        ...


@dataclass(eq=False)
class Work:
    request: VerifyRequest
    future: Future
    heavy: bool
    tried_on: set[int] = field(default_factory=set)


@dataclass(eq=False)
class Chunk:
    work: list[Work]
    heavy: bool
    exclude: set[int] = field(default_factory=set)  # actors these items died on


@dataclass(frozen=True)
class Load:
    """A snapshot of the fleet's work, for /readyz and /metrics."""

    actors: int
    actors_alive: int
    nodes: int
    sandbox_slots: int
    queue_depth: int
    in_flight: int
    retried: int
    lost: int
    by_node: dict[str, int] = field(default_factory=dict)  # items in flight per node id


class Dispatcher:
    def __init__(self, members: list[Member], options: FleetOptions, transport: Transport):
        self._members = members
        self._options = options
        self._transport = transport
        self._room = threading.BoundedSemaphore(options.max_pending)
        self._incoming: dict[bool, deque[Work]] = {False: deque(), True: deque()}
        self._waiting: dict[bool, deque[Chunk]] = {False: deque(), True: deque()}
        self._retries: deque[Chunk] = deque()  # chunks whose actor died, to any other live one
        self._tasks: set[asyncio.Task] = set()
        # Handed over, not yet answered: what close() must answer. Keyed by future, so that a future's callback
        # holds the dispatcher, not its Work (a Work holds its future: each item would be a reference cycle).
        self._open: dict[Future, Work] = {}
        self._flushing = False
        self._closed = False
        self.retried = 0  # items sent a second time
        self.lost = 0  # items answered `error` because no live actor could verify them
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="rlvr-fleet", daemon=True)
        self._thread.start()

    # Any thread ---------------------------------------------------------------------------------------------

    def submit(self, requests: Sequence[tuple[VerifyRequest, bool]]) -> list[Future]:
        """Hand items over as (request, heavy); blocks while `max_pending` items are pending (backpressure), and
        hands over what it has before it blocks. Each future always resolves to a VerifyResult."""
        futures: list[Future] = []
        batch: list[Work] = []
        for request, heavy in requests:
            if not self._room.acquire(blocking=False):
                self._hand_over(batch)
                batch = []
                self._room.acquire()
            future: Future = Future()
            future.add_done_callback(self._free_room)
            futures.append(future)
            batch.append(Work(request, future, heavy))
        self._hand_over(batch)
        return futures

    def load(self) -> Load:
        live = [m for m in self._members if m.alive]
        chunks = [*self._retries, *self._waiting[False], *self._waiting[True]]
        queued = sum(len(c.work) for c in chunks) + sum(map(len, self._incoming.values()))
        return Load(actors=len(self._members), actors_alive=len(live), nodes=len({m.node_id for m in live}),
                    sandbox_slots=sum(m.code_slots for m in live), queue_depth=queued,
                    in_flight=sum(m.items for m in self._members), retried=self.retried, lost=self.lost,
                    by_node=_by_node(self._members))

    def revive(self, member: Member) -> None:
        """Watch a member that is not live yet (still starting) and let it in when it answers."""
        self._loop.call_soon_threadsafe(self._spawn, self._revive(member))

    def close(self) -> None:
        """Answer every pending item `error` (the fleet closed) and stop the thread; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(_CLOSE_S)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(_CLOSE_S)
            self._loop.close()  # a submit racing with close now fails over to a `closed` result

    def _hand_over(self, batch: list[Work]) -> None:
        if not batch:
            return
        try:
            if self._closed:
                raise RuntimeError("closed")
            self._loop.call_soon_threadsafe(self._enqueue, batch)
        except RuntimeError:  # closed, or the loop closed in the meantime
            _answer(batch, result_for(RuntimeClosed("the fleet is closed")))

    def _free_room(self, _: Future) -> None:
        self._room.release()

    def _answered(self, future: Future) -> None:
        self._open.pop(future, None)

    # The dispatcher's loop ----------------------------------------------------------------------------------

    def _enqueue(self, batch: list[Work]) -> None:
        for work in batch:
            self._open[work.future] = work
            work.future.add_done_callback(self._answered)
            self._incoming[work.heavy].append(work)
        if not self._flushing:  # batches handed over before this runs join the same chunks
            self._flushing = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        """Cut what came in into chunks: code items `code_chunk` at a time; cheap ones `chunk` at a time, or fewer
        when that spreads a small batch over every live actor."""
        self._flushing = False
        live = max(1, sum(m.alive for m in self._members))
        for heavy, queue in self._incoming.items():
            size = self._options.code_chunk if heavy else min(self._options.chunk, -(-len(queue) // live))
            while queue:
                self._waiting[heavy].append(Chunk([queue.popleft() for _ in range(min(size, len(queue)))], heavy))
        self._pump()

    def _pump(self) -> None:
        """Send waiting chunks to actors with room, retries first, then each kind in order until one waits."""
        for chunk in list(self._retries):
            if self._place(chunk):
                self._retries.remove(chunk)
        for queue in self._waiting.values():
            while queue and self._place(queue[0]):
                queue.popleft()

    def _place(self, chunk: Chunk) -> bool:
        """Send the chunk, or give it up when no live actor is left for it: True; False when it must wait."""
        try:
            member = pick(self._members, heavy=chunk.heavy, n=len(chunk.work),
                          max_inflight=self._options.max_inflight, exclude=chunk.exclude)
        except LookupError:
            self._give_up(chunk.work, "no live verifier actor could take it")
            return True
        if member is None:
            return False
        member.take(chunk.heavy, len(chunk.work))
        self._spawn(self._send(chunk, member))
        return True

    def _spawn(self, coroutine: Any) -> None:
        task = self._loop.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, chunk: Chunk, member: Member) -> None:
        work = [w for w in chunk.work if not w.future.cancelled()]  # the caller went away: send nothing for it
        results: list[VerifyResult] | None = None  # None: the actor died
        try:
            results = await self._call(member, work) if work else []
        except _Died:
            pass
        except Exception as exc:  # noqa: BLE001 - the actor's method raised: these items' error, not a death
            results = [result_for(exc, where="a verifier actor")] * len(work)
        finally:
            member.give_back(chunk.heavy, len(chunk.work))
        if results is None:
            self._lose(member)
            self._retry(work, chunk.heavy, member)
        else:
            for item, result in zip(work, results, strict=True):
                _settle(item.future, result)
        self._pump()

    async def _call(self, member: Member, work: list[Work]) -> list[VerifyResult]:
        chunk = [(w.request.env, w.request.completion, dict(w.request.reference)) for w in work]
        try:
            results = await asyncio.wait_for(asyncio.wrap_future(self._transport.call(member, chunk)),
                                             self._options.call_timeout_s)
        except asyncio.TimeoutError:
            log.warning("verifier actor %d gave no answer in %.0f s; its items go elsewhere", member.index,
                        self._options.call_timeout_s)
            raise _Died from None
        except Exception as exc:
            if self._transport.died(exc):
                log.warning("verifier actor %d on node %s died (%s); its items go elsewhere", member.index,
                            member.node_id[:12], type(exc).__name__)
                raise _Died from None
            raise
        if not (isinstance(results, list) and len(results) == len(work)
                and all(isinstance(r, VerifyResult) for r in results)):
            log.error("verifier actor %d answered %d items with %r; not used", member.index, len(work),
                      type(results).__name__)
            raise _Died
        return results

    def _retry(self, work: list[Work], heavy: bool, member: Member) -> None:
        """Items go back to the front of the queue, to any live actor but the one they died on; once only."""
        for item in work:
            item.tried_on.add(member.index)
        self._give_up([w for w in work if len(w.tried_on) >= 2], "the retry's actor died too")
        again = [w for w in work if len(w.tried_on) < 2]
        if again:
            self.retried += len(again)
            self._retries.append(Chunk(again, heavy, exclude={member.index}))

    def _give_up(self, work: list[Work], why: str) -> None:
        self.lost += len(work)
        _answer(work, result_for(ActorLost(f"its verifier actor died before a verdict and {why}")))

    def _lose(self, member: Member) -> None:
        if member.alive:
            member.alive = False
            self._spawn(self._revive(member))

    async def _revive(self, member: Member) -> None:
        """Warm the actor until it answers (Ray restarts it where a node has room), then let it back in."""
        delay = 0.5
        while True:
            try:
                info: ActorInfo = await asyncio.wait_for(asyncio.wrap_future(self._transport.warm(member)),
                                                         _WARM_TIMEOUT_S)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - dead, restarting or unreachable: ask again later
                await asyncio.sleep(delay)
                delay = min(delay * 2, _REVIVE_MAX_DELAY_S)
                continue
            member.node_id, member.code_slots = info.node_id, info.sandbox_slots or member.code_slots
            member.alive = True
            log.info("verifier actor %d is live on node %s", member.index, info.node_id[:12])
            self._pump()
            return

    async def _stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._retries.clear()
        for queue in self._waiting.values():
            queue.clear()
        _answer(list(self._open.values()), result_for(RuntimeClosed("the fleet closed before this item was verified")))


class _Died(Exception):
    """The actor (or its node) is gone, or gave an answer that cannot be used: the chunk's items go elsewhere."""


def _by_node(members: list[Member]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for member in members:
        counts[member.node_id] = counts.get(member.node_id, 0) + member.items
    return counts


def _answer(work: list[Work], result: VerifyResult) -> None:
    for item in work:
        _settle(item.future, result)


def _settle(future: Future, result: VerifyResult) -> None:
    try:
        future.set_result(result)
    except InvalidStateError:  # cancelled by its caller, or already answered
        pass
