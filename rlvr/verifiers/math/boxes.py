"""Where the boxes of a completion stand: what each holds, and whether the last one is a final answer a reader
would see as such.

A box counts only where it is shown and stands alone: not inside a comment (`%`, `<!-- -->`, `\\iffalse`), a
code span or another command's argument (`\\phantom{\\boxed{5}}`, `\\text{\\boxed{5} was wrong}`), and not
inside a larger expression or sentence (`7 - \\boxed{5}`, `not \\boxed{5}`, `\\boxed{5} is wrong`). One pass
over the text, linear in its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rlvr.verifiers.math.grammar import matching_brace

BOX_COMMANDS = ("\\boxed", "\\fbox")
_BOX = re.compile("|".join(re.escape(command) for command in BOX_COMMANDS) + "(?![A-Za-z])")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\?[^\s{}]")  # what LaTeX boxes after `\\boxed ` without braces: `\\boxed 6`
_WRAPPING = " \t$*#>,.;:!?)(\\[]&"
# what must not touch the last box: an operator or relation that makes it part of an expression (`7 - \\boxed{5}`,
# `x \\neq \\boxed{5}`, `\\boxed{5}^{2}`), or a word that negates, hedges or retracts it
_OPERATORS_BEFORE = ("+", "-", "*", "/", "^", "_", "<", ">", "~", "|", "\\")
_COMMANDS_BEFORE = frozenset("""times cdot div pm mp neq ne not approx sim simeq le leq ge geq lt gt lnot neg
    setminus frac sqrt""".split())
_CONTINUATIONS = ("^", "_", "!", "'", "+", "-", "*", "/", "\\times", "\\cdot", "\\div", "\\pm", "\\neq")
_RETRACTIONS = frozenset("""not no nope never nor isn't wasn't aren't isnt wrong incorrect incorrectly false mistake
    mistaken error kidding scratch retract retracted wait actually however but except without approximately about
    around roughly nearly almost maybe perhaps probably possibly guess unsure than minus plus times instead
    rather ignore""".split())
_WORDS = re.compile(r"(?<![\\A-Za-z])[A-Za-z]+(?:'[A-Za-z]+)?")  # words, never command names (`\\times`)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
# between two boxes of one list: commas, spacing, math delimiters, `and` (`\\boxed{1}, \\boxed{2} and \\boxed{3}`)
_SEPARATOR = re.compile(r"[\s,;$()\[\]\\]*(?:(?:and|\\text\{\s*and\s*\}|\\q?quad)[\s,;$()\[\]\\]*)*")
_MAX_SEPARATOR = 200
_SPECIAL = re.compile(r"[\n\\%`{}<]")
_CONTEXT = 200  # how far before and after the last box its sentence is read


@dataclass(frozen=True)
class Box:
    """One `\\boxed{...}` or `\\fbox{...}`: where it starts and ends in the text, what it holds, and why it is not
    shown (None when it is)."""

    start: int
    end: int
    content: str
    hidden: str | None = None


def scan_boxes(text: str) -> list[Box]:
    """Every box in `text`, in order, each with whether it is shown; nested boxes are part of their box's content."""
    boxes: list[Box] = []
    state = _Hiding()
    index = 0
    while index < len(text):
        match = _BOX.search(text, index)
        if match is None:
            break
        state.advance(text, index, match.start())
        escaped = match.start() > 0 and text[match.start() - 1] == "\\"  # `\\\\boxed` is a line break, then text
        box = _read_box(text, match.end(), match.start(), state.reason() or ("a line break" if escaped else None))
        if box is None:
            break
        boxes.append(box)
        state.advance(text, match.start(), box.end)
        index = box.end
    return boxes


def refusal(text: str, box: Box) -> str | None:
    """Why the last box of `text` is no final answer, or None. It must be shown, touch no operator or relation
    (`7 - \\boxed{5}`, `\\boxed{5}^2`), and share its sentence with no word that negates, hedges or takes it back
    ("not \\boxed{5}", "\\boxed{5} is wrong", "approximately \\boxed{5}")."""
    if box.hidden:
        return f"the last box is not shown ({box.hidden})"
    before = text[max(0, box.start - _CONTEXT):box.start]
    touching = before.rstrip(" \t$(\\[{")
    if touching.endswith(_OPERATORS_BEFORE) or _last_command(touching) in _COMMANDS_BEFORE:
        return f"the last box is part of an expression ({touching[-20:]!r} before it)"
    after = text[box.end:box.end + _CONTEXT]
    if after.lstrip(" \t$").startswith(_CONTINUATIONS) or after[:1].isdigit():
        return f"the last box is part of an expression ({after[:20]!r} after it)"
    sentence = _sentence_around(before, after)
    retracting = {word.casefold() for word in _WORDS.findall(sentence)} & _RETRACTIONS
    if retracting:
        return f"the sentence of the last box takes it back or hedges it ({', '.join(sorted(retracting))})"
    return None


def separates(between: str) -> bool:
    """Only commas, spacing, delimiters and `and` stand between two boxes: one list, boxed item by item."""
    return len(between) <= _MAX_SEPARATOR and _SEPARATOR.fullmatch(between) is not None


def _sentence_around(before: str, after: str) -> str:
    """The words of the box's sentence, boxes and math aside: from the last sentence end before it to the next."""
    ends = list(_SENTENCE_END.finditer(before))
    start = ends[-1].end() if ends else 0
    following = _SENTENCE_END.search(after)
    return before[start:] + " " + after[: following.start() if following else len(after)]


def _last_command(text: str) -> str:
    """The command `text` ends with (`neq` for `x \\neq`), or ''."""
    end = len(text)
    start = end
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
        start -= 1
    return text[start:end] if start > 0 and text[start - 1] == "\\" else ""


def _read_box(text: str, after_command: int, start: int, hidden: str | None) -> Box | None:
    brace = after_command
    while brace < len(text) and text[brace].isspace():
        brace += 1
    if brace < len(text) and text[brace] == "{":
        end = matching_brace(text, brace)
        return None if end == -1 else Box(start, end + 1, text[brace + 1 : end], hidden)
    token = _TOKEN.match(text, brace)  # LaTeX boxes the one token after a bare `\\boxed`
    if token is None or token[0] == "}":
        return Box(start, brace, "", hidden)
    return Box(start, token.end(), token[0], hidden)


class _Hiding:
    """What hides text at a point of a left-to-right scan: an open brace group, a `%` comment, an HTML
    comment, a code span, `\\iffalse`. `advance` moves the scan on; each character is looked at once."""

    def __init__(self) -> None:
        self.depth = 0
        self.line_comment = self.html_comment = self.code_span = self.iffalse = False

    def reason(self) -> str | None:
        for hidden, why in ((self.html_comment, "an HTML comment"), (self.line_comment, "a % comment"),
                            (self.code_span, "a code span"), (self.iffalse, "\\iffalse"),
                            (self.depth > 0, "another command's argument")):
            if hidden:
                return why
        return None

    def advance(self, text: str, start: int, end: int) -> None:
        index = start
        while index < end:
            if self.html_comment:
                close = text.find("-->", index, end)
                if close == -1:
                    return
                self.html_comment, index = False, close + 3
                continue
            special = _SPECIAL.search(text, index, end)  # plain text between is skipped at C speed
            if special is None:
                return
            index = special.start()
            char = text[index]
            if char == "\n":
                self.line_comment = self.code_span = False
                if text.startswith("\n\n", index) or text.startswith("\n\r\n", index):
                    self.depth = 0  # no group spans a paragraph: an unbalanced `{` in prose ends there
            elif self.line_comment:
                pass
            elif char == "\\":
                if text.startswith("\\iffalse", index):
                    self.iffalse = True
                elif text.startswith("\\fi", index) and not text[index + 3 : index + 4].isalpha():
                    self.iffalse = False
                index += 2
                continue
            elif char == "%" and (index == 0 or text[index - 1] in " \t\n"):
                self.line_comment = True  # `20%` after a digit is a percent sign; `% ...` is a LaTeX comment
            elif text.startswith("<!--", index):
                self.html_comment, index = True, index + 4
                continue
            elif char == "`":
                self.code_span = not self.code_span
            elif char == "{":
                self.depth += 1
            elif char == "}":
                self.depth = max(0, self.depth - 1)
            index += 1
