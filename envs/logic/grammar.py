"""The tokenizer every logic answer grammar is written over, and the shapes several grammars share.

`scan` splits an answer into words, numbers and the symbols a kind names, and refuses any character it
was not given, naming it: a grammar cannot skip what it never received. It is one pass with constant
work per character (symbols are at most 3 characters, matched longest first), and every parser on top
walks its tokens once, so parsing is linear in the answer, which `extract_answer` caps at 20,000
characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from rlvr.envs.logic.answer import AnswerError

# Every symbol any logic grammar knows, by the role it plays; a kind takes the roles it reads with `pick`.
# "skip" marks Markdown emphasis, which carries no content; a relation other than equality (`≠`, `<`,
# `!=`) has no role, so no grammar can read it.
SYMBOLS: dict[str, str] = {
    ",": "comma", ";": "semicolon", ":": "colon", ".": "period", "|": "pipe",
    "-": "dash", "–": "dash", "—": "dash", "−": "dash",
    "(": "open", "[": "open", "{": "open", ")": "close", "]": "close", "}": "close",
    "=": "equals", "->": "arrow", "→": "arrow", "=>": "arrow", "⇒": "arrow", "/": "slash", "+": "plus",
    "#": "hash", "*": "skip", "**": "skip", "`": "skip",
}
PAIRS = {"(": ")", "[": "]", "{": "}"}
LONGEST = 3


class Token(NamedTuple):
    kind: str  # "word", "number", "newline", or the symbol's role ("comma", "colon", ...)
    text: str  # a word lowercased, a number's digits, a symbol as written

    def shown(self) -> str:
        return "a line break" if self.kind == "newline" else repr(self.text[:30])


NEWLINE = Token("newline", "\n")


def pick(*roles: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The symbol table for a grammar that reads these roles (plus `extra` symbols of its own)."""
    table = {symbol: role for symbol, role in SYMBOLS.items() if role in roles or role == "skip"}
    table.update(extra or {})
    return table


def scan(text: str, symbols: Mapping[str, str], *, apostrophes: bool = False, max_token: int = 40) -> list[Token]:
    """Words (letters, lowercased), numbers (ASCII digits), newlines and `symbols`; anything else raises.

    `apostrophes` lets a word run on through `'` (`isn't`). A digit that is not ASCII (`１`, `²`) is
    not a number, so it is refused like any unknown character.
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            tokens.append(NEWLINE)
            i += 1
        elif char.isspace():
            i += 1
        elif char.isalpha() or "0" <= char <= "9":
            j = _run_end(text, i, apostrophes)
            if j - i > max_token:
                raise AnswerError(f"a token of {j - i} characters at {text[i:i + 20]!r}... is too long")
            word = text[i:j]
            tokens.append(Token("number", word) if "0" <= char <= "9" else Token("word", word.lower()))
            i = j
        else:
            i = _symbol(text, i, symbols, tokens)
    return tokens


def _run_end(text: str, i: int, apostrophes: bool) -> int:
    digit = "0" <= text[i] <= "9"
    j = i + 1
    while j < len(text):
        char = text[j]
        if digit and "0" <= char <= "9" or not digit and char.isalpha():
            j += 1
        elif not digit and apostrophes and char == "'" and j + 1 < len(text) and text[j + 1].isalpha():
            j += 2
        else:
            break
    return j


def _symbol(text: str, i: int, symbols: Mapping[str, str], tokens: list[Token]) -> int:
    for length in range(LONGEST, 0, -1):
        piece = text[i:i + length]
        if len(piece) == length and piece in symbols:
            if symbols[piece] != "skip":
                tokens.append(Token(symbols[piece], piece))
            return i + length
    raise AnswerError(f"cannot read {text[i]!r} (U+{ord(text[i]):04X}) at {text[max(0, i - 15):i + 15]!r}")


def split_lines(tokens: Iterable[Token]) -> list[list[Token]]:
    """The tokens of each non-empty line."""
    lines: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == "newline":
            lines.append([])
        else:
            lines[-1].append(token)
    return [line for line in lines if line]


def split_at(tokens: list[Token], kinds: Iterable[str]) -> list[list[Token]]:
    """Split at tokens of these kinds (dropped); empty parts are kept so `a,,b` can be refused."""
    stops = frozenset(kinds)
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind in stops:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def table_cells(line: list[Token]) -> list[list[Token]] | None:
    """A Markdown table row (`| a | b |`) as its cells' tokens, or None when the line is not one."""
    if not line or line[0].kind != "pipe":
        return None
    cells = split_at(line[1:], ("pipe",))
    if len(cells) > 1 and not cells[-1]:
        cells.pop()
    if not any(cells):
        raise AnswerError("a table row holds nothing")
    return cells


def is_rule(cells: list[list[Token]]) -> bool:
    """`|---|:---:|`: the line under a table header."""
    return bool(cells) and all(cell and all(t.kind in ("dash", "colon") for t in cell)
                               and any(t.kind == "dash" for t in cell) for cell in cells)


def words_of(tokens: list[Token]) -> list[str]:
    """The words of a cell or phrase, refusing anything that is not a word."""
    for token in tokens:
        if token.kind != "word":
            raise AnswerError(f"expected words, found {token.shown()}")
    return [token.text for token in tokens]


def check_brackets(tokens: list[Token]) -> None:
    """Brackets must nest and match (`(1, 2]` is refused)."""
    stack: list[str] = []
    for token in tokens:
        if token.kind == "open":
            stack.append(PAIRS[token.text])
        elif token.kind == "close":
            if not stack or stack.pop() != token.text:
                raise AnswerError(f"the bracket {token.text!r} does not match")
    if stack:
        raise AnswerError(f"a {stack[-1]!r} is missing")


def expect_end(tokens: list[Token], at: int, what: str) -> None:
    if at < len(tokens):
        raise AnswerError(f"cannot read {tokens[at].shown()} after {what}")
