"""The REPL backend against a test double that speaks the leanprover-community `repl` JSON protocol."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rlvr.envs.lean import verify
from rlvr.envs.lean.errors import LeanTimeout
from rlvr.envs.lean.repl import ReplPool, ReplProcess, check_with_repl
from rlvr.envs.lean.source import parse_candidate, parse_reference
from rlvr.outcomes import result_for
from rlvr.results import Status
from rlvr.runtime import Runtime

HEADER = "import Mathlib\nimport Aesop\n\nopen Real"
STATEMENT = "theorem sq_ineq (a b : ℝ) : 2 * a * b ≤ a ^ 2 + b ^ 2 := by sorry"
REF = {"statement": STATEMENT, "header": HEADER}
PROOF = "theorem sq_ineq (a b : ℝ) : 2 * a * b ≤ a ^ 2 + b ^ 2 := by\n  nlinarith [sq_nonneg (a - b)]"


@pytest.fixture
def pool_for(repl_config):
    pools = []

    def make(**overrides):
        pool = ReplPool(repl_config(**overrides))
        pools.append(pool)
        return pool

    yield make
    for pool in pools:
        pool.close()


def check(pool, completion, statement=STATEMENT, header=HEADER):
    """Run the REPL stages directly, bypassing the static scan (to test what Lean itself catches)."""
    ref = parse_reference(statement, header)
    try:
        return check_with_repl(parse_candidate(completion, ref), ref, pool.config, pool)
    except Exception as exc:  # a broken check raises; rlvr.outcomes says what it scores
        return result_for(exc)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_honest_proof_is_correct_with_its_axioms(pool_for):
    result = check(pool_for(), PROOF)
    assert result.status == Status.CORRECT and result.reward == 1.0
    assert result.details["axioms"] == ["propext", "Classical.choice", "Quot.sound"]


def test_proof_without_axioms_is_correct(pool_for):
    result = check(pool_for(), "by\n  exact FAKE_NOAXIOMS")
    assert result.status == Status.CORRECT and result.details["axioms"] == []


def test_verify_runs_static_scan_first_then_repl(repl_config):
    config = repl_config()
    with Runtime() as runtime:
        assert verify(completion=PROOF, reference=REF, config=config, runtime=runtime).status == Status.CORRECT
        refused = verify(completion="axiom cheat : False\n" + PROOF, reference=REF, config=config, runtime=runtime)
        assert refused.status == Status.WRONG and "axiom" in refused.reason
        assert verify(completion=PROOF, reference=REF, config=config, runtime=runtime).details["backend"] == "repl"


@pytest.mark.parametrize(("completion", "reason"), [
    pytest.param("by\n  have h : False := by sorry\n  exact h.elim", "sorry", id="sorry"),
    pytest.param("by\n  native_decide", "Lean.ofReduceBool", id="native_decide"),
    pytest.param("axiom cheat : False\n" + PROOF.replace("nlinarith [sq_nonneg (a - b)]", "exact cheat.elim"),
                 "cheat", id="axiom"),
    pytest.param("by\n  FAKE_ERROR", "Lean rejected the proof: linarith failed", id="lean-error"),
    pytest.param("instance : LE ℝ := ⟨fun _ _ => True⟩\n" + PROOF, "does not prove the reference statement",
                 id="instance-changes-statement"),
])
def test_lean_catches_what_static_let_through(pool_for, completion, reason):
    result = check(pool_for(), completion)
    assert result.status == Status.WRONG and result.reward == 0.0
    assert reason in result.reason


def test_reference_that_does_not_elaborate_is_an_error_not_a_zero(pool_for):
    result = check(pool_for(), PROOF, statement=STATEMENT.replace("a ^ 2", "FAKE_BADREF"))
    assert result.status == Status.ERROR and result.reward is None


def test_missing_repl_binary_is_an_error(pool_for):
    result = check(pool_for(repl_cmd=("/nonexistent/lake", "exe", "repl")), PROOF)
    assert result.status == Status.ERROR and "could not start" in result.reason


def test_namespace_left_open_still_finds_the_axiom_answer(pool_for):
    result = check(pool_for(), "namespace Scratch\n" + PROOF)
    assert result.status == Status.CORRECT


def test_header_that_fails_is_an_error(pool_for):
    result = check(pool_for(), PROOF, header="import NoSuchModule")
    assert result.status == Status.ERROR and "header" in result.reason


def test_timeout_kills_the_process_and_the_next_check_restarts(pool_for):
    pool = pool_for(timeout_s=0.5)
    assert check(pool, PROOF).status == Status.CORRECT
    [first] = pool.idle_pids()
    started = time.monotonic()
    result = check(pool, "by\n  FAKE_SLEEP")
    assert result.status == Status.TIMEOUT and result.reward is None
    assert time.monotonic() - started < 3
    assert not _alive(first) and pool.idle_pids() == []
    assert check(pool, PROOF).status == Status.CORRECT
    assert pool.started == 2


def test_writing_to_a_stuck_repl_respects_the_deadline(repl_config):
    process = ReplProcess(repl_config(), HEADER)
    try:
        process.load_header(time.monotonic() + 5)
        with pytest.raises(LeanTimeout):
            process.send({"cmd": "FAKE_SLEEP", "env": process.header_env}, time.monotonic() + 0.2)
        started = time.monotonic()
        with pytest.raises(LeanTimeout):  # 2 MB cannot fit the pipe while the REPL does not read
            process.send({"cmd": "x" * 2_000_000, "env": process.header_env}, time.monotonic() + 0.3)
        assert time.monotonic() - started < 2 and process.broken
    finally:
        process.kill()


@pytest.mark.parametrize("fault", ["FAKE_CRASH", "FAKE_GARBAGE"])
def test_crash_or_garbage_is_an_error_and_the_process_is_replaced(pool_for, fault):
    pool = pool_for()
    result = check(pool, f"by\n  {fault}")
    assert result.status == Status.ERROR and result.reward is None
    assert check(pool, PROOF).status == Status.CORRECT
    assert pool.started == 2


def test_processes_are_reused_per_header(pool_for):
    pool = pool_for(max_processes=1)
    for _ in range(3):
        assert check(pool, PROOF).status == Status.CORRECT
    assert pool.started == 1
    assert check(pool, PROOF, header="import Mathlib").status == Status.CORRECT
    assert pool.started == 2 and len(pool.idle_pids()) == 1


def test_restart_after_max_uses(pool_for):
    pool = pool_for(max_uses=2)
    pids = set()
    for _ in range(5):
        assert check(pool, PROOF).status == Status.CORRECT
        pids.update(pool.idle_pids())
    assert pool.started == 3


def test_memory_limit_recycles_and_rlimit_applies(pool_for):
    pool = pool_for(memory_limit_mb=1)
    for _ in range(2):
        assert check(pool, PROOF).status == Status.CORRECT
    assert pool.started == 2 and pool.idle_pids() == []
    limited = pool_for(address_space_limit_mb=2048)
    assert check(limited, PROOF).status == Status.CORRECT
    [pid] = limited.idle_pids()
    with open(f"/proc/{pid}/limits") as limits:
        line = next(row for row in limits if row.startswith("Max address space"))
    assert str(2048 << 20) in line


def test_waiting_for_a_busy_pool_is_bounded(pool_for):
    pool = pool_for(max_processes=1, timeout_s=1.0, queue_timeout_s=0.2)
    with ThreadPoolExecutor(2) as executor:
        slow = executor.submit(check, pool, "by\n  FAKE_SLEEP")
        time.sleep(0.3)
        queued = check(pool, PROOF)
        assert queued.status == Status.TIMEOUT and "free" in queued.reason
        assert slow.result().status == Status.TIMEOUT
    assert check(pool, PROOF).status == Status.CORRECT


def test_concurrent_checks_share_a_bounded_pool(pool_for):
    pool = pool_for(max_processes=2)
    with ThreadPoolExecutor(4) as executor:
        results = list(executor.map(lambda _: check(pool, PROOF), range(8)))
    assert all(r.status == Status.CORRECT for r in results)
    assert pool.started <= 2 and threading.active_count() < 50


def test_rlvr_verify_uses_env_var_settings(monkeypatch, repl_config):
    config = repl_config()
    monkeypatch.setenv("RLVR_LEAN_BACKEND", "repl")
    monkeypatch.setenv("RLVR_LEAN_REPL_CMD", " ".join(config.repl_cmd))
    with Runtime() as runtime:
        result = runtime.verify("rlvr/Lean-v0", completion=PROOF, reference=REF)
        assert result.status == Status.CORRECT and result.details["backend"] == "repl"
