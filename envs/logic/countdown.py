r"""Countdown: reach the target with + - * / over the given numbers, each used at most once.

The generator combines a random subset of the numbers (all of them when `use_all`) into a random
expression with integer intermediate results, takes its value as the target, and then confirms with the
solver that the target is reachable.

The verifier accepts an arithmetic expression over the given numbers that evaluates to the target.

Reference: `{"kind": "countdown", "numbers": [3, 7, 25, 50], "target": 181, "use_all": false}`.
Answer (grammar): one expression with `+ - * /` (also `×`, `·`, `⋅`, `∗`, `÷`, `−`, `x`, `:`) and matching
brackets, using each given number at most as often as it is given (exactly once each when `use_all`),
optionally `= <target>` after it or `<target> =` before it, and a final `.`. LaTeX `\times`, `\cdot`, `\div`,
`\left(`/`\right)` and the delimiters `$`, `\(`, `\)`, `\[`, `\]` are read; any other character or command
(`≠`, `?`, `\neq`, words) makes the answer unreadable.
Arithmetic is exact (fractions), so `7 / 2 * 4` is 14.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rlvr.envs.logic.answer import ANSWER_INSTRUCTIONS, AnswerError, require, require_int, run
from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import VerifyResult


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


MAX_TOKENS = 400
MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 12
OPERATORS = {"+": "+", "-": "-", "−": "-", "–": "-", "*": "*", "×": "*", "·": "*", "⋅": "*", "∙": "*", "∗": "*",
             "x": "*", "X": "*", "/": "/", "÷": "/", "∕": "/", ":": "/"}
OPEN_BRACKETS, CLOSE_BRACKETS = "([{", ")]}"
# LaTeX commands read as arithmetic; `\left` / `\right` must stand before a bracket. Any other command
# (`\neq`, `\text`, `\quad`, `\leftarrow`) is unreadable. `$`, `\(`, `\)`, `\[`, `\]` delimit math.
LATEX = {"times": "*", "cdot": "*", "div": "/", "ast": "*", "left": "", "right": ""}
MATH_DELIMITERS = ("\\(", "\\)", "\\[", "\\]", "$")
PAIRS = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True)
class Countdown:
    numbers: tuple[int, ...]
    target: int
    use_all: bool


@dataclass(frozen=True)
class Expression:
    value: Fraction | None  # None when it divides by zero
    used: tuple[int, ...]
    text: str


def load(reference: Mapping[str, Any]) -> Countdown:
    numbers = require(reference, "numbers", list)
    if not 1 <= len(numbers) <= 12 or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 < n < 10**9 for n in numbers):
        raise InvalidReferenceError("reference 'numbers' must be 1-12 positive ints")
    use_all = reference.get("use_all", False)
    if not isinstance(use_all, bool):
        raise InvalidReferenceError("reference 'use_all' must be a boolean")
    return Countdown(tuple(numbers), require_int(reference, "target", -10**12, 10**12), use_all)


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char.isdigit() and char.isascii():
            j = i
            while j < len(text) and text[j].isdigit() and text[j].isascii():
                j += 1
            if j - i > MAX_NUMBER_DIGITS:
                raise AnswerError("a number in the expression is too long")
            tokens.append(text[i:j])
            i = j
        elif char in OPERATORS or char in OPEN_BRACKETS or char in CLOSE_BRACKETS or char == "=":
            tokens.append(OPERATORS.get(char, char))
            i += 1
        elif char in "\\$":
            i = _latex(text, i, tokens)
        else:
            raise AnswerError(f"unexpected character {char!r} in the expression")
        if len(tokens) > MAX_TOKENS:
            raise AnswerError(f"the expression has more than {MAX_TOKENS} tokens")
    return tokens


def _latex(text: str, i: int, tokens: list[str]) -> int:
    """A math delimiter (skipped: it only says "maths") or a command from LATEX; anything else raises."""
    for delimiter in MATH_DELIMITERS:
        if text.startswith(delimiter, i):
            return i + len(delimiter)
    j = i + 1
    while j < len(text) and j - i <= 8 and text[j].isascii() and text[j].isalpha():
        j += 1
    name = text[i + 1:j]
    if name not in LATEX:
        raise AnswerError(f"unexpected {text[i:j + 1][:12]!r} in the expression")
    if LATEX[name]:
        tokens.append(LATEX[name])
    elif j >= len(text) or text[j] not in OPEN_BRACKETS + CLOSE_BRACKETS:
        raise AnswerError(f"\\{name} must stand before a bracket")
    return j


class _Parser:
    """Recursive descent over `expr := term (('+'|'-') term)*`, `term := unary (('*'|'/') unary)*`."""

    def __init__(self, tokens: list[str]):
        self.tokens, self.pos, self.used = tokens, 0, []

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expr(self, depth: int) -> Fraction | None:
        value = self.term(depth)
        while self.peek() in ("+", "-"):
            op = self.tokens[self.pos]
            self.pos += 1
            right = self.term(depth)
            value = None if value is None or right is None else value + right if op == "+" else value - right
        return value

    def term(self, depth: int) -> Fraction | None:
        value = self.unary(depth)
        while self.peek() in ("*", "/"):
            op = self.tokens[self.pos]
            self.pos += 1
            right = self.unary(depth)
            if value is None or right is None or (op == "/" and right == 0):
                value = None
            else:
                value = value * right if op == "*" else value / right
        return value

    def unary(self, depth: int) -> Fraction | None:
        if depth > MAX_DEPTH:
            raise AnswerError("the expression nests too deeply")
        token = self.peek()
        if token == "-":  # `10 - -4`: negation is no operation of the puzzle, and -4 no given number
            raise AnswerError("a minus sign before a number or bracket: only + - * / between numbers are allowed")
        if token is not None and token in OPEN_BRACKETS:
            self.pos += 1
            value = self.expr(depth + 1)
            if self.peek() != PAIRS[token]:
                raise AnswerError(f"the bracket {token!r} is not closed by {PAIRS[token]!r}")
            self.pos += 1
            return value
        if token is not None and token.isdigit():
            self.pos += 1
            self.used.append(int(token))
            return Fraction(int(token))
        raise AnswerError(f"expected a number or '(' but found {token or 'the end'!r}")


def parse(text: str, puzzle: Countdown) -> Expression:
    """`expr`, `expr = target` or `target = expr` (a final `.` is allowed); anything else is unreadable."""
    text = text.strip()
    tokens = tokenize(text[:-1] if text.endswith(".") else text)
    sides = _split(tokens, "=")
    if len(sides) == 2 and _is_target(sides[1], puzzle.target):
        sides = sides[:1]
    elif len(sides) == 2 and _is_target(sides[0], puzzle.target):
        sides = sides[1:]
    if len(sides) != 1 or not sides[0]:
        raise AnswerError("give one expression (optionally followed by '= target')")
    parser = _Parser(sides[0])
    value = parser.expr(0)
    if parser.pos != len(sides[0]):
        raise AnswerError(f"unexpected {sides[0][parser.pos]!r} after the expression")
    return Expression(value, tuple(parser.used), " ".join(sides[0]))


def _is_target(side: list[str], target: int) -> bool:
    return side in ([str(target)], ["-", str(-target)])


def _split(tokens: list[str], sep: str) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token == sep:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def check(puzzle: Countdown, expression: Expression) -> str | None:
    available, used = Counter(puzzle.numbers), Counter(expression.used)
    for number, count in sorted(used.items()):
        if number not in available:
            return f"uses {number}, which is not among the given numbers"
        if count > available[number]:
            return f"uses {number} {count} times but it is given {available[number]} time(s)"
    if puzzle.use_all:
        missing = sorted((available - used).elements())
        if missing:
            return f"does not use {', '.join(map(str, missing))}; every number must be used once"
    if expression.value is None:
        return "divides by zero"
    if expression.value != puzzle.target:
        return f"evaluates to {_show(expression.value)}, not the target {puzzle.target}"
    return None


def _show(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a countdown expression: only given numbers, each within its count, equal to the target."""
    return run(reference, completion, KIND.name, load, parse, check)


KIND = PuzzleKind("countdown", LEVELS, generate, prompt, reference_answer)


class CountdownEnv(LogicEnv):
    """`rlvr/Countdown-v1`: reach a target number with the given numbers and + - * /."""

    family = "countdown"
    kind = KIND
