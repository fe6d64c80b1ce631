"""`rlvr/Lean-v0`: prove a Lean 4 theorem; the reward comes from the configured Lean checker.

## Version History
- v0: initial version. With the default `static` backend a step that is not refuted is `unverified`
  (reward None, 0.0 in Gymnasium's float with `info["status"] == "unverified"`): mask it.
"""

from __future__ import annotations

from pathlib import Path

from rlvr.envs.base import Task, TextEnv
from rlvr.envs.lean.tasks import LeanTasks, builtin_tasks, load_jsonl
from rlvr.results import VerifyResult
from rlvr.runtime import Runtime


class LeanEnv(TextEnv):
    """Lean 4 theorem proving over the built-in statements or a miniF2F-style JSONL file."""

    family = "lean"

    def __init__(self, path: str | Path | None = None, *, split: str | None = None,
                 tasks: LeanTasks | None = None, max_turns: int = 1, render_mode: str | None = None,
                 runtime: Runtime | None = None):
        if tasks is None:
            tasks = load_jsonl(path, split=split) if path is not None else builtin_tasks(split=split)
        super().__init__(tasks, max_turns=max_turns, render_mode=render_mode, runtime=runtime)

    @classmethod
    def remote_kwargs(cls) -> frozenset[str]:
        return super().remote_kwargs() | {"split"}

    def feedback(self, task: Task, completion: str, result: VerifyResult) -> str:
        return (f"{task.prompt}\n\nLean did not accept your previous proof ({result.status}): "
                f"{result.reason}\nFix the proof and reply with it again.")
