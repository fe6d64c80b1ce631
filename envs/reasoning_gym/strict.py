"""What rlvr asks of an answer before a reasoning-gym checker's verdict counts: the wrappers around its leniencies.

reasoning-gym's checkers were written to grade well-meaning answers. Several read only part of an answer (the
first number, the first token, every `[A-C]` letter anywhere), skip what they do not understand, accept an
answer that is right for another puzzle, or run the answer through `eval` or sympy's `parse_expr` (which is
`eval`: an answer could run code in the checker). Each rule below closes one such gap: the answer must be
written whole in the dataset's format (`fullmatch`, never `search`), may hold only characters that cannot
form a call when the checker evaluates it, and, where the checker's full marks are wider than the task, must
meet the task's own condition. A refused answer scores 0 (`wrong`) in strict and in partial-credit mode alike.

Reference fields that a checker evaluates (`eval` of the stored answer or problem, `parse_expr` of the
integrand) are held to the same alphabets: a reference comes from the client, and must not run code either.
The per-dataset table in docs/envs/reasoning_gym.md says which rule wraps which checker and why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

Entry = Mapping[str, Any]
Rule = Callable[[str, Entry], str | None]  # (answer, entry) -> why the answer is refused, or None

_NUMBER = r"-?\d+(?:\.\d+)?"
_ARITHMETIC = re.compile(r"[0-9+\-*/() \t]+")  # what countdown's and 24's parse_expr may see: no names, no calls
_GRID_OF_INTS = re.compile(r"[0-9\[\],\s-]+")  # binary_matrix and spiral_matrix eval a list of ints
_LETTER_LIST = re.compile(r"[A-Za-z\[\],'\"\s]+")  # string_insertion evals a list of letters: no calls without ()
_BOARD_LIST = re.compile(r"[Q_\[\],'\"\s]+")  # n_queens evals a board of "Q" and "_"
_SYMPY_CHARS = re.compile(r"[0-9A-Za-z+\-*/^().,\s]+")
_SYMPY_NAMES = frozenset({
    "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "acot", "sinh", "cosh", "tanh", "asinh",
    "acosh", "atanh", "exp", "log", "ln", "sqrt", "pi", "E", "I", "C", "Abs", "sign",
})
_SORTED_LIST = re.compile(r"\[[\s'\"0-9.,eE+\-]*\]")  # number_sorting evals its stored answer when JSON fails
_HEX_LITERAL = re.compile(r"0x[0-9a-fA-F]+")
_HEX_OPERATORS = re.compile(r"[0-9()+\-*<>\s]+")  # bitwise_arithmetic evals its stored problem: no names
_HANOI_MOVE = re.compile(r"Move disk \d+ from Peg \d+ to Peg \d+")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_DAYS = re.compile(r"-?\d+(?: days?)?")
_DATETIME = re.compile(r"-?\d+ days?, \d{1,2}:\d{2}(?::\d{2})?")


def whole(pattern: str, what: str, flags: int = 0) -> Rule:
    """The answer, stripped, must be `pattern` from end to end: nothing before, after or between is skipped."""
    compiled = re.compile(pattern, flags)

    def rule(answer: str, entry: Entry) -> str | None:
        return None if compiled.fullmatch(answer.strip()) else f"the answer is not {what}"

    return rule


def alphabet(pattern: re.Pattern[str], why: str) -> Rule:
    def rule(answer: str, entry: Entry) -> str | None:
        return None if pattern.fullmatch(answer) else f"the answer holds characters the checker {why}"

    return rule


def sympy_safe(text: str, variable: str) -> str | None:
    """Why `text` may not go to sympy's parse_expr (an eval), or None: only digits, operators, brackets and
    the names of the variable, the constant `C` and common functions; no `_`, quotes, `[`, `=` or `**` chains
    long enough to hang."""
    if not _SYMPY_CHARS.fullmatch(text):
        return "it holds a character that is not a digit, a letter, an operator or a bracket"
    if re.search(r"\.\s*[A-Za-z]", text):
        return "it reaches an attribute (a '.' before a name)"
    names = set(re.findall(r"[A-Za-z]+", text)) - _SYMPY_NAMES - {variable}
    if names:
        return f"it names {sorted(names)[:3]}, which is neither the variable nor a known function"
    if text.count("**") + text.count("^") > 40:
        return "it has more than 40 powers"
    return None


def _variable(entry: Entry) -> str:
    """The integration variable: one letter, or no name at all (a reference could name `open` as its variable)."""
    variable = entry["metadata"].get("variable", "x")
    return variable if isinstance(variable, str) and re.fullmatch(r"[A-Za-z]", variable) else ""


def _integral(answer: str, entry: Entry) -> str | None:
    why = sympy_safe(answer, _variable(entry))
    return None if why is None else f"the answer cannot be read as an antiderivative: {why}"


def _numbers_given(answer: str, entry: Entry) -> str | None:
    """24: the checker counts four numbers in range, not that they are the four given."""
    used = sorted(int(n) for n in re.findall(r"\d+", answer))
    given = sorted(int(n) for n in entry["metadata"]["numbers"])
    return None if used == given else f"the expression uses {used}, not the numbers given {given}"


def _no_power(answer: str, entry: Entry) -> str | None:
    return "the expression uses **, which the puzzle does not allow" if "**" in answer else None


def _same_truth(answer: str, entry: Entry) -> str | None:
    """game_of_life_halting: the checker compares bool(answer), which is True for any text at all."""
    said = answer.strip().lower()
    if said not in ("true", "false"):
        return "the answer is not True or False"
    return None if said == str(entry["answer"]).strip().lower() else "the answer is the other truth value"


def _exactly_sorted(answer: str, entry: Entry) -> str | None:
    """number_sorting: the checker lets each number be off by 1; the task is to sort the numbers given."""
    try:
        said = [float(n) for n in json.loads(answer.replace("'", '"'))]
        expected = [float(n) for n in json.loads(str(entry["answer"]).replace("'", '"'))]
    except (ValueError, TypeError):
        return "the answer is not a list of numbers"
    return None if said == expected else "the list is not the given numbers in order"


def _time_shape(answer: str, entry: Entry) -> str | None:
    """time_intervals: the checker reads only the first token of a day count, or the first `H:M` of a list."""
    kind = str(entry["metadata"].get("task_type", ""))
    pattern = _DAYS if kind == "date" else _TIME if kind.startswith("time") else _DATETIME
    return None if pattern.fullmatch(answer.strip()) else "the answer is not one duration in the asked format"


def _each_line(pattern: re.Pattern[str], what: str) -> Rule:
    def rule(answer: str, entry: Entry) -> str | None:
        lines = [line.strip() for line in answer.strip().splitlines() if line.strip()]
        bad = next((line for line in lines if not pattern.fullmatch(line)), None)
        return None if bad is None else f"the line {bad[:40]!r} is not {what}"

    return rule


def _json_list(answer: str, entry: Entry) -> str | None:
    """boxnet: the checker iterates the parsed answer and crashes on anything but a list of actions."""
    try:
        parsed = json.loads(answer)
    except ValueError:
        return "the answer is not JSON"
    ok = isinstance(parsed, list) and all(isinstance(step, dict) for step in parsed)
    return None if ok else "the answer is not a JSON list of action objects"


def _as_many(split: Callable[[str], list[str]], what: str) -> Rule:
    """Checkers that credit the oracle's items position by position give full marks to the oracle followed by
    anything (letter_jumble, word_sorting) or to a long enough prefix (figlet_font: 0.1 a letter)."""
    def rule(answer: str, entry: Entry) -> str | None:
        said, expected = len(split(answer)), len(split(str(entry["answer"])))
        return None if said == expected else f"the answer has {said} {what}, the task {expected}"

    return rule


def _game_of_life_shape(answer: str, entry: Entry) -> str | None:
    """game_of_life: the checker compares the expected cells only, so extra rows or cells go unseen."""
    try:
        said, expected = json.loads(answer), json.loads(str(entry["answer"]))
    except ValueError:
        return "the answer is not a JSON grid"
    shape = [len(row) if isinstance(row, list) else -1 for row in said] if isinstance(said, list) else None
    return None if shape == [len(row) for row in expected] else "the grid's shape is not the board's"


def _orthocenter(answer: str, entry: Entry) -> str | None:
    """advanced_geometry: the orthocenter checker splits on commas and reads the first two parts only."""
    if entry["metadata"].get("task_type") != "orthocenter":
        return None
    shape = rf"\(?\s*{_NUMBER}\s*,\s*{_NUMBER}\s*\)?"
    return None if re.fullmatch(shape, answer.strip()) else "the answer is not one point (x, y)"


RULES: dict[str, tuple[Rule, ...]] = {
    "advanced_geometry": (_orthocenter,),
    "boxnet": (_json_list,),
    "binary_matrix": (alphabet(_GRID_OF_INTS, "would eval"),),
    "countdown": (alphabet(_ARITHMETIC, "would eval (only digits, + - * / and brackets)"), _no_power),
    "figlet_font": (_as_many(lambda text: list(text.replace(" ", "").strip()), "letters"),),
    "fraction_simplification": (whole(r"\$?\s*(?:\\d?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\}|\d+\s*/\s*\d+)\s*\$?",
                                      "one fraction"),),
    "game_of_life": (_game_of_life_shape,),
    "game_of_life_halting": (_same_truth,),
    "gsm_symbolic": (whole(_NUMBER, "one number"),),
    "intermediate_integration": (_integral,),
    "kakurasu": (_each_line(re.compile(r"[01](?:\s*[01])*"), "a row of 0s and 1s"),),
    "letter_jumble": (_as_many(str.split, "words"),),
    "knights_knaves": (whole(r"[A-Za-z]+ is an? [a-z]+(?:(?:,| and|, and) [A-Za-z]+ is an? [a-z]+)*\.?",
                             "'Name is a role' statements joined by commas or 'and'", re.IGNORECASE),),
    "n_queens": (alphabet(_BOARD_LIST, "would eval"),),
    "number_sorting": (_exactly_sorted,),
    "polynomial_equations": (whole(rf"{_NUMBER}(?:\s*,\s*{_NUMBER})*", "numbers separated by commas"),),
    "prime_factorization": (whole(r"\d+(?:\s*×\s*\d+)*", "factors joined by ×"),),
    "puzzle24": (alphabet(_ARITHMETIC, "would eval (only digits, + - * / and brackets)"), _no_power,
                 _numbers_given),
    "quantum_lock": (whole(r"[A-C](?:\s*(?:→|->|,)?\s*[A-C])*", "a sequence of the buttons A, B, C",
                           re.IGNORECASE),),
    "rubiks_cube": (whole(r"[A-Za-z]+'?\d?(?:\s+[A-Za-z]+'?\d?)*", "moves in Singmaster notation"),),
    "rush_hour": (whole(r"[A-Z][+-]\d+(?:\s+[A-Z][+-]\d+)*", "moves such as F+1 K-2"),),
    "simple_integration": (_integral,),
    "sokoban": (whole(r"[LRUD\s]+", "a string of the moves L R U D"),),
    "spiral_matrix": (alphabet(_GRID_OF_INTS, "would eval"),),
    "string_insertion": (alphabet(_LETTER_LIST, "would eval"),),
    "survo": (_each_line(re.compile(r"\d+(?:\s+\d+)*"), "a row of numbers"),),
    "time_intervals": (_time_shape,),
    "word_sorting": (_as_many(lambda text: re.split(r",\s*", text), "words"),),
    "tower_of_hanoi": (_each_line(_HANOI_MOVE, "a move 'Move disk X from Peg Y to Peg Z'"),),
}


def refusal(dataset: str, answer: str, entry: Entry) -> str | None:
    """Why the dataset's checker must not judge `answer` (it would be fooled, or would evaluate it), or None."""
    for rule in RULES.get(dataset, ()):
        why = rule(answer, entry)
        if why is not None:
            return why
    return None


def _integrand(entry: Entry) -> str | None:
    if not _variable(entry):
        return "metadata.variable is not plain data (one letter)"
    why = sympy_safe(str(entry["metadata"].get("integrand", "")), _variable(entry))
    return None if why is None else f"metadata.integrand is not plain data: {why}"


def _hex_problem(entry: Entry) -> str | None:
    problem = entry["metadata"].get("problem")
    plain = isinstance(problem, str) and _HEX_OPERATORS.fullmatch(_HEX_LITERAL.sub("0", problem))
    return None if plain else "metadata.problem is not plain data (hex numbers and operators)"


def _sorted_list(entry: Entry) -> str | None:
    answer = entry["answer"]
    plain = isinstance(answer, str) and _SORTED_LIST.fullmatch(answer)
    return None if plain else "answer is not plain data (a list of numbers)"


# Reference fields a checker evaluates: refused (an `error`) unless they are plain data.
REFERENCE_RULES: dict[str, Callable[[Entry], str | None]] = {
    "bitwise_arithmetic": _hex_problem,
    "intermediate_integration": _integrand,
    "number_sorting": _sorted_list,
    "simple_integration": _integrand,
}
