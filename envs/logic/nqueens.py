"""N-queens: place n non-attacking queens on an n x n board that already holds some given queens.

The generator finds a random full placement with the solver (random column order), keeps `given` of its
queens, and confirms with the solver that the givens extend to a solution. Any valid placement scores.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.errors import ConfigError
from rlvr.verifiers.logic._answer import ANSWER_INSTRUCTIONS


@dataclass(frozen=True)
class NQueensConfig:
    """An `n` x `n` board with `given` queens already placed (0 = empty board)."""

    n: int = 5
    given: int = 1

    def __post_init__(self) -> None:
        positive("n", self.n, 4, 20)
        positive("given", self.given, 0, self.n - 1)


LEVELS = (NQueensConfig(5, 1), NQueensConfig(6, 1), NQueensConfig(8, 2), NQueensConfig(10, 2),
          NQueensConfig(12, 3))


def solve(n: int, given: list[tuple[int, int]] | None = None, rng: random.Random | None = None,
          max_nodes: int = 2_000_000) -> list[int] | None:
    """Columns (1-based, one per row) of a placement extending `given` (1-based cells), or None."""
    fixed = {row - 1: col - 1 for row, col in (given or [])}
    cols, diag, anti = set(), set(), set()
    for row, col in fixed.items():
        if col in cols or row - col in diag or row + col in anti:
            return None
        cols.add(col)
        diag.add(row - col)
        anti.add(row + col)
    placement = [0] * n
    nodes = [max_nodes]

    def place(row: int) -> bool:
        if row == n:
            return True
        nodes[0] -= 1
        if nodes[0] < 0:
            return False
        if row in fixed:
            placement[row] = fixed[row]
            return place(row + 1)
        order = list(range(n))
        if rng is not None:
            rng.shuffle(order)
        for col in order:
            if col in cols or row - col in diag or row + col in anti:
                continue
            cols.add(col)
            diag.add(row - col)
            anti.add(row + col)
            placement[row] = col
            if place(row + 1):
                return True
            cols.discard(col)
            diag.discard(row - col)
            anti.discard(row + col)
        return False

    return [col + 1 for col in placement] if place(0) else None


def generate(rng: random.Random, config: NQueensConfig) -> dict[str, Any]:
    for _ in range(100):
        solution = solve(config.n, rng=rng, max_nodes=20_000)
        if solution is None:
            continue
        rows = sorted(rng.sample(range(1, config.n + 1), config.given))
        given = [[row, solution[row - 1]] for row in rows]
        if solve(config.n, [(r, c) for r, c in given]) is not None:
            return {"kind": "nqueens", "n": config.n, "given": given}
    raise ConfigError(f"no n-queens instance found for {config}")


def render_board(n: int, queens: list[list[int]]) -> str:
    cells = {(r, c) for r, c in queens}
    rows = (" ".join("Q" if (r, c) in cells else "." for c in range(1, n + 1)) for r in range(1, n + 1))
    return "\n".join(rows)


def prompt(instance: Mapping[str, Any]) -> str:
    n, given = instance["n"], instance["given"]
    placed = ("" if not given else
              f" The board already holds {len(given)} queen(s) that must stay where they are:\n\n"
              f"{render_board(n, given)}\n\n")
    example = " ".join(str(c) for c in range(1, n + 1))
    return (f"Place {n} queens on a {n}x{n} chessboard so that no two queens share a row, a column or a "
            f"diagonal.{placed or ' '}Rows and columns are numbered 1-{n} from the top left.\n\n"
            f"Answer with the column of the queen in each row, from row 1 to row {n}, separated by spaces "
            f"(the format looks like <answer>{example}</answer>, which is not itself a solution).\n"
            f"{ANSWER_INSTRUCTIONS}")


def format_answer(solution: list[int]) -> str:
    return " ".join(map(str, solution))


def reference_answer(instance: Mapping[str, Any]) -> str | None:
    """The solver's answer to `instance`, formatted as the prompt asks."""
    placement = solve(instance["n"], [tuple(cell) for cell in instance["given"]])
    return format_answer(placement) if placement is not None else None


KIND = PuzzleKind("nqueens", LEVELS, generate, prompt, reference_answer)


class NQueensEnv(LogicEnv):
    """`rlvr/NQueens-v1`: complete a partial n-queens placement; any valid placement scores."""

    family = "nqueens"
    kind = KIND
