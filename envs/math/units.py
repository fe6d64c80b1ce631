"""Which words after a number are a unit (`5 \\text{ cm}`, "$2$ apples"), and what unit they name.

Units come from fixed lists, never from the shape of a word: a measurement unit (`cm`, `m/s`, `square feet`,
`km per hour`) or a counted noun that word problems ask about (`apples`, `students`). A plural that changes the
number (`tens`, `sixths`, `negatives`) or any word off the lists is no unit, so the answer holding it is
unreadable. Shared by extract and compare so that the two read the same answer the same way.
"""

from __future__ import annotations

import re

# a unit word: letters, perhaps abbreviated with a final `.`; words are joined by spaces or `/` (`m/s`, `sq. ft`)
_UNIT_WORD = re.compile(r"[A-Za-z]+\.?")
_UNIT_SEPARATORS = re.compile(r"\s*/\s*|\s+")

# measurement units by their canonical name; case matters only for the short symbols (`Mm` is no `mm`)
_SYMBOLS = {
    "mm": "mm", "cm": "cm", "dm": "dm", "m": "m", "km": "km", "nm": "nm", "um": "um", "in": "in", "ft": "ft",
    "yd": "yd", "mi": "mi", "mg": "mg", "g": "g", "kg": "kg", "lb": "lb", "lbs": "lb", "oz": "oz",
    "ml": "ml", "mL": "ml", "l": "l", "L": "l", "gal": "gal", "qt": "qt", "pt": "pt", "ms": "ms", "s": "s",
    "sec": "s", "secs": "s", "min": "min", "mins": "min", "h": "h", "hr": "h", "hrs": "h", "yr": "year",
    "yrs": "year", "deg": "degree", "rad": "radian", "C": "celsius", "F": "fahrenheit",
    "J": "J", "kJ": "kJ", "W": "W", "kW": "kW", "V": "V", "N": "N", "Pa": "Pa", "kPa": "kPa", "Hz": "Hz",
    "kHz": "kHz", "mol": "mol", "cal": "cal", "kcal": "kcal", "mph": "mph", "kph": "kph", "kmh": "kph",
    "usd": "dollar",
}
_WORDS = {
    "millimeter": "mm", "millimetre": "mm", "centimeter": "cm", "centimetre": "cm", "meter": "m", "metre": "m",
    "kilometer": "km", "kilometre": "km", "inch": "in", "inches": "in", "foot": "ft", "feet": "ft", "yard": "yd",
    "mile": "mi", "milligram": "mg", "gram": "g", "kilogram": "kg", "pound": "lb", "ounce": "oz", "ton": "ton",
    "tonne": "tonne", "liter": "l", "litre": "l", "milliliter": "ml", "millilitre": "ml", "gallon": "gal",
    "quart": "qt", "pint": "pt", "cup": "cup", "second": "s", "minute": "min", "hour": "h", "day": "day",
    "week": "week", "month": "month", "year": "year", "dollar": "dollar", "cent": "cent", "euro": "euro",
    "yen": "yen", "rupee": "rupee", "degree": "degree", "radian": "radian", "unit": "unit", "calorie": "cal",
}
# modifiers that need a unit after them (`square feet`, `km per hour`), never a unit alone
_MODIFIERS = {"square": "sq", "sq": "sq", "cubic": "cu", "cu": "cu", "per": "per"}
# things word problems count (singular and plural are one unit)
_COUNTED = frozenset("""
    apple banana orange pear grape lemon peach mango cherry strawberry cookie candy cupcake muffin pie cake
    donut doughnut bagel sandwich pizza burger slice piece loaf egg chocolate lollipop sweet snack meal
    book page notebook pencil pen crayon marker eraser sticker card stamp coin bill letter word song movie photo
    picture poster student people person child children kid boy girl friend adult teacher worker employee
    customer player visitor guest member fan passenger toy ball marble doll block brick tile bead balloon
    candle gift present box bag bottle can jar pack packet carton crate basket bucket glass plate bowl chair
    table desk house room shelf car bike bicycle bus truck boat train tree flower plant seed leaf
    rose animal dog cat bird fish chicken cow pig horse sheep goat duck rabbit puppy kitten point
    goal game match ticket item shirt hat shoe sock pair dress pant jacket necklace bracelet ring lap step trip
    ride round question problem task test quiz class lesson way
""".split())
_COUNTED_PLURALS = {"people": "person", "children": "child", "loaves": "loaf", "leaves": "leaf",
                    "shelves": "shelf", "candies": "candy", "cherries": "cherry", "strawberries": "strawberry",
                    "puppies": "puppy", "fishes": "fish", "boxes": "box", "glasses": "glass", "classes": "class",
                    "dresses": "dress", "sandwiches": "sandwich", "peaches": "peach", "mangoes": "mango"}


def unit_name(text: str) -> str | None:
    """The canonical name of the unit `text` writes (`square feet` is `sq ft`, `km/h` is `km/h`, `apples` is
    `apple`), or None when `text` is no unit."""
    parts = _UNIT_SEPARATORS.split(text.strip())
    if not all(_UNIT_WORD.fullmatch(part) for part in parts):
        return None
    names = [_word(part.rstrip(".")) for part in parts]
    if any(name is None for name in names) or len(set(names)) != len(names):
        return None
    if names[-1] in _MODIFIERS.values() or any(
            name in _MODIFIERS.values() and following in _MODIFIERS.values()
            for name, following in zip(names, names[1:], strict=False)):
        return None  # `5 square`, `5 sq sq`: a modifier with no unit after it
    separator = "/" if "/" in text else " "
    return separator.join(names)  # type: ignore[arg-type]


def is_unit_text(text: str) -> bool:
    """True when `text` (what a `\\text{}` after a number holds, or the words after "$2$") names a unit."""
    return unit_name(text) is not None


def _word(word: str) -> str | None:
    if word in _SYMBOLS:
        return _SYMBOLS[word]
    folded = word.casefold()
    if folded in _MODIFIERS:
        return _MODIFIERS[folded]
    if folded in _COUNTED_PLURALS:
        return _COUNTED_PLURALS[folded]
    for singular in (folded, folded[:-1] if folded.endswith("s") else None):
        if singular in _WORDS:
            return _WORDS[singular]
        if singular in _COUNTED:
            return singular
    return None


_PERCENT_WORDS = re.compile(r"(?i)\s*(?:\\%|%|per\s*cent|pct|percentage)\s*")


def is_percent_text(text: str) -> bool:
    """`\\text{\\%}`, `\\text{ percent}`, `per cent`: a percent sign written as text."""
    return _PERCENT_WORDS.fullmatch(text) is not None
