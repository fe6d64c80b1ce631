"""`Member`: the driver's view of one verifier actor: whether it is live, where it runs, and what it holds now.

Room is what bounds the work in flight: at most `max_inflight` chunks per actor, and code items (families that
use the runtime's sandbox or other resources) no more than its sandbox slots, so a code item goes to the actor
with the most free slots and waits in the driver when none has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(eq=False)
class Member:
    index: int
    handle: Any  # the Ray actor handle (opaque here)
    code_slots: int
    node_id: str = ""
    alive: bool = False
    chunks: int = 0
    items: int = 0
    code_items: int = 0

    def fits(self, heavy: bool, n: int, max_inflight: int) -> bool:
        if self.chunks >= max_inflight:
            return False
        return not heavy or self.code_items == 0 or self.code_items + n <= self.code_slots

    def free_slots(self) -> int:
        return self.code_slots - self.code_items

    def take(self, heavy: bool, n: int) -> None:
        self.chunks += 1
        self.items += n
        self.code_items += n if heavy else 0

    def give_back(self, heavy: bool, n: int) -> None:
        self.chunks -= 1
        self.items -= n
        self.code_items -= n if heavy else 0


def pick(members: list[Member], *, heavy: bool, n: int, max_inflight: int, exclude: set[int]) -> Member | None:
    """The live member that should take a chunk now (code: most free slots; else: fewest items), or None when
    every live one is full. Raises LookupError when no live member is left outside `exclude`."""
    live = [m for m in members if m.alive and m.index not in exclude]
    if not live:
        raise LookupError("no live verifier actor")
    fits = [m for m in live if m.fits(heavy, n, max_inflight)]
    if not fits:
        return None
    return max(fits, key=Member.free_slots) if heavy else min(fits, key=lambda m: m.items)
