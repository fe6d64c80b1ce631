"""VerifyResult keeps its promise: a reward exactly when there is a verdict."""

from __future__ import annotations

import pickle

import pytest

from rlvr import Status, VerifyResult


def test_broken_checks_carry_no_reward() -> None:
    for status in (Status.TIMEOUT, Status.ERROR, Status.SANDBOX_ERROR, Status.UNVERIFIED):
        assert VerifyResult.broken(status, "why").reward is None
        with pytest.raises(ValueError):
            VerifyResult(0.0, status, "a broken check is never an ordinary 0")


def test_verdicts_carry_a_reward() -> None:
    with pytest.raises(ValueError):
        VerifyResult(None, Status.WRONG, "a verdict needs a number")
    assert VerifyResult.wrong("no").to_dict() == {"reward": 0.0, "status": "wrong", "reason": "no", "details": {}}


def test_results_cross_process_boundaries() -> None:
    result = VerifyResult.correct(extracted="3")
    assert pickle.loads(pickle.dumps(result)) == result


def test_status_strings_compare_equal() -> None:
    assert VerifyResult(0.5, "partial", "half").status == "partial"
    assert Status("correct") == "correct" and str(Status.TIMEOUT) == "timeout"


@pytest.mark.parametrize("reward", ["1", float("nan"), float("inf"), True])
def test_rewards_must_be_finite_numbers(reward: object) -> None:
    with pytest.raises(ValueError):
        VerifyResult(reward, Status.CORRECT, "bad reward")
