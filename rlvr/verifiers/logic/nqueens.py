"""N-queens verifier: n queens, one per row and column, none sharing a diagonal, the given ones kept.

Reference: `{"kind": "nqueens", "n": 8, "given": [[row, col], ...]}` (1-based; queens the answer must keep).
Answer (grammar): the board as n lines of `Q` and `.`; or the queen's column in each row from row 1 to
row n (`2 4 1 3`, `Columns: 2, 4, 1, 3`, `[2, 4, 1, 3]`: numbers and commas only); or `row col` on each
line; or (row, column) pairs in the grammar of `_pairs` (`(1, 2), (2, 4)` is two queens, never four
columns; labelled pairs in either order: `Row 1: column 2`, `column 2 row 1`, `r1c2`, `Row 1: 2`,
`Queen at row 1, column 2`; a `| Row | Column |` table). Anything else is unreadable: a relation that is
not an assignment (`≠`, `!=`, `<`), a sign, a stray word or symbol.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import AnswerError, require, require_int, run
from rlvr.verifiers.logic._grammar import Token, check_brackets, scan, split_lines
from rlvr.verifiers.logic._pairs import SYMBOLS, PairGrammar, read_pairs, unwrap

KIND = "nqueens"
MAX_N = 64
LABELS = {"row": "row", "rows": "row", "r": "row", "column": "column", "columns": "column", "col": "column",
          "cols": "column", "c": "column"}
BOARD_EMPTY = frozenset("._-·0*")
COLUMN_HEADINGS = frozenset({"column", "columns", "col", "cols"})
GRAMMAR = PairGrammar(("row", "column"), LABELS, frozenset({"is", "at", "in", "on"}),
                      prefixes=frozenset({"queen", "queens", "at", "in", "on"}))


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
    """The queens as 1-based (row, col) cells: a Q/. board, the columns in row order, or (row, col) pairs."""
    plain = text.replace(" ", "").replace("|", "").replace("\n", "").replace("\r", "").replace("\t", "")
    if plain and any(c in "Qq" for c in plain) and all(c in "Qq" or c in BOARD_EMPTY for c in plain):
        return _parse_board(text, board.n)
    tokens = scan(text, SYMBOLS, max_token=7)
    columns = _column_list(tokens)
    if columns is not None:
        if len(columns) != board.n:
            raise AnswerError(f"expected {board.n} column numbers (one per row), found {len(columns)}")
        return [(row, col) for row, col in enumerate(columns, 1)]
    lines = split_lines(tokens)
    if len(lines) > 1 and all(len(line) == 2 and line[0].kind == line[1].kind == "number" for line in lines):
        return [(int(line[0].text), int(line[1].text)) for line in lines]  # `1 2` per line: row, column
    return read_pairs(tokens, GRAMMAR)


def _column_list(tokens: list[Token]) -> list[int] | None:
    """`2 4 1 3`, `Columns: 2, 4, 1, 3`, `[2, 4, 1, 3]`: numbers only, after at most a `Columns:` heading."""
    at = 0
    while at < len(tokens) and tokens[at].kind == "newline":
        at += 1
    if at < len(tokens) and tokens[at].kind == "word" and tokens[at].text in COLUMN_HEADINGS:
        at += 1
        if at < len(tokens) and tokens[at].kind == "colon":
            at += 1
    body = tokens[at:]
    check_brackets(body)
    body = unwrap(body)
    if not any(t.kind == "number" for t in body) or any(t.kind not in ("number", "comma", "newline") for t in body):
        return None
    lines = split_lines(body)
    if len(lines) > 1 and any(sum(t.kind == "number" for t in line) > 1 for line in lines):
        return None  # `1 2` lines are (row, column) pairs
    return [int(t.text) for t in body if t.kind == "number"]


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
