"""Cryptarithm: each letter stands for a digit; find the digits that make the word addition true.

The generator adds random numbers whose sum is one digit longer than they are (as in SEND + MORE =
MONEY), writes the digits as random letters, and keeps the instance only when it has at least
`min_letters` letters and the solver (column by column from the right, with carries) finds exactly one
solution.

The verifier accepts a letter-to-digit mapping under which the word sum is a true addition.

Reference: `{"kind": "cryptarithm", "addends": ["SEND", "MORE"], "result": "MONEY"}` (uppercase words).
Rules: each letter is one digit, different letters are different digits, no multi-letter word starts
with 0, and the addends sum to the result.
Answer (grammar): lines of items joined by `,`, `;` or `and`: `L = d` (`=`, `:`, `->`, `→`, `=>`, `is`,
`equals`) for a puzzle letter and one digit; `WORD = 9567` for a puzzle word; the addition with digits
(`9567 + 1085 = 10652`), optionally after the word addition (`SEND + MORE = MONEY: 9567 + 1085 = 10652`).
A line may start with a list marker (`3.`, `-`) and a heading (`Final answer:`, `Mapping:`); a
`| Letter | Digit |` table works too. Everything must agree (a letter given two digits is `wrong`).
Anything else is unreadable: a relation that is not an assignment (`≠`, `!=`, `<`, `is not`), a letter not
in the puzzle, `-` in an addition, a stray word, number or symbol.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.logic.answer import ANSWER_INSTRUCTIONS, AnswerError, require, run
from rlvr.envs.logic.base import LogicEnv, PuzzleKind, positive
from rlvr.envs.logic.grammar import Token, is_rule, pick, scan, split_lines, table_cells
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import VerifyResult


@dataclass(frozen=True)
class CryptarithmConfig:
    """`addends` numbers of `width` digits each, written with at least `min_letters` distinct letters;
    the solution is unique."""

    addends: int = 2
    width: int = 2
    min_letters: int = 0

    def __post_init__(self) -> None:
        positive("addends", self.addends, 2, 4)
        positive("width", self.width, 2, 7)
        positive("min_letters", self.min_letters, 0, 8)


LEVELS = (CryptarithmConfig(2, 2, 0), CryptarithmConfig(2, 3, 4), CryptarithmConfig(2, 4, 5),
          CryptarithmConfig(2, 5, 7), CryptarithmConfig(2, 6, 8))


def solve(puzzle: Sum, limit: int = 2) -> list[dict[str, int]]:
    """Up to `limit` letter-to-digit solutions, assigning column by column from the right."""
    width = len(puzzle.result)
    if any(len(word) > width for word in puzzle.addends):
        return []
    columns = [([w[-1 - i] for w in puzzle.addends if len(w) > i], puzzle.result[-1 - i])
               for i in range(width)]
    leading = puzzle.leading
    digit_of: dict[str, int] = {}
    used = [False] * 10
    found: list[dict[str, int]] = []

    def bind(letter: str, digit: int) -> bool:
        if used[digit] or (digit == 0 and letter in leading):
            return False
        digit_of[letter], used[digit] = digit, True
        return True

    def unbind(letter: str) -> None:
        used[digit_of.pop(letter)] = False

    def column(i: int, carry: int, pending: list[str]) -> None:
        if len(found) >= limit:
            return
        if i == width:
            if carry == 0:
                found.append(dict(digit_of))
            return
        top, bottom = columns[i]
        todo = [c for c in top if c not in digit_of and c not in pending] if not pending else pending
        if todo:
            letter, rest = todo[0], todo[1:]
            for digit in range(10):
                if bind(letter, digit):
                    column(i, carry, [c for c in rest if c not in digit_of])
                    unbind(letter)
            return
        total = carry + sum(digit_of[c] for c in top)
        digit = total % 10
        if bottom in digit_of:
            if digit_of[bottom] == digit:
                column(i + 1, total // 10, [])
        elif bind(bottom, digit):
            column(i + 1, total // 10, [])
            unbind(bottom)

    column(0, 0, [])
    return found


def generate(rng: random.Random, config: CryptarithmConfig) -> dict[str, Any]:
    low, high = 10 ** (config.width - 1), 10 ** config.width - 1
    for _ in range(50_000):
        numbers = [rng.randint(low, high) for _ in range(config.addends)]
        digits = sorted(set("".join(map(str, [*numbers, sum(numbers)]))))
        if sum(numbers) <= high or len(digits) < config.min_letters:
            continue
        letters = dict(zip(digits, rng.sample(string.ascii_uppercase, len(digits)), strict=True))
        words = ["".join(letters[d] for d in str(n)) for n in [*numbers, sum(numbers)]]
        puzzle = Sum(tuple(words[:-1]), words[-1])
        if len(solve(puzzle)) == 1:
            return {"kind": "cryptarithm", "addends": words[:-1], "result": words[-1]}
    raise ConfigError(f"no uniquely solvable cryptarithm found for {config}")


def prompt(instance: Mapping[str, Any]) -> str:
    addends, result = instance["addends"], instance["result"]
    width = len(result) + 2
    lines = [word.rjust(width) for word in addends[:-1]] + ["+ " + addends[-1].rjust(width - 2),
                                                            "-" * width, result.rjust(width)]
    letters = sorted(set("".join([*addends, result])))
    return ("Solve this cryptarithm: each letter stands for a digit 0-9, different letters stand for "
            "different digits, and no number starts with 0.\n\n" + "\n".join(lines) +
            f"\n\n({' + '.join(addends)} = {result}.) Answer with the digit of every letter "
            f"({', '.join(letters)}), for example <answer>{letters[0]}=1, {letters[1]}=2, ...</answer>.\n"
            f"{ANSWER_INSTRUCTIONS}")


def format_answer(solution: Mapping[str, int]) -> str:
    return ", ".join(f"{letter}={digit}" for letter, digit in sorted(solution.items()))


def reference_answer(instance: Mapping[str, Any]) -> str | None:
    """The solver's answer to `instance`, formatted as the prompt asks."""
    found = solve(Sum(tuple(instance["addends"]), instance["result"]), limit=1)
    return format_answer(found[0]) if found else None


MAX_WORD = 12
MAX_ADDENDS = 6


@dataclass(frozen=True)
class Sum:
    addends: tuple[str, ...]
    result: str

    @property
    def letters(self) -> list[str]:
        return sorted(set("".join(self.addends) + self.result))

    @property
    def leading(self) -> set[str]:
        return {word[0] for word in (*self.addends, self.result) if len(word) > 1}


def load(reference: Mapping[str, Any]) -> Sum:
    addends = require(reference, "addends", list)
    result = require(reference, "result", str)
    words = [*addends, result]
    if not 1 <= len(addends) <= MAX_ADDENDS or not all(
            isinstance(w, str) and 1 <= len(w) <= MAX_WORD and w.isascii() and w.isalpha() and w.isupper()
            for w in words):
        raise InvalidReferenceError(f"addends and result must be 1-{MAX_WORD} uppercase letters")
    if len(set("".join(words))) > 10:
        raise InvalidReferenceError("a cryptarithm has at most 10 distinct letters")
    return Sum(tuple(addends), result)


ASSIGN_WORDS = frozenset({"is", "equals"})
HEADINGS = frozenset({"answer", "final", "solution", "mapping", "check", "verification", "sum"})
TABLE_HEADINGS = frozenset({"letter", "letters", "digit", "digits", "value", "values"})
SYMBOLS = pick("comma", "semicolon", "colon", "period", "pipe", "dash", "open", "close", "equals", "arrow", "plus")


def parse(text: str, puzzle: Sum) -> dict[str, set[int]]:
    """Each letter with the digits the answer gives it (more than one is a contradiction `check` reports)."""
    mapping: dict[str, set[int]] = {}
    links: set[str] = set()  # how letters are assigned (`=`, `:`, `->`, `is`): one way for the whole answer
    for line in split_lines(scan(text, SYMBOLS, max_token=MAX_WORD + 1)):
        cells = table_cells(line)
        if cells is None:
            _read_line(_drop_prefix(line), puzzle, mapping, links)
        elif not is_rule(cells):
            _read_table_row(cells, puzzle, mapping, links)
    if not mapping:
        raise AnswerError("write the mapping (S=9, E=5, ...) or the addition with digits for letters")
    return mapping


def _drop_prefix(line: list[Token]) -> list[Token]:
    """A list marker (`3.`, `3)`, `-`) and a heading (`Final answer:`) start a line but say nothing."""
    at = 0
    if len(line) > 2 and line[0].kind == "number" and line[1].kind in ("period", "close"):
        at = 2
    elif len(line) > 1 and line[0].kind == "dash":
        at = 1
    end = at
    while end < len(line) and line[end].kind == "word" and line[end].text in HEADINGS:
        end += 1
    if end > at and end < len(line) and line[end].kind == "colon":
        at = end + 1
    return line[at:]


def _read_line(line: list[Token], puzzle: Sum, mapping: dict[str, set[int]], links: set[str]) -> None:
    """Items (`S=9`, `SEND = 9567`, `SEND + MORE = MONEY: 9567 + 1085 = 10652`) joined by `,` `;` `and`."""
    at = 0
    while at < len(line):
        at = _item(line, at, puzzle, mapping, links)
        if at < len(line) and (line[at].kind in ("comma", "semicolon", "period") or line[at].text == "and"):
            at += 1
            if at == len(line) and line[at - 1].kind == "period":
                break
            if at == len(line):
                raise AnswerError(f"nothing follows the last {line[at - 1].shown()}")


def _item(line: list[Token], at: int, puzzle: Sum, mapping: dict[str, set[int]], links: set[str]) -> int:
    token = line[at]
    if token.kind == "number":
        return _number_sum(line, at, puzzle, mapping)
    if token.kind != "word":
        raise AnswerError(f"cannot read {token.shown()}; write the mapping as S=9, E=5, ...")
    word = token.text.upper()
    if len(word) == 1:
        if word not in puzzle.letters:
            raise AnswerError(f"letter {word} is not in the puzzle")
        links.add(line[at + 1].text.lower() if at + 1 < len(line) else "")
        if len(links) > 1:
            raise AnswerError(f"letters are assigned in different ways ({', '.join(sorted(links))}); write every "
                              "assignment alike")
        digit, at = _assigned(line, at + 1, word)
        if len(digit) != 1:
            raise AnswerError(f"letter {word} is given {digit[:20]}, not a single digit")
        mapping.setdefault(word, set()).add(int(digit))
        return at
    words = [*puzzle.addends, puzzle.result]
    if word not in words:
        raise AnswerError(f"cannot read {token.shown()}; write the mapping as S=9, E=5, ...")
    if at + 1 < len(line) and line[at + 1].kind == "plus":
        return _word_sum(line, at, puzzle, mapping)
    number, at = _assigned(line, at + 1, word)
    _spell(word, number, mapping)
    return at


def _assigned(line: list[Token], at: int, name: str) -> tuple[str, int]:
    """After a letter or word: `=`, `:`, `->`, `is` or `equals`, then a number -> (its digits, next index)."""
    sign = line[at] if at < len(line) else None
    if sign is None or not (sign.kind in ("equals", "colon", "arrow") or sign.text in ASSIGN_WORDS):
        raise AnswerError(f"{name} is followed by {sign.shown() if sign else 'nothing'}, not '=' and a digit")
    value = line[at + 1] if at + 1 < len(line) else None
    if value is None or value.kind != "number":
        raise AnswerError(f"{name} {sign.text} is followed by {value.shown() if value else 'nothing'}, not a digit")
    return value.text, at + 2


def _sides(line: list[Token], at: int, kind: str) -> tuple[list[Token], int]:
    """`a + b + ... = c` over one token kind (numbers or words) -> (the operands, the next index)."""
    operands, equals = [line[at]], None
    at += 1
    while at + 1 < len(line) and line[at].kind in ("plus", "equals") and line[at + 1].kind == kind:
        if line[at].kind == "equals":
            if equals is not None:
                raise AnswerError("an addition has two '=' signs")
            equals = len(operands)
        elif equals is not None:
            break
        operands.append(line[at + 1])
        at += 2
    if equals is None or equals != len(operands) - 1:
        raise AnswerError("an addition must read a + b = c")
    return operands, at


def _number_sum(line: list[Token], at: int, puzzle: Sum, mapping: dict[str, set[int]]) -> int:
    numbers, at = _sides(line, at, "number")
    words = [*puzzle.addends, puzzle.result]
    if len(numbers) != len(words):
        raise AnswerError(f"the addition has {len(numbers)} numbers; the puzzle has {len(words)} words")
    for number, word in zip(numbers, words, strict=True):
        _spell(word, number.text, mapping)
    return at


def _word_sum(line: list[Token], at: int, puzzle: Sum, mapping: dict[str, set[int]]) -> int:
    """`SEND + MORE = MONEY`, exactly as the puzzle writes it, optionally followed by the digits."""
    words, at = _sides(line, at, "word")
    if [w.text.upper() for w in words] != [*puzzle.addends, puzzle.result]:
        raise AnswerError("the word addition is not the puzzle's")
    if at + 1 < len(line) and line[at].kind in ("colon", "arrow", "equals", "comma") \
            and line[at + 1].kind == "number":
        return _number_sum(line, at + 1, puzzle, mapping)
    return at


def _spell(word: str, number: str, mapping: dict[str, set[int]]) -> None:
    if len(number) != len(word):
        raise AnswerError(f"{word} is given {number[:20]}, which has {len(number)} digits, not {len(word)}")
    for digit, letter in zip(number, word, strict=True):
        mapping.setdefault(letter, set()).add(int(digit))


def _read_table_row(cells: list[list[Token]], puzzle: Sum, mapping: dict[str, set[int]], links: set[str]) -> None:
    """`| S | 9 |` (or a `| Letter | Digit |` header)."""
    if all(len(cell) == 1 and cell[0].kind == "word" and cell[0].text in TABLE_HEADINGS for cell in cells):
        return
    if len(cells) != 2 or len(cells[0]) != 1 or len(cells[1]) != 1:
        raise AnswerError("a table row must be | letter | digit |")
    _read_line([cells[0][0], Token("equals", "="), cells[1][0]], puzzle, mapping, links)


def check(puzzle: Sum, mapping: dict[str, set[int]]) -> str | None:
    digit_of: dict[str, int] = {}
    for letter in puzzle.letters:
        digits = mapping.get(letter)
        if not digits:
            return f"letter {letter} has no digit"
        if len(digits) > 1:
            return f"letter {letter} is given several digits ({', '.join(map(str, sorted(digits)))})"
        digit_of[letter] = next(iter(digits))
    owner: dict[int, str] = {}
    for letter, digit in digit_of.items():
        if digit in owner:
            return f"letters {owner[digit]} and {letter} both stand for {digit}"
        owner[digit] = letter
    for letter in sorted(puzzle.leading):
        if digit_of[letter] == 0:
            return f"letter {letter} starts a word and cannot be 0"
    values = [int("".join(str(digit_of[c]) for c in word)) for word in (*puzzle.addends, puzzle.result)]
    if sum(values[:-1]) != values[-1]:
        shown = " + ".join(map(str, values[:-1]))
        return f"{shown} = {sum(values[:-1])}, not {values[-1]}"
    return None


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a cryptarithm mapping: one distinct digit per letter, no leading zeros, a true sum."""
    return run(reference, completion, KIND.name, load, parse, check)


KIND = PuzzleKind("cryptarithm", LEVELS, generate, prompt, reference_answer)


class CryptarithmEnv(LogicEnv):
    """`rlvr/Cryptarithm-v1`: find the unique digit for each letter of a word addition."""

    family = "cryptarithm"
    kind = KIND
