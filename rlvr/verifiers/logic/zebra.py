"""Zebra (Einstein) puzzle verifier: the answer's house assignment satisfies every clue.

Reference: `{"kind": "zebra", "houses": 3, "attributes": [{"name": "color", "values": ["red", ...]}, ...],
"clues": [{"type": "same", "a": "red", "b": "dog"}, ...]}`. Values are single words, distinct across
attributes. Clue types: `at`/`not_at` (`a`, `house`), `same`/`not_same`, `left_of` (somewhere left),
`right_after` (`b` directly right of `a`) and `next_to` (`a`, `b`).
Answer: one line per house, e.g. `House 1: red, dog, tea` (a markdown table row `| 1 | red | dog |` works
too); the number on a line is the house, known values on it are placed there, other words are ignored.
A line that names values and gives two different numbers is unreadable rather than guessed, and so is
one with a negation or hedge (`not blue`, `isn't`, `maybe`, `or`, `?`, `~~blue~~`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import AnswerError, require, require_int, run, shown

KIND = "zebra"
MAX_HOUSES = 8
MAX_ATTRIBUTES = 16
MAX_CLUES = 2_000
CLUE_ITEMS = {"at": ("a",), "not_at": ("a",), "same": ("a", "b"), "not_same": ("a", "b"),
              "left_of": ("a", "b"), "right_after": ("a", "b"), "next_to": ("a", "b")}
# A line with one of these (or `?`, or `~~strikethrough~~`) is unreadable: "House 2: not blue" must not put
# blue in house 2. `t` is what "isn't" leaves after the apostrophe splits it.
NEGATIONS = frozenset({
    "not", "no", "non", "never", "neither", "nor", "none", "nothing", "nobody", "without", "except", "excluding",
    "cannot", "t", "isnt", "wasnt", "arent", "doesnt", "dont", "cant", "maybe", "perhaps", "possibly", "probably",
    "likely", "unlikely", "unsure", "uncertain", "unknown", "might", "may", "could", "either", "or", "guess",
    "instead", "rather", "false", "wrong", "ruled", "eliminated", "excluded", "impossible"})
PHRASES = {"color": "the person in the {} house", "pet": "the person who keeps the {}",
           "drink": "the person who drinks {}", "nationality": "the {}", "sport": "the person who plays {}",
           "food": "the person who eats {}"}


@dataclass(frozen=True)
class Street:
    houses: int
    attributes: tuple[tuple[str, tuple[str, ...]], ...]
    clues: tuple[Mapping[str, Any], ...]

    def attribute_of(self) -> dict[str, str]:
        return {value: name for name, values in self.attributes for value in values}


def load(reference: Mapping[str, Any]) -> Street:
    houses = require_int(reference, "houses", 1, MAX_HOUSES)
    raw_attributes = require(reference, "attributes", list)
    raw_clues = require(reference, "clues", list)
    if len(raw_attributes) > MAX_ATTRIBUTES or len(raw_clues) > MAX_CLUES:
        raise InvalidReferenceError(f"a zebra reference has at most {MAX_ATTRIBUTES} attributes and "
                                    f"{MAX_CLUES} clues, got {len(raw_attributes)} and {len(raw_clues)}")
    attributes = []
    for attribute in raw_attributes:
        values = attribute.get("values") if isinstance(attribute, Mapping) else None
        name = attribute.get("name") if isinstance(attribute, Mapping) else None
        if not isinstance(name, str) or not isinstance(values, list) or len(values) != houses or not all(
                isinstance(v, str) and v.isascii() and v.isalpha() for v in values):
            raise InvalidReferenceError(f"each attribute needs a name and {houses} one-word ASCII values")
        attributes.append((name, tuple(values)))
    known = [v.lower() for _, values in attributes for v in values]
    if not attributes or len(set(known)) != len(known):
        raise InvalidReferenceError("attribute values must be distinct (ignoring case) across attributes")
    street = Street(houses, tuple(attributes), tuple(raw_clues))
    values = street.attribute_of()  # built once: per clue it made a 2 MB reference take minutes
    for clue in street.clues:
        _check_clue(clue, values, houses)
    return street


def _check_clue(clue: Any, values: Mapping[str, str], houses: int) -> None:
    kind = clue.get("type") if isinstance(clue, Mapping) else None
    if not isinstance(kind, str) or kind not in CLUE_ITEMS:
        raise InvalidReferenceError(f"unknown clue {shown(clue)}")
    for key in CLUE_ITEMS[kind]:
        if not isinstance(clue.get(key), str) or clue[key] not in values:
            raise InvalidReferenceError(f"clue {shown(clue)} names an unknown value")
    if kind in ("at", "not_at"):
        house = clue.get("house")
        if not isinstance(house, int) or isinstance(house, bool) or not 1 <= house <= houses:
            raise InvalidReferenceError(f"clue {shown(clue)} needs a house in 1..{houses}")


def holds(clue: Mapping[str, Any], position: Mapping[str, int]) -> bool:
    """Whether a clue is true when value v is in house `position[v]`."""
    kind, a = clue["type"], position[clue["a"]]
    if kind == "at":
        return a == clue["house"]
    if kind == "not_at":
        return a != clue["house"]
    b = position[clue["b"]]
    return {"same": a == b, "not_same": a != b, "left_of": a < b, "right_after": b == a + 1,
            "next_to": abs(a - b) == 1}[kind]


def phrase(value: str, street: Street) -> str:
    attribute = street.attribute_of()[value]
    return PHRASES.get(attribute, "the person whose " + attribute + " is {}").format(value)


def describe(clue: Mapping[str, Any], street: Street) -> str:
    """The clue as an English sentence."""
    a = phrase(clue["a"], street)
    kind = clue["type"]
    if kind in ("at", "not_at"):
        text = f"{a} {'lives' if kind == 'at' else 'does not live'} in house {clue['house']}"
    else:
        b = phrase(clue["b"], street)
        text = {"same": f"{a} is {b}", "not_same": f"{a} is not {b}",
                "left_of": f"{a} lives somewhere to the left of {b}",
                "right_after": f"{b} lives directly to the right of {a}",
                "next_to": f"{a} lives next to {b}"}[kind]
    return text[0].upper() + text[1:] + "."


def _records(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines if len(lines) > 1 else text.split(";")


def _tokens(record: str) -> tuple[list[int], list[str]]:
    numbers, words, current = [], [], ""
    for char in record + " ":
        if char.isalnum() and char.isascii():
            current += char
            continue
        if current:
            if current.isdigit():
                numbers.append(int(current[:6]))
            else:
                words.append(current.lower())
            current = ""
    return numbers, words


def parse(text: str, street: Street) -> dict[str, int]:
    canonical = {v.lower(): v for _, values in street.attributes for v in values}
    position: dict[str, int] = {}
    for record in _records(text):
        numbers, words = _tokens(record)
        found = [canonical[w] for w in words if w in canonical]
        if not found:
            continue
        doubt = next((w for w in words if w in NEGATIONS and w not in canonical), None)
        if doubt is not None or "?" in record or "~~" in record:
            shown_word = "n't" if doubt == "t" else doubt or ("?" if "?" in record else "~~")
            raise AnswerError(f"a line that places values says {shown_word!r}; a negated or hedged value "
                              "is not a placement, so list only what each house holds")
        if not numbers:
            raise AnswerError(f"a line names {found[0]} but no house number")
        if len(set(numbers)) > 1:  # "blue is in house 3, the fish in house 2" would put the fish in 3
            raise AnswerError(f"a line gives several house numbers ({', '.join(map(str, numbers[:4]))}); "
                              "write one line per house")
        for value in found:
            if position.get(value, numbers[0]) != numbers[0]:
                raise AnswerError(f"{value} is placed in two houses")
            position[value] = numbers[0]
    if not position:
        raise AnswerError("no line gives a house number with its values")
    return position


def check(street: Street, position: dict[str, int]) -> str | None:
    for value, house in sorted(position.items()):
        if not 1 <= house <= street.houses:
            return f"{value} is placed in house {house}, but the houses are 1-{street.houses}"
    for name, values in street.attributes:
        for value in values:
            if value not in position:
                return f"the answer does not place {value}"
        seen: dict[int, str] = {}
        for value in values:
            if position[value] in seen:
                return f"house {position[value]} gets two {name} values ({seen[position[value]]} and {value})"
            seen[position[value]] = value
    for number, clue in enumerate(street.clues, 1):
        if not holds(clue, position):
            return f"clue {number} fails: {describe(clue, street)}"
    return None


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a zebra-puzzle assignment: a full one-per-house assignment that satisfies every clue."""
    return run(reference, completion, KIND, load, parse, check)
