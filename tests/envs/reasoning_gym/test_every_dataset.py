"""Every registered reasoning-gym dataset, 20 seeds each: the dataset's own answer scores 1.0; one token of it
changed, which the dataset's checker does not accept as fully correct, scores 0 in strict mode; and
`partial_credit` gives the checker's own score. Checks run in-process (the verifier function itself), so the
whole table costs a minute or two; the worker-pool path is covered by test_reasoning_gym_qa.py (`rlvr qa` on every
id) and the red team, and every id goes through Gymnasium's check_env in tests/envs/test_env_checker.py.
"""

from __future__ import annotations

import re

import pytest

import rlvr  # noqa: F401 - registers the envs
from rlvr.envs.reasoning_gym.solutions import solution
from rlvr.envs.reasoning_gym.source import DatasetSource, Setting
from rlvr.envs.reasoning_gym.verifier import checker, verify
from rlvr.reasoning_gym_catalog import CURRICULUM_LEVELS

SEEDS = range(20)
NO_SOLUTION = {"boxnet", "rush_hour"}  # items keep no answer and no example (several are right)
_TOKEN = re.compile(r"[A-Za-z]+|\d+")


def tagged(answer: str) -> str:
    return f"Here is my answer.\n<answer>\n{answer}\n</answer>"


def perturbed(answer: str, seed: int) -> str:
    """`answer` with one token changed: a number plus one, or a word's first letter moved along the alphabet."""
    tokens = list(_TOKEN.finditer(answer))
    if not tokens:
        return answer + "0"
    token = tokens[seed % len(tokens)]
    text = token.group()
    if text.isdigit():
        changed = str(int(text) + 1)
    else:
        first = text[0]
        base = "a" if first.islower() else "A"
        changed = chr(ord(base) + (ord(first) - ord(base) + 1) % 26) + text[1:]
    return answer[:token.start()] + changed + answer[token.end():]


@pytest.mark.parametrize("dataset", sorted(CURRICULUM_LEVELS))
def test_the_datasets_answer_scores_1_and_a_changed_one_0_or_its_partial_score(dataset: str) -> None:
    refused = 0
    for seed in SEEDS:
        task = DatasetSource(Setting(dataset), seed)[0]
        entry = task.reference["entry"]
        answer = solution(dataset, entry)
        if dataset in NO_SOLUTION:
            assert answer is None
            answer = "[]"
        else:
            result = verify(completion=tagged(answer), reference=task.reference)
            assert (result.status, result.reward) == ("correct", 1.0), (task.id, answer, result)
        wrong = perturbed(answer, seed)
        own = checker(dataset)(wrong, dict(entry))
        strict = verify(completion=tagged(wrong), reference=task.reference)
        if own >= 1.0:  # an equally right answer (another solution, a case the checker ignores), or a leniency
            refused += strict.reward == 0.0  # that rlvr's rules close (game_of_life_halting takes any text)
            continue
        refused += 1
        assert strict.reward == 0.0 and strict.status in ("wrong", "no_answer"), (task.id, wrong, strict)
        partial = verify(completion=tagged(wrong), reference={**task.reference, "partial_credit": True})
        if "strict reading" in partial.reason or partial.status == "no_answer":
            assert partial.reward == 0.0, (task.id, wrong, partial)  # refused before the checker: nothing
        else:
            assert partial.reward == pytest.approx(own), (task.id, wrong, partial, own)
            assert partial.status == ("partial" if own > 0 else "wrong")
    assert refused >= len(SEEDS) // 4, f"{dataset}: too few perturbations are refused"
