"""Find the program in a model's completion: the last fenced block of the task's language, else the
whole text when there is no fence at all."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^[ \t]*(```+|~~~+)[ \t]*([\w+#.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
_ALIASES = {
    "python": {"python", "python3", "py", "py3"},
    "cpp": {"cpp", "c++", "cc", "cxx", "hpp"},
}
_CODE_LINE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import |return\b|print\(|for .* in |while .*:|if .*:|#include|"
    r"int main|[A-Za-z_][\w.\[\], ]*\s*[-+*/]?=[^=]|[A-Za-z_][\w.]*\(.*\)\s*;?\s*$)", re.M)
_THINK = re.compile(r"<think>.*?</think>", re.S)


def extract_code(completion: str, language: str = "python") -> str | None:
    """The code to run, or None when the completion holds no code.

    The last fenced block tagged with the language wins; without such a block, the last untagged
    block; with fences of other languages only, None. Text with no fence at all is taken whole
    (stripped of a `<think>...</think>` preamble). An unterminated last fence counts up to the end.
    """
    text = _THINK.sub("", completion)
    blocks = [(m.group(2).lower(), m.group(3)) for m in _FENCE.finditer(text)]
    if not blocks:
        opened = re.search(r"^[ \t]*```[ \t]*([\w+#.-]*)[^\n]*\n", text, re.M)
        if opened:  # a completion cut off by the token limit inside its code block
            tag = opened.group(1).lower()
            if tag and tag not in _ALIASES.get(language, {language}):
                return None
            return _or_none(text[opened.end():])
        return _or_none(text) if _looks_like_code(text) else None
    names = _ALIASES.get(language, {language})
    tagged = [code for tag, code in blocks if tag in names]
    if tagged:
        return _or_none(tagged[-1])
    untagged = [code for tag, code in blocks if not tag]
    return _or_none(untagged[-1]) if untagged else None


def _looks_like_code(text: str) -> bool:
    """Unfenced text counts as code only if some line looks like a statement (prose is no_answer)."""
    return bool(_CODE_LINE.search(text))


def _or_none(code: str) -> str | None:
    return code if code.strip() else None
