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


# measurement units, written out or abbreviated, that may follow a number in any combination (`square feet`, `m/s`,
# `km per hour`); a unit outside this list is read only as one plural noun (`apples`, `students`)
_MEASURES = frozenset("""
    mm cm dm m km in inch inches ft foot feet yd yard yards mi mile miles nm um
    meter meters metre metres millimeter millimeters centimeter centimeters kilometer kilometers
    mg g kg lb lbs pound pounds oz ounce ounces ton tons tonne tonnes gram grams kilogram kilograms
    ml mL l L liter liters litre litres gal gallon gallons cup cups qt quart quarts pt pint pints
    ms s sec secs second seconds min mins minute minutes h hr hrs hour hours day days week weeks
    month months yr yrs year years
    dollar dollars cent cents usd euro euros yen rupee rupees
    deg degree degrees rad radian radians C F
    unit units sq square cubic cu per mph kph kmh km/h
    J kJ W kW V N Pa kPa Hz kHz mol cal kcal
    people children men women teeth mice geese sheep fish deer
""".split())


def is_unit_text(text: str) -> bool:
    """True when `text` (what a `\\text{}` after a number holds, or the words after "$2$") is a unit: measurement
    units from a fixed list (`cm`, `m/s`, `square units`, `dollars`), or one plural noun (`apples`) that is no
    magnitude, comparison, negation or hedge. Anything else (`just kidding`, `scratch that`) is no unit."""
    parts = _UNIT_SEPARATORS.split(text.strip())
    if not all(_UNIT_WORD.fullmatch(part) for part in parts):
        return False
    words = [part.rstrip(".") for part in parts]
    if any(word.casefold() in _NOT_UNIT_WORDS or word in _CASE_SENSITIVE_NOT_UNITS for word in words):
        return False
    if all(word in _MEASURES or word.casefold() in _MEASURES for word in words):
        return True
    return len(words) == 1 and len(words[0]) >= 3 and words[0].endswith("s") and words[0].isalpha()


_PERCENT_WORDS = re.compile(r"(?i)\s*(?:\\%|%|per\s*cent|pct|percentage)\s*")


def is_percent_text(text: str) -> bool:
    """`\\text{\\%}`, `\\text{ percent}`, `per cent`: a percent sign written as text."""
    return _PERCENT_WORDS.fullmatch(text) is not None
