"""Cryptarithm verifier: a letter-to-digit mapping under which the word sum is a true addition.

Reference: `{"kind": "cryptarithm", "addends": ["SEND", "MORE"], "result": "MONEY"}` (uppercase words).
Rules: each letter is one digit, different letters are different digits, no multi-letter word starts
with 0, and the addends sum to the result.
Answer: the mapping (`S=9, E=5, N=6, ...`; `S: 9` and `S -> 9` work too) or the addition with digits
filled in (`9567 + 1085 = 10652`), or both, when they must agree. A letter not in the puzzle given a
digit (`Z=5`), a number after no letter that is not the filled-in addition, or a word other than the
puzzle's words and a few fillers (`wrong`, `maybe`) is unreadable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult
from rlvr.verifiers.logic._answer import AnswerError, require, run

KIND = "cryptarithm"
MAX_WORD = 12
MAX_ADDENDS = 6
MAPPING_WORDS = frozenset({"AND", "IS", "SO", "THUS", "ANSWER", "FINAL", "SOLUTION", "MAPPING", "CHECK", "LETTER",
                           "LETTERS", "DIGIT", "DIGITS", "EQUALS", "THEREFORE", "HENCE"})


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


def _tokens(text: str) -> list[str]:
    tokens, current = [], ""
    for char in text + " ":
        if char.isascii() and char.isalnum():
            if current and current[-1].isdigit() != char.isdigit():
                tokens.append(current)
                current = ""
            current += char
            if len(current) > 40:
                raise AnswerError("a token in the answer is too long")
        elif current:
            tokens.append(current)
            current = ""
    return tokens


def parse(text: str, puzzle: Sum) -> dict[str, set[int]]:
    """Each letter with the digits the answer gives it (more than one is a contradiction `check` reports)."""
    tokens = _tokens("\n".join(_drop_list_marker(line) for line in text.splitlines()))
    letters = set(puzzle.letters)
    if any(len(t) == 1 and t.upper() in letters for t in tokens):
        return _parse_mapping(tokens, puzzle)
    mapping: dict[str, set[int]] = {}
    _add_sum([t for t in tokens if t.isdigit()], puzzle, mapping)
    return mapping


def _drop_list_marker(line: str) -> str:
    """`3. N=6` -> `N=6`: a numbered list's marker is not part of the answer."""
    stripped = line.lstrip()
    digits = len(stripped) - len(stripped.lstrip("0123456789"))
    if 1 <= digits <= 2 and stripped[digits:digits + 1] in (".", ")") and stripped[digits + 1:digits + 2].isspace():
        return stripped[digits + 1:]
    return line


def _add_sum(numbers: list[str], puzzle: Sum, mapping: dict[str, set[int]]) -> None:
    """Read the addition with digits for letters (`9567 + 1085 = 10652`) into the mapping."""
    words = [*puzzle.addends, puzzle.result]
    if len(numbers) != len(words) or any(len(n) != len(w) for n, w in zip(numbers, words, strict=True)):
        raise AnswerError("write the mapping (S=9, E=5, ...) or the addition with digits for letters")
    for number, word in zip(numbers, words, strict=True):
        for digit, letter in zip(number, word, strict=True):
            mapping.setdefault(letter, set()).add(int(digit))


def _parse_mapping(tokens: list[str], puzzle: Sum) -> dict[str, set[int]]:
    """`S=9, E=5, ...`, optionally with the filled-in addition, whose digits must agree with the mapping.

    A number that follows no letter is read as part of that addition, never skipped (`E=5, no, 4` gave
    E=5), and a word other than the puzzle's own words and a few fillers (`wrong`, `maybe`) is refused.
    """
    letters, puzzle_words = set(puzzle.letters), {*puzzle.addends, puzzle.result}
    mapping: dict[str, set[int]] = {}
    stray: list[str] = []
    pending: str | None = None
    for token, after in zip(tokens, [*tokens[1:], ""], strict=True):
        if len(token) == 1 and token.isalpha() and token.upper() not in letters and after.isdigit():
            raise AnswerError(f"letter {token.upper()} is not in the puzzle")
        if len(token) > 1 and token.isalpha() and token.upper() not in puzzle_words | MAPPING_WORDS:
            raise AnswerError(f"unexpected word {token[:30]!r}; write the mapping as S=9, E=5, ...")
        if token.isdigit():
            if pending is None:
                stray.append(token)
                continue
            if len(token) != 1:
                raise AnswerError(f"letter {pending} is given {token}, not a single digit")
            mapping.setdefault(pending, set()).add(int(token))
            pending = None
        elif len(token) == 1 and token.upper() in letters:
            if pending is not None:
                raise AnswerError(f"letter {pending} has no digit after it")
            pending = token.upper()
    if pending is not None:
        raise AnswerError(f"letter {pending} has no digit after it")
    if stray:
        _add_sum(stray, puzzle, mapping)
    return mapping


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
    return run(reference, completion, KIND, load, parse, check)
