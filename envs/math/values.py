"""From a grammar tree to values: plain numbers without sympy, everything else as exact sympy expressions.

Decimals become the exact rationals they write (`0.5` is 1/2); whether a tree holds a decimal at all is asked
separately (`has_decimal`), since a decimal gold is compared with a tolerance and an exact one is not.
Numbers too large to decide exactly (`10^{10^{10}}`, `10000!`) raise `Undecidable` instead of being built.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import sympy

from rlvr.envs.math.grammar import Chain, Group, Matrix, Name, Node, Num, Op

MAX_DIGITS = 5_000  # an integer power or factorial with more digits than this is not expanded
_FUNCTIONS = {"sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "cot": sympy.cot, "sec": sympy.sec,
              "csc": sympy.csc, "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan,
              "arccot": sympy.acot, "arcsec": sympy.asec, "arccsc": sympy.acsc, "sinh": sympy.sinh,
              "cosh": sympy.cosh, "tanh": sympy.tanh, "coth": sympy.coth, "exp": sympy.exp, "abs": sympy.Abs,
              "floor": sympy.floor, "ceiling": sympy.ceiling}
_NAMED = {"pi": sympy.pi, "e": sympy.E, "infty": sympy.oo}
NOT_SCALARS = frozenset({"emptyset"})
_UNSPECIFIED_LOG = sympy.Function("log_unspecified_base")
PlainNumber = Fraction | Decimal


class Undecidable(ValueError):
    """The value is too large to decide exactly; unsure is not yes."""


class NotANumber(ValueError):
    """A tree that has no scalar value (a set where a number stands, a division by zero)."""


def plain_number(node: Node, *, scientific_notation: bool = False) -> tuple[PlainNumber, bool] | None:
    """(value, ends in a percent sign) when `node` writes a plain number: `-12`, `0.25`, `\\frac{3}{4}`, `3/4`,
    `3\\frac12`, `0.\\overline{3}`, `30^\\circ`, `50\\%`, and with `scientific_notation` `2.5 \\times 10^{-4}`
    (a decimal); else None. Decimals stay Decimal, as written."""
    inner, percent = _without_percent(node)
    if isinstance(inner, Op) and inner.op == "degree":  # `30^\\circ` ends the number; inside one it is pi/180
        inner = inner.args[0]
    value = _plain_value(inner)
    if value is None and scientific_notation:
        value = scientific(inner)
    return None if value is None else (value, percent)


def _without_percent(node: Node) -> tuple[Node, bool]:
    """`50\\%` as (50, True); in `3 \\times 10^{-2}\\%` the sign binds to the power but ends the whole number."""
    if isinstance(node, Op) and node.op == "%":
        return node.args[0], True
    if isinstance(node, Op) and node.op == "*" and isinstance(node.args[1], Op) and node.args[1].op == "%":
        return Op("*", (node.args[0], node.args[1].args[0])), True
    return node, False


def _plain_value(node: Node) -> PlainNumber | None:
    if isinstance(node, Num):
        return node.value
    if not isinstance(node, Op):
        return None
    if node.op == "neg":
        inner = _plain_value(node.args[0])
        return None if inner is None else -inner
    if node.op in ("/", "mixed"):
        parts = [_plain_value(arg) for arg in node.args]
        if node.op == "mixed":
            return parts[0] + parts[1] if all(isinstance(p, Fraction) for p in parts) else None
        if all(isinstance(p, Fraction) and p.denominator == 1 for p in parts) and parts[1] != 0:
            return parts[0] / parts[1]
    return None


def scientific(node: Node) -> PlainNumber | None:
    """`10^{-7}`, `2.5 \\times 10^{-4}`, `-10^{-7}` as the decimal they write, else None; an integer written so
    (`3 \\times 10^{8}`) is exact, a Fraction, and gets no decimal tolerance."""
    if isinstance(node, Op) and node.op == "neg":
        inner = scientific(node.args[0])
        return None if inner is None else -inner
    mantissa: PlainNumber = Fraction(1)
    if isinstance(node, Op) and node.op == "*" and isinstance(node.args[0], Num):
        mantissa, node = node.args[0].value, node.args[1]
    if not (isinstance(node, Op) and node.op == "^" and node.args[0] == Num(Fraction(10))):
        return None
    exponent = _plain_value(node.args[1])
    if not isinstance(exponent, Fraction) or exponent.denominator != 1 or abs(exponent) > 1000:
        return None
    if isinstance(mantissa, Fraction) and mantissa.denominator != 1:
        return None
    _, digits, places = (mantissa if isinstance(mantissa, Decimal) else Decimal(mantissa.numerator)).as_tuple()
    value = Decimal((0, digits, places + int(exponent)))  # exact: the exponent moves the point, nothing rounds
    return Fraction(value) if value == value.to_integral_value() and not isinstance(mantissa, Decimal) else value


def has_decimal(node: Node) -> bool:
    """Whether `node` writes a decimal anywhere (`0.5\\pi`, `(1.5, 2)`)."""
    if isinstance(node, Num):
        return isinstance(node.value, Decimal)
    return any(has_decimal(child) for child in children(node))


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Op | Group):
        return node.args if isinstance(node, Op) else node.items
    if isinstance(node, Chain):
        return node.sides
    if isinstance(node, Matrix):
        return tuple(cell for row in node.rows for cell in row)
    return ()


def to_sympy(node: Node) -> sympy.Expr:
    """The exact value of a scalar tree; raises Undecidable for values too large to build, NotANumber for a
    tree that is no scalar (a set, a tuple)."""
    if isinstance(node, Num):
        value = node.value
        return sympy.Rational(str(value)) if isinstance(value, Decimal) else sympy.Rational(value.numerator,
                                                                                             value.denominator)
    if isinstance(node, Name):
        if node.name in NOT_SCALARS:
            raise NotANumber(f"{node.name} is no number")
        return _NAMED.get(node.name) or sympy.Symbol(node.name)
    if isinstance(node, Op):
        args = [to_sympy(arg) for arg in node.args]
        if node.op != "neg" and any(arg.has(sympy.oo, -sympy.oo, sympy.zoo) for arg in args):
            raise NotANumber("infinity inside arithmetic")  # `\\frac{7}{\\infty}` is no way to write 0
        return _operation(node.op, args)
    raise NotANumber(f"{type(node).__name__} is no number")


def _operation(op: str, args: list[sympy.Expr]) -> sympy.Expr:
    if op == "+":
        return args[0] + args[1]
    if op == "*":
        return args[0] * args[1]
    if op == "/":
        if args[1] == 0:
            raise NotANumber("division by zero")
        return args[0] / args[1]
    if op == "neg":
        return -args[0]
    if op == "^":
        return _power(args[0], args[1])
    if op == "sqrt":
        return sympy.sqrt(args[0])
    if op == "root":
        return _power(args[0], 1 / args[1])
    if op == "!":
        return _factorial(args[0])
    if op == "%":
        return args[0] / 100
    if op == "degree":
        return args[0] * sympy.pi / 180  # `30^\\circ` is pi/6; a plain-number gold compares degrees as written
    if op == "mixed":
        return args[0] + args[1]
    if op == "log":  # `\\log x` without a base is ln in some texts and log10 in others: its own function
        return sympy.log(*args) if len(args) == 2 else _UNSPECIFIED_LOG(args[0])
    if op == "ln":
        return sympy.log(args[0])
    if op == "binom":
        return sympy.binomial(args[0], args[1])
    return _FUNCTIONS[op](args[0])


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """`base^exponent`, refused when an exact rational result would run past MAX_DIGITS digits (`10^{10^{10}}`,
    and `(1 + 10^{-100})^{10^{100}}`, whose base is close to 1 but whose numerator is not)."""
    if base.is_number and exponent.is_number and exponent.is_real and base.is_real and base != 0:
        if abs(exponent) > MAX_DIGITS * 1_000 or _digits(base) * abs(float(exponent)) > MAX_DIGITS:
            raise Undecidable("a power too large to decide exactly")
    return sympy.Pow(base, exponent)


def _digits(base: sympy.Expr) -> float:
    """Digits of the larger of a rational's numerator and denominator (of the value, for irrationals)."""
    if base.is_Rational:
        return max(math.log10(abs(int(base.p))), math.log10(int(base.q)), 0.0) if base.p else 0.0
    return abs(math.log10(abs(float(base)))) + 1.0


def _factorial(value: sympy.Expr) -> sympy.Expr:
    if value.is_Integer and value > 1_000:
        raise Undecidable("a factorial too large to decide exactly")
    return sympy.factorial(value)
