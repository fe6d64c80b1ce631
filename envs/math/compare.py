"""Decide whether an answer equals the gold, both read whole by the grammar (`rlvr.envs.math.grammar`).

Structures compare by kind: a set is never a tuple, an interval keeps its open and closed ends, a matrix its
shape. Scalars follow one numeric policy (`rlvr.envs.math.numeric`): exact values must be proven equal,
a decimal gold allows a relative tolerance, and a decimal answer to an irrational gold must be that gold
rounded or truncated to the places written. An equation is an answer only as an assignment (`x = 5`) or a
chain of true steps (`x = \\frac{10}{2} = 5`). Where equality cannot be decided exactly, the answer is not equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import sympy

from rlvr.envs.math.grammar import Chain, Group, Matrix, Name, Node, Num, Op, Unreadable, read_answer
from rlvr.envs.math.numeric import (
    NumericPolicy,
    decimal_matches_exact,
    exact_equal,
    plain_numbers_equal,
    rounded_or_truncated,
    tolerance_equal,
)
from rlvr.envs.math.operators import unevaluated
from rlvr.envs.math.units import is_percent_text, is_unit_text
from rlvr.envs.math.values import NotANumber, Undecidable, has_decimal, plain_number, to_sympy

__all__ = ["GoldUnreadable", "NumericPolicy", "Undecidable", "Unreadable", "answers_equal", "unevaluated_operators"]

_WORDS = re.compile(r"[A-Za-z]+(?:[ '\-][A-Za-z]+)*")
_CHOICE = re.compile(r"^\(\s*([A-Za-z])\s*\)$")  # a multiple-choice letter, `(A)`
_TEXT_WRAPPER = re.compile(r"^\\(?:text|textbf|mathrm|textrm|mbox|mathbf|textit)\{([^{}]*)\}$")
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
_TEXT_GROUP = re.compile(r"\\(?:text|textrm|mathrm|mbox|operatorname)\s*\{([^{}]*)\}")
_SPACING = r"(?:\s|\\[ ,;:!]|\\q?quad(?![A-Za-z])|~)*"
_UNIT = re.compile(rf"{_SPACING}(?:(?:/|\\cdot(?![A-Za-z])){_SPACING})?"
                   r"\\(?:text|textbf|mathrm|textrm|mbox|operatorname)\s*\{([^{}]*)\}"
                   r"(?:\s*\^\s*(?:-?\d|\{\s*-?\d\s*\}))?\s*$")
_TEXT_PERCENT = re.compile(r"\\(?:text|textrm|mathrm|mbox)\s*\{([^{}]*)\}\s*$")
_UNIT_SPACING = re.compile(r"\\[,;:! ]|~")
_CONSTANT_NAMES = frozenset({"pi", "e", "infty", "emptyset", "i"})
_ORDER = {"<": (False, True), "<=": (True, True), ">": (False, False), ">=": (True, False)}


class GoldUnreadable(ValueError):
    """The reference's answer is outside the grammar: no verdict can be trusted."""


def answers_equal(gold: str, answer: str, policy: NumericPolicy) -> bool:
    """True when `answer` means the same as `gold` under `policy`. Both are bare answer strings.

    Raises Unreadable when the answer is outside the grammar, GoldUnreadable when the gold is, and
    Undecidable when equality cannot be decided exactly.
    """
    gold_text, answer_text = _as_words(gold), _as_words(answer)
    if gold_text is not None or answer_text is not None:
        return gold_text is not None and answer_text is not None and gold_text == answer_text
    if _squash(gold) == _squash(answer):
        return True
    if unevaluated_operators(gold, answer):
        return False
    answer_reading = read_answer(answer)
    try:
        gold_reading = read_answer(gold)
    except Unreadable as exc:
        raise GoldUnreadable(f"the reference answer is outside the grammar ({exc})") from exc
    if gold_reading.units and answer_reading.units and gold_reading.units != answer_reading.units:
        return False  # `5 \\text{ km}` is not `5 \\text{ m}`; a unit on one side only is fine
    if (gold_reading.units and _is_percent(answer_reading.tree)) or (answer_reading.units and _is_percent(
            gold_reading.tree)):
        return False  # `5 \\text{ cents}` is no `5\\%`
    try:
        return trees_equal(gold_reading.tree, answer_reading.tree, policy)
    except NotANumber:
        return False


def trees_equal(gold: Node, answer: Node, policy: NumericPolicy) -> bool:
    """Equality of two read answers; see the module docstring for the rules."""
    if isinstance(gold, Chain):
        return _relation_equal(gold, answer, policy)
    if isinstance(answer, Chain):
        resolved = _resolved(answer, gold, policy)
        return resolved is not None and trees_equal(gold, resolved, policy)
    if isinstance(gold, Group) or isinstance(answer, Group):
        return _groups_equal(gold, answer, policy)
    if isinstance(gold, Matrix) or isinstance(answer, Matrix):
        return (isinstance(gold, Matrix) and isinstance(answer, Matrix) and _shape(gold) == _shape(answer)
                and all(trees_equal(g, a, policy) for g, a in zip(_cells(gold), _cells(answer), strict=True)))
    return scalars_equal(gold, answer, policy)


def scalars_equal(gold: Node, answer: Node, policy: NumericPolicy) -> bool:
    """Two single values. A plain-number gold wants a plain number (`17 \\times 23` restates "Compute ..."); a
    decimal gold also takes scientific notation."""
    if _is_set_name(gold) or _is_set_name(answer):
        return gold == answer
    gold_plain = plain_number(gold, scientific_notation=True)
    if gold_plain is not None:
        answer_plain = plain_number(answer, scientific_notation=isinstance(gold_plain[0], Decimal))
        return answer_plain is not None and plain_numbers_equal(gold_plain, answer_plain, policy)
    gold_value, answer_value = to_sympy(gold), to_sympy(answer)
    if has_decimal(gold):
        return tolerance_equal(gold_value, answer_value, policy)
    answer_plain = plain_number(answer)
    if answer_plain is not None and isinstance(answer_plain[0], Decimal) and not answer_plain[1]:
        return decimal_matches_exact(gold_value, answer_plain[0], policy)
    return exact_equal(gold_value, answer_value)


def _groups_equal(gold: Node, answer: Node, policy: NumericPolicy) -> bool:
    """Tuples, bracket pairs and intervals in order, ends included; sets, bare lists and `\\pm` pairs in any order,
    one answer element for each gold element; unions as sets of their parts."""
    if not (isinstance(gold, Group) and isinstance(answer, Group)):
        return False
    unordered = {"set", "list", "pm"}
    if gold.kind in unordered and answer.kind in unordered:
        return _matched(gold.items, answer.items, lambda g, a: trees_equal(g, a, policy))
    if gold.kind == "union" and answer.kind == "union":
        return _matched(gold.items, answer.items, lambda g, a: trees_equal(g, a, policy))
    if gold.kind != answer.kind or gold.closed != answer.closed or len(gold.items) != len(answer.items):
        return False
    return all(trees_equal(g, a, policy) for g, a in zip(gold.items, answer.items, strict=True))


def _matched(gold: tuple[Node, ...], answer: tuple[Node, ...], equal: Callable[[Node, Node], bool]) -> bool:
    """A one-to-one pairing of equal elements (greedy is enough: equality is an equivalence)."""
    if len(gold) != len(answer):
        return False
    left = list(answer)
    for element in gold:
        match = next((index for index, candidate in enumerate(left) if _safely(equal, element, candidate)), None)
        if match is None:
            return False
        left.pop(match)
    return True


def _safely(equal: Callable[[Node, Node], bool], gold: Node, answer: Node) -> bool:
    try:
        return equal(gold, answer)
    except (Undecidable, NotANumber):
        return False


# ------------------------------------------------------------------------------------------- relations


def _resolved(chain: Chain, gold: Node, policy: NumericPolicy) -> Node | None:
    """The value an answer chain gives, or None when it is no answer to a non-relation gold.

    `x = 5`, `f(3) = 7`, `x = \\sqrt8 = 2\\sqrt2`, `\\frac{10}{2} = 5` give their last side when every step
    after an assignment holds; `x \\in [1, 2]` gives the interval; `x > 3` gives `(3, \\infty)`; a trailing
    `\\approx 1.41` must be the gold's value rounded or truncated to its places. Anything else is None.
    """
    sides, relations = list(chain.sides), list(chain.relations)
    while relations and relations[-1] == "~":
        approximation = sides.pop()
        relations.pop()
        if not _approximates(gold, approximation):
            return None
    if not relations:
        return sides[0]
    if relations == ["in"] and _is_name(sides[0]):  # `x \\in (3, 4)` is an interval, never the point (3, 4)
        member_of = sides[1]
        if isinstance(member_of, Group) and member_of.kind == "paren" and len(member_of.items) == 2:
            return _interval(*member_of.items, False, False)
        return member_of
    if all(relation in _ORDER for relation in relations):
        return _as_interval(sides, relations)
    if any(relation != "=" for relation in relations):
        return None
    assigned = _is_target(sides[0])
    steps = sides[1:] if assigned else sides
    if not all(_holds(left, right) for left, right in pairwise(steps)):
        return None
    if assigned and _mentions(sides[-1], sides[0]):
        return None  # `x = x^2 + 2x + 1` is an equation to solve, not a value of x
    return sides[-1]


def _relation_equal(gold: Chain, answer: Node, policy: NumericPolicy) -> bool:
    """A gold relation: an assignment (`x = 3`) takes `x = 3` or `3`, never `y = 3` nor `x = 2x - 3`; any other
    equation takes an equation with the same solutions written the same way (sides moved or negated); an
    inequality in one variable takes the same inequality or its interval."""
    if all(relation in _ORDER for relation in gold.relations):
        interval = _as_interval(list(gold.sides), list(gold.relations))
        other = _as_interval(list(answer.sides), list(answer.relations)) if isinstance(answer, Chain) else answer
        return interval is not None and other is not None and trees_equal(interval, other, policy)
    if gold.relations != ("=",):
        return isinstance(answer, Chain) and gold == answer
    target, value = gold.sides
    if _is_target(target) and not _mentions(value, target):
        if not isinstance(answer, Chain):
            return trees_equal(value, answer, policy)
        if answer.relations == ("=",) and answer.sides[1] == target and answer.sides[0] != target:
            return trees_equal(value, answer.sides[0], policy)  # `3 = x` for `x = 3`
        if answer.sides[0] != target:
            # `y - 2x = 3` for `y = 2x + 3`: a relation between variables may be rearranged; a value may not be
            # (`2x - 3 = x` restates "solve for x")
            return _has_symbols(value) and answer.relations == ("=",) and _proportional(
                to_sympy(target) - to_sympy(value), to_sympy(answer.sides[0]) - to_sympy(answer.sides[1]))
        resolved = _resolved(answer, value, policy)
        return resolved is not None and not _mentions(resolved, target) and trees_equal(value, resolved, policy)
    if not isinstance(answer, Chain) or answer.relations != ("=",):
        return False
    gold_difference = to_sympy(target) - to_sympy(value)
    answer_difference = to_sympy(answer.sides[0]) - to_sympy(answer.sides[1])
    return _proportional(gold_difference, answer_difference)


def _proportional(gold: sympy.Expr, answer: sympy.Expr) -> bool:
    """Two equations `gold = 0` and `answer = 0` with the same solutions by a nonzero constant factor
    (`2x + 4y - 3 = 0` and `y = -\\frac{1}{2}x + \\frac34`)."""
    if gold == 0 or answer == 0:
        return gold == answer
    ratio = sympy.simplify(gold / answer)
    return not ratio.free_symbols and ratio.is_number and ratio != 0 and bool(ratio.is_finite)


def _as_interval(sides: list[Node], relations: list[str]) -> Node | None:
    """`x > 3` as `(3, \\infty)`, `x \\le 2` as `(-\\infty, 2]`, `-1 \\le x < 3` as `[-1, 3)`"""
    if len(sides) == 3 and _is_name(sides[1]) and not (_is_name(sides[0]) or _is_name(sides[2])):
        lower_relation, upper_relation = relations
        if lower_relation in ("<", "<=") and upper_relation in ("<", "<="):
            return _interval(sides[0], sides[2], lower_relation == "<=", upper_relation == "<=")
        if lower_relation in (">", ">=") and upper_relation in (">", ">="):
            return _interval(sides[2], sides[0], upper_relation == ">=", lower_relation == ">=")
        return None
    if len(sides) != 2:
        return None
    left, right = sides
    relation = relations[0]
    if not _is_name(left):
        if not _is_name(right):
            return None
        left, right = right, left
        relation = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[relation]
    closed, upper = _ORDER[relation]
    infinity = Name("infty")
    if upper:
        return _interval(Op("neg", (infinity,)), right, False, closed)
    return _interval(right, infinity, closed, False)


def _interval(low: Node, high: Node, low_closed: bool, high_closed: bool) -> Group:
    """An inequality's interval as the grammar reads one written out: `[a, b]` a bracket pair (brackets are
    intervals), `(a, \\infty)` a paren pair with an infinite end, `(a, b]` an interval. `(a, b)` with both ends
    finite is as often a point as an interval, so an inequality is never read as that pair."""
    if low_closed and high_closed:
        return Group("bracket", (low, high))
    if not (low_closed or high_closed) and Name("infty") in (_unsigned(low), _unsigned(high)):
        return Group("paren", (low, high))
    return Group("interval", (low, high), closed=(low_closed, high_closed))


def _unsigned(node: Node) -> Node:
    return node.args[0] if isinstance(node, Op) and node.op == "neg" else node


def _holds(left: Node, right: Node) -> bool:
    """One step of a chain is an identity: `\\sqrt8 = 2\\sqrt2`, `(x+1)^2 = x^2+2x+1`; never `3 = 2`."""
    try:
        return exact_equal(to_sympy(left), to_sympy(right))
    except (Undecidable, NotANumber):
        return False


def _approximates(gold: Node, approximation: Node) -> bool:
    """`\\approx 1.41` beside `\\sqrt2`: a decimal that is the gold's value rounded or truncated to its places."""
    written = plain_number(approximation)
    if written is None or written[1] or not isinstance(written[0], Decimal):
        return False
    try:
        value = sympy.N(to_sympy(_value_of(gold)), 60)
    except (Undecidable, NotANumber):
        return False
    if not (value.is_real and value.is_finite):
        return False
    places = -written[0].as_tuple().exponent
    return rounded_or_truncated(Fraction(str(value)), Fraction(written[0]), places)


def _value_of(gold: Node) -> Node:
    return gold.sides[-1] if isinstance(gold, Chain) else gold


def _is_name(node: Node) -> bool:
    """What may be assigned a value: `x`, `x_1`, `\\theta`, `\\angle A`, `AB`, `f(3)`, `f(x)`, never `\\pi` or `e`."""
    if isinstance(node, Name):
        return node.name not in _CONSTANT_NAMES
    if isinstance(node, Op) and node.op == "*":
        head, tail = node.args
        return _is_name(head) and (isinstance(tail, Num | Name) or _is_name(tail))
    return False


def _is_target(node: Node) -> bool:
    """A name, a tuple of names (`(p, q) = (3, 2)`), or a ratio, product or length of names (`\\frac{NO}{BO}`,
    `|AB|`)."""
    if _is_name(node):
        return True
    if isinstance(node, Group) and node.kind == "paren":
        return all(_is_name(item) for item in node.items)
    return isinstance(node, Op) and node.op in ("*", "/", "abs") and all(_is_target(arg) for arg in node.args)


def _has_symbols(node: Node) -> bool:
    try:
        return bool(to_sympy(node).free_symbols)
    except (Undecidable, NotANumber):
        return False


def _is_percent(node: Node) -> bool:
    return isinstance(node, Op) and (node.op == "%" or (node.op == "*" and _is_percent(node.args[-1])))


def _is_set_name(node: Node) -> bool:
    return isinstance(node, Name) and node.name == "emptyset"


def _mentions(node: Node, name: Node) -> bool:
    if node == name:
        return True
    if isinstance(node, Op):
        return any(_mentions(arg, name) for arg in node.args)
    return False


def _shape(matrix: Matrix) -> tuple[int, int]:
    return len(matrix.rows), len(matrix.rows[0])


def _cells(matrix: Matrix) -> list[Node]:
    return [cell for row in matrix.rows for cell in row]


# ----------------------------------------------------------------------------------------------- text


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


def _without_units(text: str) -> str:
    """`text` less its trailing units (so `\\operatorname{cm}` is no operator)."""
    while True:
        as_text = _TEXT_PERCENT.search(text)
        if as_text and is_percent_text(as_text[1]):
            return text[: as_text.start()].rstrip()
        unit = _UNIT.search(text)
        if unit is None or not is_unit_text(_UNIT_SPACING.sub(" ", unit[1])):
            return text
        text = text[: unit.start()]


def _as_words(answer: str) -> str | None:
    """A plain-words answer ("Monday", "\\text{no solution}", "No") casefolded, a lone letter (`x`, `(A)`) as
    written, else None. Short words count too: as products of symbols `On` is `No`, `VI` is `IV`, `II` is -1."""
    inner = _TEXT_WRAPPER.match(answer.strip())
    text = _CHOICE.sub(r"\1", (inner.group(1) if inner else answer).strip().removesuffix("."))
    if not _WORDS.fullmatch(text):
        return None
    return text if len(text) == 1 else " ".join(text.casefold().split())


def _squash(answer: str) -> str:
    """`answer` without spacing, except between two digits (`390 1` is no way of writing 3901) and inside text
    (`\\text{ m s}` is metre-seconds, `\\text{ ms}` milliseconds)."""
    text = answer.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\left", "").replace("\\right", "")
    text = _TEXT_GROUP.sub(lambda group: group[0][: group.start(1) - group.start()] + "~".join(group[1].split()) + "}",
                           text)
    return " ".join("".join(part.split()) for part in _DIGIT_GAP.split(text.strip()))
