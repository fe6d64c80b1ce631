"""pass@k, maj@k and the env summary against sums worked by hand."""

from __future__ import annotations

import math

import pytest

from rlvr.errors import ConfigError
from rlvr.evaluation.metrics import Sample, maj_at_k, pass_at_k, summarize


@pytest.mark.parametrize(("n", "c", "k", "expected"), [
    (4, 0, 1, 0.0),
    (4, 4, 4, 1.0),
    (4, 1, 1, 1 / 4),  # one draw: the share correct
    (4, 1, 2, 1 - 3 / 6),  # 1 - C(3,2)/C(4,2)
    (5, 2, 2, 1 - 3 / 10),  # 1 - C(3,2)/C(5,2)
    (5, 2, 3, 1 - 1 / 10),  # 1 - C(3,3)/C(5,3)
    (5, 2, 4, 1.0),  # fewer wrong samples (3) than draws (4): a correct one is always drawn
    (10, 3, 5, 1 - 21 / 252),  # 1 - C(7,5)/C(10,5)
    (200, 1, 100, 0.5),
])
def test_pass_at_k_matches_the_binomial_formula(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)
    assert pass_at_k(n, c, k) == pytest.approx(1 - math.comb(n - c, k) / math.comb(n, k), abs=1e-12)


@pytest.mark.parametrize(("n", "c", "k"), [(4, 5, 1), (4, -1, 1), (4, 1, 0), (4, 1, 5)])
def test_pass_at_k_refuses_impossible_counts(n: int, c: int, k: int) -> None:
    with pytest.raises(ConfigError, match="pass@k needs"):
        pass_at_k(n, c, k)


@pytest.mark.parametrize(("votes", "expected"), [
    ([("4", True), ("4", True), ("5", False)], 1.0),
    ([("5", False), ("5", False), ("4", True)], 0.0),  # the right answer is there, but outvoted
    ([("4", True), ("5", False)], 0.5),  # a tie: the mean over the tied answers
    ([("4", True), ("5", False), ("6", False)], 1 / 3),
    ([(None, False), (None, False), ("4", True)], 1.0),  # abstentions do not vote
    ([(None, False), (None, False)], 0.0),
    ([], 0.0),
])
def test_maj_at_k_votes_on_answers(votes: list[tuple[str | None, bool]], expected: float) -> None:
    assert maj_at_k(votes) == pytest.approx(expected)


def test_summary_of_two_tasks_worked_by_hand() -> None:
    tasks = {
        # 1 of 4 correct; the vote (two say "3") picks a wrong answer
        "a": [Sample(1.0, "4", 10, False, "correct"), Sample(0.0, "3", 20, False, "wrong"),
              Sample(0.0, "3", 30, True, "wrong"), Sample(0.0, None, 40, True, "no_answer")],
        # 2 verdicts (1 correct) and 2 checks without a verdict
        "b": [Sample(1.0, "7", 10, False, "correct"), Sample(0.0, "8", 10, False, "wrong"),
              Sample(None, None, 10, False, "timeout"), Sample(None, None, 10, False, "error")],
    }
    s = summarize(tasks)
    assert (s["n"], s["samples"], s["completions"]) == (2, 4, 8)
    assert s["mean_reward"] == pytest.approx((1 / 4 + 1 / 2) / 2)
    # per task, over its verdicts: a = pass@1 of (4, 1) = 1/4, b = pass@1 of (2, 1) = 1/2
    assert s["pass@1"] == pytest.approx((1 / 4 + 1 / 2) / 2)
    assert s["pass@1_se"] == pytest.approx(abs(1 / 4 - 1 / 2) / 2)  # sd of two values / sqrt(2)
    # k = 2: a gives 1 - C(3,2)/C(4,2) = 1/2; b gives 1 (its one wrong sample cannot fill 2 draws)
    assert s["pass@2"] == pytest.approx((1 / 2 + 1) / 2)
    # k = 3, 4: only task a has that many verdicts
    assert s["pass@3"] == pytest.approx(1 - 1 / 4)  # 1 - C(3,3)/C(4,3)
    assert s["pass@4"] == 1.0 and s["pass@4_se"] is None  # 3 wrong cannot fill 4 draws; one task: no error
    # maj@4: a votes 3 (wrong) -> 0; b ties 7 and 8 -> 1/2
    assert s["maj@4"] == pytest.approx(0.25)
    assert s["null_rate"] == pytest.approx(2 / 8)
    assert s["mean_length"] == pytest.approx((10 + 20 + 30 + 40 + 40) / 8)
    assert s["truncated_frac"] == pytest.approx(2 / 8)
    assert s["statuses"] == {"correct": 2, "error": 1, "no_answer": 1, "timeout": 1, "wrong": 3}


def test_summary_without_verdicts_has_no_numbers() -> None:
    s = summarize([[Sample(None, status="error")], [Sample(None, status="timeout")]])
    assert s["pass@1"] is None and s["mean_reward"] is None and s["maj@1"] is None
    assert s["null_rate"] == 1.0 and s["mean_length"] is None
