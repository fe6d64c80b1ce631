"""Red team of the reasoning-gym verifier: the leniencies of the datasets' checkers, and rlvr's wrappers.

Each case is a real item, a completion a model could write, and what it must score. The first group are games
the dataset's own checker falls for (its score is recorded beside, so a reasoning-gym upgrade that fixes one
shows up here); the second, answers the checker would `eval`; the third, broken references and huge inputs.
"""

from __future__ import annotations

import os
import time

import pytest

from rlvr.envs.reasoning_gym.solutions import solution
from rlvr.envs.reasoning_gym.source import DatasetSource, Setting
from rlvr.envs.reasoning_gym.verifier import checker, verify
from rlvr.runtime import Runtime

PWNED = "/tmp/rlvr-reasoning-gym-pwned"


@pytest.fixture(scope="module")
def runtime():
    """One runtime for the module: its worker pool starts once."""
    with Runtime() as shared:
        yield shared


def item(dataset: str, seed: int = 0) -> dict:
    return dict(DatasetSource(Setting(dataset), seed)[0].reference)


def tagged(answer: str) -> str:
    return f"<answer>{answer}</answer>"


def find(dataset: str, wanted) -> dict:
    """The first of 40 items of `dataset` for which `wanted(entry)` holds."""
    for seed in range(40):
        reference = item(dataset, seed)
        if wanted(reference["entry"]):
            return reference
    raise AssertionError(f"no {dataset} item fits")


def hedge_gsm(entry):  # the checker reads the first number of the answer
    return f"{entry['answer']}, or maybe {float(entry['answer']) + 1}"


LENIENT = [
    ("gsm_symbolic", lambda e: True, hedge_gsm),
    ("game_of_life_halting", lambda e: True, lambda e: "I cannot tell"),
    ("game_of_life_halting", lambda e: True, lambda e: "False" if e["answer"] == "True" else "True"),
    ("number_sorting", lambda e: True, lambda e: str([str(float(x.strip(" '")) + 0.5)  # each within 1
                                                      for x in e["answer"].strip("[]").split(",")])),
    ("puzzle24", lambda e: True, lambda e: "4 * 6 * 1 * 1"),
    ("quantum_lock", lambda e: True, lambda e: f"Press {e['answer']} and then maybe C"),
    ("time_intervals", lambda e: e["metadata"]["task_type"] == "date",
     lambda e: f"{e['answer']} or {int(e['answer'].split()[0]) + 1} days"),
    ("advanced_geometry", lambda e: e["metadata"]["task_type"] == "orthocenter",
     lambda e: f"{e['answer']}, or (0, 0)"),
    ("tower_of_hanoi", lambda e: True, lambda e: e["answer"].replace("\n", " (sure)\n", 1)),
    ("survo", lambda e: True, lambda e: e["answer"].replace("\n", " (or 8)\n", 1)),
    ("knights_knaves", lambda e: True, lambda e: f"{e['answer']} No wait, that's wrong"),
    ("fraction_simplification", lambda e: True, lambda e: f"{e['answer']} or 1/2"),
    ("kakurasu", lambda e: True, lambda e: e["answer"].replace("\n", " maybe\n", 1)),
    ("rubiks_cube", lambda e: True, lambda e: "U1000000 " + e["metadata"]["example_correct_answer"]),
    ("polynomial_equations", lambda e: True, lambda e: f"x = {e['answer']}"),
]


@pytest.mark.parametrize(("dataset", "fits", "attack"), LENIENT,
                         ids=[f"{case[0]}-{number}" for number, case in enumerate(LENIENT)])
def test_a_game_the_checker_may_fall_for_scores_0(dataset, fits, attack) -> None:
    reference = find(dataset, fits)
    completion = tagged(attack(reference["entry"]))
    for partial in (False, True):
        result = verify(completion=completion, reference={**reference, "partial_credit": partial})
        assert result.reward == 0.0 and result.status == "wrong", (completion, result)


def test_the_checkers_known_leniencies_are_still_there() -> None:
    """What rlvr's rules are for: if reasoning-gym fixes one, its rule can go (docs/envs/reasoning_gym.md)."""
    halting = item("game_of_life_halting")["entry"]
    assert checker("game_of_life_halting")("I cannot tell", halting) == 1.0
    gsm = item("gsm_symbolic")["entry"]
    assert checker("gsm_symbolic")(hedge_gsm(gsm), gsm) == 1.0
    puzzle = item("puzzle24")["entry"]
    assert checker("puzzle24")("4 * 6 * 1 * 1", puzzle) == 1.0
    numbers = item("number_sorting")["entry"]
    shifted = str([str(float(x.strip(" '")) + 0.5) for x in numbers["answer"].strip("[]").split(",")])
    assert checker("number_sorting")(shifted, numbers) == 1.0


EVAL_ATTACKS = [
    ("binary_matrix", f"__import__('os').system('touch {PWNED}')"),
    ("spiral_matrix", f"[__import__('os').system('touch {PWNED}')]"),
    ("string_insertion", f"exec(\"open('{PWNED}', 'w')\")"),
    ("n_queens", f"[open('{PWNED}', 'w')]"),
    ("countdown", f"__import__('os').system('touch {PWNED}')"),
    ("puzzle24", f"__import__('os').system('touch {PWNED}') + 24"),
    ("simple_integration", f"__import__('os').system('touch {PWNED}')"),
    ("intermediate_integration", "x + Symbol('a').__class__.__base__"),
    ("countdown", "9**9**9**9"),
    ("simple_integration", "x.func(x) + C"),
]


@pytest.mark.parametrize(("dataset", "answer"), EVAL_ATTACKS)
def test_an_answer_the_checker_would_eval_is_refused_before_it_runs(dataset, answer) -> None:
    if os.path.exists(PWNED):
        os.remove(PWNED)
    started = time.perf_counter()
    result = verify(completion=tagged(answer), reference=item(dataset))
    assert result.reward == 0.0 and "strict reading" in result.reason, result
    assert not os.path.exists(PWNED) and time.perf_counter() - started < 1.0


@pytest.mark.parametrize(("dataset", "where", "value"), [
    ("number_sorting", "answer", f"__import__('os').system('touch {PWNED}')"),
    ("bitwise_arithmetic", "problem", f"__import__('os').system('touch {PWNED}')"),
    ("simple_integration", "integrand", f"__import__('os').system('touch {PWNED}')"),
    ("bitwise_arithmetic", "problem", "exec(0x1)"),  # exec is spelled in hex digits and an x
    ("simple_integration", "variable", "open"),  # a name the answer may then use
])
def test_a_reference_field_a_checker_evals_must_be_plain_data(dataset, where, value, runtime) -> None:
    reference = item(dataset)
    entry = reference["entry"]
    if where == "answer":
        entry = {**entry, "answer": value}
    else:
        entry = {**entry, "metadata": {**entry["metadata"], where: value}}
    result = runtime.verify(f"rlvr/RG-{dataset}-v0", completion=tagged(solution(dataset, reference["entry"])),
                            reference={**reference, "entry": entry})
    assert (result.status, result.reward) == ("error", None) and "plain" in result.reason, result
    assert not os.path.exists(PWNED)


def test_the_answer_convention_holds() -> None:
    reference = item("basic_arithmetic")
    right = reference["entry"]["answer"]
    wrong = str(int(right) + 1)
    cases = {
        f"<answer>{wrong}</answer> then <answer>{right}</answer>": "wrong",  # a hedge
        f"<think><answer>{wrong}</answer></think><answer>{right}</answer>": "correct",  # a draft is no answer
        f"<answer>{right}</answer>\nActually no.": "no_answer",
        "<answer>   </answer>": "no_answer",
        f"<answer>{right}": "no_answer",
        f"<answer>{right} \ud800</answer>": "wrong",
        f"The answer is {right}.": "no_answer",
        f"<ANSWER>{right}</ANSWER>": "correct",
    }
    for completion, status in cases.items():
        assert verify(completion=completion, reference=reference).status == status, completion


def test_substring_and_case_games_do_not_earn_full_marks() -> None:
    reference = item("spell_backward")
    right = reference["entry"]["answer"]
    for completion in (f"{right}{right}", f"x{right}", right[:-1]):
        assert verify(completion=tagged(completion), reference=reference).reward == 0.0
    partial = verify(completion=tagged(right[:-1]), reference={**reference, "partial_credit": True})
    assert partial.status == "partial" and 0 < partial.reward < 1


@pytest.mark.parametrize("reference", [
    {"dataset": "sudoku"},
    {"dataset": "sokoban", "entry": {"question": "", "answer": "", "metadata": {}}},
    {"dataset": "no_such", "entry": {"question": "", "answer": "", "metadata": {}}},
    {"dataset": "gcd", "entry": {"question": "", "answer": 3, "metadata": {}}},
    {"dataset": "gcd", "entry": {"question": "", "answer": "3", "metadata": {"source_dataset": "lcm"}}},
    {"dataset": "gcd", "entry": {"question": "", "answer": "3", "metadata": {}}, "partial_credit": "yes"},
    {"dataset": "puzzle24", "entry": {"question": "", "answer": "", "metadata": {}}},
])
def test_a_malformed_reference_is_an_error_with_no_reward(reference, runtime) -> None:
    result = runtime.verify("rlvr/ReasoningGym-v0", completion="<answer>4 * 6 * 1 * 1</answer>",
                            reference=reference)
    assert result.status == "error" and result.reward is None and result.reason


def test_a_huge_completion_is_wrong_fast_and_on_the_worker_pool_too(runtime) -> None:
    reference = item("sudoku")
    huge = "<answer>" + "1 " * 300_000 + "</answer>"
    started = time.perf_counter()
    assert verify(completion=huge, reference=reference).reward == 0.0
    assert time.perf_counter() - started < 0.5
    assert runtime.verify("rlvr/RG-sudoku-v0", completion=huge, reference=reference).status == "wrong"
    right = runtime.verify("rlvr/RG-sudoku-v0", completion=tagged(reference["entry"]["answer"]),
                           reference=reference)
    assert (right.status, right.reward) == ("correct", 1.0)
