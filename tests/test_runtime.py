"""`Runtime` and `rlvr.verify`: routing, hard timeouts from any caller, one result per item, and what a runtime owns."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import rlvr
from rlvr import Runtime, VerifyRequest
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
def runtime():
    pool = WorkerPool(PoolConfig(workers=2, grace_s=0.5, preload=("rlvr.envs.math.verifier",)))
    v = Runtime(pool, timeout_s=TIMEOUT_S)
    yield v
    v.close()


def test_public_entry_point_scores_math() -> None:
    result = rlvr.verify("rlvr/Math-v1", completion="So \\boxed{\\frac{1}{2}}", reference={"answer": "0.5"})
    assert (result.reward, result.status) == (1.0, "correct")


def test_unknown_env_raises_in_a_direct_call(runtime: Runtime) -> None:
    with pytest.raises(UnknownEnvError, match="registered envs"):
        runtime.verify("rlvr/Nope-v0", completion="", reference={})


@pytest.mark.parametrize("gold", ["3", HANG_REFERENCE["answer"]])
@pytest.mark.parametrize("completion", PATHOLOGICAL)
def test_pathological_inputs_return_within_the_limit(runtime: Runtime, completion: str, gold: str) -> None:
    started = time.monotonic()
    result = runtime.verify("rlvr/Math-v1", completion=completion, reference={"answer": gold})
    assert time.monotonic() - started < TIMEOUT_S + 0.5 + 2.0
    assert result.status in {"timeout", "wrong", "correct", "error", "no_answer"}
    if result.status in {"timeout", "error"}:
        assert result.reward is None


def test_a_timeout_is_reported_as_such_never_as_zero(runtime: Runtime) -> None:
    result = runtime.verify("rlvr/Math-v1", completion=HANG_COMPLETION, reference=HANG_REFERENCE)
    assert (result.status, result.reward) == ("timeout", None)


def test_timeouts_hold_from_a_thread_and_an_event_loop(runtime: Runtime) -> None:
    results = []
    thread = threading.Thread(target=lambda: results.append(
        runtime.verify("rlvr/Math-v1", completion=PATHOLOGICAL[0], reference=HANG_REFERENCE)))
    thread.start()
    thread.join(TIMEOUT_S + 5)
    assert [r.status for r in results] == ["timeout"]

    async def from_loop():
        return await asyncio.wait_for(
            runtime.averify("rlvr/Math-v1", completion=PATHOLOGICAL[0], reference=HANG_REFERENCE),
            timeout=TIMEOUT_S + 5)

    assert asyncio.run(from_loop()).status == "timeout"


def test_the_pool_stays_healthy_for_the_next_thousand_calls(runtime: Runtime) -> None:
    for completion in PATHOLOGICAL:
        runtime.verify("rlvr/Math-v1", completion=completion, reference=HANG_REFERENCE)
    items = [VerifyRequest("rlvr/Math-v1", f"Thus \\boxed{{{i}/2}}", {"answer": f"\\frac{{{i}}}{{2}}"})
             for i in range(1000)]
    started = time.monotonic()
    results = runtime.verify_batch(items)
    assert [r.status for r in results] == ["correct"] * 1000
    assert time.monotonic() - started < 60


def test_a_batch_answers_every_item_in_order(runtime: Runtime) -> None:
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
    statuses = [r.status for r in runtime.verify_batch(items)]
    assert statuses == ["correct", "error", "timeout", "error", "error", "error", "error", "wrong"]


def test_error_results_say_what_was_wrong(runtime: Runtime) -> None:
    unknown, bad_reference = runtime.verify_batch([
        {"env": "rlvr/Nope-v0", "completion": "", "reference": {}},
        {"env": "rlvr/Math-v1", "completion": "\\boxed{2}", "reference": {}},
    ])
    assert "unknown env" in unknown.reason
    assert "reference" in bad_reference.reason and bad_reference.reward is None


def test_async_batch_matches_sync_batch(runtime: Runtime) -> None:
    items = [VerifyRequest("rlvr/Math-v1", f"\\boxed{{{i}}}", {"answer": str(i % 3)}) for i in range(30)]
    sync = runtime.verify_batch(items)
    asynchronous = asyncio.run(runtime.averify_batch(items))
    assert sync == asynchronous


def test_cancelled_checks_never_reach_a_worker() -> None:
    """A client that goes away cancels its queued checks; they must not burn worker time."""
    pool = WorkerPool(PoolConfig(workers=1, grace_s=0.5, preload=("rlvr.envs.math.verifier",)))
    runtime = Runtime(pool, timeout_s=1.0)
    try:
        blocker = runtime.submit("rlvr/Math-v1", completion=PATHOLOGICAL[0], reference=HANG_REFERENCE)
        queued = [runtime.submit("rlvr/Math-v1", completion=PATHOLOGICAL[0], reference=HANG_REFERENCE)
                  for _ in range(5)]
        assert all(future.cancel() for future in queued)
        started = time.monotonic()
        assert blocker.result().status == "timeout"
        after = runtime.verify("rlvr/Math-v1", completion="\\boxed{3}", reference={"answer": "3"})
        assert after.status == "correct" and time.monotonic() - started < 1.0 + 0.5 + 2.0
    finally:
        runtime.close()


def test_a_runtime_is_cheap_and_closes_twice() -> None:
    """A Ray actor will hold one: making it starts nothing, and closing is idempotent."""
    before = threading.active_count()
    runtime = Runtime()
    assert threading.active_count() == before and runtime.current_sandbox is None
    runtime.close()
    runtime.close()


def test_a_closed_runtime_answers_every_item_with_an_error() -> None:
    runtime = Runtime()
    runtime.close()
    results = runtime.verify_batch([{"env": "rlvr/Math-v1", "completion": "\\boxed{1}", "reference": {"answer": "1"}},
                                    {"env": "rlvr/Sudoku-v1", "completion": "x", "reference": {}}])
    assert [(r.status, r.reward) for r in results] == [("error", None)] * 2
    assert all("closed" in r.reason for r in results)


class _Resource:
    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_resources_are_made_once_and_closed_with_the_runtime() -> None:
    with Runtime() as runtime:
        first = runtime.resource(("lean-repl", "config"), _Resource)
        assert runtime.resource(("lean-repl", "config"), _Resource) is first
    assert first.closed == 1


def test_a_borrowed_sandbox_stays_open_and_an_own_one_is_closed() -> None:
    from rlvr.sandbox import Sandbox, SandboxSettings

    with Sandbox("local", slots=1) as borrowed:
        with Runtime(sandbox=borrowed) as runtime:
            assert runtime.sandbox is borrowed
        assert borrowed.run("print(1)").stdout == "1\n"
    runtime = Runtime(sandbox=SandboxSettings(backend="local", slots=1))
    own = runtime.sandbox
    assert runtime.current_sandbox is own
    runtime.close()
    with pytest.raises(Exception, match="closed"):
        own.run("print(1)")


def test_envs_score_on_the_runtime_they_are_given() -> None:
    import gymnasium

    runtime = Runtime()
    env = gymnasium.make("rlvr/Sudoku-v1", runtime=runtime)
    env.reset(seed=0)
    runtime.close()
    *_, info = env.step("<answer>1</answer>")
    assert info["status"] == "error" and "runtime is closed" in info["reason"]
