"""N-queens: place n non-attacking queens on an n x n board that already holds some given queens.

The generator finds a random full placement with the solver (random column order), keeps `given` of its
queens, and confirms with the solver that the givens extend to a solution. Any valid placement scores.

The verifier accepts n queens, one per row and column, none sharing a diagonal, the given ones kept.

Reference: `{"kind": "nqueens", "n": 8, "given": [[row, col], ...]}` (1-based; queens the answer must keep).
Answer (grammar): the board as n lines of `Q` and `.`; or the queen's column in each row from row 1 to
row n (`2 4 1 3`, `Columns: 2, 4, 1, 3`, `[2, 4, 1, 3]`: numbers and commas only); or `row col` on each
line; or (row, column) pairs in the grammar of `_pairs` (`(1, 2), (2, 4)` is two queens, never four
columns; labelled pairs in either order: `Row 1: column 2`, `column 2 row 1`, `r1c2`, `Row 1: 2`,
`Queen at row 1, column 2`; a `| Row | Column |` table). Anything else is unreadable: a relation that is
not an assignment (`≠`, `!=`, `<`), a sign, a stray word or symbol.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.answer import ANSWER_INSTRUCTIONS, AnswerError, require, require_int, run
from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.envs.logic.grammar import Token, check_brackets, scan, split_lines
from rlvr.envs.logic.pairs import SYMBOLS, PairGrammar, read_pairs, unwrap
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import VerifyResult


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
    return run(reference, completion, KIND.name, load, parse, check)


KIND = PuzzleKind("nqueens", LEVELS, generate, prompt, reference_answer)


class NQueensEnv(LogicEnv):
    """`rlvr/NQueens-v1`: complete a partial n-queens placement; any valid placement scores."""

    family = "nqueens"
    kind = KIND
