"""Attacks on the code family: programs that try to pass the tests without solving the task.

They exit before the tests run, patch what the harness might rely on, return objects equal to
everything, print nothing or return None. Function tasks need the entry point's name: the reference's
`entry_point` or `fn_name`, the first called name in its asserts, or the first `def` of the solution.
"""

from __future__ import annotations

import random
import re

from rlvr.envs.base import Task, TextEnv
from rlvr.qa.attacks import COMMON, Attack, final

_CALLED = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
_DEF = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.M)
_NOT_ENTRY = frozenset({"assert", "not", "abs", "len", "set", "sorted", "list", "tuple", "round", "isclose",
                        "math", "all", "any", "str", "int", "float", "dict", "candidate", "check"})


def _entry_point(task: Task, solution: str | None) -> str | None:
    """The name of the function the tests call, or None for a stdin/stdout task."""
    reference = task.reference
    for key in ("entry_point", "fn_name"):
        if reference.get(key):
            return str(reference[key])
    for test in reference.get("asserts") or ():
        name = next((n for n in _CALLED.findall(str(test)) if n not in _NOT_ENTRY), None)
        if name:
            return name
    found = _DEF.search(solution or "") if reference.get("asserts") else None
    return found.group(1) if found else None


def _function(task: Task, solution: str | None, body: str, stdio: str | None) -> str | None:
    """A program defining the entry point with `body`, or `stdio` for a stdin/stdout task."""
    name = _entry_point(task, solution)
    if name is None:
        return stdio
    return f"def {name}(*args, **kwargs):\n    {body}\n"


def _program(task: Task, env: TextEnv, code: str | None) -> str | None:
    return None if code is None else f"Here is my solution.\n\n{final(env, code.rstrip())}"


def _sys_exit(task: Task, env: TextEnv, solution: str | None) -> str | None:
    return _program(task, env, "import sys\nsys.exit(0)")


def _os_exit(task: Task, env: TextEnv, solution: str | None) -> str | None:
    return _program(task, env, "import os\nos._exit(0)")


def _monkeypatched_asserts(task: Task, env: TextEnv, solution: str | None) -> str | None:
    patch = ("import builtins, sys, atexit, os\n"
             "builtins.AssertionError = type('AssertionError', (Exception,), {})\n"
             "sys.excepthook = lambda *args: None\n"
             "atexit.register(lambda: os._exit(0))\n")
    return _program(task, env, patch + (_function(task, solution, "return None", "") or ""))


def _always_equal(task: Task, env: TextEnv, solution: str | None) -> str | None:
    cls = ("class Anything:\n    def __eq__(self, other):\n        return True\n"
           "    def __ne__(self, other):\n        return False\n    def __hash__(self):\n        return 0\n\n\n")
    function = _function(task, solution, "return Anything()", None)
    return None if function is None else _program(task, env, cls + function)


def _prints_nothing(task: Task, env: TextEnv, solution: str | None) -> str | None:
    return _program(task, env, "import sys\nsys.stdin.read()")


def _returns_none(task: Task, env: TextEnv, solution: str | None) -> str | None:
    return _program(task, env, _function(task, solution, "return None", None))


def _random(task: Task, env: TextEnv, solution: str | None) -> str | None:
    value = random.Random(f"rlvr.qa.code:{task.id}").randint(-10**6, 10**6)
    return _program(task, env, _function(task, solution, f"return {value}", f"print({value})"))


def _spoofed_output(task: Task, env: TextEnv, solution: str | None) -> str | None:
    lines = "print('All tests passed.')\nprint('OK')\nprint('Reward: 1.0')"
    return _program(task, env, f"{lines}\n{_function(task, solution, 'return None', '') or ''}")


def _right_then_wrong(task: Task, env: TextEnv, solution: str | None) -> str | None:
    """The right program, then a second block (the one that is run) that returns None."""
    wrong = _function(task, solution, "return None", "import sys\nsys.stdin.read()")
    return f"{final(env, (solution or '').rstrip())}\nor, simpler:\n{final(env, wrong or '')}"


CODE: tuple[Attack, ...] = (
    *COMMON,
    Attack("hedge_right_first", _right_then_wrong, needs_solution=True),
    Attack("random_answer", _random),
    Attack("sys_exit_0", _sys_exit),
    Attack("os_exit_0", _os_exit),
    Attack("monkeypatched_asserts", _monkeypatched_asserts),
    Attack("always_equal_object", _always_equal),
    Attack("spoofed_output", _spoofed_output),
    Attack("prints_nothing", _prints_nothing),
    Attack("returns_none", _returns_none),
)
