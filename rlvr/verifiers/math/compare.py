"""Decide whether an extracted answer equals the gold.

Parsing and structural comparison (sets, intervals, tuples, matrices, equations) are math-verify's.
Its numeric equality is not: it rounds to 6 absolute decimals and chops tiny values, so it accepts
`1/2^98` for `1/2^99` and `0.0000002` for `0.0000001`. We replace that one function with an explicit
policy (`numbers_equal`), which every structure then uses for its elements:

- both exact (integers, fractions, radicals, pi, ...): equal to 40 significant digits, i.e. exactly;
- the gold is a decimal: relative tolerance `rel_tol`;
- the gold is exact and the answer a decimal: equal if the decimal is exactly the gold, or, when the gold
  has no finite decimal expansion (1/3, sqrt(2), pi), if it is the gold rounded or truncated to at
  least `min_significant_digits` digits, counting the places as written (`3.1415900` is not pi);
- the gold is exact and the answer an expression with decimals in it (`0.5\\pi`): the decimals read exactly.

A plain-number gold is decided without sympy (`_plain_numbers_equal`): the answer must write its value.

math-verify's own timeouts are switched off (they use `signal.alarm`, which only works in a main
thread); the worker pool in `rlvr.workers` bounds every call instead.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import pairwise

import math_verify.grader as grader
import sympy
from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse
from sympy import And, Basic, Eq, Float, MatrixBase, Rational, Symbol

from rlvr.verifiers.math.operators import unevaluated
from rlvr.verifiers.math.units import is_percent_text, is_unit_text

logging.getLogger("math_verify").setLevel(logging.ERROR)

EXACT_DIGITS = 40
_EVAL_DIGITS = 60
_MAX_EXPANDED_EXPONENT = 10_000
_EXTRACTION = [LatexExtractionConfig(), ExprExtractionConfig()]
_SIMPLE_NUMBER = re.compile(
    r"(?P<sign>-)?\s*(?:\\frac\{(?P<num>\d{1,30})\}\{(?P<den>\d{1,30})\}"
    r"|(?P<slash_num>\d{1,30})\s*/\s*(?P<slash_den>\d{1,30})"
    r"|(?P<int>\d[\d,]{0,40})(?:\.(?P<frac>\d{1,40}))?)"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_WORDS = re.compile(r"[A-Za-z]+(?:[ '\-][A-Za-z]+)*")
_CHOICE = re.compile(r"^\(\s*([A-Za-z])\s*\)$")  # a multiple-choice letter, `(A)`
_TEXT_WRAPPER = re.compile(r"^\\(?:text|textbf|mathrm|textrm|mbox)\{([^{}]*)\}$")
# what may be assigned a number: `x`, `x_1`, `\theta`, `\angle A`, `m\angle ABC`, `AB`, `f(3)`, `P(A)` (never `\pi`)
_GREEK = ("alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|rho|sigma|"
          "tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Sigma|Phi|Psi|Omega")
_ASSIGNED = re.compile(rf"^(?:[A-Za-z]|\\(?:{_GREEK})(?![A-Za-z])|m?\\angle\s*[A-Z]{{1,3}}|[A-Z]{{2}}"
                       r"|[A-Za-z]\([^()=]*\))(?:_\{?\w+\}?)?\s*=\s*")
# one unit at the end, spaced or joined by `/`, `\cdot`: `5\ \text{cm}^2`, `5 \text{ m}\cdot\text{s}^{-1}`; what
# the braces hold must pass `is_unit_text` (`5 \text{ (not } 7)`, `5 \text{ thousand}` are no units)
_SPACING = r"(?:\s|\\[ ,;:!]|\\q?quad(?![A-Za-z])|~)*"
_UNIT = re.compile(rf"{_SPACING}(?:(?:/|\\cdot(?![A-Za-z])){_SPACING})?"
                   r"\\(?:text|textbf|mathrm|textrm|mbox|operatorname)\s*\{([^{}]*)\}"
                   r"(?:\s*\^\s*(?:-?\d|\{\s*-?\d\s*\}))?\s*$")
_TEXT_PERCENT = re.compile(r"\\(?:text|textrm|mathrm|mbox)\s*\{([^{}]*)\}\s*$")
_PERCENT = re.compile(r"\\?%\s*$")
_GROUPED = re.compile(r"(?<![\d.])\d{1,3}(?:(?:\\[, ]|~|\s)\d{3})+(?!\d)")  # `1\,000\,000`, never `390\,1`
_DECORATION = re.compile(r"\\[,;:! ]|~|\\\$|\$|\^\s*\{?\\circ\}?|°|\\(?:text)?degree(?![A-Za-z])")
_SHORT_FRAC = re.compile(r"^(-?)\s*\\[dt]?frac\s*(\d)\s*(\d)$")
_NEGATIVE_FRAC = re.compile(r"^\\[dt]?frac\{\s*-\s*(\d+)\}\{(\d+)\}$")
_SCIENTIFIC = re.compile(r"(?P<sign>-)?\s*(?:(?P<mantissa>\d+(?:\.\d+)?)\s*(?:\\times|\\cdot|\*)\s*)?"
                         r"10\s*\^\s*\{?\s*(?P<exponent>-?\d{1,4})\s*\}?")
_DECIMAL_LITERAL = re.compile(r"(?<![\d.])\d*\.\d{1,60}")
_LONG_INTEGER = re.compile(r"-?\d{1,4000}")  # int() refuses more than 4300 digits
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
_APPROX = re.compile(r"\\(?:approx|thickapprox|simeq|doteq)(?![A-Za-z])|≈")
# the layouts in which `\\\\` separates rows of one answer, innermost first
_ENVIRONMENT = re.compile(r"\\begin\{((?:[pbBvV]?|small)matrix|cases|array)\}(?:(?!\\begin\{).)*?\\end\{\1\}",
                          re.DOTALL)
_MAX_NESTED_ENVIRONMENTS = 8
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
_LAYOUT = re.compile(r"\\(?:displaystyle|left|right)(?![A-Za-z])|\\!")
_WRAPPED_NUMBER = re.compile(r"\\(?:text|textbf|textrm|mathbf|mathrm|mbox|boldsymbol)\s*\{([\s\d.,+\-/]*)\}")


@dataclass(frozen=True)
class NumericPolicy:
    rel_tol: float = 1e-6
    min_significant_digits: int = 6


_active_policy: ContextVar[NumericPolicy | None] = ContextVar("rlvr_numeric_policy", default=None)
# sympy keeps no trailing zeros (`1.4142100` parses as 1.41421), so the decimal places as written ride along
_written_places: ContextVar[dict[Decimal, int] | None] = ContextVar("rlvr_written_places", default=None)


def answers_equal(gold: str, answer: str, policy: NumericPolicy) -> bool:
    """True when `answer` means the same as `gold` under `policy`. Both are bare answer strings."""
    if len(_UNESCAPED_DOLLAR.findall(answer)) > 1:
        return False  # `\\sqrt{3}$ $\\sqrt{2}`: two math pieces, of which math-verify would read only the last
    if _line_breaks(answer) and not _line_breaks(gold):
        return False  # `x = \\sqrt{3} \\\\ x = \\sqrt{2}`: two answers on two lines; math-verify reads the last
    answer = _without_approximation(gold, answer)
    if answer is None:
        return False
    gold_text, answer_text = _as_words(gold), _as_words(answer)
    if gold_text is not None or answer_text is not None:
        return gold_text is not None and answer_text is not None and gold_text == answer_text
    if _squash(gold) == _squash(answer):
        return True
    if unevaluated_operators(gold, answer) or (_singleton(answer) and not _singleton(gold)):
        return False
    gold_number = _plain_number(gold)
    if gold_number is not None:
        return (_plain_numbers_equal(gold_number, _numeral(answer, gold_number[0]), policy)
                or _chain_ends_in(gold_number, answer, policy))
    gold_parsed, answer_parsed = _parse(gold), _parse(answer)
    if not gold_parsed or not answer_parsed:
        return False
    if not _relation_is_an_answer(gold_parsed[0], answer_parsed[0], policy):
        return False
    # read by the hook, which math-verify calls without our arguments
    token, places_token = _active_policy.set(policy), _written_places.set(_places_as_written(answer))
    try:
        return grader.verify(gold_parsed, answer_parsed, timeout_seconds=None, strict=True)
    finally:
        _active_policy.reset(token)
        _written_places.reset(places_token)


def unevaluated_operators(gold: str, answer: str) -> list[str]:
    """The evaluating operators (`\\arccos`, `\\int`, `!`, ...) that `answer` uses and `gold` does not: such an
    answer restates a question (`\\arccos(-1)` for pi) that sympy would evaluate to the gold. Only the last side of
    a chain counts (`5! = 120` ends in its result), and a unit at the end (`\\operatorname{cm}`) is no operator."""
    return unevaluated(gold, _without_units(_last_side(answer).strip()))


def _last_side(answer: str) -> str:
    """What follows the last `=` outside braces (`\\sum_{n=1}^{5} n = 15` ends in `15`), else all of `answer`."""
    depth, start = 0, 0
    for index, char in enumerate(answer):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "=" and depth == 0:
            start = index + 1
    return answer[start:]


def _singleton(text: str) -> bool:
    """One element in a set or brackets (`\\{\\sqrt2\\}`, `[\\sqrt2]`, never a matrix): math-verify unwraps it."""
    squashed = _squash(text)
    for left, right in (("\\{", "\\}"), ("[", "]")):
        if squashed.startswith(left) and squashed.endswith(right) and not re.search(r",|\\begin", squashed):
            return len(squashed) > len(left) + len(right)
    return False


def _places_as_written(answer: str) -> dict[Decimal, int]:
    """Each decimal the answer writes, by value, with the most decimal places it was written with."""
    places: dict[Decimal, int] = {}
    for literal in _DECIMAL_LITERAL.findall(answer):
        value = Decimal(literal)
        places[value] = max(places.get(value, 0), len(literal.partition(".")[2]))
    return places


def _plain_numbers_equal(gold: tuple[Fraction | Decimal, Fraction | Decimal],
                         answer: tuple[Fraction | Decimal, Fraction | Decimal] | None, policy: NumericPolicy) -> bool:
    """A plain-number gold (`391`, `30^\\circ`, `10\\%`) wants a plain-number answer of the same value.

    `17 \\times 23` for 391 restates the question, and `3 = 2`, `\\{3\\}` or `5 \\text{ (not } 3)` is not the
    number 3, though sympy would evaluate or math-verify extract each to it. Percentages compare as written
    on both sides or with the `%` taken off (`50\\%` = `0.5` = `50`, but `1000\\%` != `10\\%`).
    """
    if answer is None:
        return False
    return any(_simple_numbers_equal(g, a, policy) for g, a in zip(gold, answer, strict=True))


def _chain_ends_in(gold: tuple[Fraction | Decimal, Fraction | Decimal], answer: str, policy: NumericPolicy) -> bool:
    """`x = \\frac{10}{2} = 5` for 5: a chain of numbers, each step true, whose last is the plain-number gold."""
    *steps, last = _ASSIGNED.sub("", _LAYOUT.sub("", answer.strip()), count=1).split("=")
    if not steps or not _plain_numbers_equal(gold, _numeral(last, gold[0]), policy):
        return False
    sides = [_parse(side) for side in (*steps, last)]
    return all(left and right and numbers_equal(left[0], right[0], policy) for left, right in pairwise(sides))


def _relation_is_an_answer(gold: object, pred: object, policy: NumericPolicy) -> bool:
    """math-verify reads any equation's right side as the answer when the gold is no equation; only an
    assignment (`x = 2`, `f(x) = 2x`) means that, so `5 = \\sqrt{2}` and `x^2 = \\sqrt{2}` are not answers.
    Whatever the gold, every step of a chain after the first must hold (`x = \\sqrt{8} = 2\\sqrt{2}`), never
    `x = 3 = 2` or `y = 3x = 2x`, of which math-verify would compare only one step with an equation gold.
    """
    if not isinstance(pred, Basic) or not grader.is_equation(pred):
        return True
    steps = pred._unsorted_args if isinstance(pred, And) else (pred,)  # And sorts its args; the chain's order
    if not all(_holds(step, policy) for step in steps[1:]):
        return False
    if isinstance(gold, Basic) and grader.is_equation(gold):
        return _solves_for(gold, steps)
    numeric = not steps[0].lhs.free_symbols and not steps[0].rhs.free_symbols
    return (not numeric or _holds(steps[0], policy)) and grader.is_assignment_relation(pred)


def _solves_for(gold: Basic, steps: tuple[Eq, ...]) -> bool:
    """A gold that assigns a symbol (`x = 3`) wants the answer to assign it too: `x = 2x - 3` has the same
    solution, but solving it is the question. So the symbol stands alone on one side and nowhere else."""
    if not isinstance(gold, Eq) or not isinstance(gold.lhs, Symbol) or gold.lhs in gold.rhs.free_symbols:
        return True
    sides = [steps[0].lhs, *(step.rhs for step in steps)]
    return gold.lhs in sides and all(side == gold.lhs or gold.lhs not in side.free_symbols for side in sides)


def _line_breaks(text: str) -> bool:
    """A `\\\\` outside a matrix, `cases` or `array`: the answer is laid out on several lines."""
    for _ in range(_MAX_NESTED_ENVIRONMENTS):
        inner = _ENVIRONMENT.sub(" ", text)
        if inner == text:
            break
        text = inner
    return "\\\\" in text


def _without_approximation(gold: str, answer: str) -> str | None:
    """`answer` less a trailing `\\approx 1.41`, checked: each approximation must be a decimal that is the gold's
    value rounded or truncated to its places as written; None when one is not (`\\sqrt{2} \\approx 7`)."""
    exact, *approximations = _APPROX.split(answer)
    if not approximations or _APPROX.search(gold):
        return answer
    value = _exact_value(gold)
    for approximation in approximations:
        written = _plain_number(approximation)
        if value is None or written is None or not isinstance(written[0], Decimal) or written[0] != written[1]:
            return None
        if not _rounded_or_truncated(value, Fraction(written[0]), -written[0].as_tuple().exponent):
            return None
    return exact


def _exact_value(gold: str) -> Fraction | None:
    """The gold's real value (the right side of `x = \\sqrt{2}`) to 60 digits, or None if it has none."""
    plain = _plain_number(gold)
    if plain is not None:
        return Fraction(plain[0])
    parsed = _parse(gold)
    expr = parsed[0] if parsed else None
    expr = expr.rhs if isinstance(expr, Eq) else expr
    if not isinstance(expr, Basic) or isinstance(expr, MatrixBase) or expr.free_symbols:
        return None
    value = sympy.N(expr, _EVAL_DIGITS)
    if not (value.is_real and value.is_finite and value.is_number):
        return None
    try:
        return Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def _holds(step: Eq, policy: NumericPolicy) -> bool:
    """An identity: `\\sqrt{8} = 2\\sqrt{2}` and `(x+1)^2 = x^2+2x+1` hold, `3 = 2` and `3x = 2x` do not."""
    if not step.lhs.free_symbols and not step.rhs.free_symbols:
        return numbers_equal(step.lhs, step.rhs, policy)
    return sympy.simplify(step.lhs - step.rhs) == 0


def simple_number(text: str) -> Fraction | Decimal | None:
    """A plain integer, decimal or fraction (`-12`, `1,000`, `0.25`, `3/4`, `\\frac{3}{4}`), read without sympy.

    Most golds and answers in RL math data are such numbers; deciding them here skips the LaTeX parser.
    Decimals come back as Decimal (they were written with finite precision), the rest as Fraction.
    """
    match = _SIMPLE_NUMBER.fullmatch(text.strip().replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac"))
    if match is None:
        return None
    sign = -1 if match["sign"] else 1
    numerator, denominator = match["num"] or match["slash_num"], match["den"] or match["slash_den"]
    if numerator is not None:
        return Fraction(sign * int(numerator), int(denominator)) if int(denominator) else None
    digits = match["int"].replace(",", "")
    if "," in match["int"] and not _THOUSANDS.fullmatch(match["int"]):
        return None
    if match["frac"] is None:
        return Fraction(sign * int(digits))
    return Decimal(f"{'-' if sign < 0 else ''}{digits}.{match['frac']}")


def _numeral(answer: str, gold: Fraction | Decimal) -> tuple[Fraction | Decimal, Fraction | Decimal] | None:
    """The number a plain-number answer writes (`x = 391`, `391 \\text{ apples}`, `\\$391`, `1\\,000`),
    or None when it writes anything else; see `_readings` for the pair returned.

    A decimal gold (`0.0000001`) also takes scientific notation (`10^{-7}`, `1 \\times 10^{-7}`); an exact
    gold does not (`10^3` for 1000 restates "Compute $10^3$.").
    """
    core = _ASSIGNED.sub("", _LAYOUT.sub("", answer.strip()), count=1)
    scientific = _SCIENTIFIC.fullmatch(_numeral_core(core)[0])
    if scientific and isinstance(gold, Decimal):
        return _readings(_scientific_value(scientific), percent=False)
    return _plain_number(core)


def _plain_number(text: str) -> tuple[Fraction | Decimal, Fraction | Decimal] | None:
    """The number `text` writes once the layout around it is removed, else None; see `_readings`."""
    core, percent = _numeral_core(text)
    value = simple_number(core)
    if value is None and _LONG_INTEGER.fullmatch(core):
        value = Fraction(int(core))  # past simple_number's 41 digits: still a plain number (`2^{200}` restated)
    return None if value is None else _readings(value, percent)


def _readings(value: Fraction | Decimal, percent: bool) -> tuple[Fraction | Decimal, Fraction | Decimal]:
    """(the value, the value without its `%`): `50\\%` is 0.5, and datasets write the same answer as 50."""
    if not percent:
        return value, value
    if isinstance(value, Decimal):
        sign, digits, exponent = value.as_tuple()
        return Decimal((sign, digits, exponent - 2)), value  # exact, unlike division in a 28-digit context
    return value / 100, value


def _scientific_value(match: re.Match[str]) -> Decimal:
    _, digits, exponent = Decimal(match["mantissa"] or "1").as_tuple()
    return Decimal((int(bool(match["sign"])), digits, exponent + int(match["exponent"])))


def _numeral_core(answer: str) -> tuple[str, bool]:
    """What is left of an answer once what may surround a number is removed, and whether it ended in `%`:
    a trailing unit, `\\%`, `\\$`, degrees, layout (`\\displaystyle`, `\\text{5}`, `{,}`), one pair of outer
    braces or parentheses. Spacing between digits survives unless it groups thousands (`1\\,000`), so
    `5\\,7` or `5\\%7` is no numeral.
    """
    core = _WRAPPED_NUMBER.sub(r"\1", _LAYOUT.sub("", answer.strip())).replace("{,}", ",")
    core = _without_units(core)
    percent = _PERCENT.search(core)
    core = core[: percent.start()] if percent else core
    core = _GROUPED.sub(lambda match: re.sub(r"\D", "", match[0]), core)
    core = _DECORATION.sub(" ", core).strip()
    if len(core) > 2 and (core[0], core[-1]) in (("{", "}"), ("(", ")")) and not re.search(r"[(){},]", core[1:-1]):
        core = core[1:-1].strip()
    core = re.sub(r"^\+\s*", "", core)
    core = re.sub(r"^(-?)\s*\.(?=\d)", r"\g<1>0.", core)
    core = _NEGATIVE_FRAC.sub(r"-\\frac{\1}{\2}", core)
    short = _SHORT_FRAC.match(core)
    return (f"{short[1]}{short[2]}/{short[3]}" if short else core), percent is not None


def _without_units(text: str) -> str:
    """`text` less its trailing units, with a percent written as text (`\\text{ percent}`, `\\text{\\%}`) as `\\%`,
    so that it is read as a percentage and never dropped as a unit."""
    while True:
        as_text = _TEXT_PERCENT.search(text)
        if as_text and is_percent_text(as_text[1]):
            return text[: as_text.start()].rstrip() + "\\%"
        unit = _UNIT.search(text)
        if unit is None or not is_unit_text(_DECORATION.sub(" ", unit[1])):  # `\\mathrm{~cm}`
            return text
        text = text[: unit.start()]


def _simple_numbers_equal(gold: Fraction | Decimal, answer: Fraction | Decimal, policy: NumericPolicy) -> bool:
    """The numeric policy of `numbers_equal`, on plain numbers."""
    if isinstance(gold, Decimal):
        g, a = Fraction(gold), Fraction(answer)
        return g == a or abs(g - a) <= Fraction(policy.rel_tol) * max(abs(g), abs(a))
    if isinstance(answer, Fraction) or Fraction(answer) == gold:
        return Fraction(answer) == gold
    if _terminates(Rational(gold.numerator, gold.denominator)):
        return False
    sign, digits, exponent = answer.as_tuple()  # as written: `0.3333330` has 7 places, not 6
    if len(digits) < policy.min_significant_digits or exponent >= 0:
        return False
    return _rounded_or_truncated(gold, Fraction(answer), -exponent)


def numbers_equal(gold: Basic, pred: Basic, policy: NumericPolicy) -> bool:
    """The numeric policy above, for two sympy expressions (False for anything non-numeric)."""
    if isinstance(gold, MatrixBase) or isinstance(pred, MatrixBase):
        return _matrices_equal(gold, pred, policy)
    pairs = {(gold, pred), (_percent_value(gold), _percent_value(pred))}
    return any(_scalars_equal(g, p, policy) for g, p in pairs)


def _scalars_equal(gold: Basic, pred: Basic, policy: NumericPolicy) -> bool:
    if not isinstance(gold, Basic) or not isinstance(pred, Basic) or gold.free_symbols or pred.free_symbols:
        return False
    g, p = sympy.N(gold, _EVAL_DIGITS), sympy.N(pred, _EVAL_DIGITS)
    if not (g.is_number and p.is_number):
        return False
    if not (g.is_finite and p.is_finite):
        return bool(g == p)
    if gold.has(Float):
        return _close(g, p, policy.rel_tol)
    if isinstance(pred, Float):
        return _decimal_matches_exact(gold, g, pred, policy)
    if pred.has(Float):  # `1.0000001\\pi` for pi: no tolerance, the decimals must make the gold exactly
        pred = _decimals_as_written(pred)
        if pred is None:
            return False
        p = sympy.N(pred, _EVAL_DIGITS)
    return _close(g, p, 10.0**-EXACT_DIGITS) and _no_exact_difference(gold, pred, g)


def _decimals_as_written(expr: Basic) -> Basic | None:
    """`expr` with each decimal replaced by the exact rational it writes (`0.5\\pi` is pi/2), else None."""
    exact = {}
    for value in expr.atoms(Float):
        written = _written_decimal(value)
        if written is None:
            return None
        exact[value] = Rational(str(written))
    return expr.xreplace(exact)


def _no_exact_difference(gold: Basic, pred: Basic, value: Basic) -> bool:
    """Past 40 digits, expand the difference exactly: `2^{200}+1` agrees with `2^{200}` to 60 digits but is not it.

    Values beyond 10^±10000 keep the 40-digit verdict: expanding `9^{9^9}` exactly would never finish.
    """
    if value == 0 or abs(sympy.log(abs(value), 10)) > _MAX_EXPANDED_EXPONENT:
        return True
    difference = (gold - pred).doit()
    return not isinstance(difference, Rational) or difference == 0


def _decimal_matches_exact(gold: Basic, gold_value: Basic, pred: Float, policy: NumericPolicy) -> bool:
    """An exact gold against a written decimal: the decimal must be the gold, or the gold to its digits."""
    written = _written_decimal(pred)
    if written is None or not written.is_finite():
        return False
    written = _padded_as_written(written)
    pred_exact = Rational(str(written))
    if _close(gold_value, sympy.N(pred_exact, _EVAL_DIGITS), 10.0**-EXACT_DIGITS):
        return True
    if _terminates(gold):
        return False
    digits = len(written.as_tuple().digits)
    places = -written.as_tuple().exponent
    if digits < policy.min_significant_digits or places <= 0:
        return False
    if places > EXACT_DIGITS:
        return bool(abs(gold_value - sympy.N(pred_exact, _EVAL_DIGITS)) < sympy.Float(10) ** -places)
    return _rounded_or_truncated(gold_value, Fraction(str(written)), places)


def _rounded_or_truncated(gold: Fraction | Basic, answer: Fraction, places: int) -> bool:
    """`answer` is `gold` cut to `places` decimals, or rounded there (0.333334 is neither for 1/3)."""
    scaled = gold * 10**places
    truncated = int(scaled)  # towards zero
    rounded = int(scaled + (Fraction(1, 2) if scaled > 0 else Fraction(-1, 2)))
    return answer * 10**places in (truncated, rounded)


def _written_decimal(value: Float) -> Decimal | None:
    """The decimal as the model wrote it (sympy pads Floats to 15 digits; strip that back)."""
    try:
        return Decimal(sympy.sstr(value, full_prec=False)).normalize()
    except InvalidOperation:
        return None


def _padded_as_written(value: Decimal) -> Decimal:
    """`value` with the trailing zeros the answer wrote (1.41421 back to `1.4142100`), so they count as places."""
    sign, digits, exponent = value.as_tuple()
    missing = (_written_places.get() or {}).get(abs(value), 0) + exponent
    return Decimal((sign, digits + (0,) * missing, exponent - missing)) if missing > 0 else value


def _terminates(value: Basic) -> bool:
    """True for rationals with a finite decimal expansion (denominator 2^a 5^b)."""
    simplified = sympy.nsimplify(value) if not isinstance(value, Rational) else value
    if not isinstance(simplified, Rational):
        return False
    denominator = int(simplified.q)
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def _close(a: Basic, b: Basic, rel_tol: float) -> bool:
    scale = max(abs(a), abs(b))
    return bool(scale == 0 or abs(a - b) <= rel_tol * scale)


def _matrices_equal(gold: Basic, pred: Basic, policy: NumericPolicy) -> bool:
    if not (isinstance(gold, MatrixBase) and isinstance(pred, MatrixBase)) or gold.shape != pred.shape:
        return False
    return all(numbers_equal(g, p, policy) for g, p in zip(gold, pred, strict=True))


def _percent_value(expr: Basic) -> Basic:
    """`50%` parses as 50 * (1/100); datasets write the same answer as 50, so compare the 50 too."""
    return grader.get_pct_val(expr, expr)


def _parse(answer: str) -> list:
    return parse(f"${answer}$", extraction_config=_EXTRACTION, parsing_timeout=None)


def _as_words(answer: str) -> str | None:
    """A plain-words answer ("Monday", "\\text{no solution}", "No") casefolded, a lone letter (`x`, `(A)`) as
    written, else None. Short words count too: as products of symbols `On` is `No`, `VI` is `IV`, `II` is -1."""
    inner = _TEXT_WRAPPER.match(answer.strip())
    text = _CHOICE.sub(r"\1", (inner.group(1) if inner else answer).strip())
    if not _WORDS.fullmatch(text):
        return None
    return text if len(text) == 1 else " ".join(text.casefold().split())


def _squash(answer: str) -> str:
    """`answer` without spacing, except between two digits: `390 1` is no way of writing 3901."""
    text = answer.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\left", "").replace("\\right", "")
    return " ".join("".join(part.split()) for part in _DIGIT_GAP.split(text.strip()))


def _numeric_eq_hook(a: Basic, b: Basic, float_rounding: int, numeric_precision: int) -> bool:
    """Replaces `math_verify.grader.sympy_numeric_eq` (same signature) with `numbers_equal`."""
    return numbers_equal(a, b, _active_policy.get() or NumericPolicy())


grader.sympy_numeric_eq = _numeric_eq_hook
