"""Find the model's final answer in a completion: the last `\\boxed{}`, a GSM8K `#### 42` line, or an
"answer is ..." sentence, in the order the config names them (and, in lenient mode, the last expression).

Only what follows the last `</think>` is searched. The last box must be shown and stand alone
(`rlvr.envs.math.boxes`); an answer stated after it is one more candidate, so a retraction is a hedge.
A stated answer must start its line and end the completion. Every scan is linear in the completion's
length, so a 200,000-character completion costs milliseconds, not a worker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rlvr.envs.math.boxes import (
    BOX_COMMANDS,
    STATEMENT,
    after_answer,
    hidden_at,
    refusal,
    scan_boxes,
    separates,
    unit_after,
)
from rlvr.envs.math.lenient import HOPE, as_number, last_expression, readable
from rlvr.envs.math.units import is_percent_text, is_unit_text

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
_TURN_ENDS = ("<|im_end|>", "<|im_start|>", "<|endoftext|>", "<|eot_id|>", "<|end|>")
TAIL_CHARS = 4_000
_MAX_CANDIDATES = 16
_GSM8K = re.compile(r"^[ \t]*####[ \t]*([^\n]*)$", re.MULTILINE)
# `**Answer:** 72` (Markdown bold around the label), and Minerva's "Final Answer: The final answer is $72$. I hope
# it is correct." (the restatement inside is re-read, the closing formula dropped)
_ANSWER_IS = re.compile(r"(?i)\banswer(?:[ \t]+is|[ \t]*:|[ \t]*=)\**[ \t]*:?[ \t]*([^\n]*)")
# what may open the line of a stated answer: "So the final answer is", "**Final Answer:**", "Thus, my answer:"
_STATEMENT_LEAD = frozenset("so thus therefore hence finally final the my our answer".split())
_HEDGE = re.compile(r"(?i)(?:\bor\b|\\lor\b|\\vee\b|\\text\{\s*or\s*\})")
# "The answer is $2$ apples": one math piece and a unit word or two (`is_unit_text`: not `$2$ or more`, `$5$ thousand`)
_PIECE_THEN_WORDS = re.compile(r"^\$([^$]+)\$[ \t]*([A-Za-z]+(?:[ \t]+[A-Za-z]+)?)$")
# "The answer is 72 apples.", `#### 72 dollars`, `\boxed{5cm}`: a bare number and a unit word or two of two letters
# or more (a lone letter after a number is a variable: `5 x`)
_NUMBER_THEN_WORDS = re.compile(r"^(\\?\$?-?\d[\d,]*(?:\.\d+)?)[ \t]*([A-Za-z]{2,}(?:[ \t]+[A-Za-z]{2,})?)$")
_TEXT_NUMBER = re.compile(r"^\\(?:text|textbf|textrm|mbox)\s*\{\s*(\d[^{}]*)\}$")  # `\text{5 cm}`
_TRAILING_SPACING = ("\\,", "\\;", "\\:", "\\!", "\\", "\\quad", "\\qquad", "~")
# Unicode minus signs and dashes that models write for `-` (`−5`)
_MINUS = str.maketrans(dict.fromkeys("\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d", "-"))


@dataclass(frozen=True)
class Extraction:
    """What was found: the final answer (None when nothing was), every distinct final answer seen, cleaned
    (spelled differently: `\\frac12` and `0.5` are two candidates; whether they differ in value is compare's call),
    every box in order when they were boxed one by one in a row (`row`: a list), and why the final answer cannot
    be taken (`refused`)."""

    answer: str | None
    method: str | None = None
    candidates: tuple[str, ...] = ()
    row: tuple[str, ...] = ()
    refused: str | None = None

    @property
    def hedged(self) -> bool:
        """Several differently written final answers, or one that offers alternatives ("3 or 4")."""
        return len(self.candidates) > 1 or self.offers_alternatives

    @property
    def offers_alternatives(self) -> bool:
        return self.answer is not None and bool(_HEDGE.search(self.answer))


def extract_answer(completion: str, methods: Sequence[str] = ("boxed", "gsm8k", "answer_is")) -> Extraction:
    """The final answer by the first method that finds one, looked for after thinking (`after_thinking`)."""
    completion = after_thinking(completion)
    for method in methods:
        if method == "boxed":
            found = _boxed(completion)
            if found is not None:
                return found
            continue
        answers = _EXTRACTORS[method](completion)
        if answers and method in ("answer_is", "gsm8k") and "last_expression" in methods:
            answers = [_leniently(answer) for answer in answers]
        if answers:
            return _found(answers, method)
    return Extraction(answer=None)


def after_thinking(completion: str) -> str:
    """The completion up to the end of its turn (`<|im_end|>`, `<|im_start|>`, ...: what follows is another turn)
    and after its `</think>` (a template may open `<think>` in the prompt, so only the close counts); empty when
    a `<think>` is opened and never closed, also after that close, and when `</think>` closes more than once."""
    turn_end = min((i for marker in _TURN_ENDS if (i := completion.find(marker)) != -1), default=len(completion))
    completion = completion[:turn_end]
    lowered = completion.lower()
    if lowered.count(THINK_CLOSE) > 1:
        return ""  # readers split at the first `</think>`, this one at the last: which part is the answer?
    close = lowered.rfind(THINK_CLOSE)
    rest = completion[close + len(THINK_CLOSE) :] if close != -1 else completion
    return "" if THINK_OPEN in (lowered[close + len(THINK_CLOSE) :] if close != -1 else lowered) else rest


def boxed_contents(text: str) -> list[str]:
    """Contents of every `\\boxed{...}` / `\\fbox{...}`, nested braces included, in order; as LaTeX reads it,
    a box without braces holds the one token after it (`\\boxed 6`, `\\boxed\\pi`), spacing and a newline allowed."""
    return [box.content for box in scan_boxes(text)]


def clean_answer(answer: str) -> str:
    """Strip what surrounds an answer but is not part of it: math delimiters, a final period, spaces."""
    answer = answer.translate(_MINUS).strip()
    for _ in range(3):
        before = answer
        answer = _without_trailing_spacing(answer).rstrip(" .;,").strip()
        for left, right in (("**", "**"), ("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
            if len(answer) > len(left) + len(right) and answer.startswith(left) and answer.endswith(right):
                answer = answer[len(left) : -len(right)].strip()
        answer = _with_unit_as_text(answer)
        inner = boxed_contents(answer)
        if len(inner) == 1 and answer.startswith(BOX_COMMANDS) and answer.endswith("}"):
            answer = inner[0].strip()
        if answer == before:
            break
    return answer


def has_box(answer: str) -> bool:
    """A box inside a final answer (`\\sqrt{3} \\boxed{\\sqrt{2}}`): a second answer."""
    return any(command in answer for command in BOX_COMMANDS)


def normalize_reference(gold: str) -> str:
    """A dataset's gold as an answer string: `\\boxed{x}`, `$x$` and plain `x` all give `x`."""
    boxed = boxed_contents(gold)
    return clean_answer(boxed[-1] if boxed else gold)


def _boxed(completion: str) -> Extraction | None:
    """The shown boxes' answers, the last of which must stand alone (else `refused` says why); an answer stated
    after the last box is one more candidate (`\\boxed{5}` then "the answer is 7" is a hedge). An empty last
    box is an empty answer."""
    boxes = scan_boxes(completion)
    if not boxes:
        return None
    last = boxes[-1]
    shown = [box for box in boxes if not box.hidden]
    unclosed, later = after_answer(completion[last.end:])
    contents = [box.content for box in shown]
    if contents and shown[-1] is last:
        contents[-1] += unit_after(completion[last.end:])  # `\\boxed{5} km` is 5 km, compared as such
    answers = [content for content in contents if content.strip()] + later
    refused = refusal(completion, last, shown[-2] if len(shown) > 1 and shown[-1] is last else None)
    if refused is None and unclosed is not None:
        refused = f"the last box does not end the answer ({unclosed[:30]!r} after it)"
    if not answers or (not last.content.strip() and not later):
        return Extraction(answer="", method="boxed", refused=refused)
    found = _found(answers, "boxed")
    in_a_row = not later and all(separates(completion[a.end:b.start]) for a, b in zip(shown, shown[1:], strict=False))
    row = tuple(clean_answer(box.content) for box in shown) if in_a_row and len(shown) <= _MAX_CANDIDATES else ()
    return Extraction(found.answer, found.method, found.candidates, row=row, refused=refused)


def _found(answers: list[str], method: str) -> Extraction:
    """The last answer and the distinct candidates; past a few distinct ones the rest need not be cleaned (so
    many different answers are a hedge whatever they say), which keeps 20,000 boxes cheap."""
    written = list(dict.fromkeys(answers))[-_MAX_CANDIDATES:]
    distinct = {_squash(answer): clean_answer(answer) for answer in written}
    return Extraction(answer=clean_answer(answers[-1]), method=method, candidates=tuple(distinct.values()))


def _without_trailing_spacing(answer: str) -> str:
    """`answer` less LaTeX spacing at its end (`5\\,`, `5\\;`, `5\\ `, `5\\quad`), by suffix, in linear time."""
    answer = answer.rstrip()
    while True:
        spacing = next((s for s in _TRAILING_SPACING if answer.endswith(s) and not answer.endswith("\\" + s)), None)
        if spacing is None:
            return answer
        answer = answer[: -len(spacing)].rstrip()


def _with_unit_as_text(answer: str) -> str:
    """`$2$ apples`, `72 km`, `\\text{5 cm}` as the number and `\\text{unit}`, for the grammar to read (and compare
    the unit); `$5$ percent` is `5\\%`; any other words after the number stay, and make the answer unreadable."""
    text_number = _TEXT_NUMBER.match(answer)
    words = text_number[1].strip() if text_number else answer
    piece = _PIECE_THEN_WORDS.match(words) or _NUMBER_THEN_WORDS.match(words)
    if piece is None:
        return answer
    if is_percent_text(piece[2]):
        return f"{piece[1].strip()}\\%"
    return f"{piece[1].strip()} \\text{{{piece[2]}}}" if is_unit_text(piece[2]) else answer


def _gsm8k(completion: str) -> list[str]:
    """The `#### 42` lines, when nothing but closings follows the last ("That is wrong; it is 7." takes it back)."""
    tail = completion[-TAIL_CHARS:]
    found = [m for m in _GSM8K.finditer(tail) if m.group(1).strip()]
    if not found:
        return []
    unclosed, later = after_answer("\n" + tail[found[-1].end():])  # the #### line itself is the answer's
    if unclosed is not None or hidden_at(tail, found[-1].start()):
        return []
    return [m.group(1) for m in found] + later


def _answer_is(completion: str) -> list[str]:
    """The last stated answer, when its line starts with the statement ("So the answer is", "**Answer:**") and
    nothing but Minerva's closing follows it: "A tempting wrong answer is 5. But ..." states nothing."""
    tail = completion[-TAIL_CHARS:]
    found = list(_ANSWER_IS.finditer(tail))
    if not found or not found[-1].group(1).strip():
        return []
    last = found[-1]
    line_start = tail.rfind("\n", 0, last.start()) + 1
    lead = re.findall(r"[A-Za-z]+", tail[line_start:last.start()])
    if any(word.casefold() not in _STATEMENT_LEAD for word in lead) or tail[last.end():].strip():
        return []
    answer = last.group(1)
    minerva = STATEMENT.match(answer)  # "Final Answer: The final answer is $72$." restates once, at its start
    if minerva is not None:
        answer = answer[minerva.end():]
    answer = HOPE.sub("", answer)
    if answer.lstrip().startswith(("~", "\u2248")):
        return []  # in prose `~5` is "about 5"
    return [answer]


def _leniently(answer: str) -> str:
    """A stated answer as the lenient mode reads it: whole when the grammar can, else what ends last in it
    ("The volume of $ABCDEFGH$ is 120." gives 120)."""
    number = as_number(clean_answer(answer))
    if number is not None:
        return number
    if readable(clean_answer(answer)):
        return answer
    found = last_expression(answer)
    return found[-1] if found else answer


def _squash(answer: str) -> str:
    return "".join(clean_answer(answer).split())


_EXTRACTORS = {"gsm8k": _gsm8k, "answer_is": _answer_is, "last_expression": last_expression}
EXTRACTION_METHODS = ("boxed", *_EXTRACTORS)
STRICT_METHODS = ("boxed", "gsm8k", "answer_is")
EXTRACTION_MODES = {"strict": STRICT_METHODS, "lenient": (*STRICT_METHODS, "last_expression")}
