"""Graph coloring: color the vertices with k colors so that no edge joins two vertices of one color.

The generator plants a random k-coloring, draws edges only between differently colored vertices (so a
coloring exists), and confirms it with the solver (backtracking, most-constrained vertex first).
Any proper coloring scores.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.errors import ConfigError
from rlvr.verifiers.logic._answer import ANSWER_INSTRUCTIONS


@dataclass(frozen=True)
class GraphColoringConfig:
    """`vertices` vertices, `colors` colors, each allowed edge drawn with probability `density`."""

    vertices: int = 5
    colors: int = 3
    density: float = 0.5

    def __post_init__(self) -> None:
        positive("vertices", self.vertices, 2, 200)
        positive("colors", self.colors, 2, self.vertices)
        if not isinstance(self.density, (int, float)) or not 0 < self.density <= 1:
            raise ConfigError(f"density must be in (0, 1], got {self.density!r}")


LEVELS = (
    GraphColoringConfig(5, 3, 0.5),
    GraphColoringConfig(8, 3, 0.5),
    GraphColoringConfig(12, 3, 0.6),
    GraphColoringConfig(15, 4, 0.6),
    GraphColoringConfig(20, 4, 0.7),
)


def solve(vertices: int, colors: int, edges: list[list[int]],
          max_nodes: int = 1_000_000) -> dict[int, int] | None:
    """A proper coloring {vertex: color} with colors 1..`colors`, or None (also when the budget runs out)."""
    neighbours: dict[int, set[int]] = {v: set() for v in range(1, vertices + 1)}
    for u, v in edges:
        neighbours[u].add(v)
        neighbours[v].add(u)
    coloring: dict[int, int] = {}
    nodes = [max_nodes]

    def search() -> bool:
        if len(coloring) == vertices:
            return True
        nodes[0] -= 1
        if nodes[0] < 0:
            return False
        vertex = max((v for v in neighbours if v not in coloring),
                     key=lambda v: (len({coloring[u] for u in neighbours[v] if u in coloring}),
                                    len(neighbours[v]), -v))
        used = {coloring[u] for u in neighbours[vertex] if u in coloring}
        for color in range(1, colors + 1):
            if color not in used:
                coloring[vertex] = color
                if search():
                    return True
                del coloring[vertex]
        return False

    return dict(coloring) if search() else None


def generate(rng: random.Random, config: GraphColoringConfig) -> dict[str, Any]:
    for _ in range(100):
        planted = [rng.randrange(config.colors) for _ in range(config.vertices)]
        edges = [[u + 1, v + 1] for u in range(config.vertices) for v in range(u + 1, config.vertices)
                 if planted[u] != planted[v] and rng.random() < config.density]
        rng.shuffle(edges)
        if edges and solve(config.vertices, config.colors, edges) is not None:
            return {"kind": "graph_coloring", "vertices": config.vertices, "colors": config.colors,
                    "edges": edges}
    raise ConfigError(f"no graph coloring instance found for {config}")


def prompt(instance: Mapping[str, Any]) -> str:
    n, k = instance["vertices"], instance["colors"]
    edges = ", ".join(f"{u}-{v}" for u, v in instance["edges"])
    return (f"Color the vertices of this graph with colors 1-{k} so that no edge joins two vertices of the "
            f"same color. The graph has vertices 1-{n} and these edges:\n{edges}\n\n"
            f"Answer with one 'vertex: color' pair per vertex, for example "
            f"<answer>1: 1, 2: 2, 3: 1</answer> (listing all {n} vertices).\n{ANSWER_INSTRUCTIONS}")


def format_answer(coloring: Mapping[int, int]) -> str:
    return ", ".join(f"{v}: {c}" for v, c in sorted(coloring.items()))


def reference_answer(instance: Mapping[str, Any]) -> str | None:
    """The solver's answer to `instance`, formatted as the prompt asks."""
    coloring = solve(instance["vertices"], instance["colors"], instance["edges"])
    return format_answer(coloring) if coloring is not None else None


KIND = PuzzleKind("graph_coloring", LEVELS, generate, prompt, reference_answer)


class GraphColoringEnv(LogicEnv):
    """`rlvr/GraphColoring-v1`: properly color a graph with k colors; any proper coloring scores."""

    family = "graph_coloring"
    kind = KIND
