"""N-queens verifier: n queens, one per row and column, none sharing a diagonal, the given ones kept.

Reference: `{"kind": "nqueens", "n": 8, "given": [[row, col], ...]}` (1-based; queens the answer must keep).
Answer: the queen's column in each row from row 1 to row n (`2 4 1 3`, `Columns: 2 4 1 3`), n (row, column)
pairs (`(1, 2), (2, 4), ...`; `(2, 4), (1, 3)` is two queens, never four columns), labelled pairs in either
order (`Row 1: column 2`, `column 2 row 1`, `r1c2`, `Row 1: 2`), or the board as n lines of `Q` and `.`.
A minus sign before a number is unreadable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import (
    AnswerError,
    labelled_pairs,
    refuse_negative,
    require,
    require_int,
    run,
    words_and_numbers,
)

KIND = "nqueens"
MAX_N = 64
FILLER_WORDS = frozenset({"queen", "queens", "in", "at", "on", "is"})
LABELS = {"row": "row", "rows": "row", "r": "row", "column": "column", "columns": "column", "col": "column",
          "cols": "column", "c": "column"}
BOARD_EMPTY = frozenset("._-·0*")


@dataclass(frozen=True)
class Board:
    n: int
    given: tuple[tuple[int, int], ...]


def load(reference: Mapping[str, Any]) -> Board:
    n = require_int(reference, "n", 1, MAX_N)
    given = require(reference, "given", list)
    cells = []
    for cell in given:
        if not (isinstance(cell, list) and len(cell) == 2 and all(
                isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= n for v in cell)):
            raise InvalidReferenceError(f"given queens must be [row, col] pairs in 1..{n}")
        cells.append((cell[0], cell[1]))
    return Board(n, tuple(cells))


def parse(text: str, board: Board) -> list[tuple[int, int]]:
    """The queens as 1-based (row, col) cells, from a Q/. board, n columns, or n (row, col) pairs.

    Pairs labelled `row`/`column` (`r`/`c`) are read by their labels, in either order.
    """
    plain = text.replace(" ", "").replace("|", "").replace("\n", "").replace("\r", "").replace("\t", "")
    if plain and any(c in "Qq" for c in plain) and all(c in "Qq" or c in BOARD_EMPTY for c in plain):
        return _parse_board(text, board.n)
    refuse_negative(text)
    tokens = words_and_numbers(text, max_token=7)
    for token in tokens:
        if isinstance(token, str) and token not in FILLER_WORDS and token not in LABELS:
            raise AnswerError(f"unexpected word {token!r}; give {board.n} column numbers")
    numbers = [token for token in tokens if isinstance(token, int)]
    labels = [token for token in tokens if token in LABELS]
    if labels and not (len(numbers) == board.n and _is_column_heading(tokens)):
        return labelled_pairs(tokens, LABELS, ("row", "column"))
    paired = _has_pair_groups(text)
    if len(numbers) == board.n and not paired:
        return [(row + 1, col) for row, col in enumerate(numbers)]
    if len(numbers) % 2 == 0 and (paired or len(numbers) == 2 * board.n):
        return list(zip(numbers[::2], numbers[1::2], strict=True))
    raise AnswerError(f"expected {board.n} column numbers (one per row), found {len(numbers)} numbers")


def _has_pair_groups(text: str) -> bool:
    """`(2, 4), (1, 3)` is two queens, not four columns: some `(...)` group holds exactly two numbers."""
    for part in text.replace("(", "\n(").replace(")", ")\n").split("\n"):
        if part.startswith("(") and part.endswith(")"):
            if sum(isinstance(t, int) for t in words_and_numbers(part, max_token=7)) == 2:
                return True
    return False


def _is_column_heading(tokens: list[str | int]) -> bool:
    """`Columns: 2 4 1 3` - one column label before all the numbers labels nothing else."""
    labels = [k for k, token in enumerate(tokens) if token in LABELS]
    first_number = next(k for k, token in enumerate(tokens) if isinstance(token, int))
    return len(labels) == 1 and LABELS[tokens[labels[0]]] == "column" and labels[0] < first_number


def _parse_board(text: str, n: int) -> list[tuple[int, int]]:
    rows = [line.replace(" ", "").replace("|", "") for line in text.splitlines()]
    rows = [row for row in rows if row]
    if len(rows) != n:
        raise AnswerError(f"the board must have {n} rows, found {len(rows)}")
    queens = []
    for r, row in enumerate(rows, 1):
        if len(row) != n:
            raise AnswerError(f"board row {r} has {len(row)} cells, not {n}")
        for c, cell in enumerate(row, 1):
            if cell in "Qq":
                queens.append((r, c))
            elif cell not in BOARD_EMPTY:
                raise AnswerError(f"unexpected board cell {cell!r}; use Q and .")
    return queens


def check(board: Board, queens: list[tuple[int, int]]) -> str | None:
    n = board.n
    for row, col in queens:
        if not (1 <= col <= n and 1 <= row <= n):
            return f"a queen at row {row}, column {col} is off the {n}x{n} board"
    if len(queens) != n:
        return f"places {len(queens)} queens, not {n}"
    placed = set(queens)
    for row, col in board.given:
        if (row, col) not in placed:
            return f"the given queen at row {row}, column {col} is missing"
    seen: dict[tuple[str, int], tuple[int, int]] = {}
    for row, col in sorted(queens):
        lines = (("row", row), ("column", col), ("diagonal", row - col), ("anti-diagonal", row + col))
        for line, key in lines:
            other = seen.get((line, key))
            if other is not None:
                return f"queens at row {other[0]} column {other[1]} and row {row} column {col} share a {line}"
            seen[(line, key)] = (row, col)
    return None


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score an n-queens placement: n queens, no shared row, column or diagonal, given queens kept."""
    return run(reference, completion, KIND, load, parse, check)
