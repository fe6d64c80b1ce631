"""Sudoku: fill the grid so each digit appears once per row, column and box; the solution is unique.

The generator fills a grid with the solver (random digit order), then blanks cells in random order,
keeping a blank only while the solver still finds exactly one solution, until `clues` givens remain
(or no further cell can go).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.errors import ConfigError
from rlvr.verifiers.logic._answer import ANSWER_INSTRUCTIONS

Grid = list[list[int]]


@dataclass(frozen=True)
class SudokuConfig:
    """`box_rows` x `box_cols` boxes (size = their product, at most 9); `clues` = target givens."""

    box_rows: int = 2
    box_cols: int = 2
    clues: int = 8

    def __post_init__(self) -> None:
        positive("box_rows", self.box_rows, 1, 3)
        positive("box_cols", self.box_cols, 1, 3)
        size = self.box_rows * self.box_cols
        if size < 2:
            raise ConfigError("a sudoku needs box_rows * box_cols >= 2")
        positive("clues", self.clues, 0, size * size)


LEVELS = (
    SudokuConfig(2, 2, 8),
    SudokuConfig(2, 3, 18),
    SudokuConfig(3, 3, 40),
    SudokuConfig(3, 3, 32),
    SudokuConfig(3, 3, 26),
)


def solve(grid: Grid, box_rows: int, box_cols: int, limit: int = 2,
          rng: random.Random | None = None) -> list[Grid]:
    """Up to `limit` solutions of `grid` (0 = blank), by backtracking on the most constrained cell."""
    size = box_rows * box_cols
    full = (1 << (size + 1)) - 2
    work = [list(row) for row in grid]
    rows, cols, boxes = [0] * size, [0] * size, [0] * size
    blanks = []
    for r in range(size):
        for c in range(size):
            value = work[r][c]
            if not value:
                blanks.append((r, c))
                continue
            bit, b = 1 << value, (r // box_rows) * box_rows + c // box_cols
            if (rows[r] | cols[c] | boxes[b]) & bit:
                return []
            rows[r] |= bit
            cols[c] |= bit
            boxes[b] |= bit
    found: list[Grid] = []

    def search() -> None:
        best, best_free, best_count = None, 0, size + 1
        for r, c in blanks:
            if work[r][c]:
                continue
            free = full & ~(rows[r] | cols[c] | boxes[(r // box_rows) * box_rows + c // box_cols])
            count = free.bit_count()
            if count < best_count:
                best, best_free, best_count = (r, c), free, count
                if count <= 1:
                    break
        if best is None:
            found.append([list(row) for row in work])
            return
        r, c = best
        b = (r // box_rows) * box_rows + c // box_cols
        values = [v for v in range(1, size + 1) if best_free >> v & 1]
        if rng is not None:
            rng.shuffle(values)
        for value in values:
            bit = 1 << value
            work[r][c] = value
            rows[r] |= bit
            cols[c] |= bit
            boxes[b] |= bit
            search()
            rows[r] &= ~bit
            cols[c] &= ~bit
            boxes[b] &= ~bit
            work[r][c] = 0
            if len(found) >= limit:
                return

    search()
    return found


def generate(rng: random.Random, config: SudokuConfig) -> dict[str, Any]:
    size = config.box_rows * config.box_cols
    empty = [[0] * size for _ in range(size)]
    grid = solve(empty, config.box_rows, config.box_cols, limit=1, rng=rng)[0]
    cells = [(r, c) for r in range(size) for c in range(size)]
    rng.shuffle(cells)
    givens = size * size
    for r, c in cells:
        if givens <= config.clues:
            break
        value, grid[r][c] = grid[r][c], 0
        if len(solve(grid, config.box_rows, config.box_cols, limit=2)) == 1:
            givens -= 1
        else:
            grid[r][c] = value
    return {"kind": "sudoku", "box_rows": config.box_rows, "box_cols": config.box_cols, "grid": grid}


def render_grid(grid: Grid, box_rows: int, box_cols: int, blank: str = ".") -> str:
    lines = []
    for r, row in enumerate(grid):
        if r and r % box_rows == 0:
            lines.append("-" * (2 * len(row) + 2 * (len(row) // box_cols - 1) - 1))
        cells = [str(v) if v else blank for v in row]
        lines.append(" | ".join(" ".join(cells[i:i + box_cols]) for i in range(0, len(cells), box_cols)))
    return "\n".join(lines)


def prompt(instance: Mapping[str, Any]) -> str:
    box_rows, box_cols, grid = instance["box_rows"], instance["box_cols"], instance["grid"]
    size = box_rows * box_cols
    return (f"Solve this {size}x{size} Sudoku. Fill every '.' with a digit 1-{size} so that each row, each "
            f"column and each {box_rows}x{box_cols} box contains every digit 1-{size} exactly once. "
            f"Keep the given digits.\n\n{render_grid(grid, box_rows, box_cols)}\n\n"
            f"Answer with the completed grid: {size} lines of {size} digits separated by spaces.\n"
            f"{ANSWER_INSTRUCTIONS}")


def format_answer(solution: Grid) -> str:
    return "\n".join(" ".join(str(v) for v in row) for row in solution)


def reference_answer(instance: Mapping[str, Any]) -> str | None:
    """The solver's answer to `instance`, formatted as the prompt asks."""
    found = solve(instance["grid"], instance["box_rows"], instance["box_cols"], limit=1)
    return format_answer(found[0]) if found else None


KIND = PuzzleKind("sudoku", LEVELS, generate, prompt, reference_answer)


class SudokuEnv(LogicEnv):
    """`rlvr/Sudoku-v1`: one Sudoku per episode; reward 1 for a grid that satisfies every rule."""

    family = "sudoku"
    kind = KIND
