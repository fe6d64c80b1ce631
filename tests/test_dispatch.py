"""`rlvr.verify` and `verify_batch`: routing, hard timeouts from any caller, and one result per item."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import rlvr
from rlvr import Verifier, VerifyRequest
from rlvr.errors import UnknownEnvError
from rlvr.workers import PoolConfig, WorkerPool

TIMEOUT_S = 1.5
# A gold that is no plain number, so a pathological answer reaches sympy (a plain-number gold turns away
# an answer that does not write a number before any evaluation).
HANG_REFERENCE = {"answer": "\\sqrt{2}"}
# Expanding this polynomial takes minutes: the grammar reads it, the check runs into the timeout.
HANG_COMPLETION = "\\boxed{(a+b+c+d+e)^{40}}"
PATHOLOGICAL = [
    HANG_COMPLETION,
    "\\boxed{9^{9^{9^{9}}}}",
    "\\boxed{10000000!}",
    "\\boxed{" + "{" * 400 + "1" + "}" * 400 + "}",
    "\\boxed{" + "(" * 300 + "1" + ")" * 300 + "}",
    "so " * 70_000 + "\\boxed{3}",
]


@pytest.fixture(scope="module")
def verifier():
    pool = WorkerPool(PoolConfig(workers=2, grace_s=0.5, preload=("rlvr.envs.math.verifier",)))
    v = Verifier(pool, timeout_s=TIMEOUT_S)
    yield v
    v.close()


def test_public_entry_point_scores_math() -> None:
    result = rlvr.verify("rlvr/Math-v1", completion="So \\boxed{\\frac{1}{2}}", reference={"answer": "0.5"})
    assert (result.reward, result.status) == (1.0, "correct")


def test_unknown_env_raises_in_a_direct_call(verifier: Verifier) -> None:
    with pytest.raises(UnknownEnvError, match="registered envs"):
        verifier.verify("rlvr/Nope-v0", completion="", reference={})


@pytest.mark.parametrize("gold", ["3", HANG_REFERENCE["answer"]])
@pytest.mark.parametrize("completion", PATHOLOGICAL)
def test_pathological_inputs_return_within_the_limit(verifier: Verifier, completion: str, gold: str) -> None:
    started = time.monotonic()
    result = verifier.verify("rlvr/Math-v1", completion=completion, reference={"answer": gold})
    assert time.monotonic() - started < TIMEOUT_S + 0.5 + 2.0
    assert result.status in {"timeout", "wrong", "correct", "error", "no_answer"}
    if result.status in {"timeout", "error"}:
        assert result.reward is None


def test_a_timeout_is_reported_as_such_never_as_zero(verifier: Verifier) -> None:
    result = verifier.verify("rlvr/Math-v1", completion=HANG_COMPLETION, reference=HANG_REFERENCE)
    assert (result.status, result.reward) == ("timeout", None)


def test_timeouts_hold_from_a_thread_and_an_event_loop(verifier: Verifier) -> None:
    results = []
    thread = threading.Thread(target=lambda: results.append(
        verifier.verify("rlvr/Math-v1", completion=PATHOLOGICAL[0], reference=HANG_REFERENCE)))
    thread.start()
    thread.join(TIMEOUT_S + 5)
    assert [r.status for r in results] == ["timeout"]

    async def from_loop():
        return await asyncio.wait_for(
            verifier.averify("rlvr/Math-v1", completion=PATHOLOGICAL[0], reference=HANG_REFERENCE),
            timeout=TIMEOUT_S + 5)

    assert asyncio.run(from_loop()).status == "timeout"


def test_the_pool_stays_healthy_for_the_next_thousand_calls(verifier: Verifier) -> None:
    for completion in PATHOLOGICAL:
        verifier.verify("rlvr/Math-v1", completion=completion, reference=HANG_REFERENCE)
    items = [VerifyRequest("rlvr/Math-v1", f"Thus \\boxed{{{i}/2}}", {"answer": f"\\frac{{{i}}}{{2}}"})
             for i in range(1000)]
    started = time.monotonic()
    results = verifier.verify_batch(items)
    assert [r.status for r in results] == ["correct"] * 1000
    assert time.monotonic() - started < 60


def test_a_batch_answers_every_item_in_order(verifier: Verifier) -> None:
    items = [
        {"env": "rlvr/Math-v1", "completion": "\\boxed{2}", "reference": {"answer": "2"}},
        {"env": "rlvr/Nope-v0", "completion": "\\boxed{2}", "reference": {"answer": "2"}},
        {"env": "rlvr/Math-v1", "completion": PATHOLOGICAL[0], "reference": HANG_REFERENCE},
        {"env": "rlvr/Math-v1", "completion": 42, "reference": {"answer": "2"}},
        {"env": "rlvr/Math-v1", "completion": "\\boxed{2}", "reference": {"gold": "2"}},
        {"completion": "\\boxed{2}"},
        "not an object",
        {"env": "rlvr/Math-v1", "completion": "\\boxed{3}", "reference": {"answer": "2"}},
    ]
    statuses = [r.status for r in verifier.verify_batch(items)]
    assert statuses == ["correct", "error", "timeout", "error", "error", "error", "error", "wrong"]


def test_error_results_say_what_was_wrong(verifier: Verifier) -> None:
    unknown, bad_reference = verifier.verify_batch([
        {"env": "rlvr/Nope-v0", "completion": "", "reference": {}},
        {"env": "rlvr/Math-v1", "completion": "\\boxed{2}", "reference": {}},
    ])
    assert "unknown env" in unknown.reason
    assert "reference" in bad_reference.reason and bad_reference.reward is None


def test_async_batch_matches_sync_batch(verifier: Verifier) -> None:
    items = [VerifyRequest("rlvr/Math-v1", f"\\boxed{{{i}}}", {"answer": str(i % 3)}) for i in range(30)]
    sync = verifier.verify_batch(items)
    asynchronous = asyncio.run(verifier.averify_batch(items))
    assert sync == asynchronous


def test_cancelled_checks_never_reach_a_worker() -> None:
    """A client that goes away cancels its queued checks; they must not burn worker time."""
    pool = WorkerPool(PoolConfig(workers=1, grace_s=0.5, preload=("rlvr.envs.math.verifier",)))
    verifier = Verifier(pool, timeout_s=1.0)
    try:
        blocker = verifier.submit("rlvr/Math-v1", completion=PATHOLOGICAL[0], reference=HANG_REFERENCE)
        queued = [verifier.submit("rlvr/Math-v1", completion=PATHOLOGICAL[0], reference=HANG_REFERENCE)
                  for _ in range(5)]
        assert all(future.cancel() for future in queued)
        started = time.monotonic()
        assert blocker.result().status == "timeout"
        after = verifier.verify("rlvr/Math-v1", completion="\\boxed{3}", reference={"answer": "3"})
        assert after.status == "correct" and time.monotonic() - started < 1.0 + 0.5 + 2.0
    finally:
        verifier.close()
