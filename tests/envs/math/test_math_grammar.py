"""The math answer grammar: it reads all of an answer or names what it could not read, in bounded time,
and the red-team set (tests/envs/math/data/math_redteam.jsonl, written apart from these tests) holds."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import rlvr
from rlvr.envs.math import verify
from rlvr.envs.math.grammar import Chain, Group, Unreadable, parse_answer

PARSE_BOUND_S = 0.5  # docs/envs/math.md: no answer under the size cap takes longer to read
REDTEAM = [json.loads(line) for line in (Path(__file__).parent / "data" / "math_redteam.jsonl").open()]

# the worst shapes we could build, each at the 1,000-character cap on a final answer
WORST = {
    "signs": "-" * 999 + "5",
    "radicals": "\\sqrt" * 199 + "2",
    "subscripts": "x_" * 499 + "1",
    "braces": "{" * 499 + "1" + "}" * 499,
    "bars": "|x" * 500,
    "sum": "1+" * 499 + "1",
    "list": "1," * 499 + "1",
    "thousands": "1,000" * 200,
    "fractions": "\\frac1" * 166,
    "text": "5\\text{" + "a" * 990 + "}",
    "unit words": "5\\text{" + "cm " * 330 + "}",
    "relations": "x=" * 499 + "1",
    "matrix": "\\begin{pmatrix}" + "1&" * 480 + "1\\end{pmatrix}",
}


@pytest.mark.parametrize("shape", WORST)
def test_the_worst_answers_are_read_within_the_bound(shape: str) -> None:
    answer = WORST[shape][:1_000]
    timings = []
    for _ in range(3):  # the best of three: a loaded CI machine may pause any one run
        started = time.perf_counter()
        try:
            parse_answer(answer)
        except Unreadable:
            pass
        timings.append(time.perf_counter() - started)
    assert min(timings) < PARSE_BOUND_S


@pytest.mark.parametrize(("answer", "reason"), [
    ("5 \\text{ just kidding}", "\\text{just kidding}"),
    ("\\sqrt{3} \\textit{ no wait}", "\\text{no wait}"),
    ("(1, 2) \\text{ cm}", "\\text{cm}"),  # a unit follows a number, not a tuple
    ("5 \\phantom{x}", "\\phantom"),
    ("5 \\\\ 6", "newline"),
    ("5 $ 6", "$"),
    ("\\{1, 2\\} \\mathrm{~or~so}", "or~so"),
])
def test_what_the_grammar_does_not_know_makes_the_answer_unreadable(answer: str, reason: str) -> None:
    with pytest.raises(Unreadable, match="unreadable") as caught:
        parse_answer(answer)
    assert reason.replace("~", " ").split()[0] in str(caught.value).replace("~", " ")


def test_structures_keep_their_kind() -> None:
    assert parse_answer("(1, 2)") == Group("paren", parse_answer("1, 2").items)
    assert parse_answer("\\{1, 2\\}").kind == "set"
    assert parse_answer("(1, 2]").closed == (False, True)
    assert isinstance(parse_answer("x = \\frac{10}{2} = 5"), Chain)


@pytest.mark.parametrize("completion", [
    "<think>It is \\boxed{6}</think> I could not find the answer.",
    "\\boxed{6}\n</think>\nOn reflection I do not know.",
    "<think>the answer is \\boxed{6}",  # never closed: still thinking
])
def test_an_answer_only_inside_thinking_is_no_answer(completion: str) -> None:
    assert verify(completion=completion, reference={"answer": "6"}).status == "no_answer"


def test_a_draft_inside_thinking_is_no_hedge() -> None:
    result = verify(completion="<think>\\boxed{15}?</think> The answer is \\boxed{16}", reference={"answer": "16"})
    assert result.status == "correct"


@pytest.mark.parametrize("case", REDTEAM, ids=[case["id"] for case in REDTEAM])
def test_the_redteam_set_holds(case: dict) -> None:
    result = verify(completion=case["completion"], reference={"answer": case["gold"]})
    assert (result.reward == 1.0) == (case["expect"] == "correct"), (case["why"], result)


# Later rounds (each written against the verifier the round before left), through the killable pool: a few of
# these run into the timeout (reward None), which is no reward either. What still earns a reward is named here,
# by reason (docs/envs/math.md, docs/envs/logic.md).
ACCEPTED_BY_POLICY = {  # a decimal gold's tolerance, a percentage read without its sign, brackets as an interval
    "precision-09", "percent-01", "percent-02", "percent-03", "structure-02"}
KNOWN_LIMITS = {
    "math-hidden_box-02", "math4-hidden_box-19",  # a box in an indented code block
    "math-retract_later-15",  # a doubt before the lead-in clause: "I doubt it is \boxed{5}"
    "math4-lead_word-14",  # a clause before the lead-in clause: "Rounded down ..., the total is \boxed{5}"
    "math4-misc-07", "math4-misc-08", "math4-misc-09",  # a contradicting sentence before a box opening a new one
    "math-units-09",  # a ratio of units (cm/m)
    "math-lenient-06",  # the lenient read of a last line that is a bare answer
    "math4-newline_in_math-13", "math4-misc-02",  # `*` alone before a display box; a dash after the box
    "logic-knights_knaves-outside-06",  # a draft block inside thinking is no hedge, by design
}
LATER_ROUNDS = [case for name in ("math_redteam2.jsonl", "redteam3.jsonl", "math_redteam4.jsonl", "math_redteam5.jsonl")
                for case in map(json.loads, (Path(__file__).parent / "data" / name).open())
                if case["expect"] != "correct" and case["id"] not in ACCEPTED_BY_POLICY | KNOWN_LIMITS]


@pytest.mark.parametrize("case", LATER_ROUNDS, ids=lambda case: case["id"])
def test_later_redteam_rounds_earn_no_reward(case: dict) -> None:
    reference = case.get("reference") or {
        "answer": case["gold"], **({"extraction": "lenient"} if "lenient" in case["class"] else {})}
    result = rlvr.verify(case.get("env", "rlvr/Math-v1"), completion=case["completion"], reference=reference)
    assert result.reward != 1.0, case["why"]
