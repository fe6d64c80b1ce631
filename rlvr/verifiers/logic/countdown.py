"""Countdown verifier: an arithmetic expression over the given numbers that evaluates to the target.

Reference: `{"kind": "countdown", "numbers": [3, 7, 25, 50], "target": 181, "use_all": false}`.
Answer (grammar): one expression with `+ - * /` (also `×`, `·`, `⋅`, `∗`, `÷`, `−`, `x`, `:`) and matching
brackets, using each given number at most as often as it is given (exactly once each when `use_all`),
optionally `= <target>` after it or `<target> =` before it, and a final `.`. LaTeX `\\times`, `\\cdot`, `\\div`,
`\\left(`/`\\right)` and the delimiters `$`, `\\(`, `\\)`, `\\[`, `\\]` are read; any other character or command
(`≠`, `?`, `\\neq`, words) makes the answer unreadable.
Arithmetic is exact (fractions), so `7 / 2 * 4` is 14.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import AnswerError, require, require_int, run

KIND = "countdown"
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
    return run(reference, completion, KIND, load, parse, check)
