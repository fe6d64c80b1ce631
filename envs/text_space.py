"""`UnicodeText`: the observation and action space of every text env, any string up to `max_length`.

Gymnasium's `Text` admits only its sampling charset (alphanumerics) and encodes a character as its index in
that charset, so a prompt's first space raised `KeyError(' ')` in `flatten` and in the shared memory of
`gym.make_vec(..., vectorization_mode="async")`. Here a character is its Unicode code point: `flatten`,
`unflatten` and the shared-memory reader are registered for this class (Gymnasium dispatches on the space's
type, and its shared-memory writer already goes through `flatten`). Gymnasium's own `Text` reader decodes the
memory once, when the vector env is built, so every later observation would repeat that one; ours returns
`SharedTexts`, a live view that the vector env deep-copies into a tuple of the current strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np
from gymnasium.spaces import Box, Text
from gymnasium.spaces.utils import flatten, flatten_space, unflatten
from gymnasium.vector.utils.shared_memory import read_from_shared_memory

PADDING = 0x110000  # one past the last code point: marks the unused tail of a flattened string


class UnicodeText(Text):
    """A `Text` space that holds any string up to `max_length`; sampling still draws from the charset."""

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length


@flatten.register(UnicodeText)
def _flatten(space: UnicodeText, x: str) -> np.ndarray:
    """Code points, padded to `max_length` (lone surrogates, which Python strings may hold, pass through)."""
    points = np.frombuffer(x.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    flat = np.full(space.max_length, PADDING, dtype=np.int32)
    flat[: len(points)] = points
    return flat


@unflatten.register(UnicodeText)
def _unflatten(space: UnicodeText, x: np.ndarray) -> str:
    points = np.asarray(x, dtype=np.int32)
    points = points[points != PADDING]
    return points.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


@flatten_space.register(UnicodeText)
def _flatten_space(space: UnicodeText) -> Box:
    return Box(low=0, high=PADDING, shape=(space.max_length,), dtype=np.int32)


class SharedTexts(Sequence[str]):
    """The strings in a vector env's shared memory, decoded when read (as a numpy view reads its buffer)."""

    def __init__(self, space: UnicodeText, rows: np.ndarray):
        self.space, self.rows = space, rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice):
            return tuple(_unflatten(self.space, row) for row in self.rows[index])
        return _unflatten(self.space, self.rows[index])

    def __deepcopy__(self, memo: dict) -> tuple[str, ...]:
        return tuple(self)

    def __repr__(self) -> str:
        return f"SharedTexts({tuple(self)!r})"


@read_from_shared_memory.register(UnicodeText)
def _read_shared(space: UnicodeText, shared_memory: Any, n: int = 1) -> SharedTexts:
    return SharedTexts(space, np.frombuffer(shared_memory.get_obj(), dtype=np.int32).reshape((n, space.max_length)))
