"""Issue 11: each logic kind reads its answer with one grammar that understands every token or says
`no_answer`. The red-team set (`redteam_cases.py`) holds fresh false-positive attempts and unusual but
right formats; the worst shapes we could build must parse well inside the 0.5 s bound."""

from __future__ import annotations

import time

import pytest

from rlvr.envs.logic import verify
from tests.envs.logic.redteam_cases import (
    CASES,
    COUNTDOWN,
    GRAPH,
    GRID,
    KNIGHTS,
    MAZE,
    QUEENS,
    SUDOKU,
    SUM,
    ZEBRA,
)

SOLUTIONS = [
    (SUDOKU, "\n".join(GRID)),
    (COUNTDOWN, "7 * 25 + 3"),
    (KNIGHTS, "Ann: knight\nBo: knave"),
    (ZEBRA, "House 1: red, dog\nHouse 2: green, cat\nHouse 3: blue, fish"),
    (QUEENS, "2 4 6 1 3 5"),
    (GRAPH, "1: 1, 2: 2, 3: 3, 4: 1"),
    (MAZE, "R R R R D D D"),
    (SUM, "S=9, E=5, N=6, D=7, M=1, O=0, R=8, Y=2"),
]
KINDS = [reference["kind"] for reference, _ in SOLUTIONS]


def score(reference, answer):
    return verify(completion=f"<answer>{answer}</answer>", reference=reference)


@pytest.mark.parametrize(("reference", "answer", "expect"), CASES,
                         ids=[f"{r['kind']}-{k}" for k, (r, _, _) in enumerate(CASES)])
def test_redteam_verdicts(reference, answer, expect):
    result = score(reference, answer)
    if expect == "correct":
        assert result.status == "correct", result
    else:
        assert result.reward == 0.0, result


def test_redteam_set_is_large_enough():
    """At least 15 false-positive attempts and 5 unusual right formats per kind."""
    for kind in KINDS:
        zero = sum(1 for r, _, e in CASES if r["kind"] == kind and e == "zero")
        right = sum(1 for r, _, e in CASES if r["kind"] == kind and e == "correct")
        assert zero >= 15 and right >= 5, (kind, zero, right)


@pytest.mark.parametrize(("reference", "solution"), SOLUTIONS, ids=KINDS)
@pytest.mark.parametrize("tail", [
    " no wait", ", no wait, that is wrong", " (not sure)", " is incorrect", " ?", " ≠", " != ", " <", " ~~",
    "\nActually, scratch that.", " — or maybe not", " ✗", " …", " maybe",
])
def test_a_retraction_or_stray_token_after_a_right_answer_scores_nothing(reference, solution, tail):
    """The principle: text the grammar does not know is never skipped, so it makes the answer unreadable."""
    assert score(reference, solution).status == "correct"
    result = score(reference, solution + tail)
    assert (result.status, result.reward) == ("no_answer", 0.0), result
    assert "read" in result.reason or "expected" in result.reason, result.reason


@pytest.mark.parametrize(("reference", "relation"), [
    (SUM, rel) for rel in ("≠", "!=", "=/=", "<", ">", "<=", "≤", ">=", "≥", " is not ", "~", "≈", "<>", "≢")
] + [(GRAPH, rel) for rel in ("≠", "!=", "=/=", "<", ">", "<=", "≤", ">=", " is not ", "<-", "⇏", "↛")])
def test_only_assignment_relations_are_read(reference, relation):
    """A mapping that says every letter (or vertex) is *not* its digit (color) is unreadable."""
    if reference is SUM:
        answer = ", ".join(f"{letter}{relation}{digit}" for letter, digit in zip("SENDMORY", "95671082", strict=True))
    else:
        answer = ", ".join(f"{v}{relation}{c}" for v, c in ((1, 1), (2, 2), (3, 3), (4, 1)))
    result = score(reference, answer)
    assert (result.status, result.reward) == ("no_answer", 0.0), result


# Each: (reference, an answer cut to 20,000 characters, the cap, built to be as slow to read as possible).
WORST = [(reference, answer[:20_000]) for reference, answer in [
    (SUDOKU, "1 " * 10_000),
    (SUDOKU, "[" * 5_000 + "1," * 2_500 + "]" * 5_000),
    (SUDOKU, "Row 1: " * 2_800),
    (SUDOKU, "-" * 19_999 + "1"),
    (COUNTDOWN, "(" * 19_000),
    (COUNTDOWN, "\\left" * 4_000),
    (COUNTDOWN, "1+" * 9_999 + "1"),
    (KNIGHTS, "Ann, " * 3_990 + "are knights"),
    (KNIGHTS, "Ann and " * 2_500),
    (KNIGHTS, "Ann: knight, " * 1_500),
    (KNIGHTS, "isn't " * 3_300),
    (KNIGHTS, "| Ann | knight |\n" * 1_150),
    (ZEBRA, "House 1: red, " + "red, " * 3_990),
    (ZEBRA, "| 1 | red | dog |\n" * 1_150),
    (ZEBRA, "| | House 1 |" + " House 1 |" * 1_800 + "\n| Color |" + " red |" * 1_800),
    (ZEBRA, "1;" * 9_999),
    (QUEENS, "r1c2 " * 4_000),
    (QUEENS, "(1, 2), " * 2_500),
    (QUEENS, "[" * 10_000 + "]" * 10_000),
    (QUEENS, "Q" * 141 + "\n" + ("." * 140 + "\n") * 140),
    (QUEENS, "2, " * 6_600),
    (GRAPH, "1: 1, " * 3_300),
    (GRAPH, "vertex 1 gets colour 1, " * 830),
    (GRAPH, "{" * 10_000 + "}" * 10_000),
    (GRAPH, "| Vertex | Color |\n" + "| 1 | 1 |\n" * 2_000),
    (MAZE, "R" * 19_999),
    (MAZE, "R → " * 5_000),
    (MAZE, "→" * 19_999),
    (SUM, "S=9, " * 4_000),
    (SUM, "9567 + " * 2_800 + "= 10652"),
    (SUM, "SEND + " * 2_800 + "= MONEY"),
    (SUM, "| S | 9 |\n" * 2_000),
]]


@pytest.mark.parametrize(("reference", "answer"), WORST, ids=[f"{r['kind']}-{k}" for k, (r, _) in enumerate(WORST)])
def test_the_worst_answers_we_could_build_parse_in_well_under_half_a_second(reference, answer):
    elapsed = []
    for _ in range(3):  # the best of three, so a busy machine does not fail a linear parser
        started = time.perf_counter()
        result = score(reference, answer)
        elapsed.append(time.perf_counter() - started)
    assert result.status in ("correct", "wrong", "no_answer"), result
    assert min(elapsed) < 0.25, f"{min(elapsed):.3f} s"
