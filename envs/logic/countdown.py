"""Countdown: reach the target with + - * / over the given numbers, each used at most once.

The generator combines a random subset of the numbers (all of them when `use_all`) into a random
expression with integer intermediate results, takes its value as the target, and then confirms with the
solver that the target is reachable.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.errors import ConfigError
from rlvr.verifiers.logic._answer import ANSWER_INSTRUCTIONS


@dataclass(frozen=True)
class CountdownConfig:
    """`count` numbers drawn from 1..`max_number`; the target lies in [`min_target`, `max_target`]."""

    count: int = 3
    max_number: int = 10
    min_target: int = 2
    max_target: int = 100
    use_all: bool = True

    def __post_init__(self) -> None:
        positive("count", self.count, 2, 7)
        positive("max_number", self.max_number, 2, 1000)
        positive("min_target", self.min_target, 1)
        positive("max_target", self.max_target, self.min_target, 10**6)
        if not isinstance(self.use_all, bool):
            raise ConfigError(f"use_all must be a bool, got {self.use_all!r}")


LEVELS = (
    CountdownConfig(3, 10, 2, 50, True),
    CountdownConfig(4, 15, 10, 150, True),
    CountdownConfig(4, 25, 20, 300, False),
    CountdownConfig(5, 50, 50, 600, False),
    CountdownConfig(6, 100, 100, 999, False),
)


def _steps(a: Fraction, b: Fraction) -> list[tuple[Fraction, str]]:
    """The positive integer results of one operation on a and b (`r` prefix: operands swapped)."""
    options = [(a + b, "+"), (a * b, "*"), (a - b, "-"), (b - a, "r-"), (a / b, "/"), (b / a, "r/")]
    return [(value, op) for value, op in options if value > 0 and value.denominator == 1]


def solve(numbers: list[int], target: int, use_all: bool, max_states: int = 200_000) -> str | None:
    """An expression over `numbers` equal to `target`, or None.

    Depth-first over pairs of numbers, memoised on the multiset left, with positive integer intermediate
    results only: that is the space the generator draws targets from, so every generated instance has a
    solution in it (the verifier itself accepts any exact arithmetic, fractions included).
    """
    seen: set[tuple[Fraction, ...]] = set()
    budget = [max_states]

    def search(items: list[tuple[Fraction, str]]) -> str | None:
        if len(items) == 1 or not use_all:
            hit = next((text for value, text in items if value == target), None)
            if hit is not None:
                return hit
        if len(items) == 1:
            return None
        key = tuple(sorted(value for value, _ in items))
        if key in seen or budget[0] <= 0:
            return None
        seen.add(key)
        budget[0] -= 1
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                (a, ta), (b, tb) = items[i], items[j]
                rest = [items[k] for k in range(len(items)) if k not in (i, j)]
                for value, op in _steps(a, b):
                    left, right = (tb, ta) if op.startswith("r") else (ta, tb)
                    found = search([*rest, (value, f"({left} {op[-1]} {right})")])
                    if found is not None:
                        return found
        return None

    found = search([(Fraction(n), str(n)) for n in numbers])
    return found[1:-1] if found and found.startswith("(") else found


def _random_target(rng: random.Random, numbers: list[int], config: CountdownConfig) -> int | None:
    size = len(numbers) if config.use_all else rng.randint(max(2, len(numbers) - 2), len(numbers))
    chosen = rng.sample(numbers, size)
    values = [Fraction(n) for n in chosen]
    while len(values) > 1:
        a = values.pop(rng.randrange(len(values)))
        b = values.pop(rng.randrange(len(values)))
        values.append(rng.choice(_steps(a, b))[0])
    target = int(values[0])
    ok = config.min_target <= target <= config.max_target and target not in numbers
    return target if ok else None


def generate(rng: random.Random, config: CountdownConfig) -> dict[str, Any]:
    for _ in range(10_000):
        numbers = [rng.randint(1, config.max_number) for _ in range(config.count)]
        target = _random_target(rng, numbers, config)
        if target is not None and solve(numbers, target, config.use_all) is not None:
            return {"kind": "countdown", "numbers": numbers, "target": target, "use_all": config.use_all}
    raise ConfigError(f"no countdown instance fits {config}; widen the target range")


def prompt(instance: Mapping[str, Any]) -> str:
    numbers = ", ".join(map(str, instance["numbers"]))
    rule = ("Use every number exactly once." if instance["use_all"]
            else "Use each number at most once; you need not use them all.")
    return (f"Using the numbers [{numbers}], write an arithmetic expression equal to {instance['target']}. "
            f"You may use +, -, *, / and parentheses. {rule} A number given twice may be used twice.\n\n"
            f"Answer with the expression only, for example <answer>(3 + 5) * 2</answer>.\n"
            f"{ANSWER_INSTRUCTIONS}")


def reference_answer(instance: Mapping[str, Any]) -> str | None:
    """The solver's answer to `instance`, formatted as the prompt asks."""
    return solve(instance["numbers"], instance["target"], instance["use_all"])


KIND = PuzzleKind("countdown", LEVELS, generate, prompt, reference_answer)


class CountdownEnv(LogicEnv):
    """`rlvr/Countdown-v1`: reach a target number with the given numbers and + - * /."""

    family = "countdown"
    kind = KIND
