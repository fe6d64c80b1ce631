"""Which attacks each family faces: one table keyed by family name, as `rlvr.registry.FAMILIES` is.

Every logic kind is a family of its own and faces the logic battery, as does the `logic` mix. A family this table
does not know (a plugin's) faces the attacks every family must resist.
"""

from __future__ import annotations

from rlvr.qa.attacks import COMMON, Attack
from rlvr.qa.code_attacks import CODE
from rlvr.qa.lean_attacks import LEAN
from rlvr.qa.logic_attacks import LOGIC
from rlvr.qa.math_attacks import MATH
from rlvr.qa.reasoning_gym_attacks import REASONING_GYM
from rlvr.registry import LOGIC_KINDS

BATTERIES: dict[str, tuple[Attack, ...]] = {
    "math": MATH,
    "code": CODE,
    "lean": LEAN,
    "logic": LOGIC,
    "reasoning_gym": REASONING_GYM,
    **{kind: LOGIC for kind in LOGIC_KINDS},
}


def battery_for(family: str) -> tuple[Attack, ...]:
    return BATTERIES.get(family, COMMON)
