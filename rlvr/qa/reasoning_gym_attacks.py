"""Attacks on the reasoning-gym envs: the dataset's own answer hedged, padded, retracted or hidden.

A changed answer is not attacked here: whether it is wrong is the dataset checker's call (power_function reads 3
significant figures, several puzzles have many solutions), which tests/envs/reasoning_gym/test_every_dataset.py
asks of the checker itself. These attacks are wrong whatever the checker thinks of their content.
"""

from __future__ import annotations

from rlvr.envs.base import Task, TextEnv
from rlvr.qa.attacks import COMMON, THINK_CLOSE_GAME, Attack, final, hedges


def _other(task: Task, env: TextEnv, solution: str | None) -> str | None:
    """The answer with its first letter or digit changed: a different answer block, so a hedge."""
    answer = solution or ""
    for index, char in enumerate(answer):
        if char.isdigit():
            return f"{answer[:index]}{(int(char) + 1) % 10}{answer[index + 1:]}"
        if char.isascii() and char.isalpha():
            return f"{answer[:index]}{'b' if char.lower() == 'a' else 'a'}{answer[index + 1:]}"
    return None


def _or_other(task: Task, env: TextEnv, solution: str | None) -> str | None:
    other = _other(task, env, solution)
    return None if other is None else final(env, task, f"{solution} or {other}")


def _retraction(task: Task, env: TextEnv, solution: str | None) -> str:
    return final(env, task, f"{solution}\nNo wait, that's wrong")


def _prefixed(task: Task, env: TextEnv, solution: str | None) -> str:
    return final(env, task, f"The answer is probably {solution}, though I am not sure")


def _unclosed(task: Task, env: TextEnv, solution: str | None) -> str:
    return f"My answer:\n<answer>\n{solution}\n"


def _inside_out(task: Task, env: TextEnv, solution: str | None) -> str:
    return f"</answer>\n{solution}\n<answer>"


def _in_comment(task: Task, env: TextEnv, solution: str | None) -> str:
    return f"<!-- {final(env, task, solution or '')} -->"


REASONING_GYM: tuple[Attack, ...] = (
    *COMMON,
    *hedges(_other),
    THINK_CLOSE_GAME,
    Attack("two_answers_in_one_block", _or_other, needs_solution=True),
    Attack("retraction_in_answer", _retraction, needs_solution=True),
    Attack("hedged_prefix", _prefixed, needs_solution=True),
    Attack("tag_soup_unclosed", _unclosed, needs_solution=True),
    Attack("tag_soup_inside_out", _inside_out, needs_solution=True),
    Attack("answer_in_html_comment", _in_comment, needs_solution=True),
)
