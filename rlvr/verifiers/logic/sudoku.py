"""Sudoku verifier: the answer grid keeps every clue and has each digit once per row, column and box.

Reference: `{"kind": "sudoku", "box_rows": 3, "box_cols": 3, "grid": [[5, 3, 0, ...], ...]}` (0 = blank).
Answer: the filled grid's digits, row by row; any separators (spaces, commas, `|`, `-`, `+`, newlines)
and `Row k:` / `Rk:` labels are ignored, other letters are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import AnswerError, int_matrix, require_int, run

KIND = "sudoku"
SEPARATORS = frozenset(" \t\r\n|+-,;:.[](){}_=*/")


@dataclass(frozen=True)
class Sudoku:
    box_rows: int
    box_cols: int
    grid: list[list[int]]

    @property
    def size(self) -> int:
        return self.box_rows * self.box_cols


def load(reference: Mapping[str, Any]) -> Sudoku:
    box_rows = require_int(reference, "box_rows", 1, 3)
    box_cols = require_int(reference, "box_cols", 1, 3)
    size = box_rows * box_cols
    if size < 2:
        raise InvalidReferenceError("a sudoku needs at least 2 digits")
    return Sudoku(box_rows, box_cols, int_matrix(reference.get("grid"), size, size, 0, size, "grid"))


def parse(text: str, puzzle: Sudoku) -> list[list[int]]:
    digits = []
    for char in "\n".join(_drop_row_label(line) for line in text.splitlines()):
        if char.isdigit() and char.isascii():
            digits.append(int(char))
        elif char not in SEPARATORS:
            raise AnswerError(f"unexpected character {char!r}; write only the grid's digits")
    size = puzzle.size
    if len(digits) != size * size:
        raise AnswerError(f"expected {size * size} digits ({size} rows of {size}), found {len(digits)}")
    return [digits[row * size:(row + 1) * size] for row in range(size)]


def _drop_row_label(line: str) -> str:
    """`Row 3: 1 2 3 4` or `R3: 1 2 3 4` -> ` 1 2 3 4` (the label's digit is not part of the grid)."""
    stripped = line.lstrip().lstrip("|*").lstrip()
    colon = stripped.find(":", 0, 12)
    label = stripped[:colon].replace("*", "").strip().lower()
    if colon != -1 and (label.startswith("row") or label[:1] == "r" and label[1:].strip().isdigit()):
        return stripped[colon + 1:]
    return line


def check(puzzle: Sudoku, grid: list[list[int]]) -> str | None:
    size = puzzle.size
    for r in range(size):
        for c in range(size):
            if not 1 <= grid[r][c] <= size:
                return f"row {r + 1} column {c + 1} holds {grid[r][c]}, not a digit 1-{size}"
            if puzzle.grid[r][c] and grid[r][c] != puzzle.grid[r][c]:
                given = puzzle.grid[r][c]
                return f"row {r + 1} column {c + 1} changes the given clue {given} to {grid[r][c]}"
    for r in range(size):
        if len(set(grid[r])) != size:
            return f"row {r + 1} repeats a digit"
    for c in range(size):
        if len({grid[r][c] for r in range(size)}) != size:
            return f"column {c + 1} repeats a digit"
    for band in range(0, size, puzzle.box_rows):
        for stack in range(0, size, puzzle.box_cols):
            box = {grid[band + r][stack + c] for r in range(puzzle.box_rows) for c in range(puzzle.box_cols)}
            if len(box) != size:
                return f"the box at rows {band + 1}-{band + puzzle.box_rows}, columns " \
                       f"{stack + 1}-{stack + puzzle.box_cols} repeats a digit"
    return None


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a sudoku answer by its constraints (clues kept, rows, columns, boxes)."""
    return run(reference, completion, KIND, load, parse, check)
