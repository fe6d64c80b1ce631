"""The numeric policy: when two numbers are equal, the same for plain numbers and inside every structure.

- both exact (integers, fractions, radicals, pi, ...): proven equal, never merely close (a rational within
  1e-24 of sqrt 2, or a constant wrong at its 62nd decimal, is not it);
- the gold is a decimal: relative tolerance `rel_tol`;
- the gold is exact and the answer a decimal: the decimal is exactly the gold, or, when the gold has no finite
  decimal expansion (1/3, sqrt(2), pi), it is the gold rounded or truncated to its places as written, with at
  least `min_significant_digits` digits (`3.1415900` is not pi);
- percentages compare as written or with the `%` taken off on both sides (`50\\%` = `0.5` = `50`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import sympy

_CHECK_DIGITS = 60  # a numeric look first: values that differ within 45 digits are different without a proof
_MAX_PLACES = 200  # a decimal written to more places than this against an irrational gold is undecided
_SYMBOL = sympy.Symbol("_rlvr_t")


@dataclass(frozen=True)
class NumericPolicy:
    rel_tol: float = 1e-6
    min_significant_digits: int = 6


PlainNumber = Fraction | Decimal


def plain_numbers_equal(gold: tuple[PlainNumber, bool], answer: tuple[PlainNumber, bool],
                        policy: NumericPolicy) -> bool:
    """Two plain numbers, each with whether it ended in `%`: compared as written (`50\\%` is 0.5) or both without
    their sign (datasets write the gold of "what percent ..." as 50), never mixed (`1000\\%` is not `10\\%`)."""
    return any(simple_numbers_equal(g, a, policy) for g, a in zip(_readings(*gold), _readings(*answer), strict=True))


def _readings(value: PlainNumber, percent: bool) -> tuple[PlainNumber, PlainNumber]:
    if not percent:
        return value, value
    return (value.scaleb(-2) if isinstance(value, Decimal) else value / 100), value


def simple_numbers_equal(gold: PlainNumber, answer: PlainNumber, policy: NumericPolicy) -> bool:
    """The policy above on plain numbers, without sympy."""
    if isinstance(gold, Decimal):
        g, a = Fraction(gold), Fraction(answer)
        return g == a or abs(g - a) <= decimal_tolerance(gold, policy)
    if isinstance(answer, Fraction) or Fraction(answer) == gold:
        return Fraction(answer) == gold
    if _terminates(gold):
        return False
    return _written_digits_match(gold, answer, policy)


def decimal_tolerance(gold: Decimal, policy: NumericPolicy) -> Fraction:
    """How far an answer may be from a decimal gold: `rel_tol` of it, but never half a unit in the gold's last
    written place or more (`2500000` is not `2500000.5`; `0.1000001` is `0.1`)."""
    relative = Fraction(policy.rel_tol) * abs(Fraction(gold))
    exponent = gold.as_tuple().exponent
    half_unit = Fraction(1, 2) * Fraction(10) ** exponent if isinstance(exponent, int) else relative
    return min(relative, half_unit * Fraction(999, 1000))


def decimal_matches_exact(gold: sympy.Expr, written: Decimal, policy: NumericPolicy) -> bool:
    """An exact gold that is no plain number (`\\sqrt2`, `\\pi`) against a written decimal."""
    if not gold.is_number or gold.free_symbols:
        return False
    if gold.is_Rational:
        return simple_numbers_equal(Fraction(int(gold.p), int(gold.q)), written, policy)
    places = -written.as_tuple().exponent
    if places > _MAX_PLACES:
        return False
    value = sympy.N(gold, max(places, 0) + 30)
    if not (value.is_real and value.is_finite):
        return False
    return _written_digits_match(Fraction(str(value)), written, policy)


def _written_digits_match(gold: Fraction, answer: Decimal, policy: NumericPolicy) -> bool:
    _, digits, exponent = answer.as_tuple()
    if len(digits) < policy.min_significant_digits or exponent >= 0:
        return False
    return rounded_or_truncated(gold, Fraction(answer), -exponent)


def rounded_or_truncated(gold: Fraction, answer: Fraction, places: int) -> bool:
    """`answer` is `gold` cut to `places` decimals, or rounded there (0.333334 is neither for 1/3)."""
    scaled = gold * 10**places
    truncated = int(scaled)  # towards zero
    rounded = int(scaled + (Fraction(1, 2) if scaled > 0 else Fraction(-1, 2)))
    return answer * 10**places in (truncated, rounded)


def tolerance_equal(gold: sympy.Expr, answer: sympy.Expr, policy: NumericPolicy) -> bool:
    """A gold that writes a decimal: relative tolerance on the values (exact equality where symbols remain)."""
    if gold.free_symbols or answer.free_symbols:
        return exact_equal(gold, answer)
    g, a = sympy.N(gold, _CHECK_DIGITS), sympy.N(answer, _CHECK_DIGITS)
    if not (g.is_number and a.is_number and g.is_finite and a.is_finite):
        return bool(gold == answer)
    return bool(abs(g - a) <= policy.rel_tol * abs(g))


def exact_equal(gold: sympy.Expr, answer: sympy.Expr) -> bool:
    """Proven equal: the difference simplifies to zero (or, for algebraic numbers, its minimal polynomial is x).
    Close is not equal; where no proof is found the answer is not equal."""
    if gold == answer:
        return True
    difference = gold - answer
    if difference == 0:
        return True
    if difference.free_symbols:
        return sympy.expand(difference) == 0 or sympy.simplify(difference) == 0
    g, a = sympy.N(gold, _CHECK_DIGITS), sympy.N(answer, _CHECK_DIGITS)
    if not (g.is_number and a.is_number):
        return False
    if not (g.is_finite and a.is_finite):
        return False  # infinities equal only as written, caught above
    if abs(g - a) > sympy.Float(10) ** -45 * max(1, abs(g)):
        return False
    if difference.is_Rational:
        return False
    return _proven_zero(difference)


def _proven_zero(difference: sympy.Expr) -> bool:
    if not difference.has(sympy.pi, sympy.E, sympy.log, sympy.exp, sympy.sin, sympy.cos, sympy.tan):
        try:
            return sympy.minimal_polynomial(difference, _SYMBOL) == _SYMBOL
        except (NotImplementedError, ValueError, sympy.polys.polyerrors.PolynomialError):
            return False
    return sympy.simplify(difference) == 0


def _terminates(value: Fraction) -> bool:
    """True for rationals with a finite decimal expansion (denominator 2^a 5^b)."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1
