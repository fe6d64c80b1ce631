"""Knights and knaves: knights always tell the truth, knaves always lie; say who is which.

The generator draws a hidden assignment, gives each person a random statement whose truth matches
their role, and keeps the instance only when brute force over all 2^n assignments finds exactly one
consistent with every statement.

The verifier accepts under the answer, every knight's statement is true and every knave's false.

Reference: `{"kind": "knights_knaves", "names": ["Ann", "Bo"], "statements": [<tree>, <tree>]}` where
person i says `statements[i]`, a tree of `{"op": "is", "who": j, "knight": true}`,
`{"op": "count", "n": k, "knight": true}` (exactly k people are knights/knaves), `{"op": "not", "arg": t}`
and `{"op": "and" | "or" | "iff" | "implies", "args": [t, u]}`.
Answer (grammar): clauses split at line breaks, `.` and `;`, each read to its end:

    clause     := [so|thus|therefore|hence [,]] [[final] answer|solution|roles :] (heading | assignments)
    heading    := [the] ROLE (: | - | is | are) (none | names)          `Knights: Ann, Bo`
    assignments:= assignment ((, | and | , and) assignment)*
    assignment := [both|all] names (: | - | = | -> | →) ROLE  |  names ( ROLE )
                | [both|all] names COPULA [both|all] [not] [a|an|the] ROLE [, not [a|an|the] ROLE']
    names      := NAME ((, | and | , and) NAME)*

with COPULA `is are was were` (`isn't`, `aren't`, ... are a copula with `not`), plus a `| Name | Role |`
table and list markers (`-`, `1.`). A heading owns its whole clause, so `Knights: Ann, Bo: knave` is
unreadable rather than a knight Bo. Any other word or symbol (a hedge, `≠`, `never`, a name not in the
puzzle, `?`) makes the answer unreadable.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.answer import ANSWER_INSTRUCTIONS, AnswerError, require, run, shown
from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.envs.logic.grammar import Token, is_rule, pick, scan, split_at, split_lines, table_cells, words_of
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import VerifyResult

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


MAX_PEOPLE = 12
MAX_TREE_DEPTH = 8
BINARY = ("and", "or", "iff", "implies")
ROLES = {"knight": True, "knights": True, "knave": False, "knaves": False}
COPULAS = frozenset({"is", "are", "was", "were"})
NEGATED_COPULAS = frozenset({"isn't", "aren't", "wasn't", "weren't", "isnt", "arent", "wasnt", "werent"})
ARTICLES = frozenset({"a", "an", "the"})
LINKING_WORDS = frozenset({"so", "thus", "therefore", "hence"})
HEADINGS = frozenset({"answer", "solution", "roles"})
TABLE_HEADINGS = (frozenset({"name", "person", "inhabitant"}), frozenset({"role", "type", "identity"}))
# Every word the grammar gives a meaning to: a name must not be one of them.
VOCABULARY = (frozenset(ROLES) | COPULAS | NEGATED_COPULAS | ARTICLES | LINKING_WORDS | HEADINGS
              | TABLE_HEADINGS[0] | TABLE_HEADINGS[1] | {"not", "and", "both", "all", "none", "final"})
SYMBOLS = pick("comma", "semicolon", "colon", "period", "pipe", "dash", "open", "close", "equals", "arrow")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})


@dataclass(frozen=True)
class Island:
    names: tuple[str, ...]
    statements: tuple[Mapping[str, Any], ...]


def load(reference: Mapping[str, Any]) -> Island:
    names = require(reference, "names", list)
    statements = require(reference, "statements", list)
    if not 1 <= len(names) <= MAX_PEOPLE or len(statements) != len(names):
        raise InvalidReferenceError(f"need 1-{MAX_PEOPLE} names and one statement per name")
    if not all(isinstance(n, str) and n.isalpha() and n.lower() not in VOCABULARY for n in names):
        raise InvalidReferenceError("names must be alphabetic words other than the answer's vocabulary "
                                    "(knight, not, and, ...)")
    if len({n.lower() for n in names}) != len(names):
        raise InvalidReferenceError("names must be distinct")
    for statement in statements:
        _check_tree(statement, len(names), 0)
    return Island(tuple(names), tuple(statements))


def _check_tree(tree: Any, people: int, depth: int) -> None:
    if depth > MAX_TREE_DEPTH or not isinstance(tree, Mapping):
        raise InvalidReferenceError("a statement must be a tree of objects at most 8 deep")
    op = tree.get("op")
    if op in ("is", "count"):
        key, high = ("who", people - 1) if op == "is" else ("n", people)
        value = tree.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= high:
            raise InvalidReferenceError(f"statement {shown(op)} needs {key!r} in [0, {high}]")
        if not isinstance(tree.get("knight"), bool):
            raise InvalidReferenceError(f"statement {shown(op)} needs a boolean 'knight'")
    elif op == "not":
        _check_tree(tree.get("arg"), people, depth + 1)
    elif op in BINARY:
        args = tree.get("args")
        if not isinstance(args, list) or len(args) != 2:
            raise InvalidReferenceError(f"statement {shown(op)} needs two args")
        for arg in args:
            _check_tree(arg, people, depth + 1)
    else:
        raise InvalidReferenceError(f"unknown statement op {shown(op)}")


def evaluate(tree: Mapping[str, Any], knights: Sequence[bool]) -> bool:
    """The truth of a statement when person i is a knight exactly when `knights[i]`."""
    op = tree["op"]
    if op == "is":
        return knights[tree["who"]] == tree["knight"]
    if op == "count":
        return sum(1 for k in knights if k == tree["knight"]) == tree["n"]
    if op == "not":
        return not evaluate(tree["arg"], knights)
    a, b = (evaluate(arg, knights) for arg in tree["args"])
    return {"and": a and b, "or": a or b, "iff": a == b, "implies": (not a) or b}[op]


def parse(text: str, island: Island) -> tuple[bool, ...]:
    """Read every clause (split at line breaks, `.` and `;`) with the grammar in the module docstring."""
    index = {name.lower(): i for i, name in enumerate(island.names)}
    tokens = scan(text.translate(APOSTROPHES), SYMBOLS, apostrophes=True)
    roles: dict[int, bool] = {}
    empty: set[bool] = set()  # roles a heading says nobody has (`Knights: none`)
    for line in split_lines(tokens):
        cells = table_cells(line)
        if cells is not None:
            _table_row(cells, index, island.names, roles)
            continue
        for clause in split_at(_drop_marker(line), ("period", "semicolon")):
            if clause:
                _Clause(clause, index, island.names, roles, empty).read()
    contradicted = [i for i, role in roles.items() if role in empty]
    if contradicted:
        role = "knights" if roles[contradicted[0]] else "knaves"
        raise AnswerError(f"a heading says there are no {role}, but {island.names[contradicted[0]]} is one")
    missing = [island.names[i] for i in range(len(island.names)) if i not in roles]
    if missing:
        raise AnswerError(f"no role given for {', '.join(missing)}")
    return tuple(roles[i] for i in range(len(island.names)))


def _drop_marker(line: list[Token]) -> list[Token]:
    """A list marker (`-`, `1.`, `1)`) opens a line and says nothing."""
    if len(line) > 1 and line[0].kind == "dash":
        return line[1:]
    if len(line) > 2 and line[0].kind == "number" and line[1].kind in ("period", "close"):
        return line[2:]
    return line


def _set(roles: dict[int, bool], person: int, role: bool, names: Sequence[str]) -> None:
    if roles.get(person, role) != role:
        raise AnswerError(f"{names[person]} is called both a knight and a knave")
    roles[person] = role


def _table_row(cells: list[list[Token]], index: Mapping[str, int], names: Sequence[str],
               roles: dict[int, bool]) -> None:
    """`| Name | Role |` header, `|---|---|` rule, `| Ann | Knight |` rows."""
    if is_rule(cells):
        return
    words = [words_of(cell) for cell in cells]
    if len(words) != 2 or any(len(cell) != 1 for cell in words):
        raise AnswerError("a table row must be | name | role |")
    (name,), (role,) = words
    if name in TABLE_HEADINGS[0] and role in TABLE_HEADINGS[1]:
        return
    if name not in index or role not in ROLES:
        raise AnswerError(f"cannot read the table row | {name[:20]} | {role[:20]} |")
    _set(roles, index[name], ROLES[role], names)


class _Clause:
    """One clause: `[so,] [answer:] (heading | assignment ((, | and) assignment)*)`, read to its end."""

    def __init__(self, tokens: list[Token], index: Mapping[str, int], names: Sequence[str],
                 roles: dict[int, bool], empty: set[bool]):
        self.tokens, self.at, self.index, self.names, self.roles, self.empty = tokens, 0, index, names, roles, empty

    def peek(self, ahead: int = 0) -> Token | None:
        at = self.at + ahead
        return self.tokens[at] if at < len(self.tokens) else None

    def word(self, *choices: str | frozenset[str], ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token is not None and token.kind == "word" and any(
            token.text == c if isinstance(c, str) else token.text in c for c in choices)

    def fail(self, wanted: str) -> AnswerError:
        token = self.peek()
        found = token.shown() if token else "the end of the sentence"
        return AnswerError(f"cannot read {found}: expected {wanted} ('Ann is a knight', 'Ann: knave', "
                           "'Knights: Ann, Bo')")

    def read(self) -> None:
        if self.word(LINKING_WORDS):
            self.at += 1 + (self.peek(1) is not None and self.peek(1).kind == "comma")
        if self.word(HEADINGS) or self.word("final") and self.word(HEADINGS, ahead=1):
            while self.word(HEADINGS) or self.word("final"):
                self.at += 1
            if self.peek() is None or self.peek().kind != "colon":
                raise self.fail("':' after the heading")
            self.at += 1
        if self.word("the") and self.word(ROLES, ahead=1) or self.word(ROLES):
            self.heading()
        else:
            self.assignment()
            while self.joiner():
                self.assignment()
        if self.peek() is not None:
            raise self.fail("the end of the sentence")

    def joiner(self) -> bool:
        """`,` or `and` or `, and` between two parts; False at the end of the clause."""
        if self.peek() is None:
            return False
        if self.peek().kind == "comma":
            self.at += 1
            if self.word("and"):
                self.at += 1
            return True
        if self.word("and"):
            self.at += 1
            return True
        raise self.fail("',' or 'and'")

    def names_list(self) -> list[int]:
        """`Ann`, `Ann and Bo`, `Ann, Bo, and Cy` (greedy: a joiner followed by a name continues the list)."""
        people = [self.name()]
        while True:
            step = 0
            if self.peek() is not None and self.peek().kind == "comma":
                step = 1
            if self.word("and", ahead=step):
                step += 1
            if step and self.word(self.index, ahead=step):
                self.at += step
                people.append(self.name())
            else:
                return people

    def name(self) -> int:
        if not self.word(self.index):
            raise self.fail("a name from the puzzle")
        self.at += 1
        return self.index[self.tokens[self.at - 1].text]

    def role(self) -> bool:
        if not self.word(ROLES):
            raise self.fail("'knight' or 'knave'")
        self.at += 1
        return ROLES[self.tokens[self.at - 1].text]

    def heading(self) -> None:
        """`Knights: Ann, Bo`, `Knaves: none`, `The knight is Ann`: the whole clause, nothing after."""
        if self.word("the"):
            self.at += 1
        role = self.role()
        if self.peek() is not None and (self.peek().kind == "colon" or self.peek().kind == "dash"):
            self.at += 1
        elif self.word("is", "are"):
            self.at += 1
        else:
            raise self.fail("':' after the role heading")
        if self.word("none"):
            self.at += 1
            self.empty.add(role)
            return
        for person in self.names_list():
            _set(self.roles, person, role, self.names)

    def assignment(self) -> None:
        """`Ann: knight`, `Ann (knave)`, `Ann and Bo are knaves`, `Bo is not a knight`."""
        if self.word("both", "all"):
            self.at += 1
        people = self.names_list()
        token = self.peek()
        if token is not None and token.kind in ("colon", "dash", "equals", "arrow"):
            self.at += 1
            role = self.role()
        elif token is not None and token.kind == "open" and token.text == "(":
            self.at += 1
            role = self.role()
            if self.peek() is None or self.peek().text != ")":
                raise self.fail("')'")
            self.at += 1
        else:
            role = self.predicate()
        for person in people:
            _set(self.roles, person, role, self.names)

    def predicate(self) -> bool:
        """`is [both] [not] [a|an|the] knight [, not a knave]`."""
        if self.word(NEGATED_COPULAS):
            negated = True
        elif self.word(COPULAS):
            negated = self.word("not", ahead=1)
            self.at += negated
        else:
            raise self.fail("':' or 'is'")
        self.at += 1
        if self.word("both", "all"):
            self.at += 1
        role = self.described() != negated
        if self.peek() is not None and self.peek().kind == "comma" and self.word("not", ahead=1):
            self.at += 2
            if self.described() == role:
                raise AnswerError("a role is restated as its own negation")
        return role

    def described(self) -> bool:
        if self.word(ARTICLES):
            self.at += 1
        return self.role()


def check(island: Island, knights: tuple[bool, ...]) -> str | None:
    for i, name in enumerate(island.names):
        if evaluate(island.statements[i], knights) != knights[i]:
            role, truth = ("a knight", "false") if knights[i] else ("a knave", "true")
            return f"{name} is {role}, but {name}'s statement is {truth} under this answer"
    return None


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a knights-and-knaves assignment by the truth of every statement."""
    return run(reference, completion, KIND.name, load, parse, check)


KIND = PuzzleKind("knights_knaves", LEVELS, generate, prompt, reference_answer)


class KnightsKnavesEnv(LogicEnv):
    """`rlvr/KnightsKnaves-v1`: decide who always tells the truth and who always lies."""

    family = "knights_knaves"
    kind = KIND
