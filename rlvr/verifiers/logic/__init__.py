"""Logic-puzzle verifiers: one module per puzzle kind, each with a pure `verify`; this package's `verify`
routes a reference to its kind's verifier by `reference["kind"]` (what `rlvr/Logic-v1` uses).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import shown

KINDS = ("sudoku", "countdown", "knights_knaves", "zebra", "nqueens", "graph_coloring", "maze", "cryptarithm")


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a completion against any logic instance, dispatching on its `kind`."""
    kind = reference.get("kind") if isinstance(reference, Mapping) else None
    if kind not in KINDS:
        raise InvalidReferenceError(f"reference 'kind' must be one of {', '.join(KINDS)}; got {shown(kind)}")
    module = importlib.import_module(f"rlvr.verifiers.logic.{kind}")
    return module.verify(completion=completion, reference=reference, config=config)
