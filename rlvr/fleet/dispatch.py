"""`Dispatcher`: items to actors in chunks, in order, bounded, and retried once when their actor dies.

It runs on an event loop of its own thread, so callers on any thread (a trainer, the server's loop) only hand
items over. Every item's future resolves exactly once: to its actor's result; to the retry's result when the
first actor or its node died before answering; or, when no live actor is left or the retry died too, to an
`error` result with reward None that says so (`ActorLost`). A call that never answers counts as a death after
`call_timeout_s`. An answer that is not one `VerifyResult` per item is not used (an actor half gone): its items
are retried like a death's. A late answer to a call already given up is dropped.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from typing import Any, Protocol

from rlvr.dispatch import VerifyRequest, done
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
        self._queues: dict[bool, deque[Work]] = {False: deque(), True: deque()}
        self._tasks: set[asyncio.Task] = set()
        self._open: set[Work] = set()  # handed over, not yet answered: what close() must answer
        self._flushing = False
        self._closed = False
        self.retried = 0  # items sent a second time
        self.lost = 0  # items answered `error` because no live actor could verify them
        self._loop = asyncio.new_event_loop()
        self._changed = asyncio.Condition()
        self._thread = threading.Thread(target=self._loop.run_forever, name="rlvr-fleet", daemon=True)
        self._thread.start()

    # Any thread ---------------------------------------------------------------------------------------------

    def submit(self, request: VerifyRequest, *, heavy: bool) -> Future:
        """Hand one item over; blocks while `max_pending` items are pending (backpressure). The future always
        resolves to a VerifyResult."""
        if self._closed:
            return done(result_for(RuntimeClosed("the fleet is closed")))
        self._room.acquire()
        future: Future = Future()
        future.add_done_callback(lambda _: self._room.release())
        try:
            self._loop.call_soon_threadsafe(self._enqueue, Work(request, future, heavy))
        except RuntimeError:  # the loop closed in the meantime
            _settle(future, result_for(RuntimeClosed("the fleet is closed")))
        return future

    def load(self) -> Load:
        live = [m for m in self._members if m.alive]
        return Load(actors=len(self._members), actors_alive=len(live), nodes=len({m.node_id for m in live}),
                    sandbox_slots=sum(m.code_slots for m in live), queue_depth=sum(map(len, self._queues.values())),
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

    # The dispatcher's loop ----------------------------------------------------------------------------------

    def _enqueue(self, work: Work) -> None:
        self._open.add(work)
        work.future.add_done_callback(lambda _: self._open.discard(work))
        self._queues[work.heavy].append(work)
        if not self._flushing:  # items handed over before this runs join the same chunks
            self._flushing = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flushing = False
        for heavy, queue in self._queues.items():
            size = self._options.code_chunk if heavy else self._options.chunk
            while queue:
                self._spawn(self._send([queue.popleft() for _ in range(min(size, len(queue)))], heavy))

    def _spawn(self, coroutine: Any) -> None:
        task = self._loop.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, chunk: list[Work], heavy: bool) -> None:
        try:
            member = await self._acquire(heavy, len(chunk), set().union(*(w.tried_on for w in chunk)))
        except LookupError:
            self._give_up(chunk, "no live verifier actor could take it")
            return
        work = [w for w in chunk if not w.future.cancelled()]  # the caller went away: send nothing for it
        results: list[VerifyResult] | None = None  # None: the actor died
        try:
            results = await self._call(member, work) if work else []
        except _Died:
            pass
        except Exception as exc:  # noqa: BLE001 - the actor's method raised: these items' error, not a death
            results = [result_for(exc, where="a verifier actor")] * len(work)
        finally:
            await self._release(member, heavy, len(chunk))
        if results is None:
            self._lose(member)
            await self._retry(work, member)
            return
        for item, result in zip(work, results, strict=True):
            _settle(item.future, result)

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

    async def _retry(self, work: list[Work], member: Member) -> None:
        for item in work:
            item.tried_on.add(member.index)
        again = [w for w in work if len(w.tried_on) < 2]
        self._give_up([w for w in work if len(w.tried_on) >= 2], "the retry's actor died too")
        if again:
            self.retried += len(again)
            await self._send(again, again[0].heavy)

    def _give_up(self, work: list[Work], why: str) -> None:
        self.lost += len(work)
        _answer(work, result_for(ActorLost(f"its verifier actor died before a verdict and {why}")))

    async def _acquire(self, heavy: bool, n: int, exclude: set[int]) -> Member:
        async with self._changed:
            while (member := pick(self._members, heavy=heavy, n=n, max_inflight=self._options.max_inflight,
                                  exclude=exclude)) is None:
                await self._changed.wait()
            member.take(heavy, n)
            return member

    async def _release(self, member: Member, heavy: bool, n: int) -> None:
        async with self._changed:
            member.give_back(heavy, n)
            self._changed.notify_all()

    def _lose(self, member: Member) -> None:
        if member.alive:
            member.alive = False
            self._spawn(self._notify())
            self._spawn(self._revive(member))

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

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
            async with self._changed:
                member.node_id, member.code_slots = info.node_id, info.sandbox_slots or member.code_slots
                member.alive = True
                self._changed.notify_all()
            log.info("verifier actor %d is live on node %s", member.index, info.node_id[:12])
            return

    async def _stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        _answer(list(self._open), result_for(RuntimeClosed("the fleet closed before this item was verified")))


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

