"""The lenient read, for evaluating models that do not box their answer: the completion's last line, read whole.

Math-Verify reads the last number or expression wherever it stands; that guesses ("Anyone who says 5 is
lying" would answer 5). Here the last non-empty line must *be* the answer: an optional lead-in from a fixed
list ("So the answer is", "Final answer:", "Therefore,", "="), then one math piece (`$...$`, `$$...$$`,
`\\(...\\)`, `\\[...\\]`), one number (`-1,234.5`, `1 000`, `3/4`, `25%`, `.4`, a decimal comma `2,74`) or a bare
expression the grammar reads whole (`\\frac{10}{9}`), then at most a unit and closing punctuation. Anything
else on that line makes the completion unanswered. Scans are linear.
"""

from __future__ import annotations

import re

from rlvr.envs.math.grammar import Unreadable, parse_answer

TAIL_CHARS = 4_000
# a number in prose: `-1,234.5`, `1 000`, `3/4`, `25%`, `.4`, `2,74` (a decimal comma); never inside a word
_NUMBER = re.compile(r"-?(?:\d{1,3}(?: \d{3})+|\d[\d,]*|(?=\.\d))(?:\.\d+)?(?:/\d+)?%?")
_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?")
_LEAD_IN = re.compile(
    r"\**(?:(?:so|thus|therefore|hence|finally|in total|in conclusion)\b\s*,?\s*)?"
    r"(?:(?:(?:the|my|our)\s+)?(?:final\s+)?(?:answer|result|solution)\**\s*(?:is|:|=|equals)?\**\s*"
    r"|we\s+(?:find|get|have|obtain)(?:\s+that)?\s+"
    r"|(?:it|this|that)(?:\s+is|'s)\s+|=\s*)?", re.IGNORECASE)
_PIECES = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))
_CLOSING = " .!*"
HOPE = re.compile(r"(?i)\s*I hope it is correct\.?\s*$")  # Minerva's closing
_TRAILER = re.compile(r"(?i)\s+(?:is|as)\s+(?:the|our|my)\s+(?:final\s+)?(?:answer|solution)\.?\s*$")


def last_expression(completion: str) -> list[str]:
    """The lenient final answer: the last line less its lead-in (a one-element list; the grammar reads it whole
    or calls it unreadable), or [] when there is no line."""
    lines = [line.strip() for line in completion[-TAIL_CHARS:].split("\n") if line.strip()]
    if not lines:
        return []
    line = _TRAILER.sub("", HOPE.sub("", lines[-1])).rstrip(_CLOSING)
    lead_in = _LEAD_IN.match(line)
    answer = line[lead_in.end():].strip() if lead_in else line
    piece = _math_piece(answer)
    if piece is not None:
        return [piece] if piece.strip() else []
    return [as_number(answer) or answer] if answer else []  # read whole by the grammar later, or unreadable


def as_number(text: str) -> str | None:
    """`text` as a number when all of it is one, a decimal comma read as a point (`2,74`; `1,000` stays a
    thousand), else None."""
    text = text.strip().rstrip(_CLOSING)
    return _decimal_comma(text) if _NUMBER.fullmatch(text) else None


def readable(answer: str) -> bool:
    """Whether the grammar reads `answer` whole."""
    try:
        parse_answer(answer.strip())
    except Unreadable:
        return False
    return True


def _math_piece(text: str) -> str | None:
    """The content of `text` when all of it is one math piece, else None."""
    for opening, closing in _PIECES:
        if len(text) > len(opening) + len(closing) and text.startswith(opening) and text.endswith(closing):
            inner = text[len(opening) : -len(closing)]
            if opening not in inner and closing not in inner:
                return inner
    return None


def _decimal_comma(number: str) -> str:
    """`2,74` is 2.74 where the comma cannot group thousands (`1,000` stays a thousand)."""
    if number.count(",") == 1 and not _THOUSANDS.fullmatch(number):
        return number.replace(",", ".")
    return number
