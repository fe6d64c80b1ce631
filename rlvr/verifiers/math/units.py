"""Which words after a number are a unit (`5 \\text{ cm}`, "$2$ apples") and which change or deny the number
(`5 \\text{ thousand}`, "$5$ squared", `5 \\text{ (incorrect)}`); shared by extract and compare so that
the two read the same answer the same way."""

from __future__ import annotations

import re

# a unit word: letters, perhaps abbreviated with a final `.`; words are joined by spaces or `/` (`m/s`, `sq. ft`)
_UNIT_WORD = re.compile(r"[A-Za-z]+\.?")
_UNIT_SEPARATORS = re.compile(r"\s*/\s*|\s+")
# words that scale, restate, compare, deny or hedge the number before them, or math after it (`5pi`, `5 ln`); a unit
# never says these (`sec` and `min` stay units: seconds, minutes)
_NOT_UNIT_WORDS = frozenset("""
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds
    thousand thousands million millions billion billions trillion trillions lakh lakhs crore crores
    k bn mn mil mill thou grand dozen dozens score gross
    half halves third thirds quarter quarters tenth tenths hundredth hundredths thousandth thousandths
    millionth millionths percent percentage percentages cent pc pct
    squared cubed root sqrt power powers times plus minus over less more fewer greater smaller
    larger least most than and or nor to not no nope wrong incorrect false error is isn was are be maybe
    perhaps probably possibly approx approximately about around roughly nearly almost circa guess
    double twice triple thrice negative positive neg pos off up down
    pi inf infty infinity sin cos tan cot csc arcsin arccos arctan ln log lg exp det gcd lcm mod
""".split())
_CASE_SENSITIVE_NOT_UNITS = frozenset({"K", "M", "B", "G", "T", "MM", "BN"})  # thousand, million, billion


def is_unit_text(text: str) -> bool:
    """True when `text` (what a `\\text{}` after a number holds, or the words after "$2$") is a unit such as
    `cm`, `m/s`, `apples`, `square units`, and not a magnitude, comparison, negation or hedge."""
    parts = _UNIT_SEPARATORS.split(text.strip())
    if not all(_UNIT_WORD.fullmatch(part) for part in parts):
        return False
    words = [part.rstrip(".") for part in parts]
    return not any(word.casefold() in _NOT_UNIT_WORDS or word in _CASE_SENSITIVE_NOT_UNITS for word in words)


_PERCENT_WORDS = re.compile(r"(?i)\s*(?:\\%|%|per\s*cent)\s*")


def is_percent_text(text: str) -> bool:
    """`\\text{\\%}`, `\\text{ percent}`, `per cent`: a percent sign written as text."""
    return _PERCENT_WORDS.fullmatch(text) is not None
