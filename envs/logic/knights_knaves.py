"""Knights and knaves: knights always tell the truth, knaves always lie; say who is which.

The generator draws a hidden assignment, gives each person a random statement whose truth matches
their role, and keeps the instance only when brute force over all 2^n assignments finds exactly one
consistent with every statement.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.errors import ConfigError
from rlvr.verifiers.logic._answer import ANSWER_INSTRUCTIONS
from rlvr.verifiers.logic.knights_knaves import evaluate

NAMES = ("Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
         "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoe")
CONNECTIVES = ("and", "or", "iff", "implies", "not")


@dataclass(frozen=True)
class KnightsKnavesConfig:
    """`people` islanders; statements nest connectives up to `depth`; `counting` allows
    "exactly k of us are knights" statements."""

    people: int = 2
    depth: int = 1
    counting: bool = False

    def __post_init__(self) -> None:
        positive("people", self.people, 2, 8)
        positive("depth", self.depth, 1, 3)
        if not isinstance(self.counting, bool):
            raise ConfigError(f"counting must be a bool, got {self.counting!r}")


LEVELS = (
    KnightsKnavesConfig(2, 1, False),
    KnightsKnavesConfig(3, 1, False),
    KnightsKnavesConfig(4, 2, True),
    KnightsKnavesConfig(5, 2, True),
    KnightsKnavesConfig(6, 3, True),
)


def solve(statements: list[Mapping[str, Any]]) -> list[tuple[bool, ...]]:
    """Every assignment (True = knight) under which each person's statement matches their role."""
    people = len(statements)
    return [knights for knights in itertools.product((True, False), repeat=people)
            if all(evaluate(statements[i], knights) == knights[i] for i in range(people))]


def _statement(rng: random.Random, people: int, depth: int, counting: bool) -> dict[str, Any]:
    if depth == 0 or rng.random() < 0.3:
        if counting and rng.random() < 0.25:
            return {"op": "count", "n": rng.randint(0, people), "knight": rng.random() < 0.5}
        return {"op": "is", "who": rng.randrange(people), "knight": rng.random() < 0.5}
    op = rng.choice(CONNECTIVES)
    if op == "not":
        return {"op": "not", "arg": _statement(rng, people, depth - 1, counting)}
    args = [_statement(rng, people, depth - 1, counting) for _ in range(2)]
    while args[1] == args[0]:  # "X or X" reads as a trick, not a puzzle
        args[1] = _statement(rng, people, depth - 1, counting)
    return {"op": op, "args": args}


def generate(rng: random.Random, config: KnightsKnavesConfig) -> dict[str, Any]:
    names = rng.sample(NAMES, config.people)
    for _ in range(20_000):
        knights = tuple(rng.random() < 0.5 for _ in range(config.people))
        statements = []
        for i in range(config.people):
            statement = _statement(rng, config.people, config.depth, config.counting)
            if evaluate(statement, knights) != knights[i]:
                statement = {"op": "not", "arg": statement} if statement["op"] != "not" else statement["arg"]
            statements.append(statement)
        if solve(statements) == [knights]:
            return {"kind": "knights_knaves", "names": names, "statements": statements}
    raise ConfigError(f"no uniquely solvable knights-and-knaves instance found for {config}")


def render(tree: Mapping[str, Any], names: list[str], speaker: int, top: bool = True) -> str:
    """A statement in English, from the speaker's point of view; nested parts are parenthesised."""
    op = tree["op"]
    if op == "is":
        role = "a knight" if tree["knight"] else "a knave"
        return f"I am {role}" if tree["who"] == speaker else f"{names[tree['who']]} is {role}"
    if op == "count":
        noun = "knight" if tree["knight"] else "knave"
        if tree["n"] == 1:
            return f"exactly 1 of us is a {noun}"
        return f"exactly {tree['n']} of us are {noun}s"
    if op == "not":
        return f"it is not true that {render(tree['arg'], names, speaker, False)}" if top else \
            f"(it is not true that {render(tree['arg'], names, speaker, False)})"
    a, b = (render(arg, names, speaker, False) for arg in tree["args"])
    text = {"and": f"{a} and {b}", "or": f"{a} or {b}", "iff": f"{a} if and only if {b}",
            "implies": f"if {a} then {b}"}[op]
    return text if top else f"({text})"


def prompt(instance: Mapping[str, Any]) -> str:
    names = instance["names"]
    lines = [f'{name} says: "{_capital(render(instance["statements"][i], names, i))}."'
             for i, name in enumerate(names)]
    people = ", ".join(names[:-1]) + f" and {names[-1]}"
    return (f"On an island, every inhabitant is either a knight, who always tells the truth, or a knave, "
            f"who always lies. You meet {len(names)} inhabitants: {people}. (\"or\" is inclusive; "
            f"\"exactly k of us\" counts all {len(names)} of them.)\n\n" + "\n".join(lines) +
            "\n\nWho is a knight and who is a knave? Answer with one line per person in the form "
            f"'Name: knight' or 'Name: knave', covering all {len(names)} of them.\n{ANSWER_INSTRUCTIONS}")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def format_answer(names: list[str], knights: tuple[bool, ...]) -> str:
    return "\n".join(f"{name}: {'knight' if k else 'knave'}" for name, k in zip(names, knights, strict=True))


def reference_answer(instance: Mapping[str, Any]) -> str | None:
    """The solver's answer to `instance`, formatted as the prompt asks."""
    found = solve(instance["statements"])
    return format_answer(instance["names"], found[0]) if found else None


KIND = PuzzleKind("knights_knaves", LEVELS, generate, prompt, reference_answer)


class KnightsKnavesEnv(LogicEnv):
    """`rlvr/KnightsKnaves-v1`: decide who always tells the truth and who always lies."""

    family = "knights_knaves"
    kind = KIND
