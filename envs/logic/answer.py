"""The answer convention shared by every logic family, and small helpers for checking references.

The final answer is the content of the last `<answer>...</answer>` block (tags are case-insensitive).
Earlier non-empty blocks must say the same thing (compared after collapsing whitespace and case): a
completion that hedges with several different answers gets no credit. Reasoning up to the last
`</think>` is scratch work and is not searched (a draft answer there is not a hedge). Extraction is a linear scan with
`str.find`, never a backtracking regex, and every size is capped, so adversarial completions cost O(n).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult

OPEN, CLOSE = "<answer>", "</answer>"
THINK_CLOSE = "</think>"
MAX_BLOCKS = 32
MAX_ANSWER_CHARS = 20_000
ANSWER_INSTRUCTIONS = ("Put your final answer inside <answer></answer> tags. Only the last <answer> "
                       "block counts, and a response that gives different answers in several blocks "
                       "scores nothing.")


MINUS_SIGNS = frozenset("-−–—")
_CLOSING_MARKS = " \t\r\n.!*`"
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


class AnswerError(ValueError):
    """The answer text could not be read in the family's format; the message says why."""


def extract_answer(completion: str) -> str | VerifyResult:
    """Return the final answer's text, or the result to give when there is none (or it hedges)."""
    lowered = completion.translate(_ASCII_LOWER)  # str.lower() can change the length ("İ"), this cannot
    if lowered.count(THINK_CLOSE) > 1:
        return VerifyResult.no_answer("</think> closes more than once: which part is the answer?")
    thought = lowered.rfind(THINK_CLOSE)
    if thought != -1:  # a template may open <think> in the prompt, so only the close is looked for
        completion, lowered = completion[thought + len(THINK_CLOSE):], lowered[thought + len(THINK_CLOSE):]
    blocks: list[str] = []
    last_start = last_end = 0
    start = lowered.find(OPEN)
    while start != -1:
        end = lowered.find(CLOSE, start + len(OPEN))
        if end == -1:
            break
        text = completion[start + len(OPEN):end].strip()
        if text:
            blocks.append(text)
            last_start, last_end = start, end + len(CLOSE)
            if len(blocks) > MAX_BLOCKS:
                return VerifyResult.wrong(f"more than {MAX_BLOCKS} <answer> blocks: hedging gets no credit")
        start = lowered.find(OPEN, end + len(CLOSE))
    if not blocks:
        return VerifyResult.no_answer("no <answer>...</answer> block with content")
    if (refused := _not_final(completion, lowered, last_start, last_end)) is not None:
        return VerifyResult.no_answer(refused)
    final = blocks[-1]
    if len(final) > MAX_ANSWER_CHARS:
        return VerifyResult.no_answer(f"the answer is longer than {MAX_ANSWER_CHARS} characters")
    distinct = {_normal(block) for block in blocks}
    if len(distinct) > 1:
        return VerifyResult.wrong(f"{len(distinct)} different answers given: hedging gets no credit",
                                  answers=len(distinct))
    return _strip_fences(final)


def _not_final(completion: str, lowered: str, start: int, end: int) -> str | None:
    """Why the last block is not the final answer a reader sees, or None: it must be shown (not inside an HTML
    comment or a code fence) and end the completion (nothing after it but spacing and punctuation, no
    `<answer>` opened again)."""
    if lowered.count("<!--", 0, start) > lowered.count("-->", 0, start):
        return "the last <answer> block is inside an HTML comment"
    fences = sum(1 for line in completion[:start].split("\n") if line.lstrip().startswith(("```", "~~~")))
    if fences % 2:
        return "the last <answer> block is inside a code block"
    after = completion[end:].strip().strip(_CLOSING_MARKS)
    if after:
        return f"text after the last </answer> ({after[:40]!r}): the answer block ends the completion"
    return None


def _normal(text: str) -> str:
    return " ".join(text[:MAX_ANSWER_CHARS + 1].split()).lower()


def _strip_fences(text: str) -> str:
    """Drop a markdown code fence around the answer (```...```), which models often add."""
    if text.startswith("```") and text.endswith("```") and len(text) >= 6:
        body = text[3:-3]
        first_newline = body.find("\n")
        if first_newline != -1 and body[:first_newline].strip().isalpha():
            body = body[first_newline + 1:]
        return body.strip()
    return text


def shown(value: Any, limit: int = 80) -> str:
    """A reference value for an error message, cut to `limit` characters.

    `repr` of an int over 4,300 digits raises ValueError (and a hostile reference may hold one anywhere),
    so a failed `repr` is described by its type instead.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    try:
        text = repr(value)
    except ValueError:
        return f"a {type(value).__name__} too large to show"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def require(reference: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    """Fetch `reference[key]` and check its JSON type, or raise InvalidReferenceError."""
    if key not in reference:
        raise InvalidReferenceError(f"reference lacks {key!r}")
    value = reference[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise InvalidReferenceError(f"reference {key!r} has the wrong type ({type(value).__name__})")
    return value


def require_int(reference: Mapping[str, Any], key: str, low: int, high: int) -> int:
    value = require(reference, key, int)
    if not low <= value <= high:
        raise InvalidReferenceError(f"reference {key!r} = {shown(value)} is outside [{low}, {high}]")
    return value


def int_matrix(value: Any, rows: int, cols: int, low: int, high: int, what: str) -> list[list[int]]:
    """Check a JSON list of lists of ints of the given shape and range."""
    if not isinstance(value, list) or len(value) != rows:
        raise InvalidReferenceError(f"reference {what} must be a list of {rows} rows")
    for row in value:
        if not isinstance(row, list) or len(row) != cols:
            raise InvalidReferenceError(f"reference {what} rows must have {cols} entries")
        for cell in row:
            if not isinstance(cell, int) or isinstance(cell, bool) or not low <= cell <= high:
                raise InvalidReferenceError(f"reference {what} cell {shown(cell)} is not in [{low}, {high}]")
    return [list(row) for row in value]


def check_kind(reference: Mapping[str, Any], kind: str) -> None:
    """A reference names its kind; a family verifier refuses another family's instance."""
    if not isinstance(reference, Mapping):
        raise InvalidReferenceError(f"reference must be an object, got {type(reference).__name__}")
    found = reference.get("kind", kind)
    if found != kind:
        raise InvalidReferenceError(f"reference is a {shown(found)} instance, not {kind!r}")


def run(reference: Mapping[str, Any], completion: str, kind: str, load, parse, check) -> VerifyResult:
    """The shared verify flow: load the reference (raises), extract, parse (no_answer), check (wrong).
    Every verdict's details name the kind, so a mixed run can track reward per kind."""
    check_kind(reference, kind)
    instance = load(reference)
    text = extract_answer(completion)
    if isinstance(text, VerifyResult):
        return replace(text, details={**text.details, "kind": kind})
    try:
        answer = parse(text, instance)
    except AnswerError as exc:
        return VerifyResult.no_answer(f"could not read the answer: {exc}", kind=kind)
    violation = check(instance, answer)
    if violation is not None:
        return VerifyResult.wrong(violation, kind=kind)
    return VerifyResult.correct("satisfies every constraint", kind=kind)
