"""The grammar of answers that are a list of number pairs (graph coloring's vertex: color, n-queens' row, column).

    answer  := table | [open] entry (sep* entry)* [close]      sep := `,` `;` `.` line break
    entry   := [prefix] part [link] part  |  `(` number `,` number `)`
    part    := [label [`:` | `=`]] number                       (`r1`, `vertex 3`, `colour: 2`)
    link    := `:` | `=` | `->` | `→` | `=>` | `-` | a link word (`is`, `gets`)  |  `,` between two labels
    table   := `| Vertex | Color |` header, `|---|---|` rule, `| 1 | 2 |` rows

A pair without labels needs a link (`1: 2`, `(1, 2)`); `1 2` is not a pair. Labels say which number is
which, in either order; every entry must be written in the same shape (`color 1: vertex 1, 4` slips out
of step and is refused). A dash starts a line only as a bullet; anywhere else it must link two parts,
so `1: -1` is unreadable. Nothing is skipped: a token outside this grammar makes the answer unreadable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rlvr.envs.logic.answer import AnswerError
from rlvr.envs.logic.grammar import Token, check_brackets, is_rule, pick, split_lines, table_cells

SYMBOLS = pick("comma", "semicolon", "colon", "period", "pipe", "dash", "open", "close", "equals", "arrow")
LINKS = frozenset({"colon", "equals", "arrow", "dash"})
SEPARATORS = frozenset({"comma", "semicolon", "period", "newline"})


@dataclass(frozen=True)
class PairGrammar:
    roles: tuple[str, str]        # the two numbers' meanings, in the default order: ("vertex", "color")
    labels: Mapping[str, str]     # label word -> role ("v" -> "vertex", "colour" -> "color")
    link_words: frozenset[str]    # words that may join the two parts ("gets", "is")
    prefixes: frozenset[str] = frozenset()  # words that may open an entry and say nothing ("queen at")


def read_pairs(tokens: list[Token], grammar: PairGrammar) -> list[tuple[int, int]]:
    """The pairs in `grammar.roles` order, or AnswerError naming what could not be read."""
    lines = split_lines(tokens)
    tables = [table_cells(line) for line in lines]
    if any(cells is not None for cells in tables):
        if any(cells is None for cells in tables):
            raise AnswerError("a table and other lines are mixed; write one or the other")
        return _table([cells for cells in tables if cells is not None], grammar)
    check_brackets(tokens)
    return _entries(unwrap(tokens), grammar)


def unwrap(stream: list[Token]) -> list[Token]:
    """`{1: 2, 2: 1}` or `[(1, 2), (2, 4)]`: one bracket pair around the whole answer."""
    while stream and stream[0].kind == "newline":
        stream = stream[1:]
    while stream and stream[-1].kind == "newline":
        stream = stream[:-1]
    if len(stream) > 2 and stream[0].kind == "open" and stream[-1].kind == "close":
        depth = 0
        for k, token in enumerate(stream):
            depth += token.kind == "open"
            depth -= token.kind == "close"
            if depth == 0:
                return stream[1:-1] if k == len(stream) - 1 else stream
    return stream


def _entries(stream: list[Token], grammar: PairGrammar) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    shapes: set[tuple[str | None, str | None, str | None]] = set()
    at, line_start = 0, True
    while at < len(stream):
        token = stream[at]
        if token.kind in SEPARATORS:
            line_start = line_start or token.kind == "newline"
            at += 1
            continue
        if token.kind == "dash" and line_start:  # a bullet
            at += 1
            line_start = False
            continue
        line_start = False
        (first, second, shape), at = _entry(stream, at, grammar)
        shapes.add(shape)
        if len(shapes) > 1:
            raise AnswerError("the pairs are written in different ways; write every pair alike")
        pairs.append(_ordered(first, second, shape, grammar))
    if not pairs:
        raise AnswerError("no pairs found")
    return pairs


Part = tuple[str | None, int]


def _entry(stream: list[Token], at: int, grammar: PairGrammar) -> tuple[tuple[int, int, tuple], int]:
    while at < len(stream) and stream[at].kind == "word" and stream[at].text in grammar.prefixes:
        at += 1
    if at < len(stream) and stream[at].kind == "open":
        return _tuple(stream, at)
    (label1, first), at = _part(stream, at, grammar)
    link = None  # how the two parts are joined is part of the pair's style: `1: 2, 2 = 1` mixes two
    if at < len(stream) and (stream[at].kind in LINKS or stream[at].kind == "word"
                             and stream[at].text in grammar.link_words):
        link, at = stream[at].text, at + 1
    elif label1 and at + 1 < len(stream) and stream[at].kind == "comma" and _is_label(stream[at + 1], grammar):
        link, at = ",", at + 1
    (label2, second), at = _part(stream, at, grammar)
    if link is None and not (label1 and label2):
        raise AnswerError(f"{first} and {second} are not joined by ':' or '=' (write 1: 2)")
    return (first, second, (label1, label2, link)), at


def _tuple(stream: list[Token], at: int) -> tuple[tuple[int, int, tuple], int]:
    kinds = [token.kind for token in stream[at:at + 5]]
    if kinds != ["open", "number", "comma", "number", "close"]:
        raise AnswerError("a bracketed pair must read (a, b)")
    return (_number(stream[at + 1]), _number(stream[at + 3]), (None, None, "()")), at + 5


def _is_label(token: Token, grammar: PairGrammar) -> bool:
    return token.kind == "word" and token.text in grammar.labels


def _part(stream: list[Token], at: int, grammar: PairGrammar) -> tuple[Part, int]:
    label = None
    if at < len(stream) and _is_label(stream[at], grammar):
        label = grammar.labels[stream[at].text]
        at += 1
        if at < len(stream) and stream[at].kind in ("colon", "equals"):
            at += 1
    if at >= len(stream) or stream[at].kind != "number":
        found = stream[at].shown() if at < len(stream) else "the end"
        raise AnswerError(f"expected a number, found {found}")
    return (label, _number(stream[at])), at + 1


def _number(token: Token) -> int:
    if len(token.text) > 6:
        raise AnswerError(f"the number {token.text[:12]}... is too large")
    return int(token.text)


def _ordered(first: int, second: int, shape: tuple[str | None, str | None, str | None],
             grammar: PairGrammar) -> tuple[int, int]:
    one, two = grammar.roles
    other = {one: two, two: one}
    a, b, _ = shape
    a = a or (other[b] if b else one)
    b = b or other[a]
    if a == b:
        raise AnswerError(f"a pair has two {a} labels")
    return (first, second) if a == one else (second, first)


def _table(tables: list[list[list[Token]]], grammar: PairGrammar) -> list[tuple[int, int]]:
    """`| Vertex | Color |`, `|---|---|`, then `| 1 | 2 |` rows (a header is needed only to reorder)."""
    order = grammar.roles
    pairs = []
    for row, cells in enumerate(tables):
        if is_rule(cells):
            continue
        if row == 0 and all(len(cell) == 1 and _is_label(cell[0], grammar) for cell in cells):
            header = tuple(grammar.labels[cell[0].text] for cell in cells)
            if len(header) != 2 or header[0] == header[1]:
                raise AnswerError(f"a table header must name a {order[0]} and a {order[1]}")
            order = header
            continue
        if len(cells) != 2 or not all(len(cell) == 1 and cell[0].kind == "number" for cell in cells):
            raise AnswerError(f"a table row must hold two numbers (| {order[0]} | {order[1]} |)")
        pairs.append(_ordered(_number(cells[0][0]), _number(cells[1][0]), (*order, "|"), grammar))
    if not pairs:
        raise AnswerError("the table has no rows")
    return pairs
