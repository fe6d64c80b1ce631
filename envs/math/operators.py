"""Which evaluating operators an answer uses (`\\arccos`, `\\int`, `\\sum`, `!`, `\\binom`, ...).

An answer that applies one the gold does not use restates the question instead of answering it:
`\\arccos(-1)` for pi, `\\int_0^1 \\frac{dx}{1+x^2}` for pi/4. sympy evaluates both to the gold, so
compare refuses them before sympy is asked (docs/envs/math.md, compare rule 8).
"""

from __future__ import annotations

import re

# function names, with or without a backslash (`\\sin x`, `sin(x)`, `\\operatorname{sin}`); each is its own
# operator, except the logarithms, which are one (`\\ln 2` and `\\log 2` may stand for each other)
_FUNCTION = re.compile(
    r"(?<![A-Za-z])(arcsin|arccos|arctan|arccot|arcsec|arccsc|sinh|cosh|tanh|coth|sech|csch"
    r"|sin|cos|tan|cot|sec|csc|ln|log|lg|exp|det|gcd|lcm)(?![A-Za-z])"
)
# commands only as commands: `int`, `sum`, `min` are also words and units
_COMMAND = re.compile(r"\\(i{1,3}nt|oint|sum|prod|lim|limsup|liminf|max|min|[dt]?binom|choose|lfloor|lceil"
                      r"|bmod|pmod|mod)(?![A-Za-z])")
_SPECIAL = re.compile(r"\\(Gamma|zeta|Beta)\s*(?:\\left)?\s*\(")  # `\\Gamma(1/2)`, not the letter `\\Gamma`
_OPERATORNAME = re.compile(r"\\operatorname\*?\s*\{\s*([^{}]*?)\s*\}")
_FACTORIAL = re.compile(r"(?<!\\)!(?!=)")  # `5!`, never the `\\!` thin space nor `!=`
_SAME = {"ln": "log", "lg": "log", "dbinom": "binom", "tbinom": "binom", "choose": "binom",
         "lfloor": "floor", "lceil": "ceil", "bmod": "mod", "pmod": "mod", "iint": "int", "iiint": "int"}


def operators(text: str) -> frozenset[str]:
    """The evaluating operators `text` uses, by name (`log` for `\\ln` and `\\log`, `!` for a factorial)."""
    names = [*_FUNCTION.findall(text), *_COMMAND.findall(text), *_SPECIAL.findall(text)]
    names += [name for name in _OPERATORNAME.findall(text) if not _FUNCTION.fullmatch(name)]
    if _FACTORIAL.search(text):
        names.append("!")
    return frozenset(_SAME.get(name, name) for name in names)


def unevaluated(gold: str, answer: str) -> list[str]:
    """The operators `answer` uses and `gold` does not, sorted: each one leaves something to evaluate."""
    return sorted(operators(answer) - operators(gold))
