"""Majority voting by the verifier's equality: equal answers written differently are one vote, through a real
Runtime (the math verifier compares them), and families that cannot compare answers keep the text."""

from __future__ import annotations

import pytest

from rlvr.evaluation.rollouts import RolloutRecord, summarize_rollouts
from rlvr.evaluation.votes import with_votes
from rlvr.results import VerifyResult
from rlvr.runtime import Runtime

GOLD = {"answer": "5"}


def _math(task_id: str, boxed: str, sample: int) -> RolloutRecord:
    result = VerifyResult.correct(extracted=boxed) if boxed in ("5", "5.0") else VerifyResult.wrong("differs",
                                                                                                   extracted=boxed)
    return RolloutRecord.scored(env="rlvr/Math-v1", task_id=task_id, reference=GOLD, prompt="",
                                completion=f"\\boxed{{{boxed}}}", result=result, sample=sample)


@pytest.fixture(scope="module")
def runtime():
    with Runtime() as rt:
        yield rt


def test_equal_answers_written_differently_are_one_vote(runtime) -> None:
    # Text keys: "5" wins 2 to 1 to 1 to 1. By value: 4/3 has three votes and outvotes the right answer.
    answers = ["5", "4/3", "\\frac{4}{3}", "5", "8/6", "x"]
    records = [_math("t", answer, n) for n, answer in enumerate(answers)]
    assert summarize_rollouts(records)["rlvr/Math-v1"]["maj@6"] == 1.0
    voted = with_votes(records, runtime.verify_batch)
    assert [r.vote for r in voted] == ["5", "4/3", "4/3", "5", "4/3", "x"]
    assert summarize_rollouts(voted)["rlvr/Math-v1"]["maj@6"] == 0.0


def test_right_answers_are_one_class_and_tasks_stay_apart(runtime) -> None:
    records = [_math("a", "5", 0), _math("a", "5.0", 1), _math("a", "7", 2), _math("b", "7", 0), _math("b", "7.0", 1)]
    voted = with_votes(records, runtime.verify_batch)
    assert [r.vote for r in voted] == ["5", "5", "7", "7", "7"]


def test_abstentions_and_other_families_keep_their_keys(runtime) -> None:
    logic = RolloutRecord.scored(env="rlvr/Sudoku-v1", task_id="s", reference={}, prompt="", completion="x",
                                 result=VerifyResult.wrong("differs", extracted="123"))
    empty = RolloutRecord.scored(env="rlvr/Math-v1", task_id="t", reference=GOLD, prompt="", completion="",
                                 result=VerifyResult.no_answer("no box"))
    calls = []
    voted = with_votes([logic, empty], lambda items: calls.append(items) or [])
    assert voted == [logic, empty] and calls == [[]]
    assert voted[0].answer == "123" and voted[1].answer is None


def test_a_re_scored_record_forgets_its_vote(runtime) -> None:
    (voted,) = with_votes([_math("t", "4/3", 0)], runtime.verify_batch)
    assert voted.vote == "4/3" and voted.rescored(VerifyResult.wrong("differs")).vote is None
