"""Maze: find a path of U/D/L/R moves from S to G through a grid maze.

The generator carves a perfect maze by randomized depth-first search, knocks out a fraction of the
remaining inner walls to open alternative routes (`loops`), places S and G, and confirms with the
solver (breadth-first search) that G is reachable. Any path that avoids walls scores, unless
`shortest` caps its length at the shortest path's.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.errors import ConfigError
from rlvr.verifiers.logic._answer import ANSWER_INSTRUCTIONS
from rlvr.verifiers.logic.maze import STEPS


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


KIND = PuzzleKind("maze", LEVELS, generate, prompt, reference_answer)


class MazeEnv(LogicEnv):
    """`rlvr/Maze-v1`: walk from S to G; any wall-free path scores (a shortest one at higher levels)."""

    family = "maze"
    kind = KIND
