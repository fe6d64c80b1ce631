"""Graph coloring: color the vertices with k colors so that no edge joins two vertices of one color.

The generator plants a random k-coloring, draws edges only between differently colored vertices (so a
coloring exists), and confirms it with the solver (backtracking, most-constrained vertex first).
Any proper coloring scores.

The verifier accepts every vertex gets one color 1..k and no edge joins two same-colored vertices.

Reference: `{"kind": "graph_coloring", "vertices": 6, "colors": 3, "edges": [[1, 2], [2, 3], ...]}`
(vertices numbered 1..vertices).
Answer (grammar, in `_pairs`): `vertex: color` pairs such as `1: 2, 2: 1, 3: 3` (`:`, `=`, `->`, `→`, `-`,
`is`, `gets` link the two; `(1, 2)` tuples; one bracket pair around all, `{1: 2, 2: 1}`). Labelled pairs are
read by their labels in either order (`color 2 vertex 1`, `vertex 1 gets colour 2`, `v1: c2`), every pair
written alike; a `| Color | Vertex |` header sets the order of the rows under it. Anything else is
unreadable: a relation that is not an assignment (`≠`, `!=`, `<`, `is not`), a sign (`1: -1`), a stray
word or symbol.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.answer import ANSWER_INSTRUCTIONS, AnswerError, require, require_int, run
from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.envs.logic.grammar import scan
from rlvr.envs.logic.pairs import SYMBOLS, PairGrammar, read_pairs
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import VerifyResult


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


MAX_VERTICES = 500
LABELS = {"vertex": "vertex", "vertices": "vertex", "node": "vertex", "nodes": "vertex", "v": "vertex",
          "color": "color", "colors": "color", "colour": "color", "colours": "color", "c": "color"}
GRAMMAR = PairGrammar(("vertex", "color"), LABELS, frozenset({"is", "gets"}))


@dataclass(frozen=True)
class Graph:
    vertices: int
    colors: int
    edges: tuple[tuple[int, int], ...]


def load(reference: Mapping[str, Any]) -> Graph:
    vertices = require_int(reference, "vertices", 1, MAX_VERTICES)
    colors = require_int(reference, "colors", 1, vertices)
    edges = []
    for edge in require(reference, "edges", list):
        if not (isinstance(edge, list) and len(edge) == 2 and all(
                isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= vertices for v in edge)):
            raise InvalidReferenceError(f"edges must be [u, v] pairs of vertices 1..{vertices}")
        edges.append((edge[0], edge[1]))
    return Graph(vertices, colors, tuple(edges))


def parse(text: str, graph: Graph) -> dict[int, int]:
    pairs = read_pairs(scan(text, SYMBOLS, max_token=12), GRAMMAR)
    coloring: dict[int, int] = {}
    for vertex, color in pairs:
        if coloring.get(vertex, color) != color:
            raise AnswerError(f"vertex {vertex} is given two colors")
        coloring[vertex] = color
    return coloring


def check(graph: Graph, coloring: dict[int, int]) -> str | None:
    for vertex in sorted(coloring):
        if not 1 <= vertex <= graph.vertices:
            return f"vertex {vertex} does not exist (vertices are 1-{graph.vertices})"
        if not 1 <= coloring[vertex] <= graph.colors:
            return f"vertex {vertex} has color {coloring[vertex]}, not one of 1-{graph.colors}"
    for vertex in range(1, graph.vertices + 1):
        if vertex not in coloring:
            return f"vertex {vertex} has no color"
    for u, v in graph.edges:
        if coloring[u] == coloring[v]:
            return f"edge {u}-{v} joins two vertices of color {coloring[u]}"
    return None


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a coloring: every vertex colored from 1..k, no edge monochromatic."""
    return run(reference, completion, KIND.name, load, parse, check)


KIND = PuzzleKind("graph_coloring", LEVELS, generate, prompt, reference_answer)


class GraphColoringEnv(LogicEnv):
    """`rlvr/GraphColoring-v1`: properly color a graph with k colors; any proper coloring scores."""

    family = "graph_coloring"
    kind = KIND
