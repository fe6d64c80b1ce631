"""`rlvr/ReasoningGym-v0` (`dataset=NAME`) and one id per dataset (`rlvr/RG-<NAME>-v0`): reasoning-gym's tasks
with rlvr's guarantees (see docs/envs/reasoning_gym.md)."""

from __future__ import annotations

import copy
from typing import Any

from rlvr.envs.base import Task, TextEnv
from rlvr.envs.reasoning_gym.solutions import solution
from rlvr.envs.reasoning_gym.source import DatasetSource, Setting, check_dataset
from rlvr.errors import ConfigError
from rlvr.reasoning_gym_catalog import levels
from rlvr.runtime import Runtime

DEFAULT_DATASET = "basic_arithmetic"


class ReasoningGymEnv(TextEnv):
    """One reasoning-gym dataset. `level` is its curriculum's global level; other keywords are knobs, fields of the
    dataset's config set over the level's (`ReasoningGymEnv("sudoku", level=2, min_empty=30)`).

    `partial_credit=True` rewards the dataset checker's own score (status `partial`) instead of 1.0-or-0.
    """

    family = "reasoning_gym"

    def __init__(self, dataset: str = DEFAULT_DATASET, *, level: int = 0, seed: int = 0, partial_credit: bool = False,
                 max_turns: int = 1, render_mode: str | None = None, runtime: Runtime | None = None, **knobs: Any):
        if not isinstance(partial_credit, bool):
            raise ConfigError(f"partial_credit must be true or false, got {partial_credit!r}")
        self.dataset = check_dataset(dataset)
        self.seed, self.partial_credit, self.knobs = seed, partial_credit, knobs
        self.level = level
        super().__init__(self._source(level), max_turns=max_turns, render_mode=render_mode, runtime=runtime)

    @classmethod
    def difficulty_levels(cls, *, dataset: str = DEFAULT_DATASET, **kwargs: Any) -> tuple[int, ...]:
        return tuple(range(levels(check_dataset(dataset))))

    @property
    def levels(self) -> tuple[int, ...]:
        return type(self).difficulty_levels(dataset=self.dataset)

    @classmethod
    def remote_kwargs(cls) -> frozenset[str]:
        """Knobs stay local: some name files of the machine the env runs on (spell_backward's `data_file`)."""
        return super().remote_kwargs() | {"dataset", "level", "seed", "partial_credit"}

    def reference_answer(self, task: Task) -> str | None:
        return solution(self.dataset, task.reference["entry"])

    def reference_completion(self, task: Task) -> str | None:
        answer = self.reference_answer(task)
        return None if answer is None else f"Working through the task gives this.\n\n<answer>\n{answer}\n</answer>"

    def _task_info(self) -> dict[str, Any]:
        """A fresh copy of the nested entry in every info (Gymnasium's checker: infos must not share objects)."""
        info = super()._task_info()
        return {**info, "reference": copy.deepcopy(info["reference"])}

    def _tasks_at(self, level: int) -> DatasetSource:
        return self._source(level)

    def _source(self, level: int) -> DatasetSource:
        return DatasetSource(Setting.of(self.dataset, level, self.knobs), self.seed,
                             partial_credit=self.partial_credit)
