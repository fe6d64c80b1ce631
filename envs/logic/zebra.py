"""Zebra (Einstein) puzzles: houses in a row, attributes to place, clues that pin down one answer.

The generator draws a hidden assignment, adds random true clues until the solver finds exactly one
solution, then drops every clue the solution does not need (in random order), so instances are unique
and have no redundant clues.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.verifiers.logic._answer import ANSWER_INSTRUCTIONS
from rlvr.verifiers.logic.zebra import Street, describe, holds, load

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


KIND = PuzzleKind("zebra", LEVELS, generate, prompt, reference_answer)


class ZebraEnv(LogicEnv):
    """`rlvr/Zebra-v1`: place every attribute value in its house from the clues; the answer is unique."""

    family = "zebra"
    kind = KIND
