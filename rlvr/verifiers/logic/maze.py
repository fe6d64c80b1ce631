"""Maze verifier: a sequence of moves that walks from S to G without entering a wall.

Reference: `{"kind": "maze", "grid": ["#####", "#S.G#", "#####"], "max_moves": null}` (`#` wall, `.` open,
`S` start, `G` goal; `max_moves`, when set, caps the path length, e.g. at the shortest path's).
Answer (grammar): moves as `U D L R` letters (`RRDL` or `R, R, D, L`), words (`up`, `down`, `left`, `right`),
compass words (`north`, `south`, `east`, `west`), or arrows alone (`↑ ↓ ← →`); between moves only the
separators below and the words `path`, `moves`, `move`, `steps`, `then`. With letter or word moves, `→`
may stand only between two of them (`R → R → D`), as a separator. Any other word, digit or symbol
(`not`, `?`, `≠`, `(7 moves)`) makes the answer unreadable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import AnswerError, require, run

KIND = "maze"
MAX_SIDE = 201
MAX_MOVES = 20_000
STEPS = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}
WORD_MOVES = {"up": "U", "down": "D", "left": "L", "right": "R", "north": "U", "south": "D", "west": "L",
              "east": "R"}
ARROWS = {"↑": "U", "↓": "D", "←": "L", "→": "R"}
FILLER_WORDS = frozenset({"path", "moves", "move", "steps", "then"})
SEPARATORS = frozenset(" \t\r\n,;:.-|>[](){}'\"")


@dataclass(frozen=True)
class Maze:
    grid: tuple[str, ...]
    start: tuple[int, int]
    goal: tuple[int, int]
    max_moves: int | None


def load(reference: Mapping[str, Any]) -> Maze:
    grid = require(reference, "grid", list)
    if not 1 <= len(grid) <= MAX_SIDE or not all(isinstance(row, str) for row in grid):
        raise InvalidReferenceError(f"grid must be a list of 1-{MAX_SIDE} strings")
    width = len(grid[0])
    if not 1 <= width <= MAX_SIDE or any(len(row) != width or set(row) - set("#.SG") for row in grid):
        raise InvalidReferenceError("grid rows must be equally long strings of # . S G")
    marks = {mark: [(r, c) for r, row in enumerate(grid) for c, cell in enumerate(row) if cell == mark]
             for mark in "SG"}
    if len(marks["S"]) != 1 or len(marks["G"]) != 1:
        raise InvalidReferenceError("grid must hold exactly one S and one G")
    max_moves = reference.get("max_moves")
    bad = not isinstance(max_moves, int) or isinstance(max_moves, bool) or max_moves < 0
    if max_moves is not None and bad:
        raise InvalidReferenceError("max_moves must be null or a non-negative int")
    return Maze(tuple(grid), marks["S"][0], marks["G"][0], max_moves)


def parse(text: str, maze: Maze) -> list[str]:
    """Moves written as letters or words, or as arrows; `→` between two letter moves is only a separator."""
    groups: list[tuple[str, list[str]]] = []  # ("word", moves) or ("arrow", [move]) in reading order
    word = ""
    for char in text + " ":
        if char.isascii() and char.isalpha():
            word += char
            if len(word) > MAX_MOVES:
                raise AnswerError("too many moves")
            continue
        if word:
            groups.append(("word", _word_moves(word)))
            word = ""
        if char in ARROWS:
            groups.append(("arrow", [ARROWS[char]]))
        elif char not in SEPARATORS:
            raise AnswerError(f"unexpected character {char!r}; write moves as U, D, L, R")
        if len(groups) > MAX_MOVES:
            raise AnswerError(f"more than {MAX_MOVES} moves")
    moves = _moves(groups)
    if not moves:
        raise AnswerError("no moves found")
    if len(moves) > MAX_MOVES:
        raise AnswerError(f"more than {MAX_MOVES} moves")
    return moves


def _moves(groups: list[tuple[str, list[str]]]) -> list[str]:
    """Arrows alone are moves; with letter moves, `→` may only stand between two of them (`R → D`)."""
    if not any(kind == "word" and moves for kind, moves in groups):
        return [move for _, moves in groups for move in moves]
    out: list[str] = []
    for k, (kind, moves) in enumerate(groups):
        if kind == "word":
            out.extend(moves)
            continue
        before, after = groups[k - 1] if k else None, groups[k + 1] if k + 1 < len(groups) else None
        if moves != ["R"] or not (before and before[0] == "word" and after and after[0] == "word"):
            raise AnswerError("arrows and letter moves are mixed; write the moves one way")
    return out


def _word_moves(word: str) -> list[str]:
    lowered = word.lower()
    if lowered in WORD_MOVES:
        return [WORD_MOVES[lowered]]
    if lowered in FILLER_WORDS:
        return []
    upper = word.upper()
    if all(char in STEPS for char in upper):
        return list(upper)
    raise AnswerError(f"unexpected word {word!r}; write moves as U, D, L, R")


def check(maze: Maze, moves: list[str]) -> str | None:
    if maze.max_moves is not None and len(moves) > maze.max_moves:
        return f"the path takes {len(moves)} moves; at most {maze.max_moves} are allowed"
    row, col = maze.start
    for number, move in enumerate(moves, 1):
        dr, dc = STEPS[move]
        r, c = row + dr, col + dc
        if not (0 <= r < len(maze.grid) and 0 <= c < len(maze.grid[0])) or maze.grid[r][c] == "#":
            return f"move {number} ({move}) from row {row + 1} column {col + 1} runs into a wall"
        row, col = r, c
    if (row, col) != maze.goal:
        return f"the path ends at row {row + 1} column {col + 1}, not at the goal G"
    return None


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a path through the maze: no wall entered, ends on G, within max_moves if set."""
    return run(reference, completion, KIND, load, parse, check)
