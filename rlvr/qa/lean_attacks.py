"""Attacks on Lean proofs: the escape hatches a static checker and a REPL must both refuse.

No Lean env can make a reference proof without a toolchain, so these need no solution: they are the
theorem closed by `sorry`, by an axiom of `False`, and by a `sorry` hidden in a macro.
"""

from __future__ import annotations

from rlvr.envs.base import Task, TextEnv
from rlvr.envs.lean.tasks import statement_stub
from rlvr.qa.attacks import COMMON, Attack, final


def _closed_by(task: Task, env: TextEnv, tactic: str, before: str = "") -> str:
    return final(env, task, f"{before}{statement_stub(str(task.reference['statement']))}\n  {tactic}")


def _sorry(task: Task, env: TextEnv, solution: str | None) -> str:
    return _closed_by(task, env, "sorry")


def _false_axiom(task: Task, env: TextEnv, solution: str | None) -> str:
    return _closed_by(task, env, "exact cheat.elim", "axiom cheat : False\n\n")


def _sorry_macro(task: Task, env: TextEnv, solution: str | None) -> str:
    return _closed_by(task, env, "done_here", 'macro "done_here" : tactic => `(tactic| sorry)\n\n')


LEAN: tuple[Attack, ...] = (
    *COMMON,
    Attack("proof_by_sorry", _sorry),
    Attack("false_axiom", _false_axiom),
    Attack("sorry_in_macro", _sorry_macro),
)
