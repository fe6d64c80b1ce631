"""Attacks on the logic puzzles: negated relations, mixed styles, one cell changed, random answers.

Every attack here builds on the solver's answer in the kind's own format (`format_answer` of each
`rlvr.envs.logic` module). Wrong answers are wrong by construction: a unique puzzle's answer with any
change, or, for kinds with many solutions, a change that breaks a rule (two queens in one column, an edge
with one color, a walk that misses the goal, an expression with another value).
"""

from __future__ import annotations

import ast
import operator
import random
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from rlvr.envs.base import Task, TextEnv
from rlvr.envs.logic.maze import STEPS
from rlvr.envs.logic.zebra import load as load_street
from rlvr.qa.attacks import COMMON, THINK_CLOSE_GAME, Attack, final, hedges

Instance = Mapping[str, Any]
_OPPOSITE = {"U": "D", "D": "U", "L": "R", "R": "L"}
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _rng(task: Task) -> random.Random:
    return random.Random(f"rlvr.qa.logic:{task.id}")


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _sudoku_change(instance: Instance, solution: str) -> str | None:
    rows = [line.split() for line in _lines(solution)]
    blank = next(((r, c) for r, row in enumerate(instance["grid"]) for c, v in enumerate(row) if not v), None)
    if blank is None:
        return None
    r, c = blank
    rows[r][c] = str(int(rows[r][c]) % len(rows) + 1)
    return "\n".join(" ".join(row) for row in rows)


def _sudoku_random(instance: Instance, solution: str, rng: random.Random) -> str:
    size = instance["box_rows"] * instance["box_cols"]
    return "\n".join(" ".join(map(str, rng.sample(range(1, size + 1), size))) for _ in range(size))


def _kk_change(instance: Instance, solution: str) -> str:
    lines = _lines(solution)
    name, role = lines[0].split(": ")
    lines[0] = f"{name}: {'knave' if role == 'knight' else 'knight'}"
    return "\n".join(lines)


def _kk_random(instance: Instance, solution: str, rng: random.Random) -> str:
    return "\n".join(f"{name}: {rng.choice(('knight', 'knave'))}" for name in instance["names"])


def _zebra_change(instance: Instance, solution: str) -> str | None:
    lines = [line.split(": ", 1) for line in _lines(solution)]
    if len(lines) < 2:
        return None
    first, second = lines[0][1].split(", "), lines[1][1].split(", ")
    first[0], second[0] = second[0], first[0]
    lines[0][1], lines[1][1] = ", ".join(first), ", ".join(second)
    return "\n".join(": ".join(line) for line in lines)


def _zebra_random(instance: Instance, solution: str, rng: random.Random) -> str:
    street = load_street(instance)
    houses = [[] for _ in range(street.houses)]
    for _, values in street.attributes:
        for house, value in zip(houses, rng.sample(values, len(values)), strict=True):
            house.append(value)
    return "\n".join(f"House {i}: {', '.join(values)}" for i, values in enumerate(houses, 1))


def _crypt_change(instance: Instance, solution: str) -> str:
    items = solution.split(", ")
    letter, digit = items[0].split("=")
    items[0] = f"{letter}={(int(digit) + 1) % 10}"
    return ", ".join(items)


def _crypt_random(instance: Instance, solution: str, rng: random.Random) -> str:
    letters = sorted(set("".join([*instance["addends"], instance["result"]])))
    return ", ".join(f"{letter}={digit}" for letter, digit in zip(letters, rng.sample(range(10), len(letters)),
                                                                   strict=False))


def _coloring(instance: Instance, colors: dict[int, int]) -> str | None:
    """`colors` with the first edge's ends given one color: improper whatever the rest is."""
    if not instance["edges"]:
        return None
    u, v = instance["edges"][0]
    colors[u] = colors[v]
    return ", ".join(f"{vertex}: {color}" for vertex, color in sorted(colors.items()))


def _coloring_change(instance: Instance, solution: str) -> str | None:
    pairs = (item.split(": ") for item in solution.split(", "))
    return _coloring(instance, {int(v): int(c) for v, c in pairs})


def _coloring_random(instance: Instance, solution: str, rng: random.Random) -> str | None:
    vertices = range(1, instance["vertices"] + 1)
    return _coloring(instance, {v: rng.randint(1, instance["colors"]) for v in vertices})


def _queens(columns: list[int]) -> str | None:
    """`columns` with row 1's queen moved into row 2's column: two queens share it."""
    if len(columns) < 2:
        return None
    columns[0] = columns[1]
    return " ".join(map(str, columns))


def _queens_change(instance: Instance, solution: str) -> str | None:
    return _queens([int(c) for c in solution.split()])


def _queens_random(instance: Instance, solution: str, rng: random.Random) -> str | None:
    return _queens([rng.randint(1, instance["n"]) for _ in range(instance["n"])])


def _reaches_goal(grid: list[str], moves: list[str]) -> bool:
    row, col = next((r, line.index("S")) for r, line in enumerate(grid) if "S" in line)
    for move in moves:
        row, col = row + STEPS[move][0], col + STEPS[move][1]
        if not (0 <= row < len(grid) and 0 <= col < len(grid[0])) or grid[row][col] == "#":
            return False
    return grid[row][col] == "G"


def _maze_change(instance: Instance, solution: str) -> str | None:
    moves = solution.split()
    if not moves:
        return None
    moves[0] = _OPPOSITE[moves[0]]
    return None if _reaches_goal(instance["grid"], moves) else " ".join(moves)


def _maze_random(instance: Instance, solution: str, rng: random.Random) -> str | None:
    for _ in range(50):
        moves = rng.choices("UDLR", k=max(1, len(solution.split())))
        if not _reaches_goal(instance["grid"], moves):
            return " ".join(moves)
    return None


def _value(expression: str) -> Fraction | None:
    """The exact value of a + - * / expression over integers, or None (bad syntax, division by zero)."""
    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return Fraction(node.value)
        raise ValueError("not an arithmetic expression")

    try:
        return walk(ast.parse(expression, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError):
        return None


def _countdown_change(instance: Instance, solution: str) -> str | None:
    for index, char in enumerate(solution):
        for other in "+-*/".replace(char, "") if char in "+-*/" else "":
            changed = solution[:index] + other + solution[index + 1:]
            if _value(changed) not in (None, instance["target"]):
                return changed
    return None


def _countdown_random(instance: Instance, solution: str, rng: random.Random) -> str | None:
    for _ in range(50):
        numbers = rng.sample(instance["numbers"], len(instance["numbers"]))
        expression = str(numbers[0])
        for n in numbers[1:]:
            expression = f"({expression} {rng.choice('+-*/')} {n})"
        if _value(expression) not in (None, instance["target"]):
            return expression
    return None


CHANGE: dict[str, Callable[[Instance, str], str | None]] = {
    "sudoku": _sudoku_change, "knights_knaves": _kk_change, "zebra": _zebra_change,
    "cryptarithm": _crypt_change, "graph_coloring": _coloring_change, "nqueens": _queens_change,
    "maze": _maze_change, "countdown": _countdown_change,
}
RANDOM: dict[str, Callable[[Instance, str, random.Random], str | None]] = {
    "sudoku": _sudoku_random, "knights_knaves": _kk_random, "zebra": _zebra_random,
    "cryptarithm": _crypt_random, "graph_coloring": _coloring_random, "nqueens": _queens_random,
    "maze": _maze_random, "countdown": _countdown_random,
}


def _one_cell_changed_answer(task: Task, env: TextEnv, solution: str | None) -> str | None:
    return CHANGE[task.reference["kind"]](task.reference, solution or "")


def _one_cell_changed(task: Task, env: TextEnv, solution: str | None) -> str | None:
    changed = _one_cell_changed_answer(task, env, solution)
    return None if changed is None else final(env, task, changed)


def _random(task: Task, env: TextEnv, solution: str | None) -> str | None:
    rng = _rng(task)
    for _ in range(20):  # a unique puzzle's random answer is wrong unless it is the solution
        answer = RANDOM[task.reference["kind"]](task.reference, solution or "", rng)
        if answer is not None and answer != solution:
            return final(env, task, answer)
    return None


def _negate(solution: str, symbol: str) -> str:
    """Every assignment turned into its negation: `A=1` -> `A≠1`, `Bob: knave` -> `Bob ≠ knave`."""
    if "=" in solution:
        return solution.replace("=", symbol.strip())
    if ": " in solution:
        return solution.replace(": ", symbol)
    return "\n".join(f"{symbol.strip()} {line}" for line in _lines(solution))


def _negated_symbol(task: Task, env: TextEnv, solution: str | None) -> str:
    return final(env, task, _negate(solution or "", " ≠ "))


def _negated_ascii(task: Task, env: TextEnv, solution: str | None) -> str:
    return final(env, task, _negate(solution or "", " != "))


def _negated_words(task: Task, env: TextEnv, solution: str | None) -> str:
    return final(env, task, _negate(solution or "", " is not "))


def _mixed_styles(task: Task, env: TextEnv, solution: str | None) -> str | None:
    """The right assignments on one line in several styles at once, led by a role heading where the value
    is a word: `Knight: Alice, Bob = knave, Carol -> knight`. A line that mixes styles is unreadable."""
    solution = solution or ""
    separator = "=" if "=" in solution else ": " if ": " in solution else None
    if separator is None:
        return None
    items = [item.partition(separator) for line in _lines(solution)
             for item in (line.split(", ") if line.count(separator) > 1 else [line])]
    parts = []
    for index, (left, _, right) in enumerate(items):
        left, right = left.strip(), right.strip()
        if index == 0 and right.isalpha():
            parts.append(f"{right.capitalize()}: {left}")
        else:
            parts.append(f"{left}{(': ', ' = ', ' -> ')[index % 3]}{right}")
    return final(env, task, ", ".join(parts))


def _retraction(task: Task, env: TextEnv, solution: str | None) -> str:
    return final(env, task, f"{solution}\nNo wait, that's wrong")


def _unclosed(task: Task, env: TextEnv, solution: str | None) -> str:
    return f"My answer:\n<answer>\n{solution}\n"


def _nested(task: Task, env: TextEnv, solution: str | None) -> str | None:
    wrong = _one_cell_changed_answer(task, env, solution)
    return None if wrong is None else f"<answer>\n{wrong}\n<answer>\n{solution}\n</answer>\n</answer>"


def _inside_out(task: Task, env: TextEnv, solution: str | None) -> str:
    return f"</answer>\n{solution}\n<answer>"


LOGIC: tuple[Attack, ...] = (
    *COMMON,
    *hedges(_one_cell_changed_answer),
    THINK_CLOSE_GAME,
    Attack("random_answer", _random, needs_solution=True),
    Attack("tag_soup_unclosed", _unclosed, needs_solution=True),
    Attack("tag_soup_nested", _nested, needs_solution=True),
    Attack("tag_soup_inside_out", _inside_out, needs_solution=True),
    Attack("retraction_in_answer", _retraction, needs_solution=True),
    Attack("negated_symbol", _negated_symbol, needs_solution=True),
    Attack("negated_ascii", _negated_ascii, needs_solution=True),
    Attack("negated_words", _negated_words, needs_solution=True),
    Attack("mixed_styles", _mixed_styles, needs_solution=True),
    Attack("one_cell_changed", _one_cell_changed, needs_solution=True),
)
