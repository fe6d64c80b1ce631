"""Graph coloring verifier: every vertex gets one color 1..k and no edge joins two same-colored vertices.

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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import AnswerError, require, require_int, run
from rlvr.verifiers.logic._grammar import scan
from rlvr.verifiers.logic._pairs import SYMBOLS, PairGrammar, read_pairs

KIND = "graph_coloring"
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
    return run(reference, completion, KIND, load, parse, check)
