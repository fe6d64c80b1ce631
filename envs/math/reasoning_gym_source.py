"""Math tasks from reasoning-gym's procedural generators (for example `gsm_symbolic`, GSM8K-style word
problems with fresh numbers), which run offline: an endless supply of a known benchmark's shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rlvr.envs.base import Task
from rlvr.envs.math.generator import INSTRUCTION
from rlvr.errors import ConfigError, TaskNotFound


@dataclass(frozen=True)
class ReasoningGymMath:
    """`size` tasks of reasoning-gym's `dataset` at `seed`; each is a pure function of (seed, index)."""

    dataset: str = "gsm_symbolic"
    seed: int = 0
    size: int = 100_000
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            import reasoning_gym
        except ImportError as exc:
            raise ConfigError("reasoning-gym tasks need the package: pip install 'rlvr[data]'") from exc
        try:
            source = reasoning_gym.create_dataset(self.dataset, seed=self.seed, size=self.size, **self.options)
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"reasoning-gym cannot make {self.dataset!r} with {self.options}: {exc}") from exc
        object.__setattr__(self, "_source", source)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> Task:
        if not 0 <= index < self.size:
            raise TaskNotFound(f"task index {index} out of range [0, {self.size})")
        item = self._source[index]
        return Task(
            id=f"{self.dataset}-{self.seed}-{index}",
            prompt=f"{item['question']}\n\n{INSTRUCTION}",
            reference={"answer": str(item["answer"])},
            metadata={"source": f"reasoning_gym:{self.dataset}"},
        )

    def by_id(self, task_id: str) -> Task:
        prefix = f"{self.dataset}-{self.seed}-"
        if not task_id.startswith(prefix) or not task_id[len(prefix):].isdigit():
            raise TaskNotFound(f"{task_id!r} is not a task of this source (ids look like {prefix}<index>)")
        return self[int(task_id[len(prefix):])]
