"""Cryptarithm: each letter stands for a digit; find the digits that make the word addition true.

The generator adds random numbers whose sum is one digit longer than they are (as in SEND + MORE =
MONEY), writes the digits as random letters, and keeps the instance only when it has at least
`min_letters` letters and the solver (column by column from the right, with carries) finds exactly one
solution.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.errors import ConfigError
from rlvr.verifiers.logic._answer import ANSWER_INSTRUCTIONS
from rlvr.verifiers.logic.cryptarithm import Sum


@dataclass(frozen=True)
class CryptarithmConfig:
    """`addends` numbers of `width` digits each, written with at least `min_letters` distinct letters;
    the solution is unique."""

    addends: int = 2
    width: int = 2
    min_letters: int = 0

    def __post_init__(self) -> None:
        positive("addends", self.addends, 2, 4)
        positive("width", self.width, 2, 7)
        positive("min_letters", self.min_letters, 0, 8)


LEVELS = (CryptarithmConfig(2, 2, 0), CryptarithmConfig(2, 3, 4), CryptarithmConfig(2, 4, 5),
          CryptarithmConfig(2, 5, 7), CryptarithmConfig(2, 6, 8))


def solve(puzzle: Sum, limit: int = 2) -> list[dict[str, int]]:
    """Up to `limit` letter-to-digit solutions, assigning column by column from the right."""
    width = len(puzzle.result)
    if any(len(word) > width for word in puzzle.addends):
        return []
    columns = [([w[-1 - i] for w in puzzle.addends if len(w) > i], puzzle.result[-1 - i])
               for i in range(width)]
    leading = puzzle.leading
    digit_of: dict[str, int] = {}
    used = [False] * 10
    found: list[dict[str, int]] = []

    def bind(letter: str, digit: int) -> bool:
        if used[digit] or (digit == 0 and letter in leading):
            return False
        digit_of[letter], used[digit] = digit, True
        return True

    def unbind(letter: str) -> None:
        used[digit_of.pop(letter)] = False

    def column(i: int, carry: int, pending: list[str]) -> None:
        if len(found) >= limit:
            return
        if i == width:
            if carry == 0:
                found.append(dict(digit_of))
            return
        top, bottom = columns[i]
        todo = [c for c in top if c not in digit_of and c not in pending] if not pending else pending
        if todo:
            letter, rest = todo[0], todo[1:]
            for digit in range(10):
                if bind(letter, digit):
                    column(i, carry, [c for c in rest if c not in digit_of])
                    unbind(letter)
            return
        total = carry + sum(digit_of[c] for c in top)
        digit = total % 10
        if bottom in digit_of:
            if digit_of[bottom] == digit:
                column(i + 1, total // 10, [])
        elif bind(bottom, digit):
            column(i + 1, total // 10, [])
            unbind(bottom)

    column(0, 0, [])
    return found


def generate(rng: random.Random, config: CryptarithmConfig) -> dict[str, Any]:
    low, high = 10 ** (config.width - 1), 10 ** config.width - 1
    for _ in range(50_000):
        numbers = [rng.randint(low, high) for _ in range(config.addends)]
        digits = sorted(set("".join(map(str, [*numbers, sum(numbers)]))))
        if sum(numbers) <= high or len(digits) < config.min_letters:
            continue
        letters = dict(zip(digits, rng.sample(string.ascii_uppercase, len(digits)), strict=True))
        words = ["".join(letters[d] for d in str(n)) for n in [*numbers, sum(numbers)]]
        puzzle = Sum(tuple(words[:-1]), words[-1])
        if len(solve(puzzle)) == 1:
            return {"kind": "cryptarithm", "addends": words[:-1], "result": words[-1]}
    raise ConfigError(f"no uniquely solvable cryptarithm found for {config}")


def prompt(instance: Mapping[str, Any]) -> str:
    addends, result = instance["addends"], instance["result"]
    width = len(result) + 2
    lines = [word.rjust(width) for word in addends[:-1]] + ["+ " + addends[-1].rjust(width - 2),
                                                            "-" * width, result.rjust(width)]
    letters = sorted(set("".join([*addends, result])))
    return ("Solve this cryptarithm: each letter stands for a digit 0-9, different letters stand for "
            "different digits, and no number starts with 0.\n\n" + "\n".join(lines) +
            f"\n\n({' + '.join(addends)} = {result}.) Answer with the digit of every letter "
            f"({', '.join(letters)}), for example <answer>{letters[0]}=1, {letters[1]}=2, ...</answer>.\n"
            f"{ANSWER_INSTRUCTIONS}")


def format_answer(solution: Mapping[str, int]) -> str:
    return ", ".join(f"{letter}={digit}" for letter, digit in sorted(solution.items()))


def reference_answer(instance: Mapping[str, Any]) -> str | None:
    """The solver's answer to `instance`, formatted as the prompt asks."""
    found = solve(Sum(tuple(instance["addends"]), instance["result"]), limit=1)
    return format_answer(found[0]) if found else None


KIND = PuzzleKind("cryptarithm", LEVELS, generate, prompt, reference_answer)


class CryptarithmEnv(LogicEnv):
    """`rlvr/Cryptarithm-v1`: find the unique digit for each letter of a word addition."""

    family = "cryptarithm"
    kind = KIND
