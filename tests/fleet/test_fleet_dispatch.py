"""The dispatcher's promises, with a transport that stands in for Ray so each failure is exact: one result per
item, in order; a dead actor's items retried once elsewhere; no live actor or a second death is an `error` with
reward None, never 0; answers that are not one result per item are not used; in-flight work is bounded.
(The real cluster, with a node removed mid-batch, is tests/fleet/test_fleet_node_loss.py.)"""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import Future

from rlvr.dispatch import VerifyRequest
from rlvr.fleet.dispatch import Dispatcher
from rlvr.fleet.members import Member
from rlvr.fleet.options import FleetOptions
from rlvr.results import Status, VerifyResult


class Gone(Exception):
    pass


class Transport:
    """Answers each item with its completion as the reason; `dead` members raise Gone; `hold` keeps calls open."""

    def __init__(self, dead: set[int] = frozenset(), bad: set[int] = frozenset(), hang: set[int] = frozenset()):
        self.dead, self.bad, self.hang = set(dead), set(bad), set(hang)
        self.calls: list[tuple[int, int]] = []
        self.open: dict[int, int] = {}
        self.most_open = 0
        self._lock = threading.Lock()

    def call(self, member: Member, chunk: list) -> Future:
        future: Future = Future()
        self.calls.append((member.index, len(chunk)))
        if member.index in self.hang:
            return future
        with self._lock:
            self.open[member.index] = self.open.get(member.index, 0) + 1
            self.most_open = max(self.most_open, self.open[member.index])

        def answer() -> None:
            time.sleep(0.01)
            with self._lock:
                self.open[member.index] -= 1
            if member.index in self.dead:
                future.set_exception(Gone())
            elif member.index in self.bad:
                future.set_result([VerifyResult.correct()])  # one result for a chunk of many
            else:
                future.set_result([VerifyResult.correct(completion) for _, completion, _ in chunk])

        threading.Thread(target=answer).start()
        return future

    def warm(self, member: Member) -> Future:
        future: Future = Future()
        future.set_exception(Gone())  # stays dead: the revive loop keeps asking in the background
        return future

    def died(self, exc: BaseException) -> bool:
        return isinstance(exc, Gone)


def _run(transport: Transport, n: int, members: int = 2, **options) -> tuple[list[VerifyResult], Dispatcher]:
    group = [Member(i, handle=None, code_slots=4, node_id=f"node-{i}", alive=True) for i in range(members)]
    dispatcher = Dispatcher(group, FleetOptions(**{"chunk": 4, "max_inflight": 2, **options}), transport)
    try:
        futures = dispatcher.submit([(VerifyRequest("rlvr/Math-v1", str(i), {}), False) for i in range(n)])
        return [f.result(timeout=30) for f in futures], dispatcher
    finally:
        dispatcher.close()


def test_results_come_back_in_order_and_in_flight_work_is_bounded() -> None:
    transport = Transport()
    results, dispatcher = _run(transport, 200)
    assert [r.reason for r in results] == [str(i) for i in range(200)]
    assert transport.most_open <= 2  # max_inflight chunks per actor
    assert {index for index, _ in transport.calls} == {0, 1}
    assert dispatcher.load().retried == 0


def test_a_dead_actors_items_are_retried_once_on_a_live_one() -> None:
    results, dispatcher = _run(Transport(dead={0}), 40)
    assert [(r.status, r.reason) for r in results] == [(Status.CORRECT, str(i)) for i in range(40)]
    load = dispatcher.load()
    assert load.retried > 0 and load.lost == 0 and load.actors_alive == 1


def test_with_no_live_actor_left_items_are_errors_with_no_reward() -> None:
    results, dispatcher = _run(Transport(dead={0, 1}), 12)
    assert all(r.reward is None and r.status == Status.ERROR for r in results)
    assert all("verifier actor died before a verdict" in r.reason for r in results)
    assert dispatcher.load().lost == 12


def test_when_the_retry_dies_too_the_item_says_so() -> None:
    results, _ = _run(Transport(dead={0, 1, 2}), 8, members=3)
    assert all(r.reward is None for r in results)
    assert any("the retry's actor died too" in r.reason for r in results)


def test_an_answer_that_is_not_one_result_per_item_is_not_used() -> None:
    results, dispatcher = _run(Transport(bad={0}), 16)
    assert [r.reason for r in results] == [str(i) for i in range(16)]
    assert dispatcher.load().retried > 0


def test_a_call_that_never_answers_counts_as_a_death() -> None:
    started = time.monotonic()
    results, _ = _run(Transport(hang={0}), 8, call_timeout_s=0.5)
    assert [r.reason for r in results] == [str(i) for i in range(8)]
    assert time.monotonic() - started < 10


def test_closing_answers_what_is_pending() -> None:
    group = [Member(0, handle=None, code_slots=4, alive=True)]
    dispatcher = Dispatcher(group, FleetOptions(chunk=2), Transport(hang={0}))
    futures = dispatcher.submit([(VerifyRequest("rlvr/Math-v1", "x", {}), False)] * 6)
    dispatcher.close()
    dispatcher.close()
    results = [f.result(timeout=5) for f in futures]
    assert all(r.reward is None and "fleet closed" in r.reason for r in results)
    (late,) = dispatcher.submit([(VerifyRequest("rlvr/Math-v1", "x", {}), False)])
    late = late.result(timeout=1)
    assert late.status == Status.ERROR and "closed" in late.reason


def test_answered_items_leave_no_cyclic_garbage() -> None:
    """An item's future and Work die by reference counting once answered: a cycle per item (the future's callback
    held its Work, which holds the future) left every item to the cyclic collector, whose full collections cost
    the reward server a third of its event loop's CPU."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        results, _ = _run(Transport(), 40)
        gc.collect()
        garbage = {type(obj).__qualname__ for obj in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert len(results) == 40
    assert not garbage & {"Work", "VerifyResult", "VerifyRequest"}, sorted(garbage)
