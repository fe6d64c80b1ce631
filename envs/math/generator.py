"""Procedural math problems: each one a pure function of (seed, index, config), so the supply is endless
and any problem can be rebuilt anywhere from its id.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from rlvr.envs.base import Task
from rlvr.errors import ConfigError, TaskNotFound

INSTRUCTION = "Reason step by step, then give only the final answer inside \\boxed{}."
KINDS = ("arithmetic", "fractions", "linear", "word")
MAX_DIFFICULTY = 5


@dataclass(frozen=True)
class Problem:
    question: str
    answer: str
    kind: str


@dataclass(frozen=True)
class ProceduralMath:
    """An endless, seeded task source; `difficulty` 1-5 (level 0-4) scales magnitudes and the number of steps.

    A task id names everything its problem is a function of: `math/L<level>/<seed>/<index>`, with the kinds
    after the level when they are not all four (`math/L2-arithmetic+word/0/17`), so any id can be rebuilt.
    `kinds` may be one kind's name.
    """

    seed: int = 0
    difficulty: int = 1
    kinds: tuple[str, ...] | str = KINDS
    size: int = 2**31 - 1

    def __post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ConfigError(f"seed must be an int, got {self.seed!r}")
        if (isinstance(self.difficulty, bool) or not isinstance(self.difficulty, int)
                or not 1 <= self.difficulty <= MAX_DIFFICULTY):
            raise ConfigError(f"difficulty must be an int in 1..{MAX_DIFFICULTY}, got {self.difficulty!r}")
        kinds = (self.kinds,) if isinstance(self.kinds, str) else self.kinds
        if not isinstance(kinds, (tuple, list)) or not kinds or set(kinds) - set(KINDS):
            raise ConfigError(f"kinds must be one of {KINDS} or a non-empty list of them, got {self.kinds!r}")
        object.__setattr__(self, "kinds", tuple(kinds))

    @property
    def level(self) -> int:
        return self.difficulty - 1

    @property
    def tag(self) -> str:
        kinds = "" if self.kinds == KINDS else "-" + "+".join(self.kinds)
        return f"L{self.level}{kinds}"

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> Task:
        if not 0 <= index < self.size:
            raise TaskNotFound(f"task index {index} out of range [0, {self.size})")
        problem = generate(self.seed, index, self.difficulty, self.kinds)
        return Task(
            id=f"math/{self.tag}/{self.seed}/{index}",
            prompt=f"{problem.question}\n\n{INSTRUCTION}",
            reference={"answer": problem.answer},
            metadata={"kind": problem.kind, "level": self.level, "difficulty": self.difficulty},
        )

    def by_id(self, task_id: str) -> Task:
        """The problem an id names, whatever level and kinds this source is at."""
        name, tag, seed, index = (task_id.split("/") + ["", "", "", ""])[:4]
        level, _, kinds = tag.partition("-")
        if (name != "math" or task_id.count("/") != 3 or not level[1:].isdigit() or not level.startswith("L")
                or not seed.lstrip("-").isdigit() or not index.isdigit()):
            raise TaskNotFound(f"no math task has the id {task_id!r}; ids look like math/L<level>/<seed>/<index>")
        try:
            source = ProceduralMath(int(seed), int(level[1:]) + 1, tuple(kinds.split("+")) if kinds else KINDS)
        except ConfigError as exc:
            raise TaskNotFound(f"no math task has the id {task_id!r}: {exc}") from None
        return source[int(index)]


def generate(seed: int, index: int, difficulty: int, kinds: tuple[str, ...] = KINDS) -> Problem:
    """The problem at `index` of the stream `seed`; a local RNG, never the global one."""
    rng = random.Random(f"rlvr-math:{seed}:{index}:{difficulty}")
    kind = kinds[rng.randrange(len(kinds))]
    return _GENERATORS[kind](rng, difficulty)


def _arithmetic(rng: random.Random, difficulty: int) -> Problem:
    high = 10 ** min(difficulty, 4)
    terms = [rng.randint(1, high) for _ in range(difficulty + 1)]
    ops = [rng.choice("+-*") for _ in range(difficulty)]
    expression = " ".join(f"{t} {op}" for t, op in zip(terms, ops, strict=False)) + f" {terms[-1]}"
    value = _evaluate(terms, ops)
    latex = expression.replace("*", "\\times")
    return Problem(f"Compute ${latex}$.", str(value), "arithmetic")


def _evaluate(terms: list[int], ops: list[str]) -> int:
    """Left-to-right with the usual precedence of * over + and -."""
    products = [terms[0]]
    signs = [1]
    for term, op in zip(terms[1:], ops, strict=True):
        if op == "*":
            products[-1] *= term
        else:
            products.append(term)
            signs.append(1 if op == "+" else -1)
    return sum(sign * product for sign, product in zip(signs, products, strict=True))


def _fractions(rng: random.Random, difficulty: int) -> Problem:
    high = 3 + 3 * difficulty
    a, b = Fraction(rng.randint(1, high), rng.randint(2, high)), Fraction(rng.randint(1, high), rng.randint(2, high))
    op = rng.choice("+-*" if difficulty < 3 else "+-*/")
    value = {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op]
    symbol = {"+": "+", "-": "-", "*": "\\times", "/": "\\div"}[op]
    question = (f"Compute ${_latex(a)} {symbol} {_latex(b)}$ and simplify; give the answer as a fraction in "
                "lowest terms (or an integer).")
    return Problem(question, _latex(value), "fractions")


def _linear(rng: random.Random, difficulty: int) -> Problem:
    high = 5 * difficulty
    x = rng.randint(-high, high)
    a = rng.choice([n for n in range(-high, high + 1) if n != 0])
    c = rng.choice([n for n in range(-high, high + 1) if n != a])
    b = rng.randint(-high * 3, high * 3)
    d = (a - c) * x + b
    left = _linear_side(a, b)
    right = _linear_side(c, d) if difficulty >= 2 or c != 0 else str(d)
    return Problem(f"Solve for $x$: ${left} = {right}$.", str(x), "linear")


def _word(rng: random.Random, difficulty: int) -> Problem:
    name = rng.choice(["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana"])
    item = rng.choice(["apples", "stickers", "marbles", "books", "coins"])
    start = rng.randint(2, 10 * difficulty)
    packs, per_pack = rng.randint(2, 2 + 2 * difficulty), rng.randint(2, 3 + 3 * difficulty)
    total = start + packs * per_pack
    given = rng.randint(0, total if difficulty >= 3 else start)
    question = (f"{name} has {start} {item}. {name} buys {packs} packs with {per_pack} {item} in each pack, "
                f"then gives away {given} {item}. How many {item} does {name} have now?")
    return Problem(question, str(total - given), "word")


def _linear_side(coefficient: int, constant: int) -> str:
    term = {1: "x", -1: "-x"}.get(coefficient, f"{coefficient}x")
    if coefficient == 0:
        return str(constant)
    if constant == 0:
        return term
    return f"{term} {'+' if constant > 0 else '-'} {abs(constant)}"


def _latex(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


_GENERATORS: dict[str, Callable[[random.Random, int], Problem]] = {
    "arithmetic": _arithmetic,
    "fractions": _fractions,
    "linear": _linear,
    "word": _word,
}
