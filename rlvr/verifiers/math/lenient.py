"""The lenient read, for evaluating models that do not box their answer: what ends last in the completion, the
last math piece (`$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`) or a number after it, as Math-Verify reads it.

It stays strict where a last-number read would guess: the sentence that holds the answer must hold no other
number or math piece ("either 12 or 10", "from 3 to -5") and no word that takes it back or hedges it ("not",
"wrongly", "maybe"); an inline piece broken over lines is no answer. Scans are linear.
"""

from __future__ import annotations

import re

from rlvr.verifiers.math.grammar import Unreadable, parse_answer

TAIL_CHARS = 4_000
# a number in prose: `-1,234.5`, `1 000`, `3/4`, `25%`, `.4`, `2,74` (a decimal comma); never inside a word
_NUMBER = re.compile(r"(?<![\w.,])-?(?:\d{1,3}(?: \d{3})+(?![\d,])|\d[\d,]*|(?=\.\d))(?:\.\d+)?(?:/\d+)?%?(?!\w)")
_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?")
_SENTENCE_END = re.compile(r"[.!?;\n](?:\s|$)")
_HEDGES = frozenset("""not no never wrong wrongly incorrect incorrectly mistake mistaken or either maybe perhaps
    possibly probably unsure guess guessed earlier first initially instead previously wrote thought between
    from range until tempting suppose assume if whether""".split())
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]+(?:'[a-z]+)?")  # words, never command names (`\\not`)
_CLOSING = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]"}
_DELIMITERS = ("$$", "$", "\\(", "\\)", "\\[", "\\]")


def last_expression(completion: str) -> list[str]:
    """The lenient final answer (a one-element list), or [] when there is none or its sentence hedges it."""
    tail = completion[-TAIL_CHARS:]
    pieces = _math_pieces(tail)
    end = pieces[-1][1] if pieces else 0
    if not pieces:
        last_line = tail.strip().rsplit("\n", 1)[-1].strip().strip("$").strip()
        if _NUMBER.fullmatch(last_line):
            return [_decimal_comma(last_line)]
        if last_line and readable(last_line):
            return [last_line]  # a bare `\\frac{10}{9}`, read whole
    numbers = list(_NUMBER.finditer(tail, end))
    if not pieces and not numbers:
        return []
    if numbers:
        start, stop, answer = numbers[-1].start(), numbers[-1].end(), _decimal_comma(numbers[-1][0].strip())
    else:
        start, stop, answer = pieces[-1][0], pieces[-1][1], pieces[-1][2]
    if answer is None or _hedged(tail, start, stop, pieces):
        return []
    return [answer]


def readable(answer: str) -> bool:
    """Whether the grammar reads `answer` whole."""
    try:
        parse_answer(answer.strip().strip("$").strip())
    except Unreadable:
        return False
    return True


def _hedged(text: str, start: int, stop: int, pieces: list[tuple[int, int, str | None]]) -> bool:
    """The answer's sentence holds another number or math piece, or a word that takes the answer back."""
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 400), start)), default=0)
    following = _SENTENCE_END.search(text, stop)
    sentence_end = following.start() if following else len(text)
    others = [p for p in pieces if sentence_start <= p[0] and p[1] <= sentence_end and (p[0], p[1]) != (start, stop)
              and (p[2] is None or any(char.isdigit() for char in p[2]))]  # `$n$` names, it answers nothing
    outside = _without_pieces(text, sentence_start, sentence_end, pieces)
    numbers = [m for m in _NUMBER.finditer(outside)]
    words = {word.casefold() for word in _WORD.findall(outside)}
    own_number = 1 if not any(p[:2] == (start, stop) for p in pieces) else 0
    return bool(others) or len(numbers) > own_number or bool(words & _HEDGES) or "n't" in outside


def _without_pieces(text: str, start: int, end: int, pieces: list[tuple[int, int, str | None]]) -> str:
    kept, at = [], start
    for piece_start, piece_end, _ in pieces:
        if piece_end <= start or piece_start >= end:
            continue
        kept.append(text[at:piece_start])
        at = piece_end
    kept.append(text[at:end])
    return " ".join(kept)


def _math_pieces(text: str) -> list[tuple[int, int, str | None]]:
    """(start, end, content) of each non-empty math piece, delimiters paired left to right as TeX pairs them,
    in one pass; an inline piece (`$`, `\\(`) broken over lines has content None: it is no answer."""
    pieces: list[tuple[int, int, str | None]] = []
    opened, start, index = None, 0, 0
    while index < len(text):
        delimiter = next((d for d in _DELIMITERS if text.startswith(d, index)), None)
        if delimiter is None or (delimiter[0] == "$" and index > 0 and text[index - 1] == "\\"):
            index += 1
            continue
        if opened is None and delimiter in _CLOSING:
            opened, start, opening = _CLOSING[delimiter], index + len(delimiter), index
        elif delimiter == opened:
            content = text[start:index]
            if content.strip():
                broken = delimiter in ("$", "\\)") and "\n" in content
                pieces.append((opening, index + len(delimiter), None if broken else content))
            opened = None
        index += len(delimiter)
    return pieces


def _decimal_comma(number: str) -> str:
    """`2,74` is 2.74 where the comma cannot group thousands (`1,000` stays a thousand)."""
    if number.count(",") == 1 and not _THOUSANDS.fullmatch(number):
        return number.replace(",", ".")
    return number
