"""Lex Lean 4 source far enough to tell code from comments and literals, and fail closed where unsure.

`mask` returns a copy of the text, the same length, in which comments and string/char literals are
blanked (newlines kept) and the inside of a `«…»` identifier is made one word. Lean's own lexing rules
are followed where they decide what is code: nested block comments and doc comments (`/--`, `/-!`),
raw strings, char literals such as `'"'`, `«…»` identifiers holding `"`, and interpolated strings
(`s!"…{code}…"`, whose braces hold code). Where Lean could read the text in two ways that disagree on
what is code (an unterminated literal, a string whose braces do not balance), it raises
`UntokenizableSource` rather than guess: a guess is how code hides from the scan.
"""

from __future__ import annotations

import functools
import re

from rlvr.envs.lean.errors import UntokenizableSource

# Lean's identifier characters (`isLetterLike`, `isSubScriptAlnum`, `Char.isAlphanum` is ASCII only):
# Greek without λ Π Σ, Coptic, the letterlike block, subscripts, mathematical alphanumerics.
_LETTER_LIKE = "α-κμ-ωΑ-ΟΡΤ-Ωϊ-ϻἀ-῾℀-⅏𝒜-𝖟"
_SUBSCRIPT = "₀-₉ₐ-ₜᵢ-ᵪ"
ID_FIRST = f"A-Za-z_{_LETTER_LIKE}"
ID_REST = f"{ID_FIRST}0-9'!?{_SUBSCRIPT}"

_CODE = re.compile(
    rf"""(?P<ws>\s+)|(?P<line>--)|(?P<block>/-)|(?P<raw>r\#*")|(?P<str>")|(?P<char>')|(?P<guil>«)
    |(?P<ident>[{ID_FIRST}][{ID_REST}]*)
    |(?P<num>0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    |(?P<open>\{{)|(?P<close>\}})|(?P<other>[^\s"'«{{}}/\-{ID_FIRST}0-9]+|.)""", re.S | re.X)
_CHAR_LITERAL = re.compile(r"'(?:\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)|[^\\])'", re.S)
_PLAIN_STRING = re.compile(r'(?:[^"\\]|\\.)*"', re.S)
_STRING_PART = re.compile(r'(?:[^"\\{]|\\.)*', re.S)
_COMMENT_DELIM = re.compile(r"/-|-/")
_NOT_NEWLINE = re.compile(r"[^\n]")
_NOT_IDENT = re.compile(rf"[^{ID_REST}.\n]")
# Characters that change what follows when a char literal swallows them or leaves them out.
_LEXICAL = set("\"'\\«»-/{}r")
_OPENERS = set("([{⦃⟨,")
_MAX_NESTING = 16
# What certainly takes an interpolated string: `s!`, `m!`, `f!` (not `xs!`, an identifier), `throwError`.
_INTERPOLATES = re.compile(rf"(?:(?<![{ID_REST}.])[smf]!|(?<![{ID_REST}.])throwError)\s*$")


@functools.lru_cache(maxsize=16)  # a completion is masked whole, then in parts, by several callers
def mask(text: str) -> str:
    """Blank comments and literals (see the module doc); raise `UntokenizableSource` where unsure."""
    out = list(text)
    _Lexer(text, out).code(0, nested=0)
    return "".join(out)


class _Lexer:
    def __init__(self, text: str, out: list[str]) -> None:
        self.text, self.out = text, out

    def blank(self, start: int, end: int) -> None:
        self.out[start:end] = _NOT_NEWLINE.sub(" ", self.text[start:end])

    def fail(self, i: int, why: str) -> UntokenizableSource:
        line = self.text.count("\n", 0, i) + 1
        return UntokenizableSource(f"{why} (line {line})")

    def code(self, i: int, nested: int) -> int:
        """Lex code from `i`; inside an interpolation (`nested` > 0), stop after its closing `}`."""
        text, depth = self.text, 0
        while i < len(text):
            match = _CODE.match(text, i)
            assert match is not None  # `other` matches any character
            kind, end = match.lastgroup, match.end()
            if kind == "line":
                newline = text.find("\n", i)
                end = len(text) if newline < 0 else newline
                self.blank(i, end)
            elif kind == "block":
                end = self.block_comment(i)
            elif kind == "raw":
                end = self.raw_string(i, end)
            elif kind == "str":
                end = self.string(i, nested)
            elif kind == "char":
                end = self.char(i)
            elif kind == "guil":
                close = text.find("»", i + 1)
                if close < 0:
                    raise self.fail(i, "an identifier `«` is never closed by `»`")
                self.out[i + 1:close] = _NOT_IDENT.sub("_", text[i + 1:close])
                end = close + 1
            elif kind == "open":
                depth += 1
            elif kind == "close":
                if nested and depth == 0:
                    return end
                depth -= 1
            i = end
        if nested:
            raise self.fail(i, "an interpolated string's `{` is never closed")
        return i

    def block_comment(self, i: int) -> int:
        # `/--` and `/-!` are doc comments whose body starts after the third character.
        start = i + 3 if self.text[i + 2:i + 3] in ("-", "!") else i + 2
        depth = 1
        for match in _COMMENT_DELIM.finditer(self.text, start):
            depth += 1 if match.group() == "/-" else -1
            if depth == 0:
                self.blank(i, match.end())
                return match.end()
        raise self.fail(i, "a block comment `/-` is never closed")

    def raw_string(self, i: int, body: int) -> int:
        closing = '"' + "#" * (body - i - 2)
        end = self.text.find(closing, body)
        if end < 0:
            raise self.fail(i, "a raw string is never closed")
        self.blank(i, end + len(closing))
        return end + len(closing)

    def string(self, i: int, nested: int) -> int:
        """A string literal at `i`. After `s!`, `m!`, `f!` or `throwError` it is interpolated; elsewhere
        that depends on the term before it, so both readings are taken and must end at the same quote
        (the braces stay visible either way)."""
        plain = _PLAIN_STRING.match(self.text, i + 1)
        if plain is not None and "{" not in self.text[i + 1:plain.end()]:
            self.blank(i, plain.end())
            return plain.end()
        interpolated = _INTERPOLATES.search(self.text, max(0, i - 64), i) is not None
        if plain is None and not interpolated:
            raise self.fail(i, "a string literal is never closed")
        if nested >= _MAX_NESTING:
            raise self.fail(i, "interpolated strings nest too deeply")
        end = self.interpolated(i, nested)
        if not interpolated and (plain is None or end != plain.end()):
            raise self.fail(i, "a string's `{` braces could be read as code or as text, with different ends")
        return end

    def interpolated(self, i: int, nested: int) -> int:
        j = i + 1
        while True:
            part = _STRING_PART.match(self.text, j)
            assert part is not None  # matches the empty string
            self.blank(j - 1 if j == i + 1 else j, part.end())
            j = part.end()
            if self.text[j:j + 1] == '"':
                self.blank(j, j + 1)
                return j + 1
            if self.text[j:j + 1] != "{":
                raise self.fail(i, "a string literal is never closed")
            self.blank(j, j + 1)
            j = self.code(j + 1, nested + 1)
            self.blank(j - 1, j)

    def char(self, i: int) -> int:
        """A `'` where a token starts: a char literal, Mathlib's `''` token, or the tail of a symbol
        token such as `⁻¹'`, `×'`; refused where Lean might read it otherwise."""
        text = self.text
        if text[i + 1:i + 2] == "'":
            return i + 2
        before = text[i - 1] if i else " "
        after_symbol = not before.isspace() and before not in _OPENERS
        literal = _CHAR_LITERAL.match(text, i)
        if literal is not None:
            if after_symbol and (set(literal.group()[1:-1]) & _LEXICAL):
                raise self.fail(i, f"`{before}{literal.group()}` could be a char literal or a symbol")
            self.blank(i, literal.end())
            return literal.end()
        if not after_symbol or text[i + 1:i + 2] in _LEXICAL:
            raise self.fail(i, "a `'` that starts no valid char literal")
        return i + 1
