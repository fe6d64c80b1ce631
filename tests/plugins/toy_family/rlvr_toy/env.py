"""The toy env: echo the word of task i, a pure function of the index."""

from __future__ import annotations

from typing import Any

from rlvr.envs.base import Task, TextEnv

WORDS = ("apple", "river", "stone", "cloud", "ember", "maple", "orbit", "prism")


class EchoTasks:
    """Task i asks for WORDS[i] back; ids are `echo/<word>`, the same whatever the config."""

    def __len__(self) -> int:
        return len(WORDS)

    def __getitem__(self, index: int) -> Task:
        word = WORDS[index]
        return Task(id=f"echo/{word}", prompt=f"Repeat this word on the last line, and nothing else: {word}",
                    reference={"answer": word})


class EchoEnv(TextEnv):
    """`gym.make("toy/Echo-v0")`: say the word back. Other TextEnv options (max_turns, ...) pass through."""

    def __init__(self, *, family: str = "toy", **options: Any):
        super().__init__(EchoTasks(), **options)
        self.family = family

    def reference_answer(self, task: Task) -> str:
        return task.reference["answer"]

    def reference_completion(self, task: Task) -> str:
        return f"Here it is:\n{task.reference['answer']}"
