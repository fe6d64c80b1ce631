"""Generated instances are solvable (uniquely where the rules demand it) and the solver's answer passes."""

from __future__ import annotations

import pytest

from rlvr.envs.logic import (
    ALL_KINDS,
    countdown,
    cryptarithm,
    graph_coloring,
    knights_knaves,
    maze,
    nqueens,
    sudoku,
    verify,
    zebra,
)
from rlvr.envs.logic import zebra as zebra_verifier

# Small levels keep the suite fast; the hardest presets are exercised once each below.
CASES = [(name, level) for name in sorted(ALL_KINDS) for level in range(3)]


def _solutions(instance: dict) -> list:
    kind = instance["kind"]
    if kind == "sudoku":
        return sudoku.solve(instance["grid"], instance["box_rows"], instance["box_cols"], limit=2)
    if kind == "knights_knaves":
        return knights_knaves.solve(instance["statements"])
    if kind == "zebra":
        return zebra.solve(zebra_verifier.load(instance), limit=2)
    if kind == "cryptarithm":
        return cryptarithm.solve(cryptarithm.Sum(tuple(instance["addends"]), instance["result"]), limit=2)
    if kind == "countdown":
        return [countdown.solve(instance["numbers"], instance["target"], instance["use_all"])]
    if kind == "nqueens":
        return [nqueens.solve(instance["n"], instance["given"])]
    if kind == "graph_coloring":
        return [graph_coloring.solve(instance["vertices"], instance["colors"], instance["edges"])]
    return [maze.solve(instance["grid"])]


def _format(kind: str, instance: dict, solution) -> str:
    if kind == "sudoku":
        return sudoku.format_answer(solution)
    if kind == "knights_knaves":
        return knights_knaves.format_answer(instance["names"], solution)
    if kind == "zebra":
        return zebra.format_answer(zebra_verifier.load(instance), solution)
    if kind == "cryptarithm":
        return cryptarithm.format_answer(solution)
    if kind == "nqueens":
        return nqueens.format_answer(solution)
    if kind == "graph_coloring":
        return graph_coloring.format_answer(solution)
    if kind == "maze":
        return maze.format_answer(solution)
    return solution


UNIQUE = {"sudoku", "knights_knaves", "zebra", "cryptarithm"}


@pytest.mark.parametrize(("name", "level"), CASES)
def test_instances_are_solvable_and_the_solution_verifies(name, level):
    kind = ALL_KINDS[name]
    for index in range(4):
        instance = kind.instance(0, index, kind.levels[level])
        solutions = _solutions(instance)
        assert solutions and solutions[0] is not None, instance
        if name in UNIQUE:
            assert len(solutions) == 1, f"{name} instance {index} is not unique"
        answer = _format(name, instance, solutions[0])
        result = verify(completion=f"<answer>{answer}</answer>", reference=instance)
        assert result.status == "correct", (instance, result)


@pytest.mark.parametrize("name", ["sudoku", "zebra", "knights_knaves", "maze", "graph_coloring", "nqueens"])
def test_hardest_preset_generates(name):
    kind = ALL_KINDS[name]
    instance = kind.instance(0, 0, kind.levels[-1])
    solutions = _solutions(instance)
    assert solutions[0] is not None and (len(solutions) == 1 or name not in UNIQUE)


def test_sudoku_clue_count_follows_the_knob():
    instance = sudoku.KIND.instance(0, 0, sudoku.SudokuConfig(3, 3, 30))
    assert sum(1 for row in instance["grid"] for v in row if v) == 30


def test_zebra_has_no_redundant_clue():
    instance = zebra.KIND.instance(0, 0, zebra.LEVELS[2])
    for i in range(len(instance["clues"])):
        fewer = {**instance, "clues": instance["clues"][:i] + instance["clues"][i + 1:]}
        assert len(zebra.solve(zebra_verifier.load(fewer))) > 1


def test_maze_shortest_knob_caps_moves():
    instance = maze.KIND.instance(0, 0, maze.MazeConfig(4, 4, 0.3, True))
    assert instance["max_moves"] == len(maze.solve(instance["grid"]))
    assert maze.KIND.instance(0, 0, maze.MazeConfig(4, 4, 0.3, False))["max_moves"] is None


def test_countdown_use_all_and_target_range():
    config = countdown.CountdownConfig(4, 12, 20, 80, True)
    for index in range(5):
        instance = countdown.KIND.instance(1, index, config)
        assert 20 <= instance["target"] <= 80 and len(instance["numbers"]) == 4
        expression = countdown.solve(instance["numbers"], instance["target"], True)
        used = [int(t) for t in expression.replace("(", " ").replace(")", " ").split() if t.isdigit()]
        assert sorted(used) == sorted(instance["numbers"])


def test_solvers_agree_with_brute_force_on_a_known_puzzle():
    assert cryptarithm.solve(cryptarithm.Sum(("SEND", "MORE"), "MONEY")) == [
        {"S": 9, "E": 5, "N": 6, "D": 7, "M": 1, "O": 0, "R": 8, "Y": 2}]
    assert nqueens.solve(3) is None and nqueens.solve(4) in ([2, 4, 1, 3], [3, 1, 4, 2])
    assert graph_coloring.solve(3, 2, [[1, 2], [2, 3], [1, 3]]) is None
    assert countdown.solve([1, 2], 7, use_all=False) is None
