"""Reading a reasoning-gym reference: the checks that make a malformed one an `error`, never a score.

A reference crosses JSON, which turns tuples into lists; the ARC checkers compare the parsed board (tuples) with
`metadata["output"]`, so those boards are turned back into tuples here (`revive`), and the env's references
are JSON-shaped from the start (`source.entry_of`), so local and remote scoring agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rlvr.envs.reasoning_gym.strict import REFERENCE_RULES
from rlvr.errors import InvalidReferenceError
from rlvr.reasoning_gym_catalog import CURRICULUM_LEVELS, LEFT_OUT

KEYS = frozenset({"dataset", "entry", "partial_credit"})
ENTRY_KEYS = frozenset({"question", "answer", "metadata"})
_BOARDS = {"arc_agi": ("input", "output"), "rearc": ("input", "output")}


def load(reference: Mapping[str, Any]) -> tuple[str, dict[str, Any], bool]:
    """(dataset, entry, partial_credit) of a reference, or InvalidReferenceError saying what is wrong."""
    if not isinstance(reference, Mapping):
        raise InvalidReferenceError(f"reference must be an object, got {type(reference).__name__}")
    unknown = sorted(set(reference) - KEYS)
    if unknown:
        raise InvalidReferenceError(f"reference has unknown keys {unknown[:5]}; it holds {sorted(KEYS)}")
    dataset = reference.get("dataset")
    if dataset in LEFT_OUT or not isinstance(dataset, str) or dataset not in CURRICULUM_LEVELS:
        raise InvalidReferenceError(f"reference 'dataset' {str(dataset)[:60]!r} is not a reasoning-gym dataset "
                                    "rlvr serves")
    partial = reference.get("partial_credit", False)
    if not isinstance(partial, bool):
        raise InvalidReferenceError("reference 'partial_credit' must be true or false")
    entry = _entry(reference.get("entry"), dataset)
    why = REFERENCE_RULES[dataset](entry) if dataset in REFERENCE_RULES else None
    if why is not None:
        raise InvalidReferenceError(f"{dataset} reference: {why}")
    return dataset, revive(dataset, entry), partial


def _entry(entry: Any, dataset: str) -> dict[str, Any]:
    if not isinstance(entry, Mapping) or set(entry) != ENTRY_KEYS:
        raise InvalidReferenceError(f"reference 'entry' must be an object with exactly {sorted(ENTRY_KEYS)}")
    if not isinstance(entry["question"], str):
        raise InvalidReferenceError("reference entry 'question' must be a string")
    if entry["answer"] is not None and not isinstance(entry["answer"], str):
        raise InvalidReferenceError("reference entry 'answer' must be a string or null")
    metadata = entry["metadata"]
    if not isinstance(metadata, Mapping):
        raise InvalidReferenceError("reference entry 'metadata' must be an object")
    source = metadata.get("source_dataset", dataset)
    if source != dataset:
        raise InvalidReferenceError(f"the entry was made by {str(source)[:60]!r}, not {dataset!r}")
    return dict(entry)


def revive(dataset: str, entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with the values JSON turned into lists made tuples again where the checker compares tuples."""
    fields = _BOARDS.get(dataset)
    if not fields:
        return entry
    metadata = dict(entry["metadata"])
    for field in fields:
        board = metadata.get(field)
        if isinstance(board, list) and all(isinstance(row, list) for row in board):
            metadata[field] = tuple(tuple(row) for row in board)
    return {**entry, "metadata": metadata}
