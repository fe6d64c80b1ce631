"""The killable worker pool: deadlines hold for Python-level and C-level hangs, crashes are contained,
and the pool stays healthy afterwards."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pool_jobs
import pytest

from rlvr.errors import ConfigError, JobTimeout, PoolClosed, WorkerCrashed
from rlvr.workers import PoolConfig, WorkerPool


@pytest.fixture(scope="module")
def pool():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(Path(__file__).parent))
        with WorkerPool(PoolConfig(workers=2, grace_s=0.5, memory_bytes=1 << 30)) as workers:
            yield workers


def test_runs_jobs_and_returns_results(pool: WorkerPool) -> None:
    assert pool.run(pool_jobs.add, timeout_s=5, a=2, b=3) == 5


def test_a_jobs_imports_are_outside_its_deadline(pool: WorkerPool) -> None:
    """A worker imports what a job names (here a module that takes 1.5 s) before the job's 0.5 s deadline starts,
    so a family's first check in a worker never times out on its import; the worker keeps the module."""
    futures = [pool.submit_job(pool_jobs.imported, {"module": "slow_import_job"}, timeout_s=0.5,
                               imports=("slow_import_job",)) for _ in range(4)]
    assert [future.result() for future in futures] == ["loaded"] * 4
    started = time.monotonic()
    assert pool.submit_job(pool_jobs.imported, {"module": "slow_import_job"}, timeout_s=0.5,
                           imports=("slow_import_job",)).result() == "loaded"
    assert time.monotonic() - started < 1.4  # imported once per worker (1.5 s), not per job


def test_python_level_hang_times_out_without_killing_the_worker(pool: WorkerPool) -> None:
    restarts = pool.restarts
    started = time.monotonic()
    with pytest.raises(JobTimeout):
        pool.run(pool_jobs.sleep_interruptibly, timeout_s=0.5, seconds=30)
    assert time.monotonic() - started < 2
    assert pool.restarts == restarts


def test_c_level_hang_is_killed_and_replaced(pool: WorkerPool) -> None:
    restarts = pool.restarts
    started = time.monotonic()
    with pytest.raises(JobTimeout):
        pool.run(pool_jobs.hang_with_signals_blocked, timeout_s=0.5, seconds=60)
    assert time.monotonic() - started < 0.5 + 0.5 + 1.5
    assert pool.restarts == restarts + 1
    assert pool.run(pool_jobs.add, timeout_s=30, a=1, b=1) == 2


def test_a_crashing_worker_is_replaced(pool: WorkerPool) -> None:
    with pytest.raises(WorkerCrashed):
        pool.run(pool_jobs.crash, timeout_s=5)
    assert pool.run(pool_jobs.add, timeout_s=30, a=1, b=2) == 3


def test_a_job_that_cannot_be_sent_fails_alone(pool: WorkerPool) -> None:
    """Red-team: a 100,000-deep argument used to kill the dispatch thread, and every later job hung."""
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    futures = [pool.submit(pool_jobs.add, timeout_s=5, a=deep, b=[]) for _ in range(3)]
    futures += [pool.submit(pool_jobs.add, timeout_s=5, a=lambda: 0, b=1)]
    for future in futures:
        with pytest.raises(WorkerCrashed, match="could not be sent"):
            future.result(timeout=10)
    assert [f.result(timeout=10) for f in pool.map(pool_jobs.add, [{"a": i, "b": 1} for i in range(4)],
                                                   timeout_s=5)] == [1, 2, 3, 4]


def test_job_exceptions_are_reported_without_their_text(pool: WorkerPool) -> None:
    with pytest.raises(WorkerCrashed) as caught:
        pool.run(pool_jobs.fail, timeout_s=5)
    assert "ValueError" in str(caught.value) and "secret" not in str(caught.value)


def test_memory_is_capped(pool: WorkerPool) -> None:
    with pytest.raises(WorkerCrashed, match="memory"):
        pool.run(pool_jobs.allocate, timeout_s=10, gib=2)


def test_deadlines_hold_from_threads_and_event_loops(pool: WorkerPool) -> None:
    errors: list[BaseException] = []

    def in_thread() -> None:
        try:
            pool.run(pool_jobs.sleep_interruptibly, timeout_s=0.3, seconds=30)
        except BaseException as exc:  # noqa: B036 - the test inspects whatever was raised
            errors.append(exc)

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(10)
    assert len(errors) == 1 and isinstance(errors[0], JobTimeout)

    async def in_loop() -> None:
        with pytest.raises(JobTimeout):
            await pool.run_async(pool_jobs.sleep_interruptibly, timeout_s=0.3, seconds=30)

    asyncio.run(in_loop())


def test_a_reply_that_cannot_be_read_fails_alone(pool: WorkerPool) -> None:
    with pytest.raises(WorkerCrashed):
        pool.run(pool_jobs.unpicklable_result, timeout_s=5)
    assert pool.run(pool_jobs.add, timeout_s=30, a=2, b=2) == 4


def test_results_keep_input_order(pool: WorkerPool) -> None:
    futures = pool.map(pool_jobs.add, [{"a": i, "b": 1} for i in range(200)], timeout_s=5)
    assert [f.result() for f in futures] == [i + 1 for i in range(200)]


def test_workers_are_recycled_after_their_job_budget() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(Path(__file__).parent))
        with WorkerPool(PoolConfig(workers=1, max_jobs_per_worker=2)) as pool:
            pids = [pool.run(pool_jobs.pid, timeout_s=10) for _ in range(4)]
    assert pids[0] == pids[1] != pids[2] == pids[3]


@pytest.fixture()
def one_worker():
    """One worker, so the next queued job is always the one sent ahead of the running one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(Path(__file__).parent))
        with WorkerPool(PoolConfig(workers=1, grace_s=0.5, max_jobs_per_worker=2)) as workers:
            yield workers


def test_a_job_sent_ahead_runs_on_the_fresh_worker_when_the_one_before_it_is_killed(one_worker: WorkerPool) -> None:
    hang = one_worker.submit(pool_jobs.hang_with_signals_blocked, timeout_s=0.5, seconds=60)
    crash = one_worker.submit(pool_jobs.crash, timeout_s=5)
    after = [one_worker.submit(pool_jobs.add, timeout_s=5, a=i, b=1) for i in range(3)]
    with pytest.raises(JobTimeout):
        hang.result()
    with pytest.raises(WorkerCrashed):
        crash.result()
    assert [f.result() for f in after] == [1, 2, 3]


def test_a_job_sent_ahead_has_its_whole_deadline_from_when_it_starts(one_worker: WorkerPool) -> None:
    """Each job takes 2 s of a 3 s limit (+0.5 s grace): a deadline counted from when the second was sent, while
    the first ran, would have killed it at 3.5 s, before it finished at 4 s."""
    futures = [one_worker.submit(pool_jobs.sleep_interruptibly, timeout_s=3, seconds=2) for _ in range(2)]
    assert [f.result() for f in futures] == ["woke", "woke"]
    assert one_worker.restarts == 0


def test_a_job_too_large_to_send_ahead_waits_without_blocking_the_deadline(one_worker: WorkerPool) -> None:
    """A 1 MB job does not fit in the socket: sent ahead of a hang, it would block the dispatcher in `send` and
    the hang would never be killed."""
    hang = one_worker.submit(pool_jobs.hang_with_signals_blocked, timeout_s=0.5, seconds=60)
    big = one_worker.submit(pool_jobs.add, timeout_s=5, a="x" * (1 << 20), b="y")
    with pytest.raises(JobTimeout):
        hang.result(timeout=10)
    assert big.result(timeout=30) == "x" * (1 << 20) + "y"


def test_workers_are_recycled_on_budget_with_jobs_queued(one_worker: WorkerPool) -> None:
    futures = [one_worker.submit(pool_jobs.pid, timeout_s=10) for _ in range(6)]
    pids = [f.result() for f in futures]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4] == pids[5]


def test_a_closed_pool_refuses_jobs() -> None:
    pool = WorkerPool(PoolConfig(workers=1))
    pool.close()
    with pytest.raises(PoolClosed):
        pool.run(pool_jobs.add, timeout_s=1, a=1, b=1)


@pytest.mark.parametrize("bad", [{"workers": 0}, {"grace_s": 0}, {"max_jobs_per_worker": 0}])
def test_config_is_validated(bad: dict) -> None:
    with pytest.raises(ConfigError):
        PoolConfig(**bad)
