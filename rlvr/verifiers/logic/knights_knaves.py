"""Knights and knaves verifier: under the answer, every knight's statement is true and every knave's false.

Reference: `{"kind": "knights_knaves", "names": ["Ann", "Bo"], "statements": [<tree>, <tree>]}` where
person i says `statements[i]`, a tree of `{"op": "is", "who": j, "knight": true}`,
`{"op": "count", "n": k, "knight": true}` (exactly k people are knights/knaves), `{"op": "not", "arg": t}`
and `{"op": "and" | "or" | "iff" | "implies", "args": [t, u]}`.
Answer: each name with its role, e.g. `Ann: knight, Bo: knave` or `Ann is a knight and Bo is a knave`;
`Ann and Bo are knaves` and `Ann is not a knight` are read too. Any other word (a hedge, a negation the
reader does not know, a name not in the puzzle) makes the answer unreadable rather than being skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import AnswerError, require, run, shown

KIND = "knights_knaves"
MAX_PEOPLE = 12
MAX_TREE_DEPTH = 8
BINARY = ("and", "or", "iff", "implies")
ROLES = {"knight": True, "knights": True, "knave": False, "knaves": False}
NEGATIONS = frozenset({"not", "isn't", "isnt", "aren't", "arent", "wasn't", "wasnt", "weren't", "werent"})
COPULAS = frozenset({"is", "are", "was", "were"} | NEGATIONS - {"not"})
# Words that carry no meaning about a role; any other word (a hedge, an unknown name) makes an answer
# unreadable. Extend with care: a word here is skipped, so it must never change what a sentence says.
FILLER = frozenset({"a", "an", "the", "and", "both", "all", "each", "also", "so", "thus", "therefore", "hence",
                    "answer", "final", "solution", "person", "role", "roles", "as", "follows", "name", "names"})
VOCABULARY = frozenset(ROLES) | NEGATIONS | COPULAS | FILLER | {"none"}
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


def words(text: str) -> list[str]:
    out, current = [], []
    for char in text.lower():
        if char.isalpha() or (char == "'" and current):
            current.append(char)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def parse(text: str, island: Island) -> tuple[bool, ...]:
    """Each sentence (split at `.`, `;` and line breaks) is read on its own, in the style it is written in.

    Tolerant of format, never of content: every word must be a name, a role, or a word from the small
    vocabulary below, so a negation or hedge the reader does not understand ("can't", "never", "it is not
    true that", "unlikely") or a name not in the puzzle makes the answer unreadable instead of being dropped.
    """
    index = {name.lower(): i for i, name in enumerate(island.names)}
    text = text.translate(APOSTROPHES)
    if "?" in text:
        raise AnswerError("the answer asks a question; state each role")
    roles: dict[int, bool] = {}
    for clause in _clauses(text):
        tokens = words(clause)
        for word in tokens:
            if word not in index and word not in VOCABULARY:
                raise AnswerError(f"unexpected word {word[:30]!r}; write one 'Name: knight' or "
                                  "'Name: knave' line per person")
        first_name = next((k for k, w in enumerate(tokens) if w in index), len(tokens))
        first_role = next((k for k, w in enumerate(tokens) if w in ROLES), len(tokens))
        assign = _headed if first_role < first_name else _trailing
        assign(tokens, index, island.names, roles)
    missing = [island.names[i] for i in range(len(island.names)) if i not in roles]
    if missing:
        raise AnswerError(f"no role given for {', '.join(missing)}")
    return tuple(roles[i] for i in range(len(island.names)))


def _clauses(text: str) -> list[str]:
    for separator in ".;\r":
        text = text.replace(separator, "\n")
    return text.split("\n")


def _set(roles: dict[int, bool], person: int, role: bool, names: Sequence[str]) -> None:
    if roles.get(person, role) != role:
        raise AnswerError(f"{names[person]} is called both a knight and a knave")
    roles[person] = role


def _headed(tokens: list[str], index: Mapping[str, int], names: Sequence[str], roles: dict[int, bool]) -> None:
    """`Knights: Ann, Bo. Knaves: Cy` - a role word heads the names that follow it (`Knaves: none`).

    `Knight: Ann, Bo is a knave` mixes in the other style, which would put Bo under the heading; refused,
    and so is a negation (`Not knights: Ann`), which a heading has no place for.
    """
    current = None
    after_name = False
    for word in tokens:
        if word in COPULAS and after_name:
            raise AnswerError("a sentence both lists names under a role and says what a name is; "
                              "write one sentence per style")
        if word in NEGATIONS:
            raise AnswerError("a negation in a 'Knights: ...' list is not read; list the names under each role")
        after_name = word in index
        if word in ROLES:
            current = ROLES[word]
        elif word in index and current is not None:
            _set(roles, index[word], current, names)


def _trailing(tokens: list[str], index: Mapping[str, int], names: Sequence[str], roles: dict[int, bool]) -> None:
    """`Ann is a knight, Bo and Cy are not knights` - names first, then their role, maybe negated.

    A negation counts only between names and their role (`Bo is not a knight`) or between a role and a
    restatement of it (`Ann is a knight, not a knave`); anywhere else the sentence is unreadable.
    """
    pending: list[int] = []
    negated, last = False, None
    for word in tokens:
        if word in index:
            if negated:
                raise AnswerError("a negation must stand between names and their role ('Bo is not a knight')")
            pending.append(index[word])
        elif word in NEGATIONS:
            if negated or not pending and last is None:
                raise AnswerError("a negation must stand between names and their role ('Bo is not a knight')")
            negated = True
        elif word == "none":
            raise AnswerError("'none' belongs in a 'Knaves: none' list")
        elif word in ROLES:
            role, negated = ROLES[word] != negated, False
            if not pending:
                if role != last:
                    raise AnswerError("a role word follows no name and contradicts the one before")
                continue
            for person in pending:
                _set(roles, person, role, names)
            pending, last = [], role
    if pending:
        raise AnswerError(f"no role follows {names[pending[0]]}")
    if negated:
        raise AnswerError("a negation is not followed by a role")


def check(island: Island, knights: tuple[bool, ...]) -> str | None:
    for i, name in enumerate(island.names):
        if evaluate(island.statements[i], knights) != knights[i]:
            role, truth = ("a knight", "false") if knights[i] else ("a knave", "true")
            return f"{name} is {role}, but {name}'s statement is {truth} under this answer"
    return None


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a knights-and-knaves assignment by the truth of every statement."""
    return run(reference, completion, KIND, load, parse, check)
