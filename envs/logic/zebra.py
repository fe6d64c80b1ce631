"""Zebra (Einstein) puzzles: houses in a row, attributes to place, clues that pin down one answer.

The generator draws a hidden assignment, adds random true clues until the solver finds exactly one
solution, then drops every clue the solution does not need (in random order), so instances are unique
and have no redundant clues.

The verifier accepts the answer's house assignment satisfies every clue.

Reference: `{"kind": "zebra", "houses": 3, "attributes": [{"name": "color", "values": ["red", ...]}, ...],
"clues": [{"type": "same", "a": "red", "b": "dog"}, ...]}`. Values are single words, distinct across
attributes. Clue types: `at`/`not_at` (`a`, `house`), `same`/`not_same`, `left_of` (somewhere left),
`right_after` (`b` directly right of `a`) and `next_to` (`a`, `b`).
Answer (grammar): records, one per line (or split at `;`), each

    record := [-] [House] [#] k [: | - | . | ) | =] item ((, | / | and) item)* [.]    (`k:` needs the mark)
    item   := value | attribute [: | = | is] value | value ( attribute )

where a value is one of the puzzle's values and an attribute label must be that value's attribute
(`color`, `colors`, `colour`); or a Markdown table: `| House | Color | Pet |` over `| 1 | red | dog |` rows
(each value in its column's attribute), or `| | House 1 | House 2 |` over `| Color | red | green |` rows.
Any other word, number or symbol (`not`, `all but`, `-free`, `belongs elsewhere`, `≠`, `?`, a line with no
house number) makes the answer unreadable: nothing on a line is skipped.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.answer import ANSWER_INSTRUCTIONS, AnswerError, require, require_int, run, shown
from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.envs.logic.grammar import Token, is_rule, pick, scan, split_at, split_lines, table_cells
from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult

VOCABULARY = (
    ("color", ("red", "green", "blue", "yellow", "white", "black")),
    ("nationality", ("Briton", "Spaniard", "Japanese", "Italian", "Norwegian", "German")),
    ("pet", ("dog", "cat", "parrot", "fish", "horse", "rabbit")),
    ("drink", ("tea", "coffee", "milk", "juice", "water", "soda")),
    ("sport", ("chess", "tennis", "golf", "soccer", "hockey", "rugby")),
    ("food", ("pizza", "pasta", "sushi", "tacos", "curry", "salad")),
)
CLUE_WEIGHTS = {"at": 1, "not_at": 1, "same": 4, "not_same": 1, "left_of": 1, "right_after": 2, "next_to": 2}


@dataclass(frozen=True)
class ZebraConfig:
    """`houses` houses in a row and `attributes` attributes (color, nationality, pet, ...) to place."""

    houses: int = 3
    attributes: int = 2

    def __post_init__(self) -> None:
        positive("houses", self.houses, 2, 6)
        positive("attributes", self.attributes, 1, len(VOCABULARY))


LEVELS = (ZebraConfig(3, 2), ZebraConfig(3, 3), ZebraConfig(4, 3), ZebraConfig(4, 4), ZebraConfig(5, 4))


def solve(street: Street, limit: int = 2) -> list[dict[str, int]]:
    """Up to `limit` assignments {value: house} satisfying every clue (backtracking, forward checking)."""
    full = set(range(1, street.houses + 1))
    domains = {v: set(full) for _, values in street.attributes for v in values}
    peers = {v: [u for u in values if u != v] for _, values in street.attributes for v in values}
    binary: dict[str, list[Mapping[str, Any]]] = {v: [] for v in domains}
    for clue in street.clues:
        if "b" in clue:
            binary[clue["a"]].append(clue)
            binary[clue["b"]].append(clue)
        else:
            domains[clue["a"]] = {h for h in domains[clue["a"]] if holds(clue, {clue["a"]: h})}
    found: list[dict[str, int]] = []

    def search(domains: dict[str, set[int]]) -> None:
        open_values = [v for v, d in domains.items() if len(d) > 1]
        if not open_values:
            position = {v: next(iter(d)) for v, d in domains.items()}
            if all(holds(c, position) for c in street.clues):
                found.append(position)
            return
        value = min(open_values, key=lambda v: len(domains[v]))
        for house in sorted(domains[value]):
            trial = _assign(domains, value, house, peers, binary)
            if trial is not None:
                search(trial)
                if len(found) >= limit:
                    return

    start = _propagate(domains, list(domains), peers, binary)
    if start is not None:
        search(start)
    return found


def _assign(domains, value, house, peers, binary):
    trial = {v: set(d) for v, d in domains.items()}
    trial[value] = {house}
    return _propagate(trial, [value], peers, binary)


def _propagate(domains, queue, peers, binary):
    """Arc consistency from the values in `queue`: all-different within attributes, then binary clues."""
    while queue:
        value = queue.pop()
        domain = domains[value]
        if not domain:
            return None
        if len(domain) == 1:
            house = next(iter(domain))
            for peer in peers[value]:
                if house in domains[peer]:
                    domains[peer].discard(house)
                    queue.append(peer)
        for clue in binary[value]:
            other = clue["b"] if clue["a"] == value else clue["a"]
            keep = {h for h in domains[other]
                    if any(holds(clue, {value: mine, other: h}) for mine in domain)}
            if keep != domains[other]:
                domains[other] = keep
                queue.append(other)
    return domains if all(domains.values()) else None


def _random_clue(rng: random.Random, solution: Mapping[str, int], values: list[str], houses: int) -> dict:
    kind = rng.choices(list(CLUE_WEIGHTS), weights=list(CLUE_WEIGHTS.values()))[0]
    for _ in range(100):
        a, b = rng.sample(values, 2)
        clue = {"type": kind, "a": a}
        if kind in ("at", "not_at"):
            clue["house"] = rng.randint(1, houses)
        else:
            clue["b"] = b
        if holds(clue, solution):
            return clue
    return {"type": "at", "a": a, "house": solution[a]}


def generate(rng: random.Random, config: ZebraConfig) -> dict[str, Any]:
    chosen = rng.sample(range(len(VOCABULARY)), config.attributes)
    attributes = []
    for i in sorted(chosen):
        name, pool = VOCABULARY[i]
        attributes.append({"name": name, "values": rng.sample(pool, config.houses)})
    values = [v for attribute in attributes for v in attribute["values"]]
    solution = {}
    for attribute in attributes:
        houses = rng.sample(range(1, config.houses + 1), config.houses)
        solution.update(zip(attribute["values"], houses, strict=True))
    instance: dict[str, Any] = {"kind": "zebra", "houses": config.houses, "attributes": attributes,
                                "clues": []}
    while len(solve(load(instance))) > 1:
        instance["clues"].append(_random_clue(rng, solution, values, config.houses))
    for clue in rng.sample(instance["clues"], len(instance["clues"])):
        fewer = [c for c in instance["clues"] if c is not clue]
        if len(solve(load({**instance, "clues": fewer}))) == 1:
            instance["clues"] = fewer
    return instance


def prompt(instance: Mapping[str, Any]) -> str:
    street = load(instance)
    n = street.houses
    attributes = "\n".join(f"- {name}: {', '.join(values)}" for name, values in street.attributes)
    clues = "\n".join(f"{i}. {describe(clue, street)}" for i, clue in enumerate(street.clues, 1))
    example = ", ".join(values[0] for _, values in street.attributes)
    return (f"There are {n} houses in a row, numbered 1 to {n} from left to right. Each house has a "
            f"different value of each of these attributes:\n{attributes}\n\nClues:\n{clues}\n\n"
            f"Work out which values belong to which house. Answer with one line per house listing all its "
            f"values, for example 'House 1: {example}' (not necessarily right).\n{ANSWER_INSTRUCTIONS}")


def format_answer(street: Street, position: Mapping[str, int]) -> str:
    lines = []
    for house in range(1, street.houses + 1):
        here = [v for _, values in street.attributes for v in values if position[v] == house]
        lines.append(f"House {house}: {', '.join(here)}")
    return "\n".join(lines)


def reference_answer(instance: Mapping[str, Any]) -> str | None:
    """The solver's answer to `instance`, formatted as the prompt asks."""
    street = load(instance)
    found = solve(street, limit=1)
    return format_answer(street, found[0]) if found else None


MAX_HOUSES = 8
MAX_ATTRIBUTES = 16
MAX_CLUES = 2_000
CLUE_ITEMS = {"at": ("a",), "not_at": ("a",), "same": ("a", "b"), "not_same": ("a", "b"),
              "left_of": ("a", "b"), "right_after": ("a", "b"), "next_to": ("a", "b")}
SYMBOLS = pick("comma", "semicolon", "colon", "period", "pipe", "dash", "open", "close", "equals", "slash", "hash")
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


class _Reader:
    """Reads records into `position`; knows the values and attribute names, and nothing else."""

    def __init__(self, street: Street):
        self.value = {v.lower(): v for _, values in street.attributes for v in values}
        self.attribute_of = street.attribute_of()
        self.attributes: dict[str, str] = {}
        for name, _ in street.attributes:
            for spelling in (name.lower(), name.lower() + "s", name.lower().replace("color", "colour")):
                self.attributes.setdefault(spelling, name)
        self.position: dict[str, int] = {}

    def place(self, token: Token, house: int, attribute: str | None = None) -> None:
        value = self.value.get(token.text) if token.kind == "word" else None
        if value is None:
            raise AnswerError(f"cannot read {token.shown()}: not one of the puzzle's values")
        if attribute is not None and self.attribute_of[value] != attribute:
            raise AnswerError(f"{value} is not a {attribute} value")
        if self.position.get(value, house) != house:
            raise AnswerError(f"{value} is placed in two houses")
        self.position[value] = house

    def attribute(self, token: Token | None) -> str | None:
        return self.attributes.get(token.text) if token is not None and token.kind == "word" else None


def parse(text: str, street: Street) -> dict[str, int]:
    reader = _Reader(street)
    lines = split_lines(scan(text, SYMBOLS, max_token=40))
    tables = [cells for cells in (table_cells(line) for line in lines) if cells is not None]
    if tables and len(tables) != len(lines):
        raise AnswerError("a table and other lines are mixed; write one or the other")
    if tables:
        _table(tables, reader)
    for line in lines if not tables else []:
        for record in split_at(line, ("semicolon",)):
            _house_line(record, reader)
    if not reader.position:
        raise AnswerError("no line gives a house number with its values")
    return reader.position


def _house_line(record: list[Token], reader: _Reader) -> None:
    """`[-] [House] [#]k [: - . ) =] item (, | / | and)* item [.]`."""
    at = 1 if record and record[0].kind == "dash" else 0
    named = at < len(record) and record[at].kind == "word" and record[at].text in ("house", "houses")
    at += named
    at += at < len(record) and record[at].kind == "hash"
    if at >= len(record) or record[at].kind != "number" or len(record[at].text) > 3:
        found = record[at].shown() if at < len(record) else "nothing"
        raise AnswerError(f"a line must start with its house number ('House 2: ...'), not {found}")
    house = int(record[at].text)
    at += 1
    if at < len(record) and record[at].kind in ("colon", "dash", "period", "close", "equals"):
        at += 1
    elif not named:
        raise AnswerError(f"write 'House {house}: ...' or '{house}: ...'")
    if at < len(record) and record[at].kind == "period":
        raise AnswerError("cannot read '.' after the house number")
    items = 0
    while at < len(record):
        at = _item(record, at, house, reader)
        items += 1
        token = record[at] if at < len(record) else None
        if token is not None and (token.kind in ("comma", "slash") or token.text == "and"):
            at += 1
            if at == len(record):
                raise AnswerError(f"nothing follows the last {token.shown()}")
        elif token is not None and token.kind == "period" and at + 1 == len(record):
            at += 1
    if not items:
        raise AnswerError(f"house {house} is given no values")


def _item(record: list[Token], at: int, house: int, reader: _Reader) -> int:
    """`red`, `color red`, `color: red`, `color = red`, `color is red`, or `red (color)`."""
    attribute = reader.attribute(record[at])
    if attribute is not None:
        at += 1
        if at < len(record) and (record[at].kind in ("colon", "equals") or record[at].text == "is"):
            at += 1
        if at >= len(record):
            raise AnswerError(f"no value follows {attribute}")
    value = record[at]
    at += 1
    if attribute is None and at + 2 < len(record) and record[at].kind == "open" \
            and reader.attribute(record[at + 1]) and record[at + 2].kind == "close":
        attribute = reader.attribute(record[at + 1])
        at += 3
    reader.place(value, house, attribute)
    return at


def _table(rows: list[list[list[Token]]], reader: _Reader) -> None:
    """`| House | Color | Pet |` then `| 1 | red | dog |` rows, or `| | House 1 | House 2 |` then
    `| Color | red | green |` rows (one house per column); without a header, `| 1 | red | dog |`."""
    rows = [cells for cells in rows if not is_rule(cells)]
    header = rows[0]
    houses = [_house_cell(cell) for cell in header[1:]]
    if len(header) > 1 and all(house is not None for house in houses):
        for cells in rows[1:]:
            attribute = reader.attribute(cells[0][0]) if len(cells[0]) == 1 else None
            if attribute is None or len(cells) != len(header):
                raise AnswerError("each row of a table with a column per house starts with an attribute")
            for house, cell in zip(houses, cells[1:], strict=True):
                reader.place(_single(cell), house, attribute)
        return
    columns: list[str | None] = [None] * len(header)
    if len(header[0]) == 1 and header[0][0].text in ("house", "houses", "#"):
        columns = [None] + [reader.attribute(_single(cell)) or _no_attribute(cell) for cell in header[1:]]
        rows = rows[1:]
    for cells in rows:
        house = _house_cell(cells[0])
        if house is None or len(cells) != len(columns):
            raise AnswerError("each table row must start with its house number and fill every column")
        for attribute, cell in zip(columns[1:], cells[1:], strict=True):
            reader.place(_single(cell), house, attribute)


def _house_cell(cell: list[Token]) -> int | None:
    """`3`, `House 3` or `#3` as a table cell."""
    if cell and cell[0].kind == "word" and cell[0].text == "house" or cell and cell[0].kind == "hash":
        cell = cell[1:]
    if len(cell) == 1 and cell[0].kind == "number" and len(cell[0].text) <= 3:
        return int(cell[0].text)
    return None


def _single(cell: list[Token]) -> Token:
    if len(cell) != 1:
        raise AnswerError(f"a table cell must hold one word, not {len(cell)} tokens")
    return cell[0]


def _no_attribute(cell: list[Token]) -> str:
    raise AnswerError(f"the table header {_single(cell).shown()} is not one of the puzzle's attributes")


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
    return run(reference, completion, KIND.name, load, parse, check)


KIND = PuzzleKind("zebra", LEVELS, generate, prompt, reference_answer)


class ZebraEnv(LogicEnv):
    """`rlvr/Zebra-v1`: place every attribute value in its house from the clues; the answer is unique."""

    family = "zebra"
    kind = KIND
