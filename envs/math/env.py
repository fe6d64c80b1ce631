"""rlvr/Math-v1: the golden example of an env. A new family copies this file's shape.

Version History:
- v0: initial version; reward 1.0 for an answer equal to the gold (docs/envs/math.md), else 0.0.
- v1: the answer grammar reads the whole final answer or calls it unreadable (`no_answer`); exact equality must
  be proven; nothing inside `<think>` is the answer; `extraction="lenient"` (CHANGELOG.md, issue 11).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from rlvr.envs.base import Task, TaskSource, TextEnv
from rlvr.envs.math.dataset import MathDataset
from rlvr.envs.math.extract import EXTRACTION_MODES
from rlvr.envs.math.generator import KINDS, MAX_DIFFICULTY, ProceduralMath
from rlvr.envs.math.reasoning_gym_source import ReasoningGymMath
from rlvr.errors import ConfigError
from rlvr.results import VerifyResult
from rlvr.runtime import Runtime


class MathEnv(TextEnv):
    """Math word and symbolic problems; the prompt asks for the final answer in `\\boxed{}`.

    With `data_path` it serves the user's JSONL/Parquet file; with `reasoning_gym` a reasoning-gym
    generator of that name (`gsm_symbolic`, ...); otherwise the procedural generator at `level` (0-4, the
    scale every env shares; `difficulty` 1-5 is the older name of the same five), restricted to `kinds` (a list,
    or one kind's name), as the stream `seed`. `extraction="lenient"` also reads an unboxed final answer (for
    evaluating models that do not box); it rides in each reference, so a server scores the same way.
    """

    family = "math"

    def __init__(self, *, data_path: str | Path | None = None, tasks: TaskSource | None = None, seed: int = 0,
                 level: int | None = None, difficulty: int | None = None, kinds: tuple[str, ...] | str = KINDS,
                 question_key: str = "question", answer_key: str = "answer", reasoning_gym: str | None = None,
                 extraction: str = "strict", max_turns: int = 1, render_mode: str | None = None,
                 runtime: Runtime | None = None):
        if extraction not in EXTRACTION_MODES:
            raise ConfigError(f"extraction must be one of {sorted(EXTRACTION_MODES)}, got {extraction!r}")
        if level is not None and difficulty is not None:
            raise ConfigError("pass level (0-4) or difficulty (1-5, the older scale of the same levels), not both")
        self.extraction = extraction
        if tasks is None and data_path is not None:
            tasks = MathDataset.from_file(data_path, question_key=question_key, answer_key=answer_key)
        elif tasks is None and reasoning_gym is not None:
            tasks = ReasoningGymMath(reasoning_gym, seed=seed)
        elif tasks is None:
            tasks = ProceduralMath(seed=seed, difficulty=1 if difficulty is None else difficulty,
                                   kinds=kinds)
        super().__init__(tasks, max_turns=max_turns, render_mode=render_mode, runtime=runtime)
        self.level = tasks.level if isinstance(tasks, ProceduralMath) else 0
        if level is not None:
            self.set_difficulty(level)

    @classmethod
    def remote_kwargs(cls) -> frozenset[str]:
        return super().remote_kwargs() | {"level", "difficulty", "kinds", "seed", "extraction"}

    @classmethod
    def difficulty_levels(cls, *, data_path: Any = None, tasks: Any = None, reasoning_gym: Any = None,
                          **kwargs: Any) -> tuple[int, ...]:
        """Five for the procedural generator; the user's data and reasoning-gym's generators have one."""
        if data_path is None and tasks is None and reasoning_gym is None:
            return tuple(range(MAX_DIFFICULTY))
        return (0,)

    @property
    def levels(self) -> tuple[int, ...]:
        return self.difficulty_levels(tasks=None if isinstance(self.tasks, ProceduralMath) else self.tasks)

    def score(self, completion: str, task: Task) -> VerifyResult:
        return super().score(completion, self._with_extraction(task))

    def _task_info(self) -> dict[str, Any]:
        info = super()._task_info()
        return {**info, "reference": dict(self._with_extraction(self.task).reference)}

    def _with_extraction(self, task: Task) -> Task:
        if self.extraction == "strict":
            return task
        return replace(task, reference={**task.reference, "extraction": self.extraction})

    def reference_answer(self, task: Task) -> str | None:
        """The gold as it goes inside `\\boxed{}`: without the `$...$` or `\\boxed{...}` a dataset may wrap it in."""
        gold = str(task.reference.get("answer", "")).strip()
        if len(gold) > 1 and gold[0] == gold[-1] == "$":
            gold = gold.strip("$").strip()
        if gold.startswith("\\boxed{") and gold.endswith("}"):
            gold = gold[len("\\boxed{"):-1].strip()
        return gold or None

    def reference_completion(self, task: Task) -> str | None:
        answer = self.reference_answer(task)
        if answer is None:
            return None
        return f"Working through the problem step by step gives the result.\n\nThe answer is $\\boxed{{{answer}}}$."

    def _tasks_at(self, level: int) -> TaskSource:
        if isinstance(self.tasks, ProceduralMath):
            return replace(self.tasks, difficulty=level + 1)
        return self.tasks
