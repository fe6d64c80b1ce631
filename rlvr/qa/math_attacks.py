"""Attacks on the math family: the gold with words after it inside the box, near misses, box games.

A near miss is the gold moved a little: by one, by a tenth of a percent, by 10^-30. Golds that are not a
plain number or fraction are moved as an expression (`GOLD + 1`), which is wrong whatever the gold is.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from fractions import Fraction

from rlvr.envs.base import Task, TextEnv
from rlvr.qa.attacks import COMMON, THINK_CLOSE_GAME, Attack, hedges

_FRAC = re.compile(r"(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}")


def _number(gold: str) -> Fraction | None:
    """The gold as an exact number when it is one (`42`, `-3.5`, `7/2`, `-\\frac{7}{2}`), else None."""
    text = gold.strip().replace(",", "")
    match = _FRAC.fullmatch(text)
    if match:
        return Fraction(int(match[2]), int(match[3])) * (-1 if match[1] else 1)
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def _latex(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def _plus_one(task: Task, env: TextEnv, solution: str | None) -> str | None:
    value = _number(solution or "")
    return _latex(value + 1) if value is not None else f"{solution} + 1"


def _box(text: str) -> str:
    return f"The final answer is $\\boxed{{{text}}}$."


def _near_plus_one(task: Task, env: TextEnv, solution: str | None) -> str | None:
    return _box(_plus_one(task, env, solution) or "")


def _near_relative(task: Task, env: TextEnv, solution: str | None) -> str | None:
    value = _number(solution or "")
    if value is None:
        return _box(f"1.001 \\cdot ({solution})")
    moved = value * Fraction(1001, 1000) if value else Fraction(1, 1000)
    return _box(str(Decimal(moved.numerator) / Decimal(moved.denominator)))


def _near_tiny(task: Task, env: TextEnv, solution: str | None) -> str:
    return _box(f"{solution} + 10^{{-30}}")


def _trailing_text(task: Task, env: TextEnv, solution: str | None) -> str:
    return _box(f"{solution} \\text{{ is incorrect}}")


def _trailing_mbox(task: Task, env: TextEnv, solution: str | None) -> str:
    return _box(f"{solution} \\mbox{{ (not the answer)}}")


def _retraction(task: Task, env: TextEnv, solution: str | None) -> str:
    return _box(f"{solution} \\text{{, no wait, that is wrong}}")


def _random(task: Task, env: TextEnv, solution: str | None) -> str:
    rng = random.Random(f"rlvr.qa.math:{task.id}")
    guess = rng.randint(-1000, 1000)
    if _number(solution or "") == guess:
        guess += 7
    return _box(str(guess))


def _unclosed(task: Task, env: TextEnv, solution: str | None) -> str:
    return f"The final answer is $\\boxed{{{solution}$."


def _nested(task: Task, env: TextEnv, solution: str | None) -> str:
    return _box(f"{_plus_one(task, env, solution)} \\boxed{{{solution}}}")


MATH: tuple[Attack, ...] = (
    *COMMON,
    *hedges(_plus_one),
    THINK_CLOSE_GAME,
    Attack("random_answer", _random),
    Attack("tag_soup_unclosed_box", _unclosed, needs_solution=True),
    Attack("tag_soup_nested_box", _nested, needs_solution=True),
    Attack("retraction_in_box", _retraction, needs_solution=True),
    Attack("trailing_text_in_box", _trailing_text, needs_solution=True),
    Attack("trailing_mbox_in_box", _trailing_mbox, needs_solution=True),
    Attack("near_miss_plus_one", _near_plus_one, needs_solution=True),
    Attack("near_miss_relative", _near_relative, needs_solution=True),
    Attack("near_miss_tiny", _near_tiny, needs_solution=True),
)
