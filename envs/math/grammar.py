"""The math answer grammar: read all of a final answer into a tree, or say what could not be read.

A final answer (what a box holds) is read token by token by a hand-written scanner and a recursive-descent
parser: numbers, letters, Greek names, `\\pi`, `e`, `\\infty`, the four operations, powers, roots, fractions,
factorials, percent and degree signs, a trailing unit, functions (`\\sin`, `\\ln`, ...), `|x|`, tuples, sets,
intervals and their unions, matrices, `\\pm`, and chains of relations (`x = \\frac{10}{2} = 5`). Layout that
changes nothing (`\\left`, `\\,`, `\\displaystyle`, ...) is a known token and read as nothing. Anything else,
an unknown command, words in `\\text{}` that are no unit, a stray symbol, a second line, makes the whole
answer unreadable: `Unreadable` names the token it stopped at. Nothing is skipped.

Each token is looked at a bounded number of times and nesting is capped, so reading is linear in the
answer's length (docs/envs/math.md states the bound).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from rlvr.envs.math.units import is_percent_text, is_unit_text, unit_name

DIGITS = frozenset("0123456789")  # ASCII only: `²`, `①` and other Unicode digits are no numbers here
MAX_DEPTH = 60  # nesting of groups, fractions and scripts; deeper is unreadable, never a recursion error


class Unreadable(ValueError):
    """The answer holds something the grammar does not know; the message names it."""


# ---------------------------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Num:
    """A number as written, without sign: an integer or fraction (Fraction), or a decimal (Decimal, places kept)."""

    value: Fraction | Decimal


@dataclass(frozen=True)
class Name:
    """A variable (`x`, `x_1`, `\\theta`), or a constant (`\\pi`, `e`, `\\infty`) by its own name."""

    name: str


@dataclass(frozen=True)
class Op:
    """An operation: `+ * / ^ neg sqrt root ! % abs degree mixed` or a function name (`sin`, `log`, ...)."""

    op: str
    args: tuple[Node, ...]


GroupKind = Literal["paren", "bracket", "set", "interval", "list", "pm", "union"]


@dataclass(frozen=True)
class Group:
    """Several values: `(a, b)` paren, `[a, b]` bracket, `\\{a, b\\}` set, `(a, b]` interval (ends in `closed`),
    a bare `a, b` list, `a \\pm b` (the two values), `A \\cup B` union."""

    kind: GroupKind
    items: tuple[Node, ...]
    closed: tuple[bool, bool] = (False, False)


@dataclass(frozen=True)
class Matrix:
    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class Chain:
    """`a = b = c`, `1 < x \\le 3`, `\\sqrt2 \\approx 1.41`: the sides and the relations between them."""

    sides: tuple[Node, ...]
    relations: tuple[str, ...]


Node = Num | Name | Op | Group | Matrix | Chain


# ------------------------------------------------------------------------------------------- the scanner

_RELATIONS = {"=": "=", "<": "<", ">": ">", "lt": "<", "gt": ">", "le": "<=", "leq": "<=", "leqslant": "<=",
              "ge": ">=", "geq": ">=", "geqslant": ">=", "neq": "!=", "ne": "!=", "approx": "~", "simeq": "~",
              "thickapprox": "~", "doteq": "~", "in": "in"}
_LAYOUT = frozenset({"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
                     "displaystyle", "textstyle", "scriptstyle", ",", ";", ":", "!", " ", "quad", "qquad", "limits",
                     "middle"})
_GROUPING_COMMANDS = frozenset({"mathbf", "boldsymbol", "mathit", "bm", "mathnormal", "mathsf"})
_TEXT_COMMANDS = frozenset({"text", "textbf", "textit", "textrm", "textnormal", "textsf", "mbox", "mathrm",
                            "operatorname", "hbox"})
_GREEK = frozenset("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
    rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega""".split())
FUNCTIONS = frozenset("""sin cos tan cot sec csc arcsin arccos arctan arccot arcsec arccsc sinh cosh tanh coth
    ln log exp""".split())
# commands that are operators, brackets or relations (`\\times` is `*`); constants; and Unicode that models write
_SYMBOL_COMMANDS = {"times": "*", "cdot": "*", "ast": "*", "div": "/", "pm": "pm", "mp": "mp", "cup": "cup",
                    "{": "{set", "}": "}set", "lbrace": "{set", "rbrace": "}set", "%": "%", "$": "currency",
                    "\\": "newline", "lvert": "|", "rvert": "|", "vert": "|", "lbrack": "[", "rbrack": "]",
                    **{name: relation for name, relation in _RELATIONS.items() if name != "="}}
_CONSTANT_COMMANDS = {"pi": "pi", "infty": "infty", "emptyset": "emptyset", "varnothing": "emptyset"}
_UNICODE = {**dict.fromkeys("\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d", ("sym", "-")),
            **dict.fromkeys("\u00d7\u00b7\u22c5\u2217", ("sym", "*")), "\u00f7": ("sym", "/"),
            "\u2264": ("sym", "<="), "\u2265": ("sym", ">="), "\u2260": ("sym", "!="), "\u00b1": ("sym", "pm"),
            "\u2248": ("sym", "~"), "\u222a": ("sym", "cup"), "\u03c0": ("const", "pi"),
            "\u221e": ("const", "infty"), "\u2205": ("const", "emptyset"), "\u221a": ("cmd", "sqrt"),
            "\u00b0": ("cmd", "degree")}
_TWO_CHARACTER_SYMBOLS = {"{,}": "{,}", ",\\!": "{,}", ">=": ">=", "<=": "<=", "!=": "!="}
_PUNCTUATION = frozenset("+-*/^_()[]{},=<>!|&'%.")


@dataclass(frozen=True)
class Token:
    kind: str  # num, letters, cmd, sym, text, begin, end
    text: str
    position: int


def tokenize(answer: str) -> list[Token]:
    """The answer's tokens, layout dropped; raises Unreadable at the first character it does not know."""
    tokens: list[Token] = []
    index, length = 0, len(answer)
    while index < length:
        char = answer[index]
        if char.isspace() or char == "~":
            index += 1
        elif char in DIGITS or (char == "." and (answer[index + 1 : index + 2] in DIGITS
                                                 or answer.startswith("\\overline", index + 1))):
            text, end = _number(answer, index)
            tokens.append(Token("num", text, index))
            index = end
        elif char.isascii() and char.isalpha():
            end = index
            while end < length and answer[end].isascii() and answer[end].isalpha():
                end += 1
            tokens.append(Token("letters", answer[index:end], index))
            index = end
        elif char == "\\":
            index = _command(answer, index, tokens)
        elif char in _UNICODE:
            tokens.append(Token(*_UNICODE[char], index))
            index += 1
        elif char in _PUNCTUATION:
            pair = next((p for p in _TWO_CHARACTER_SYMBOLS if answer.startswith(p, index)), None)
            if pair is not None:  # `1{,}000` and `1,\\!000` group thousands; `>=`, `<=`, `!=` are relations
                tokens.append(Token("sym", _TWO_CHARACTER_SYMBOLS[pair], index))
                index += len(pair)
            else:
                tokens.append(Token("sym", char, index))
                index += 1
        else:
            raise Unreadable(f"unreadable: {answer[index:index + 10]!r} at {index}")
    return tokens


_GROUP_SEPARATORS = ("\\,", "\\ ", "~", " ")


def _number(answer: str, index: int) -> tuple[str, int]:
    """The number at `index` and where it ends. Thousands grouped by spacing join (`1\\,000`, `1 000 000`) when the
    first group has at most three digits and every later one exactly three (`390\\,1` stays two numbers)."""
    end = _digits_end(answer, index)
    groups = [answer[index:end]]
    while len(groups[0]) <= 3:
        separator = next((s for s in _GROUP_SEPARATORS if answer.startswith(s, end)), None)
        start = end + len(separator) if separator else end
        group_end = _digits_end(answer, start)
        if separator is None or group_end - start != 3:
            break
        groups.append(answer[start:group_end])
        end = group_end
    decimal_end = _number_end(answer, end)
    return "".join(groups) + answer[end:decimal_end], decimal_end


def _digits_end(answer: str, index: int) -> int:
    while index < len(answer) and answer[index] in DIGITS:
        index += 1
    return index


def _number_end(answer: str, index: int) -> int:
    """Past the decimal part that starts at `index`, if any (`.5`, `.` before `\\overline`)."""
    end = index
    if end < len(answer) and answer[end] == "." and (end + 1 < len(answer) and answer[end + 1] in DIGITS
                                                     or answer.startswith("\\overline", end + 1)):
        end += 1
        while end < len(answer) and answer[end] in DIGITS:
            end += 1
    return end


def _command(answer: str, index: int, tokens: list[Token]) -> int:
    """Scan the command at `index` (a backslash) into `tokens`; returns the index after it."""
    end = index + 1
    while end < len(answer) and answer[end].isascii() and answer[end].isalpha():
        end += 1
    if end == index + 1:  # a one-character command: `\\,`, `\\{`, `\\%`, `\\\\`
        if end >= len(answer):
            raise Unreadable("unreadable: a lone backslash at the end")
        name, end = answer[end], end + 1
    else:
        name = answer[index + 1 : end]
    if name in _LAYOUT:
        if name in ("left", "right", "middle") and answer.startswith(".", _skip_space(answer, end)):
            return _skip_space(answer, end) + 1  # `\\right.`: an invisible delimiter
        return end
    if name in _TEXT_COMMANDS:
        start = _skip_space(answer, end)
        if start >= len(answer) or answer[start] != "{":
            raise Unreadable(f"unreadable: \\{name} without braces")
        close = _closing_brace(answer, start)
        tokens.append(Token("text", answer[start + 1 : close], index))
        return close + 1
    if name in ("begin", "end"):
        start = _skip_space(answer, end)
        if start >= len(answer) or answer[start] != "{":
            raise Unreadable(f"unreadable: \\{name} without an environment")
        close = _closing_brace(answer, start)
        tokens.append(Token(name, answer[start + 1 : close].strip(), index))
        return close + 1
    if name in _SYMBOL_COMMANDS:
        tokens.append(Token("sym", _SYMBOL_COMMANDS[name], index))
    elif name in _CONSTANT_COMMANDS:
        tokens.append(Token("const", _CONSTANT_COMMANDS[name], index))
    else:
        tokens.append(Token("cmd", name, index))
    return end


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def matching_brace(text: str, open_index: int) -> int:
    """The index of the `}` that closes the `{` at `open_index` (escaped braces skipped), or -1."""
    depth, index = 0, open_index
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _closing_brace(text: str, open_index: int) -> int:
    close = matching_brace(text, open_index)
    if close == -1:
        raise Unreadable("unreadable: an unclosed brace")
    return close


# -------------------------------------------------------------------------------------------- the parser

_RELATION_SYMBOLS = frozenset({"=", "<", ">", "<=", ">=", "!=", "~", "in"})
_CLOSERS = {"(": ")", "[": "]"}
_MATRICES = frozenset({"matrix", "pmatrix", "bmatrix", "Bmatrix", "smallmatrix", "array"})
_SPACING_IN_TEXT = str.maketrans({"~": " "})


@dataclass(frozen=True)
class Reading:
    """An answer read whole: its tree and the units it named, in order (`degree` for `^\\circ`)."""

    tree: Node
    units: tuple[str, ...] = ()


def read_answer(answer: str) -> Reading:
    """`answer` read whole, units apart; raises Unreadable naming what it could not read."""
    tokens = _read_texts(tokenize(answer))
    if not tokens:
        raise Unreadable("unreadable: the answer is empty")
    parser = _Parser(tokens)
    tree = parser.whole()
    return Reading(tree, tuple(parser.units))


def parse_answer(answer: str) -> Node:
    """The tree of `answer`, every token of it read; raises Unreadable naming what it could not read."""
    return read_answer(answer).tree


def _read_texts(tokens: list[Token]) -> list[Token]:
    """`\\text{}` groups that are math in disguise: `\\text{5}` a number, `\\text{\\%}` a percent sign,
    `\\text{ and }` a list separator, `\\text{ }` spacing. Other text stays text, for the parser to accept as a
    unit after a number or to refuse."""
    read: list[Token] = []
    for token in tokens:
        content = token.text.translate(_SPACING_IN_TEXT).replace("\\ ", " ").replace("\\,", " ").strip()
        if token.kind != "text":
            read.append(token)
        elif not content:
            continue
        elif is_percent_text(content):
            read.append(Token("sym", "%", token.position))
        elif content.casefold() == "and":
            if not (read and (read[-1].kind, read[-1].text) == ("sym", ",")):  # `19, 46, \\text{ and } 82`
                read.append(Token("sym", ",", token.position))
        elif content in ("e", "i"):  # `\\mathrm{e}`: the constant set upright
            read.append(Token("letters", content, token.position))
        elif all(char in DIGITS or char in " .,+-/%\\" for char in content) and any(c in DIGITS for c in content):
            # `\\text{5,000}`, `\\text{20\\%}`: tokens keep their places, so `5,000` stays one number
            read.extend(Token(t.kind, t.text, token.position + 1 + t.position) for t in tokenize(content))
        elif content == "\\$":
            read.append(Token("sym", "currency", token.position))
        else:
            read.append(Token("text", content, token.position))
    return read


class _Parser:
    """Recursive descent over the tokens, one token of lookahead (two for a mixed number)."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.open_bars = 0  # inside `|...|` a bar closes, it never opens another
        self.units: list[str] = []

    # -- helpers

    def peek(self, offset: int = 0) -> Token | None:
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def at(self, kind: str, *texts: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == kind and (not texts or token.text in texts)

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise Unreadable("unreadable: the answer ends too early")
        self.index += 1
        return token

    def expect(self, kind: str, text: str) -> None:
        token = self.peek()
        if token is None or token.kind != kind or token.text != text:
            found = "the end" if token is None else repr(token.text)
            raise Unreadable(f"unreadable: expected {text!r}, found {found}")
        self.index += 1

    def refuse(self, token: Token | None) -> Unreadable:
        if token is None:
            return Unreadable("unreadable: the answer ends too early")
        shown = {"text": f"\\text{{{token.text}}}", "cmd": f"\\{token.text}"}.get(token.kind, token.text)
        return Unreadable(f"unreadable: {shown!r} at {token.position}")

    @contextmanager
    def deeper(self) -> Iterator[None]:
        """One level of nesting for what is read inside the block; past MAX_DEPTH the answer is unreadable."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unreadable(f"unreadable: nested deeper than {MAX_DEPTH}")
        yield
        self.depth -= 1

    def negated(self, read: Callable[[], Node]) -> Node | None:
        """`-x` read by `read`, or None (nothing taken) when no minus sign comes next."""
        if not self.at("sym", "-"):
            return None
        self.take()
        with self.deeper():
            return Op("neg", (read(),))

    def comma_list(self) -> list[Node]:
        """`a, b, c` inside brackets: one union each."""
        items = [self.union()]
        while self.at("sym", ","):
            self.take()
            items.append(self.union())
        return items

    # -- the grammar, loosest binding first

    def whole(self) -> Node:
        node = self.items()
        if self.peek() is not None:
            raise self.refuse(self.peek())
        return node

    def items(self) -> Node:
        """`a, b, c`: one item, or a bare list."""
        items = [self.union()]
        while self.at("sym", ",") or self.at("letters", "and"):
            if self.take().text == "," and self.at("letters", "and"):  # `19, 46, and 82`
                self.take()
            items.append(self.union())
        return items[0] if len(items) == 1 else Group("list", tuple(items))

    def union(self) -> Node:
        parts = [self.chain()]
        while self.at("sym", "cup"):
            self.take()
            parts.append(self.chain())
        return parts[0] if len(parts) == 1 else Group("union", tuple(parts))

    def chain(self) -> Node:
        sides, relations = [self.expression()], []
        while self.peek() is not None and self.peek().kind == "sym" and self.peek().text in _RELATION_SYMBOLS:
            relations.append(self.take().text)
            sides.append(self.expression())
        if not isinstance(sides[-1], Group | Matrix):
            self.unit()
        return sides[0] if not relations else Chain(tuple(sides), tuple(relations))

    def unit(self) -> None:
        """A unit after the last value (`5 \\text{ cm}^2`, `\\text{m}/\\text{s}`): read, its name kept apart."""
        if not (self.at("text") and is_unit_text(self.peek().text)):
            return
        name = ""
        while True:
            name += str(unit_name(self.take().text))
            if self.at("sym", "^"):
                self.take()
                name += f"^{_unit_power(self.script())}"
            if not (self.at("sym", "/", "*") and self.peek(1) is not None and self.peek(1).kind == "text"
                    and is_unit_text(self.peek(1).text)):
                self.units.append(name)
                return
            name += self.take().text

    def expression(self) -> Node:
        plus_minus: list[Node] = []
        if self.at("sym", "pm"):  # `\\pm 3`: the two values 3 and -3
            self.take()
            value = self.term()
            if self.at("sym", "+", "-", "pm", "mp"):
                raise Unreadable("unreadable: a leading \\pm before a sum")
            return Group("pm", (value, Op("neg", (value,))))
        node: Node = self.signed_term()
        while self.at("sym", "+", "-", "pm", "mp"):
            symbol = self.take().text
            if symbol in ("pm", "mp"):
                if plus_minus:
                    raise Unreadable("unreadable: more than one \\pm")
                plus_minus.append(self.term() if symbol == "pm" else Op("neg", (self.term(),)))
            else:
                term = self.term()
                node = Op("+", (node, term if symbol == "+" else Op("neg", (term,))))
        if not plus_minus:
            return node
        return Group("pm", (Op("+", (node, plus_minus[0])), Op("+", (node, Op("neg", (plus_minus[0],))))))

    def signed_term(self) -> Node:
        if (negative := self.negated(self.signed_term)) is not None:
            return negative
        if self.at("sym", "+"):
            self.take()
            return self.signed_term()
        if self.at("sym", "currency"):
            self.take()
            self.units.append("dollar")  # `\\$5` is five dollars, not five cents
            return self.signed_term()
        return self.term()

    def term(self) -> Node:
        node = self.power()
        while True:
            if self.at("sym", "*", "/"):
                symbol = self.take().text
                right = self.signed_power()
                node = Op("*", (node, right)) if symbol == "*" else Op("/", (node, right))
            elif self.starts_primary() and not self.at("num"):
                node = Op("*", (node, self.power()))
            else:
                return node

    def signed_power(self) -> Node:
        negative = self.negated(self.signed_power)
        return self.power() if negative is None else negative

    def starts_primary(self) -> bool:
        token = self.peek()
        if token is None:
            return False
        if token.kind in ("num", "letters", "const", "begin"):
            return True
        if token.kind == "cmd":
            return token.text not in ("degree", "circ", "overline")
        if token.kind == "sym" and token.text == "|":
            return self.open_bars == 0
        return token.kind == "sym" and token.text in ("(", "[", "{", "{set")

    def power(self) -> Node:
        node = self.postfix(self.primary())
        if self.at("sym", "^"):
            self.take()
            if self.degree_sign():
                self.units.append("degree")
                return self.postfix(Op("degree", (node,)))
            node = self.postfix(Op("^", (node, self.script())))
            if self.at("sym", "^"):
                raise Unreadable("unreadable: a power of a power without braces (a^b^c)")
        return node

    def degree_sign(self) -> bool:
        """After `^`: `\\circ` or `{\\circ}`, read; False (nothing read) for any other script."""
        if self.at("cmd", "circ"):
            self.take()
            return True
        braced = [(token.kind, token.text) for token in self.tokens[self.index : self.index + 3]]
        if braced == [("sym", "{"), ("cmd", "circ"), ("sym", "}")]:
            self.index += 3
            return True
        return False

    def postfix(self, node: Node) -> Node:
        while True:
            if self.at("sym", "!"):
                self.take()
                node = Op("!", (node,))
            elif self.at("sym", "%"):
                self.take()
                node = Op("%", (node,))
            elif self.at("cmd", "degree"):
                self.take()
                self.units.append("degree")
                node = Op("degree", (node,))
            else:
                return node

    def script(self) -> Node:
        """What follows `^` or `_`: a braced group or one token (`x^2`, `e^x`, `10^-7` for `10^{-7}`)."""
        if self.at("sym", "{"):
            return self.braced()
        if self.at("sym", "-"):
            self.take()
            return Op("neg", (self.one_token(),))
        return self.one_token()

    def one_token(self) -> Node:
        """A LaTeX argument without braces: one digit, one letter or one command (`\\frac12`, `\\sqrt\\pi`)."""
        token = self.peek()
        if token is not None and token.kind in ("num", "letters") and len(token.text) > 1:
            self.tokens[self.index] = Token(token.kind, token.text[1:], token.position + 1)
            return self.single(Token(token.kind, token.text[0], token.position))
        if token is None or not self.starts_primary() or token.kind == "sym":
            raise self.refuse(token)
        return self.primary()

    def single(self, token: Token) -> Node:
        if token.kind == "num":
            return Num(Fraction(int(token.text)))
        return Name(token.text)

    def braced(self) -> Node:
        self.expect("sym", "{")
        with self.deeper():
            node = self.items()
        self.expect("sym", "}")
        return node

    def argument(self) -> Node:
        return self.braced() if self.at("sym", "{") else self.one_token()

    def primary(self) -> Node:
        """One value: a number, a name, a command, a bracketed group; nesting is counted here and capped."""
        with self.deeper():
            return self.bare_primary()

    def bare_primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.refuse(None)
        if token.kind == "num":
            return self.number()
        if token.kind == "letters":
            return self.letters()
        if token.kind == "const":
            self.take()
            return Name(token.text)
        if token.kind == "cmd":
            return self.command()
        if token.kind == "begin":
            return self.matrix()
        if token.kind == "sym" and token.text in ("(", "["):
            return self.bracketed()
        if token.kind == "sym" and token.text == "{set":
            return self.set_literal()
        if token.kind == "sym" and token.text == "{":
            return self.braced()
        if token.kind == "sym" and token.text == "|":
            self.take()
            self.open_bars += 1
            with self.deeper():
                inner = self.expression()
            self.expect("sym", "|")
            self.open_bars -= 1
            return Op("abs", (inner,))
        raise self.refuse(token)

    def number(self) -> Node:
        token = self.take()
        text = token.text
        while self.at("sym", "{,}") and self.peek(1) is not None and self.peek(1).kind == "num":
            self.take()
            text += self.take().text  # `1{,}000`
        if len(text) <= 3:
            while _thousands_follow(self.tokens, self.index):
                self.take()
                text += self.take().text  # `1,000,000`: a comma then exactly three digits, no space
        if text.endswith(".") or self.at("cmd", "overline"):
            return self.repeating(text)
        value: Fraction | Decimal = Decimal(text) if "." in text else Fraction(int(text))
        if "." not in text and self.at("cmd", "frac", "dfrac", "tfrac"):
            return self.mixed(Num(value))
        return Num(value)

    def repeating(self, written: str) -> Node:
        """`0.\\overline{3}` is 1/3, `0.1\\overline{6}` is 1/6: the digits under the bar repeat for ever."""
        self.expect("cmd", "overline")
        braced = self.at("sym", "{")
        if braced:
            self.take()
        period = self.take()
        if period.kind != "num" or not all(c in DIGITS for c in period.text) or "." not in written:
            raise Unreadable("unreadable: \\overline must repeat digits after a decimal point")
        if braced:
            self.expect("sym", "}")
        whole, _, fixed = written.partition(".")
        head = Fraction(int(whole or "0")) + (Fraction(int(fixed), 10 ** len(fixed)) if fixed else 0)
        tail = Fraction(int(period.text), (10 ** len(period.text) - 1) * 10 ** len(fixed))
        return Num(head + tail)

    def mixed(self, whole: Num) -> Node:
        """`3\\frac12` is 3 1/2 when the fraction is proper and of integers; else a product (`2\\frac{\\pi}{3}`)."""
        fraction = self.primary()
        integers = isinstance(fraction, Op) and all(isinstance(part, Num) and isinstance(part.value, Fraction)
                                                    for part in fraction.args)
        if integers and fraction.op == "/":
            numerator, denominator = (part.value for part in fraction.args)
            if 0 < numerator < denominator:
                return Op("mixed", (whole, fraction))
        return Op("*", (whole, fraction))

    def letters(self) -> Node:
        token = self.take()
        if token.text in FUNCTIONS:
            return self.function(token.text)
        if len(token.text) > 3:
            raise Unreadable(f"unreadable: the word {token.text!r} in math")
        nodes = [Name(char) for char in token.text]
        nodes[-1] = self.subscripted(nodes[-1])
        node = nodes[0]
        for other in nodes[1:]:
            node = Op("*", (node, other))
        return node

    def subscripted(self, node: Node) -> Node:
        if not (isinstance(node, Name) and self.at("sym", "_")):
            return node
        self.take()
        script = self.script()
        if isinstance(script, Num) and isinstance(script.value, Fraction):
            return Name(f"{node.name}_{script.value}")
        if isinstance(script, Name):
            return Name(f"{node.name}_{script.name}")
        raise Unreadable("unreadable: a subscript that is no number or letter")

    def command(self) -> Node:
        name = self.take().text
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return Op("/", (self.argument(), self.argument()))
        if name == "sqrt":
            if self.at("sym", "["):
                self.take()
                index = self.expression()
                self.expect("sym", "]")
                return Op("root", (self.argument(), index))
            return Op("sqrt", (self.argument(),))
        if name in _GREEK:
            return self.subscripted(Name(name))
        if name in FUNCTIONS:
            return self.function(name)
        if name in ("binom", "dbinom", "tbinom"):
            return Op("binom", (self.argument(), self.argument()))
        if name in _GROUPING_COMMANDS:
            return self.argument()
        if name == "mathbb":
            inner = self.argument()
            if inner == Name("R"):  # the real line, as the interval it is
                return Group("paren", (Op("neg", (Name("infty"),)), Name("infty")))
            raise Unreadable("unreadable: \\mathbb of anything but R")
        if name == "angle":
            if not self.at("letters") or not self.peek().text.isupper() or len(self.peek().text) > 3:
                raise Unreadable("unreadable: \\angle without a vertex")
            return Name(f"angle {self.take().text}")
        if name in ("lfloor", "lceil"):
            with self.deeper():
                inner = self.expression()
            self.expect("cmd", "rfloor" if name == "lfloor" else "rceil")
            return Op("floor" if name == "lfloor" else "ceiling", (inner,))
        raise Unreadable(f"unreadable: the command \\{name}")

    def function(self, name: str) -> Node:
        """`\\sin x`, `\\sin(x)`, `\\sin^2 x`, `\\log_2 8`: the argument is one power or a parenthesized group."""
        base = exponent = None
        if name == "log" and self.at("sym", "_"):
            self.take()
            base = self.script()
        if self.at("sym", "^"):
            self.take()
            exponent = self.script()
        with self.deeper():
            argument = self.signed_power()
        node: Node = Op(name, (argument,) if base is None else (argument, base))
        if exponent is None:
            return node
        if exponent == Op("neg", (Num(Fraction(1)),)) and name in ("sin", "cos", "tan"):
            return Op(f"arc{name}", (argument,))
        return Op("^", (node, exponent))

    def bracketed(self) -> Node:
        """`(x)`, `(a, b)`, `[a, b]`, `(a, b]`: a group, tuple, bracket pair or interval by its brackets."""
        opening = self.take().text
        with self.deeper():
            items = self.comma_list()
        closing = self.peek()
        if closing is None or closing.kind != "sym" or closing.text not in (")", "]"):
            raise self.refuse(closing)
        self.take()
        if len(items) == 1 and (isinstance(items[0], Matrix) or (opening, closing.text) == ("(", ")")):
            return items[0]
        if opening == "(" and closing.text == ")":
            return Group("paren", tuple(items))
        if opening == "[" and closing.text == "]":
            return Group("bracket", tuple(items))
        if len(items) != 2:
            raise Unreadable("unreadable: an interval needs two ends")
        return Group("interval", tuple(items), closed=(opening == "[", closing.text == "]"))

    def set_literal(self) -> Node:
        self.take()
        if self.at("sym", "}set"):
            self.take()
            return Name("emptyset")
        with self.deeper():
            items = self.comma_list()
        self.expect("sym", "}set")
        return Group("set", tuple(items))

    def matrix(self) -> Node:
        environment = self.take().text
        if environment not in _MATRICES:
            raise Unreadable(f"unreadable: the environment {environment!r}")
        if environment == "array":
            self.braced_column_spec()
        with self.deeper():
            rows = self.matrix_rows()
        if self.take().text != environment:
            raise Unreadable(f"unreadable: \\begin{{{environment}}} closed by another environment")
        if not rows or len({len(r) for r in rows}) != 1:
            raise Unreadable("unreadable: a matrix with rows of different lengths")
        return Matrix(tuple(rows))

    def matrix_rows(self) -> list[tuple[Node, ...]]:
        """Cells split by `&`, rows by `\\\\`, up to the environment's end."""
        rows: list[tuple[Node, ...]] = []
        row: list[Node] = []
        while not self.at("end"):
            row.append(self.union())
            if self.at("sym", "&"):
                self.take()
            elif self.at("sym", "newline"):
                self.take()
                rows.append(tuple(row))
                row = []
            elif not self.at("end"):
                raise self.refuse(self.peek())
        if row:
            rows.append(tuple(row))
        return rows

    def braced_column_spec(self) -> None:
        self.expect("sym", "{")
        while self.at("letters") or self.at("sym", "|"):
            self.take()
        self.expect("sym", "}")


def _unit_power(power: Node) -> str:
    """`2` in `\\text{cm}^2`, `-1` in `\\text{s}^{-1}`; anything else is no power of a unit."""
    negative = isinstance(power, Op) and power.op == "neg"
    number = power.args[0] if negative else power
    if not isinstance(number, Num) or not isinstance(number.value, Fraction):
        raise Unreadable("unreadable: a unit raised to something other than an integer")
    return f"{'-' if negative else ''}{number.value}"


def _thousands_follow(tokens: list[Token], index: int) -> bool:
    """A `,` then exactly three digits written against it (`1,000,000`), after a group of at most three."""
    if index + 1 >= len(tokens) or "." in tokens[index - 1].text:
        return False
    comma, digits = tokens[index], tokens[index + 1]
    return (comma.kind == "sym" and comma.text == "," and digits.kind == "num" and len(digits.text.split(".")[0]) == 3
            and digits.position == comma.position + 1)
