"""Find the program in a model's completion: the last fenced block of the task's language, else the
whole text when there is no fence at all.

One pass over the lines, no backtracking regex on the completion: the time is linear in its length
(a 100,000-character completion built to be slow takes milliseconds; tests/envs/code/test_code_parsing.py).
"""

from __future__ import annotations

import re

# The fence tags that name each language (lower case). A block tagged with any other word is not the answer.
_ALIASES = {
    "python": {"python", "python3", "py", "py3"},
    "c": {"c", "h"},
    "cpp": {"cpp", "c++", "cc", "cxx", "hpp"},
    "java": {"java"},
    "javascript": {"javascript", "js", "node", "nodejs", "mjs", "cjs"},
    "typescript": {"typescript", "ts"},
    "go": {"go", "golang"},
    "rust": {"rust", "rs"},
    "bash": {"bash", "sh", "shell"},
    "ruby": {"ruby", "rb"},
}
_TAG = re.compile(r"[\w+#.-]*")
# Unfenced text is code when some line looks like a statement. Each pattern is matched at the start of
# one line (never across lines) and its repeated parts cannot overlap, so a line costs time linear in it.
_CODE_LINE = re.compile(
    r"[ \t]*(?:def |class |import |from \S+ import |return\b|print\(|for .* in |while .*:|if .*:|#include|"
    r"int main|[A-Za-z_][\w.\[\], \t]*[-+*/]?=[^=]|[A-Za-z_][\w.]*\(.*\)[ \t]*(?:;[ \t]*)?$)")


def extract_code(completion: str, language: str = "python") -> str | None:
    """The code to run, or None when the completion holds no code.

    The last fenced block tagged with the language wins; without such a block, the last untagged
    block; with fences of other languages only, None. A fence is a line that starts (after spaces) with
    three or more backticks or tildes, then the tag; it closes at a line holding only that character,
    at least as many times. Text with no fence at all is taken whole (without `<think>...</think>`
    blocks) when some line looks like code. A last fence that never closes counts up to the end when no
    block closed before it (a completion cut off by the token limit).
    """
    text = _drop_think(completion)
    blocks, unclosed = _fenced_blocks(text)
    names = _ALIASES.get(language, {language})
    if not blocks:
        if unclosed is not None:
            tag, code = unclosed
            return None if tag and tag not in names else _or_none(code)
        return _or_none(text) if _looks_like_code(text) else None
    tagged = [code for tag, code in blocks if tag in names]
    if tagged:
        return _or_none(tagged[-1])
    untagged = [code for tag, code in blocks if not tag]
    return _or_none(untagged[-1]) if untagged else None


def _drop_think(text: str) -> str:
    """The text without its `<think>...</think>` blocks (an unclosed one stays: it is not a block)."""
    parts, pos = [], 0
    while (start := text.find("<think>", pos)) != -1 and (end := text.find("</think>", start + 7)) != -1:
        parts.append(text[pos:start])
        pos = end + 8
    parts.append(text[pos:])
    return "".join(parts)


def _fenced_blocks(text: str) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
    """The closed blocks as (tag, code), and the block still open at the end (or None)."""
    blocks: list[tuple[str, str]] = []
    fence = tag = ""
    body: list[str] = []
    for line in _lines(text):
        if not fence:
            opened = _opening(line)
            if opened:
                fence, tag = opened
                body = []
        elif _closes(line, fence):
            blocks.append((tag, "".join(body)))
            fence = ""
        else:
            body.append(line)
    return blocks, ((tag, "".join(body)) if fence else None)


def _lines(text: str) -> list[str]:
    """Lines split at "\n" only, each with its newline (a form feed inside a line is not a break)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines


def _closes(line: str, fence: str) -> bool:
    """The line holds only the fence's character, at least as many times (spaces around allowed)."""
    mark = line.strip(" \t\r\n")
    return len(mark) >= len(fence) and mark == fence[0] * len(mark)


def _opening(line: str) -> tuple[str, str] | None:
    """(fence, lower-case tag) when the line opens a fenced block."""
    rest = line.lstrip(" \t")
    char = rest[:1]
    if char not in ("`", "~"):
        return None
    run = len(rest) - len(rest.lstrip(char))
    if run < 3:
        return None
    info = rest[run:].lstrip(" \t")
    return char * run, _TAG.match(info).group(0).lower()


def _looks_like_code(text: str) -> bool:
    """Unfenced text counts as code only if some line looks like a statement (prose is no_answer)."""
    return any(_CODE_LINE.match(line) for line in text.split("\n"))


def _or_none(code: str) -> str | None:
    return code if code.strip() else None
