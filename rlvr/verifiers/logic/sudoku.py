"""Sudoku verifier: the answer grid keeps every clue and has each digit once per row, column and box.

Reference: `{"kind": "sudoku", "box_rows": 3, "box_cols": 3, "grid": [[5, 3, 0, ...], ...]}` (0 = blank).
Answer (grammar): one line per row holding exactly the row's digits (`1 2 3 4` or `1234`), or all the
cells on one line, or a bracketed list of rows (`[[1, 2, 3, 4], ...]`). Between digits only separators
(spaces, `, | + - . : ; _ = / *`, box-drawing rules) may stand; a line may start with `Row k:` / `Rk:` when
k is that row's number; rule lines (`---+---`) hold no digits. Anything else (a word, a sign, a fifth row,
`?`, a label on an empty line) makes the answer unreadable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import MINUS_SIGNS, AnswerError, int_matrix, require_int, run
from rlvr.verifiers.logic._grammar import Token, check_brackets, scan, split_lines

KIND = "sudoku"
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
    return run(reference, completion, KIND, load, parse, check)
