"""Where the boxes of a completion stand: what each holds, and whether the last one is a final answer a reader
would see as such.

Read fail-closed, like the answer itself: the last box must be shown (not inside a comment, a code block, a
conditional or another command's argument), what stands just before it on its line must be one of a few lead-ins
(nothing, Markdown, a label ending in `:`, `x =`, a word such as "is"), and what follows it must be a closing
(punctuation, delimiters, a unit, "I hope it is correct.") or a restatement of the answer. Anything else, an
operator touching the box, a word after it, a later line that takes it back, makes the completion unreadable.
One pass over the text, linear in its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rlvr.envs.math.grammar import matching_brace
from rlvr.envs.math.lenient import readable
from rlvr.envs.math.units import is_unit_text

BOX_COMMANDS = ("\\boxed", "\\fbox")
_BOX = re.compile("|".join(re.escape(command) for command in BOX_COMMANDS) + "(?![A-Za-z])")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\?[^\s{}]")  # what LaTeX boxes after `\\boxed ` without braces: `\\boxed 6`
# what may open the box's math or emphasis just before it, and close it just after
_SPACING = ("\\qquad", "\\quad", "\\,", "\\;", "\\:", "\\!", "\\ ", "~", " ", "\t", "\r", "\n")
_OPENERS = ("\\$", "$$", "$", "\\(", "\\[", "**", "*", "__", "(", "<answer>", *_SPACING)
_CLOSERS = ("$$", "$", "\\)", "\\]", "**", "*", "__", ")", ".", ",", "!", ";", "\u3002", "</answer>",
            *_SPACING[:-1])
_LEAD_IN_WORDS = frozenset("""is are was be as to equals equal get gets got gives give giving obtain obtains find
    finds yields yield becomes become have has answer answers result total therefore thus so hence then final
    solution value form decimal fraction simplified exactly sum product area volume length probability number
    count remainder difference ratio average mean distance time speed cost price perimeter radius height width
    again worth summary conclusion""".split())
_LEAD_IN_COMMANDS = frozenset({"therefore", "Rightarrow", "implies", "Longrightarrow"})
# words that doubt or deny what follows them in their sentence ("x is not equal to", "Wrong answer:", "close to")
_DOUBTS = frozenset("""not no never cannot cant can't don't doesn't didn't isn't aren't wasn't won't wouldn't
    shouldn't nor wrong incorrect rejected reject false mistake mistaken error counterexample guess guessed
    approximately approx about around roughly nearly almost close maybe perhaps probably possibly unsure doubt
    naive instead except rounded""".split())
_WORDS = re.compile(r"(?<![\\A-Za-z])[A-Za-z]+(?:'[A-Za-z]+)?")  # words, never command names (`\\not`)
_NEW_SENTENCE = re.compile(r"[.!?][ \t]+(?:\$\$|\$|\\\(|\\\[)?[ \t]*$")  # `x = 3. \\boxed{3}`, never `0.\\boxed{5}`
_MARKDOWN_LINE_START = re.compile(r"[ \t]*(?:[-*+>]|\d{1,3}[.)]|#{1,6})?[ \t]*")  # a bullet, quote, item, heading
_DEGREES = ("^\\circ", "^{\\circ}", "\u00b0")
_TEXT = re.compile(r"\\(?:text|textrm|mathrm|mbox)\s*\{([^{}]*)\}")
_END = re.compile(r"\\end\{[a-z]+\*?\}")
_CLOSINGS = re.compile(r"(?i)(?:(?:is|as)\s+(?:the|my|our)\s+(?:final\s+)?answer|I\s+hope\s+it\s+is\s+correct)")
# what opens a stated answer: "Final Answer: The final answer is", "The answer is", "Answer:"
STATEMENT = re.compile(r"(?i)\s*(?:final\s+answer\s*:?\s*)?(?:the\s+)?(?:final\s+)?answer(?:\s+is|\s*:|\s*=)\s*")
_GSM8K = re.compile(r"\s*####\s*")
_RULE = re.compile(r"[\s$\\\]\[)(*_`-]*")  # a line of delimiters or a Markdown rule closes the answer too
# between two boxes of one list: commas, spacing, math delimiters, `and` (`\\boxed{1}, \\boxed{2} and \\boxed{3}`)
_SEPARATOR = re.compile(r"[\s,;$()\[\]\\]*(?:(?:and|\\text\{\s*and\s*\}|\\q?quad)[\s,;$()\[\]\\]*)*")
_MAX_SEPARATOR = 200
_SPECIAL = re.compile(r"[\n\\%`{}<]")
_HIDING_ENVIRONMENTS = ("comment", "verbatim", "Verbatim", "spverbatim", "lstlisting", "minted", "filecontents",
                        "filecontents*")
_CONDITIONALS = frozenset("""if iffalse iftrue ifnum ifx ifdim ifcase ifodd ifcat ifdefined ifcsname ifvmode
    ifhmode ifmmode ifinner ifvoid ifeof""".split())  # never `\\iff`


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


def refusal(text: str, box: Box, previous: Box | None = None) -> str | None:
    """Why the last box of `text` is no final answer, or None when it is shown and led in alone (or ends a row of
    boxes after `previous`: `\\boxed{2}, \\boxed{3}`). What follows it is `after_answer`'s to judge."""
    if box.hidden:
        return f"the last box is not shown ({box.hidden})"
    paragraph = text[_paragraph_start(text, box.start):box.start]  # inside math a line break is a space
    before = _without_suffixes(paragraph, _OPENERS)
    in_a_row = previous is not None and separates(text[previous.end:box.start])
    if not (in_a_row or _leads_in(before) or _NEW_SENTENCE.search(paragraph[-12:])):
        return f"the last box does not stand alone ({before[-30:]!r} before it)"
    doubting = {word.casefold() for word in _WORDS.findall(_clause_before(before))} & _DOUBTS
    if doubting:
        return f"the words that lead to the last box doubt or deny it ({', '.join(sorted(doubting))})"
    return None


def _paragraph_start(text: str, end: int) -> int:
    """Where the paragraph holding `end` starts: after the last blank line before it (at most 2,000 back)."""
    start = max(0, end - 2_000)
    blank = max(text.rfind("\n\n", start, end), text.rfind("\n\r\n", start, end))
    return blank + 1 if blank != -1 else start


def _clause_before(before: str) -> str:
    """The clause that leads to the box ("x is not equal to", a label "Wrong answer:"): back to the last `,`,
    `;`, `.`, `!`, `?` or box before it, a trailing `:` or `=` aside."""
    before = before.rstrip(" \t\n:=>")
    start = max(before.rfind(mark) for mark in (",", ";", ".", "!", "?", "}"))
    return before[start + 1:]


def hidden_at(text: str, position: int) -> str | None:
    """Why the text at `position` is not shown (a comment, code, hidden HTML, ...), or None."""
    state = _Hiding()
    state.advance(text, 0, position)
    return state.reason()


def separates(between: str) -> bool:
    """Only commas, spacing, delimiters and `and` stand between two boxes: one list, boxed item by item."""
    return len(between) <= _MAX_SEPARATOR and _SEPARATOR.fullmatch(between) is not None


def _leads_in(before: str) -> bool:
    """Nothing, Markdown (a bullet, a quote, a heading, a table cell), a label ending in `:`, `x =` (also `=>`), or
    a lead-in word (`is`, `gives`, `thus`) before the box; never an operator, a relation, a command, a digit, a
    symbol or another word (`7 -`, `\\\\neq`, `\\\\frac1`, `2`, `≠`, `not`, `approximately`)."""
    if _MARKDOWN_LINE_START.fullmatch(before) or before.endswith((":", "=>")):
        return True
    if before.endswith("="):  # `x = \\boxed{5}`, never `x != `, `x <= `, `x \\not=`, `x =/= `
        rest = before[:-1].rstrip()
        return not rest.endswith(("!", "<", ">", "/", "~", ":", "=")) and not _last_command(rest)
    if before.lstrip().startswith("|") and before.endswith("|"):  # `| Answer | $\\boxed{5}$ |`: a table cell
        label = before.rstrip("| ").rsplit("|", 1)[-1].strip(" *")
        return all(word.casefold() in _LEAD_IN_WORDS for word in label.split()) and label.replace(" ", "").isalpha()
    if before.endswith("\\in"):  # `x \\in \\boxed{[0, 7)}`: the set x belongs to, never `\\not\\in`
        return not _last_command(before[:-3].rstrip())
    if before.endswith(("\u7b54\u6848\u662f", "\u7b54\u6848\u4e3a")):  # 答案是, 答案为
        return True
    word, preceding = _last_word(before.rstrip(","))  # "Therefore, \\boxed{5}"
    if preceding == "\\":
        return word in _LEAD_IN_COMMANDS  # `\\therefore \\boxed{5}`
    return bool(word) and preceding in " \t\n*" and word.casefold() in _LEAD_IN_WORDS


def _last_word(text: str) -> tuple[str, str]:
    """The letters `text` ends with and the character before them ('' at the start): (`ne`, `\\`) for `x \\ne`."""
    start = len(text)
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
        start -= 1
    return text[start:], text[start - 1] if start > 0 else ""


def _last_command(text: str) -> str:
    """The command `text` ends with (`ne` for `x \\ne`), or ''."""
    word, preceding = _last_word(text)
    return word if preceding == "\\" else ""


def after_answer(tail: str) -> tuple[str | None, list[str]]:
    """What follows a final answer (`tail` starts on its line): (what in it is no closing, or None; the answers
    restated in it, each one more candidate, so a changed mind is a hedge). The rest of the answer's line may
    hold closing punctuation and delimiters, a unit, a degree sign, "is the final answer" and "I hope it is
    correct."; each later line must be blank, a rule, a closing, or a restated answer."""
    restated: list[str] = []
    for number, line in enumerate(tail.split("\n")):
        remainder = _closed_line(line, first_line=number == 0)
        if not remainder:
            continue
        statement = _restated(remainder)
        if statement is None:
            return remainder, restated
        restated.append(statement)
    return None, restated


def unit_after(text: str) -> str:
    """A degree sign or unit written right after the last box (`\\boxed{30}^\\circ`, `\\boxed{5} km`), as LaTeX
    to append to the boxed answer: it is part of the answer and compared with the gold's unit."""
    return _unit_or_degree(_without_prefixes(text.split("\n", 1)[0], _CLOSERS))[0]


def _closed_line(line: str, *, first_line: bool) -> str:
    """What is left of `line` once its closing is read: delimiters, punctuation, closings; on the box's own line
    a unit and a degree sign too (`unit_after` keeps them with the answer). Empty when the line only closes."""
    line = _without_prefixes(line, _CLOSERS)
    if first_line:
        line = _without_prefixes(line[_unit_or_degree(line)[1]:], _CLOSERS)
    while (environment_end := _END.match(line)) is not None:  # `\\boxed{5}. \\end{align*}`
        line = _without_prefixes(line[environment_end.end():], _CLOSERS)
    if line.lstrip().startswith("|") and not line.strip().strip("|").strip():
        return ""  # the end of a table cell
    while (closing := _CLOSINGS.match(line)) is not None:
        line = _without_prefixes(line[closing.end():], _CLOSERS)
    return "" if _RULE.fullmatch(line) else line


def _unit_or_degree(line: str) -> tuple[str, int]:
    """A degree sign or a unit at the start of `line` (`^\\circ`, `\\text{ cm}`, `square centimeters`) as LaTeX to
    append to an answer, and how much of `line` it takes; ('', 0) when there is none."""
    degree = next((d for d in _DEGREES if line.startswith(d)), None)
    if degree:
        return "^\\circ", len(degree)
    text = _TEXT.match(line)
    if text is not None:
        return (f" \\text{{{text[1]}}}", text.end()) if is_unit_text(text[1]) else ("", 0)
    words = line.split(" ", 3)[:3]
    for count in range(len(words), 0, -1):
        candidate = " ".join(words[:count]).rstrip(".,!;")
        if is_unit_text(candidate):
            return f" \\text{{{candidate}}}", len(candidate)
    return "", 0


def _restated(line: str) -> str | None:
    """The answer a line restates ("The final answer is $7$. I hope it is correct.", `#### 7`), or None when the
    line is anything else. The restatement must be read whole by the same grammar; it is a candidate."""
    marker = STATEMENT.match(line) or _GSM8K.match(line)
    if marker is None:
        return None
    answer, *closing = _CLOSINGS.split(line[marker.end():], maxsplit=1)
    if closing and _closed_line(_CLOSINGS.search(line[marker.end():])[0] + closing[0], first_line=False):
        return None  # "... I hope it is correct. Just kidding, it is 7.": more than a closing follows
    answer = _without_suffixes(_without_prefixes(answer, _CLOSERS), _CLOSERS)
    return answer if answer and readable(answer) else None


def _without_prefixes(text: str, prefixes: tuple[str, ...]) -> str:
    while True:
        prefix = next((p for p in prefixes if text.startswith(p)), None)
        if prefix is None:
            return text
        text = text[len(prefix):]


def _without_suffixes(text: str, suffixes: tuple[str, ...]) -> str:
    while True:
        suffix = next((s for s in suffixes if text.endswith(s)), None)
        if suffix is None:
            return text
        text = text[: -len(suffix)]


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
    """What hides text at a point of a left-to-right scan: an open brace group, a `%` comment, an HTML comment or
    a hiding HTML element (`<details>`, `<template>`, `hidden`), a code span or fenced block (indented up to
    three spaces; only its own marker closes it), a TeX conditional (`\\iffalse`, `\\ifnum`, ... up to `\\fi`),
    a comment or verbatim environment. `advance` moves the scan on; plain text is skipped at C speed."""

    def __init__(self) -> None:
        self.depth = self.conditionals = 0
        self.line_comment = self.html_comment = self.code_span = False
        self.fence: str | None = None
        self.html_element: str | None = None
        self.environments: list[str] = []

    def reason(self) -> str | None:
        for hidden, why in ((self.html_comment, "an HTML comment"), (self.html_element is not None, "hidden HTML"),
                            (self.line_comment, "a % comment"), (self.code_span or self.fence is not None, "code"),
                            (self.conditionals > 0, "a TeX conditional"),
                            (bool(self.environments), "a comment or verbatim environment"),
                            (self.depth > 0, "another command's argument")):
            if hidden:
                return why
        return None

    def advance(self, text: str, start: int, end: int) -> None:
        index = start
        if index == 0:
            self._fence_line(text, 0)
        while index < end:
            if self.html_comment:
                close = text.find("-->", index, end)
                if close == -1:
                    return
                self.html_comment, index = False, close + 3
                continue
            special = _SPECIAL.search(text, index, end)
            if special is None:
                return
            index = self._step(text, special.start())

    def _step(self, text: str, index: int) -> int:
        """Read the special character at `index`; returns where the scan goes on."""
        char = text[index]
        if char == "\n":
            self.line_comment = self.code_span = False
            if text.startswith("\n\n", index) or text.startswith("\n\r\n", index):
                self.depth = 0  # no group spans a paragraph: an unbalanced `{` in prose ends there
            return self._fence_line(text, index + 1)
        if self.line_comment or self.fence is not None:
            return index + 1
        if char == "\\":
            return self._command(text, index)
        if char == "%" and not (index > 0 and text[index - 1].isdigit()):
            self.line_comment = True  # `20%` is a percent sign; any other `%` starts a TeX comment
        elif char == "<":
            return self._html(text, index)
        elif char == "`":
            self.code_span = not self.code_span
        elif char == "{":
            self.depth += 1
        elif char == "}":
            self.depth = max(0, self.depth - 1)
        return index + 1

    def _fence_line(self, text: str, line_start: int) -> int:
        """A line that opens or closes a fenced code block (up to three spaces before ``` or ~~~)."""
        at = line_start
        while at < len(text) and at - line_start < 3 and text[at] == " ":
            at += 1
        marker = text[at : at + 3]
        if marker in ("```", "~~~"):
            length = 3
            while at + length < len(text) and text[at + length] == marker[0]:
                length += 1
            fence = marker[0] * length
            if self.fence is None:
                self.fence = fence
            elif fence.startswith(self.fence):  # only the same marker, at least as long, closes the block
                self.fence = None
            return at + length
        return line_start

    def _html(self, text: str, index: int) -> int:
        if text.startswith("<!--", index):
            self.html_comment = True
            return index + 4
        tag_end = text.find(">", index, index + 200)
        tag = text[index + 1 : tag_end].strip().lower() if tag_end != -1 else ""
        name = tag.split(" ", 1)[0]
        if self.html_element is not None:
            if name == f"/{self.html_element}":
                self.html_element = None
        elif name in ("details", "template", "script", "style") or (name.isalpha() and " hidden" in f" {tag}"):
            self.html_element = name
        return index + 1

    def _command(self, text: str, index: int) -> int:
        end = index + 1
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[index + 1 : end]
        if name in _CONDITIONALS:
            self.conditionals += 1
        elif name == "fi":
            self.conditionals = max(0, self.conditionals - 1)
        elif name in ("begin", "end"):
            brace = end
            while brace < len(text) and text[brace] in " \t":
                brace += 1
            environment = next((e for e in _HIDING_ENVIRONMENTS if text.startswith(f"{{{e}}}", brace)), None)
            if environment is not None and name == "begin":
                self.environments.append(environment)
            elif environment is not None and self.environments and self.environments[-1] == environment:
                self.environments.pop()
        return max(end, index + 2)
