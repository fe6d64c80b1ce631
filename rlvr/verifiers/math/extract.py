"""Find the model's final answer in a completion: the last `\\boxed{}`, a GSM8K `#### 42` line, or an
"answer is ..." sentence, in the order the config names them.

Every scan is linear in the completion's length (brace matching by hand, anchored regexes over the
tail only), so a 200,000-character completion costs milliseconds, not a worker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rlvr.verifiers.math.grammar import Unreadable, parse_answer
from rlvr.verifiers.math.units import is_percent_text, is_unit_text

BOX_COMMANDS = ("\\boxed", "\\fbox")
THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
TAIL_CHARS = 4_000
_BOX = re.compile("|".join(re.escape(command) for command in BOX_COMMANDS) + "(?![A-Za-z])")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\?[^\s{}]")  # what LaTeX boxes after `\\boxed ` without braces: `\\boxed 6`
_GSM8K = re.compile(r"^[ \t]*####[ \t]*([^\n]*)$", re.MULTILINE)
# `**Answer:** 72` (Markdown bold around the label), and Minerva's "Final Answer: The final answer is $72$. I hope
# it is correct." (the restatement inside is re-read, the closing formula dropped)
_ANSWER_IS = re.compile(r"(?i)\banswer(?:[ \t]+is|[ \t]*:|[ \t]*=)\**[ \t]*:?[ \t]*([^\n]*)")
_HOPE = re.compile(r"(?i)[ \t]*I hope it is correct\.?[ \t]*$")
_HEDGE = re.compile(r"(?i)(?:\bor\b|\\lor\b|\\vee\b|\\text\{\s*or\s*\})")
# "The answer is $2$ apples": one math piece and a unit word or two (`is_unit_text`: not `$2$ or more`, `$5$ thousand`)
_PIECE_THEN_WORDS = re.compile(r"^\$([^$]+)\$[ \t]*([A-Za-z]+(?:[ \t]+[A-Za-z]+)?)$")
# "The answer is 72 apples.", `#### 72 dollars`, `\boxed{5cm}`: a bare number and a unit word or two of two letters
# or more (a lone letter after a number is a variable: `5 x`)
_NUMBER_THEN_WORDS = re.compile(r"^(\\?\$?-?\d[\d,]*(?:\.\d+)?)[ \t]*([A-Za-z]{2,}(?:[ \t]+[A-Za-z]{2,})?)$")
_TEXT_NUMBER = re.compile(r"^\\(?:text|textbf|textrm|mbox)\s*\{\s*(\d[^{}]*)\}$")  # `\text{5 cm}`
_TRAILING_SPACING = ("\\,", "\\;", "\\:", "\\!", "\\", "\\quad", "\\qquad", "~")
# Unicode minus signs and dashes that models write for `-` (`−5`)
# a number in prose, for a lenient read: `-1,234.5`, `1 000`, `3/4`, `25%`, `.4`, `2,74` (a decimal comma)
_NUMBER = re.compile(r"(?<![\w.,])-?(?:\d{1,3}(?: \d{3})+(?![\d,])|\d[\d,]*|(?=\.\d))(?:\.\d+)?(?:/\d+)?%?(?!\w)")
_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?")
_MINUS = str.maketrans(dict.fromkeys("\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d", "-"))


@dataclass(frozen=True)
class Extraction:
    """What was found: the final answer (None when nothing was) and every distinct final answer seen, cleaned
    (spelled differently: `\\frac12` and `0.5` are two candidates; whether they differ in value is compare's call)."""

    answer: str | None
    method: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def hedged(self) -> bool:
        """Several differently written final answers, or one that offers alternatives ("3 or 4")."""
        return len(self.candidates) > 1 or self.offers_alternatives

    @property
    def offers_alternatives(self) -> bool:
        return self.answer is not None and bool(_HEDGE.search(self.answer))


def extract_answer(completion: str, methods: Sequence[str] = ("boxed", "gsm8k", "answer_is")) -> Extraction:
    """The final answer by the first method that finds one, looked for after the last `</think>`: what a model
    writes while thinking is a draft, and a `<think>` never closed holds no answer."""
    completion = after_thinking(completion)
    for method in methods:
        found = _EXTRACTORS[method](completion)
        if found and method in ("answer_is", "gsm8k") and "last_expression" in methods:
            found = [_leniently(answer) for answer in found]
        if found:
            distinct = {_squash(answer): clean_answer(answer) for answer in found}
            return Extraction(answer=clean_answer(found[-1]), method=method, candidates=tuple(distinct.values()))
    return Extraction(answer=None)


def after_thinking(completion: str) -> str:
    """The completion after its last `</think>` (a template may open `<think>` in the prompt, so only the close
    counts); empty when a `<think>` is opened and never closed."""
    lowered = completion.lower()
    close = lowered.rfind(THINK_CLOSE)
    if close != -1:
        return completion[close + len(THINK_CLOSE) :]
    return "" if THINK_OPEN in lowered else completion


def boxed_contents(text: str) -> list[str]:
    """Contents of every `\\boxed{...}` / `\\fbox{...}`, nested braces included, in order; as LaTeX reads it,
    a box without braces holds the one token after it (`\\boxed 6`, `\\boxed\\pi`), spacing and a newline allowed."""
    contents = []
    position = 0
    while (start := _next_box(text, position)) != -1:
        brace = start
        while brace < len(text) and text[brace].isspace():
            brace += 1
        if brace >= len(text) or text[brace] != "{":
            token = _TOKEN.match(text, brace)
            if token is not None and token[0] != "}":
                contents.append(token[0])
            position = token.end() if token else brace
            continue
        end = _matching_brace(text, brace)
        if end == -1:
            break
        contents.append(text[brace + 1 : end])
        position = end + 1
    return contents


def clean_answer(answer: str) -> str:
    """Strip what surrounds an answer but is not part of it: math delimiters, a final period, spaces."""
    answer = answer.translate(_MINUS).strip()
    for _ in range(3):
        before = answer
        answer = _without_trailing_spacing(answer).rstrip(" .;,").strip()
        for left, right in (("**", "**"), ("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
            if len(answer) > len(left) + len(right) and answer.startswith(left) and answer.endswith(right):
                answer = answer[len(left) : -len(right)].strip()
        answer = _without_unit_words(answer)
        inner = boxed_contents(answer)
        if len(inner) == 1 and answer.startswith(BOX_COMMANDS) and answer.endswith("}"):
            answer = inner[0].strip()
        if answer == before:
            break
    return answer


def _without_trailing_spacing(answer: str) -> str:
    """`answer` less LaTeX spacing at its end (`5\\,`, `5\\;`, `5\\ `, `5\\quad`), by suffix, in linear time."""
    answer = answer.rstrip()
    while True:
        spacing = next((s for s in _TRAILING_SPACING if answer.endswith(s) and not answer.endswith("\\" + s)), None)
        if spacing is None:
            return answer
        answer = answer[: -len(spacing)].rstrip()


def _without_unit_words(answer: str) -> str:
    """`$2$ apples`, `72 apples`, `\\text{5 cm}` are the number, `$5$ percent` is `5\\%`; any other words after
    the number stay (`$5$ thousand`)."""
    text_number = _TEXT_NUMBER.match(answer)
    words = text_number[1].strip() if text_number else answer
    piece = _PIECE_THEN_WORDS.match(words) or _NUMBER_THEN_WORDS.match(words)
    if piece is None:
        return answer
    if is_percent_text(piece[2]):
        return f"{piece[1].strip()}\\%"
    return piece[1].strip() if is_unit_text(piece[2]) else answer


def has_box(answer: str) -> bool:
    """A box inside a final answer (`\\sqrt{3} \\boxed{\\sqrt{2}}`): a second answer, which math-verify would prefer."""
    return _BOX.search(answer) is not None


def normalize_reference(gold: str) -> str:
    """A dataset's gold as an answer string: `\\boxed{x}`, `$x$` and plain `x` all give `x`."""
    boxed = boxed_contents(gold)
    return clean_answer(boxed[-1] if boxed else gold)


def _next_box(text: str, position: int) -> int:
    """Index just past the next box command at or after `position`, or -1."""
    match = _BOX.search(text, position)
    return -1 if match is None else match.end()


def _matching_brace(text: str, open_index: int) -> int:
    depth = 0
    index = open_index
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


def _gsm8k(completion: str) -> list[str]:
    return [m.group(1) for m in _GSM8K.finditer(completion[-TAIL_CHARS:]) if m.group(1).strip()]


def _answer_is(completion: str) -> list[str]:
    found = [m.group(1) for m in _ANSWER_IS.finditer(completion[-TAIL_CHARS:]) if m.group(1).strip()]
    if not found:
        return []
    answer = found[-1]  # prose restates earlier guesses; only the last statement counts
    while (inner := _ANSWER_IS.search(answer)) and inner.group(1).strip():
        answer = inner.group(1)
    return [_HOPE.sub("", answer)]


def _boxed(completion: str) -> list[str]:
    """Every non-empty box; an empty last box ends the answer empty (a guess boxed earlier is not taken back)."""
    boxes = boxed_contents(completion)
    if boxes and not boxes[-1].strip():
        return [""]
    return [box for box in boxes if box.strip()]


def _squash(answer: str) -> str:
    return "".join(clean_answer(answer).split())


def _last_expression(completion: str) -> list[str]:
    """Lenient: what ends last in the tail, the last math piece (`$...$`, `\\(...\\)`, `\\[...\\]`) or a number
    after it; with no math piece at all, a last line the grammar reads whole (`\\frac{10}{9}`) or the last number."""
    tail = completion[-TAIL_CHARS:]
    end, piece = _last_math_piece(tail)
    if piece is None and end == 0:
        last_line = tail.strip().rsplit("\n", 1)[-1].strip()
        if last_line and _readable(last_line):
            return [last_line]
    numbers = _NUMBER.findall(tail[end:])
    if numbers:
        return [_decimal_comma(numbers[-1].strip())]
    return [piece] if piece is not None else []


def _leniently(answer: str) -> str:
    """A stated answer as the lenient mode reads it: whole when the grammar can, else what ends last in it
    ("The volume of $ABCDEFGH$ is 120." gives 120)."""
    if _readable(answer):
        return answer
    found = _last_expression(answer)
    return found[-1] if found else answer


def _decimal_comma(number: str) -> str:
    """`2,74` is 2.74 where the comma cannot group thousands (`1,000` stays a thousand)."""
    if number.count(",") == 1 and not _THOUSANDS.fullmatch(number):
        return number.replace(",", ".")
    return number


def _readable(answer: str) -> bool:
    try:
        parse_answer(clean_answer(answer))
    except Unreadable:
        return False
    return True


def _last_math_piece(text: str) -> tuple[int, str | None]:
    """Where the last non-empty math piece ends and what it holds, delimiters paired left to right as TeX pairs
    them, in one pass. An inline piece (`$`, `\\(`) stays on one line."""
    last, last_end, opened, start, index = None, 0, None, 0, 0
    while index < len(text):
        delimiter = next((d for d in _DELIMITERS if text.startswith(d, index)), None)
        if delimiter is None or (delimiter[0] == "$" and index > 0 and text[index - 1] == "\\"):
            index += 1
            continue
        if opened is None and delimiter in _CLOSING:
            opened, start = _CLOSING[delimiter], index + len(delimiter)
        elif delimiter == opened:
            inline_break = delimiter in ("$", "\\)") and "\n" in text[start:index]
            if text[start:index].strip():  # a broken piece is no answer, and hides what it holds
                last, last_end = (None if inline_break else text[start:index]), index + len(delimiter)
            opened = None
        index += len(delimiter)
    return last_end, last


_CLOSING = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]"}
_DELIMITERS = ("$$", "$", "\\(", "\\)", "\\[", "\\]")


_EXTRACTORS = {"boxed": _boxed, "gsm8k": _gsm8k, "answer_is": _answer_is, "last_expression": _last_expression}
EXTRACTION_METHODS = tuple(_EXTRACTORS)
STRICT_METHODS = ("boxed", "gsm8k", "answer_is")
EXTRACTION_MODES = {"strict": STRICT_METHODS, "lenient": (*STRICT_METHODS, "last_expression")}
