"""Sudoku: fill the grid so each digit appears once per row, column and box; the solution is unique.

The generator fills a grid with the solver (random digit order), then blanks cells in random order,
keeping a blank only while the solver still finds exactly one solution, until `clues` givens remain
(or no further cell can go).

The verifier accepts the answer grid keeps every clue and has each digit once per row, column and box.

Reference: `{"kind": "sudoku", "box_rows": 3, "box_cols": 3, "grid": [[5, 3, 0, ...], ...]}` (0 = blank).
Answer (grammar): one line per row holding exactly the row's digits (`1 2 3 4` or `1234`), or all the
cells on one line, or a bracketed list of rows (`[[1, 2, 3, 4], ...]`). Between digits only separators
(spaces, `, | + - . : ; _ = / *`, box-drawing rules) may stand; a line may start with `Row k:` / `Rk:` when
k is that row's number; rule lines (`---+---`) hold no digits. Anything else (a word, a sign, a fifth row,
`?`, a label on an empty line) makes the answer unreadable.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.answer import ANSWER_INSTRUCTIONS, MINUS_SIGNS, AnswerError, int_matrix, require_int, run
from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.envs.logic.grammar import Token, check_brackets, scan, split_lines
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import VerifyResult

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


# Grid punctuation (Markdown and box-drawing rules, list commas) carries no content: it is read as a
# separator. Brackets make a nested list of rows. Words other than a leading `Row k:` are unreadable.
SYMBOLS = {**{char: "separator" for char in "|+-,;:._=/\\*│┃║─━═┼╋╬├┤┬┴┌┐└┘╠╣╦╩╔╗╚╝"},
           **{char: "open" for char in "([{"}, **{char: "close" for char in ")]}"}, "`": "skip"}


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
    """The grid's rows: one line each (or all cells on one line, or a `[[...], ...]` list of rows)."""
    _refuse_signs(text)
    tokens = scan(text, SYMBOLS)
    if any(token.kind == "open" for token in tokens):
        rows = _bracketed_rows(tokens)
    else:
        rows = _line_rows(split_lines(tokens), puzzle.size)
    size = puzzle.size
    if len(rows) == 1 and len(rows[0]) == size * size:
        rows = [rows[0][r * size:(r + 1) * size] for r in range(size)]
    if len(rows) != size or any(len(row) != size for row in rows):
        shape = ", ".join(str(len(row)) for row in rows[:12])
        raise AnswerError(f"expected {size} rows of {size} digits, found rows of {shape} digits")
    return rows


def _digits(token: Token) -> list[int]:
    if token.kind != "number":
        raise AnswerError(f"cannot read {token.shown()} in the grid; write only digits")
    return [int(char) for char in token.text]


def _line_rows(lines: list[list[Token]], size: int) -> list[list[int]]:
    """Each line with digits is a row; a `Row k:` / `Rk:` label must say k for the k-th row."""
    rows: list[list[int]] = []
    labelled = 0
    for line in lines:
        label, line = _row_label(line)
        row = [digit for token in line if token.kind != "separator" for digit in _digits(token)]
        if label is not None:
            labelled += 1
            if label != len(rows) + 1 or not row:
                raise AnswerError(f"the row labelled {label} is not row {len(rows) + 1} of the grid")
        if row:
            rows.append(row)
    if labelled and labelled != len(rows):
        raise AnswerError("some rows are labelled and some are not")
    return rows


def _row_label(line: list[Token]) -> tuple[int | None, list[Token]]:
    """`Row 3:` or `R3:` at the start of a line (after pipes or `**`) -> (3, the rest)."""
    start = 0
    while start < len(line) and line[start].kind == "separator":
        start += 1
    head = line[start:start + 3]
    if len(head) == 3 and head[0].kind == "word" and head[0].text in ("row", "r") and head[1].kind == "number" \
            and head[2].text == ":":
        return int(head[1].text[:3]), line[start + 3:]
    return None, line


def _bracketed_rows(tokens: list[Token]) -> list[list[int]]:
    """`[[1, 2], [2, 1]]`: each innermost bracket group is a row, and no digit stands outside one."""
    check_brackets(tokens)
    rows: list[list[int]] = []
    stack: list[list[int] | None] = []  # the digits of each open group; None once it holds a group
    for token in tokens:
        if token.kind == "open":
            if stack:
                if stack[-1]:
                    raise AnswerError("a bracket group holds both digits and groups")
                stack[-1] = None
            stack.append([])
        elif token.kind == "close":
            group = stack.pop()
            if group is not None:
                rows.append(group)
        elif token.kind in ("separator", "newline"):
            continue
        elif not stack or stack[-1] is None:
            raise AnswerError(f"{token.shown()} stands outside the rows' brackets")
        else:
            stack[-1].extend(_digits(token))
    return rows


def _refuse_signs(text: str) -> None:
    """`-1` is a negative cell, not a separator and a 1; a dash between digits (`1-2`) separates."""
    for i, char in enumerate(text):
        if char in MINUS_SIGNS and text[i + 1:i + 2].isdigit() and not text[i - 1:i].isalnum():
            raise AnswerError("a negative number is not a digit of the grid")


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
    return run(reference, completion, KIND.name, load, parse, check)


KIND = PuzzleKind("sudoku", LEVELS, generate, prompt, reference_answer)


class SudokuEnv(LogicEnv):
    """`rlvr/Sudoku-v1`: one Sudoku per episode; reward 1 for a grid that satisfies every rule."""

    family = "sudoku"
    kind = KIND
