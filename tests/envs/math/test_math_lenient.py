"""Lenient extraction: an unboxed final answer read as Math-Verify reads it, compared as strictly as ever.

Math-Verify's own published cases (tests/envs/math/data/math_verify_cases.jsonl, taken as data) check the
mode: no false positive, and agreement at the floor measured when the mode landed. Most disagreements are
equivalences the strict comparison refuses on purpose (docs/envs/math.md, "Lenient extraction").
"""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import pytest

import rlvr  # noqa: F401  (registers the envs)
from rlvr.envs.math import MathConfig, verify
from rlvr.errors import ConfigError, InvalidReferenceError

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "math_verify_cases.jsonl").open()]
AGREEMENT_FLOOR = 0.65  # measured 173/266 (0.650) when lenient mode landed; docs/envs/math.md says what differs


def _lenient(gold: str, completion: str) -> float | None:
    return verify(completion=completion, reference={"answer": gold, "extraction": "lenient"}).reward


def test_math_verify_cases_give_no_false_positive_and_agree_at_the_floor() -> None:
    rewarded = [(case, _lenient(case["gold"], case["prediction"]) == 1.0) for case in CASES]
    false_positives = [case for case, ours in rewarded if ours and not case["expected"]]
    agreement = sum(ours == case["expected"] for case, ours in rewarded) / len(CASES)
    assert not false_positives, false_positives
    assert agreement >= AGREEMENT_FLOOR, agreement


@pytest.mark.parametrize(("gold", "completion"), [
    ("42", "Adding the parts up.\nSo, 42"),
    ("\\frac{1}{2}", "The result is $\\frac{1}{2}$."),
    ("10/9", "\\frac{10}{9}"),
    ("2.74", "It is 2,74"),
    ("1000", "Therefore, 1 000."),
    ("0.4", "so .4"),
    ("72", "It's 72 apples."),
])
def test_lenient_mode_reads_unboxed_answers(gold: str, completion: str) -> None:
    assert _lenient(gold, completion) == 1.0
    assert verify(completion=completion, reference={"answer": gold}).reward == 0.0  # strict: the format is rewarded


@pytest.mark.parametrize(("gold", "completion"), [
    ("2", "AZYUK2A"),  # a digit inside a word is no number
    ("9", "Answer $ \n 9 \n $"),  # an inline piece broken over lines is no answer
    ("5", "It is $5$, or maybe 6"),  # the last line must be the answer, whole
    ("5", "Anyone who says 5 is lying"),
    ("5", "The answer is 7. Hmm. 5?"),
    ("5", "$5 \\text{ just kidding}$"),  # the same strict grammar reads the piece
    ("5", "<think>the answer is 5</think> I am not sure."),
])
def test_lenient_mode_is_no_looser_in_what_it_compares(gold: str, completion: str) -> None:
    assert _lenient(gold, completion) != 1.0


def test_the_env_takes_the_mode_and_sends_it_in_the_reference() -> None:
    env = gym.make("rlvr/Math-v1", extraction="lenient")
    _, info = env.reset(seed=1)
    assert info["reference"]["extraction"] == "lenient"
    _, reward, *_ = env.step(f"Working it out.\nSo the answer is {info['reference']['answer']}")
    assert reward == 1.0
    with pytest.raises(ValueError, match="extraction"):
        gym.make("rlvr/Math-v1", extraction="loose")


def test_mode_is_validated_in_config_and_reference() -> None:
    assert MathConfig(extraction="lenient").extraction[-1] == "last_expression"
    with pytest.raises(ConfigError):
        MathConfig(extraction="loose")
    with pytest.raises(InvalidReferenceError):
        verify(completion="5", reference={"answer": "5", "extraction": "loose"})
