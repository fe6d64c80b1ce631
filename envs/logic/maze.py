"""Maze: find a path of U/D/L/R moves from S to G through a grid maze.

The generator carves a perfect maze by randomized depth-first search, knocks out a fraction of the
remaining inner walls to open alternative routes (`loops`), places S and G, and confirms with the
solver (breadth-first search) that G is reachable. Any path that avoids walls scores, unless
`shortest` caps its length at the shortest path's.

The verifier accepts a sequence of moves that walks from S to G without entering a wall.

Reference: `{"kind": "maze", "grid": ["#####", "#S.G#", "#####"], "max_moves": null}` (`#` wall, `.` open,
`S` start, `G` goal; `max_moves`, when set, caps the path length, e.g. at the shortest path's).
Answer (grammar): moves as `U D L R` letters (`RRDL` or `R, R, D, L`), words (`up`, `down`, `left`, `right`),
compass words (`north`, `south`, `east`, `west`), or arrows alone (`↑ ↓ ← →`); between moves only the
separators below and the words `path`, `moves`, `move`, `steps`, `then`. With letter or word moves, `→`
may stand only between two of them (`R → R → D`), as a separator. Any other word, digit or symbol
(`not`, `?`, `≠`, `(7 moves)`) makes the answer unreadable.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.answer import ANSWER_INSTRUCTIONS, AnswerError, require, run
from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import VerifyResult


@dataclass(frozen=True)
class MazeConfig:
    """`rows` x `cols` cells (the grid is 2*rows+1 by 2*cols+1 characters); `loops` is the share of inner
    walls removed after carving; `shortest` requires a shortest path."""

    rows: int = 3
    cols: int = 3
    loops: float = 0.1
    shortest: bool = False

    def __post_init__(self) -> None:
        positive("rows", self.rows, 2, 100)
        positive("cols", self.cols, 2, 100)
        if not isinstance(self.loops, (int, float)) or not 0 <= self.loops <= 1:
            raise ConfigError(f"loops must be in [0, 1], got {self.loops!r}")
        if not isinstance(self.shortest, bool):
            raise ConfigError(f"shortest must be a bool, got {self.shortest!r}")


LEVELS = (
    MazeConfig(3, 3, 0.1, False),
    MazeConfig(4, 5, 0.1, False),
    MazeConfig(6, 6, 0.1, False),
    MazeConfig(7, 8, 0.15, True),
    MazeConfig(10, 10, 0.15, True),
)


def solve(grid: list[str]) -> str | None:
    """A shortest move string from S to G (breadth-first search), or None when G is unreachable."""
    start = next((r, row.index("S")) for r, row in enumerate(grid) if "S" in row)
    previous: dict[tuple[int, int], tuple[tuple[int, int], str] | None] = {start: None}
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        if grid[cell[0]][cell[1]] == "G":
            path = []
            while previous[cell] is not None:
                cell, move = previous[cell]
                path.append(move)
            return "".join(reversed(path))
        for move, (dr, dc) in STEPS.items():
            nxt = (cell[0] + dr, cell[1] + dc)
            if (0 <= nxt[0] < len(grid) and 0 <= nxt[1] < len(grid[0]) and grid[nxt[0]][nxt[1]] != "#"
                    and nxt not in previous):
                previous[nxt] = (cell, move)
                queue.append(nxt)
    return None


def carve(rng: random.Random, rows: int, cols: int, loops: float) -> list[list[str]]:
    grid = [["#"] * (2 * cols + 1) for _ in range(2 * rows + 1)]
    stack = [(rng.randrange(rows), rng.randrange(cols))]
    visited = {stack[0]}
    grid[2 * stack[0][0] + 1][2 * stack[0][1] + 1] = "."
    while stack:
        r, c = stack[-1]
        options = [(r + dr, c + dc) for dr, dc in STEPS.values()
                   if 0 <= r + dr < rows and 0 <= c + dc < cols and (r + dr, c + dc) not in visited]
        if not options:
            stack.pop()
            continue
        nr, nc = rng.choice(options)
        grid[r + nr + 1][c + nc + 1] = "."
        grid[2 * nr + 1][2 * nc + 1] = "."
        visited.add((nr, nc))
        stack.append((nr, nc))
    inner = [(r, c) for r in range(1, 2 * rows) for c in range(1, 2 * cols)
             if grid[r][c] == "#" and (r % 2) != (c % 2)]
    for r, c in rng.sample(inner, int(len(inner) * loops)):
        grid[r][c] = "."
    return grid


def generate(rng: random.Random, config: MazeConfig) -> dict[str, Any]:
    grid = carve(rng, config.rows, config.cols, config.loops)
    cells = [(2 * r + 1, 2 * c + 1) for r in range(config.rows) for c in range(config.cols)]
    (sr, sc), (gr, gc) = rng.sample(cells, 2)
    grid[sr][sc], grid[gr][gc] = "S", "G"
    lines = ["".join(row) for row in grid]
    path = solve(lines)
    if path is None:
        raise ConfigError(f"generated an unsolvable maze for {config}; this is a bug")
    return {"kind": "maze", "grid": lines, "max_moves": len(path) if config.shortest else None}


def prompt(instance: Mapping[str, Any]) -> str:
    grid = "\n".join(instance["grid"])
    cap = instance["max_moves"]
    limit = " Any path that reaches G counts." if cap is None else f" Use a shortest path ({cap} moves)."
    return (f"Find a path through this maze from S to G. '#' is a wall, '.' is open floor; each move goes "
            f"one cell up (U), down (D), left (L) or right (R) and may not enter a wall.{limit}\n\n{grid}\n\n"
            "Answer with the moves as letters, for example <answer>R R D D L</answer>.\n"
            + ANSWER_INSTRUCTIONS)


def format_answer(path: str) -> str:
    return " ".join(path)


def reference_answer(instance: Mapping[str, Any]) -> str | None:
    """The solver's answer to `instance`, formatted as the prompt asks."""
    path = solve(instance["grid"])
    return format_answer(path) if path is not None else None


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
    return run(reference, completion, KIND.name, load, parse, check)


KIND = PuzzleKind("maze", LEVELS, generate, prompt, reference_answer)


class MazeEnv(LogicEnv):
    """`rlvr/Maze-v1`: walk from S to G; any wall-free path scores (a shortest one at higher levels)."""

    family = "maze"
    kind = KIND
