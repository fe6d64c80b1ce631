"""`rlvr/Code-v1` and `rlvr/CodeRepair-v1`: write code that passes unit tests run in the sandbox.

## Version History
- v0: initial version. Reward 1 when every test passes (or the fraction passed with partial credit),
  0 for failed tests, crashes, overruns and missing code; a sandbox failure is `sandbox_error`
  (reward None, 0.0 in Gymnasium's float with `info["status"] == "sandbox_error"`): mask it.
- v1: a reference whose tests never reach the candidate (in any format) is a reference defect, `error`
  (reward None), never a pass (CHANGELOG.md, issue 11).
"""

from __future__ import annotations

from pathlib import Path

from rlvr.envs.base import Task, TextEnv
from rlvr.envs.code.tasks import CodeTasks, builtin_tasks, load_jsonl
from rlvr.results import VerifyResult
from rlvr.runtime import Runtime


class CodeEnv(TextEnv):
    """Single-turn code generation over the built-in problems or a HumanEval/MBPP/stdin-stdout JSONL file."""

    family = "code"

    @classmethod
    def remote_kwargs(cls) -> frozenset[str]:
        return super().remote_kwargs() | {"language"}

    def __init__(self, path: str | Path | None = None, *, format: str = "auto", limit: int | None = None,
                 language: str | None = None, tasks: CodeTasks | None = None, max_turns: int = 1,
                 render_mode: str | None = None, runtime: Runtime | None = None):
        """`language`: the built-in problems that have a solution in it (python: all of them), or the language
        of a file's stdin/stdout records that name none."""
        if tasks is None:
            tasks = load_jsonl(path, format=format, limit=limit, language=language) if path is not None \
                else builtin_tasks(language or "python")
        super().__init__(tasks, max_turns=max_turns, render_mode=render_mode, runtime=runtime)

    def reference_answer(self, task: Task) -> str | None:
        """The task's own solution: a built-in problem's `solution`, HumanEval's prompt with its
        `canonical_solution` (the body only), or an MBPP record's `code`."""
        metadata = task.metadata
        if metadata.get("solution"):
            return str(metadata["solution"])
        if metadata.get("canonical_solution") and "prompt" in task.reference:
            return str(task.reference["prompt"]) + str(metadata["canonical_solution"])
        return str(metadata["code"]) if metadata.get("code") else None

    def reference_completion(self, task: Task) -> str | None:
        answer = self.reference_answer(task)
        if answer is None:
            return None
        language = str(task.reference.get("language") or "python")
        return f"Here is a solution.\n\n```{language}\n{answer.rstrip()}\n```"


class CodeRepairEnv(CodeEnv):
    """Multi-turn: a failed attempt comes back with the failing test's message, up to `max_turns`.

    The message shows the test's input and expected value, so with as many turns as tests a policy can
    pass by echoing them back (a lookup table). `reveal_tests=False` says only how many tests passed.
    """

    def __init__(self, path: str | Path | None = None, *, max_turns: int = 3, reveal_tests: bool = True,
                 **kwargs):
        super().__init__(path, max_turns=max_turns, **kwargs)
        self.reveal_tests = reveal_tests

    @classmethod
    def remote_kwargs(cls) -> frozenset[str]:
        return super().remote_kwargs() | {"reveal_tests"}

    def feedback(self, task: Task, completion: str, result: VerifyResult) -> str:
        if result.status == "no_answer":
            problem = "I found no code in your reply."
        elif self.reveal_tests:
            problem = f"Your code did not pass the tests: {result.reason}"
        else:
            passed, total = result.details.get("tests_passed"), result.details.get("tests_total")
            count = f" ({passed} of {total} passed)" if passed is not None and total else ""
            problem = f"Your code did not pass the tests{count}."
        language = str(task.reference.get("language") or "python")
        return (f"{task.prompt}\n\n{problem}\nFix the code and reply with the complete corrected solution in a "
                f"```{language} block.")
