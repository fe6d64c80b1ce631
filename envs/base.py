"""The base text environment: an observation is a prompt, an action is the model's completion.

Every family env subclasses `TextEnv` and only supplies its task source and family name; the reward
always comes from the family's verifier through a `rlvr.runtime.Runtime` (the env's own, given as
`runtime=`, or the process default), the same path the server uses.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import gymnasium

from rlvr.envs.text_space import UnicodeText
from rlvr.errors import ConfigError, InvalidAction, InvalidOption, TaskNotFound
from rlvr.results import VerifyResult
from rlvr.runtime import Runtime, default_runtime

MAX_TEXT_CHARS = 1_000_000


@dataclass(frozen=True)
class Task:
    """One problem: the prompt shown to the model and the reference its verifier checks against."""

    id: str
    prompt: str
    reference: Mapping[str, Any]
    system_prompt: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def messages(self) -> list[dict[str, str]]:
        """The prompt as chat messages, for chat-template models."""
        system = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        return [*system, {"role": "user", "content": self.prompt}]


class TaskSource(Protocol):
    """A sequence of tasks; procedural sources are endless in practice (len is their index range)."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Task: ...


class TaskList:
    """A fixed list of tasks (a dataset), indexable and found by id.

    Ids must be unique: with two tasks under one id, `reset(options={"task_id": ...})` would pick one of them
    silently, so a duplicate is refused when the list is made.
    """

    def __init__(self, tasks: Iterable[Task], *, name: str = "the task set"):
        self.name = name
        self._tasks = list(tasks)
        if not self._tasks:
            raise ConfigError(f"{name} has no tasks")
        self._index: dict[str, int] = {}
        for number, task in enumerate(self._tasks):
            first = self._index.setdefault(task.id, number)
            if first != number:
                raise ConfigError(f"{name}: tasks {first} and {number} share the id {task.id!r}; "
                                  "give every record its own id")

    def __len__(self) -> int:
        return len(self._tasks)

    def __getitem__(self, index: int) -> Task:
        return self._tasks[index]

    def __iter__(self) -> Iterator[Task]:
        return iter(self._tasks)

    def by_id(self, task_id: str) -> Task:
        if task_id not in self._index:
            raise TaskNotFound(f"{self.name} holds no task with id {task_id!r}")
        return self._tasks[self._index[task_id]]


class TextEnv(gymnasium.Env[str, str]):
    """Single- or multi-turn text env scored by its family's verifier.

    `reset(seed=..., options={"index": i} | {"task_id": s})` returns `(prompt, info)`; `step(completion)`
    returns the Gymnasium five-tuple with the verifier's result in `info`. With `max_turns > 1`, a
    completion that is not correct gets `feedback(result)` as the next observation until the turns run
    out (then `truncated`).
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 1}
    family: str = ""
    # What `reset(options=...)` takes; anything else is refused, so a typo never silently draws a random task.
    reset_options: ClassVar[tuple[str, ...]] = ("index", "task_id")
    level: int | None = 0  # the difficulty level in use (`set_difficulty`); None under a config of the caller's own

    def __init__(self, tasks: TaskSource, *, max_turns: int = 1, render_mode: str | None = None,
                 runtime: Runtime | None = None):
        if isinstance(max_turns, bool) or not isinstance(max_turns, int) or max_turns < 1:
            raise ConfigError(f"max_turns must be an int >= 1, got {max_turns!r}")
        if render_mode not in (None, "ansi"):
            raise ConfigError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        self.tasks = tasks
        self.runtime = runtime
        self.max_turns = max_turns
        self.render_mode = render_mode
        self.observation_space = UnicodeText(max_length=MAX_TEXT_CHARS)
        self.action_space = UnicodeText(max_length=MAX_TEXT_CHARS)
        self._task: Task | None = None
        self._turn = 0
        self._last: tuple[str, VerifyResult] | None = None

    @property
    def task(self) -> Task:
        if self._task is None:
            raise gymnasium.error.ResetNeeded("call reset() before step()")
        return self._task

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict]:
        super().reset(seed=seed)
        self._task = self._choose(options or {})
        self._turn = 0
        self._last = None
        return self._task.prompt, self._task_info()

    def step(self, action: str) -> tuple[str, float, bool, bool, dict]:
        task = self.task
        if not isinstance(action, str):
            raise InvalidAction(f"an action is the completion text (str), got {type(action).__name__}")
        self._turn += 1
        result = self.score(action, task)
        self._last = (action, result)
        info = {**self._task_info(), "turn": self._turn, **result.to_dict()}
        solved = result.status == "correct"
        if solved or self.max_turns == 1:
            return task.prompt, _reward(result), True, False, info
        out_of_turns = self._turn >= self.max_turns
        observation = task.prompt if out_of_turns else self.feedback(task, action, result)
        return observation, _reward(result), False, out_of_turns, info

    def score(self, completion: str, task: Task) -> VerifyResult:
        """Verify on the env's runtime (worker pool or inline lane, as the family declares)."""
        runtime = self.runtime or default_runtime()
        return runtime.verify_family(self.family, completion=completion, reference=task.reference)

    def reference_answer(self, task: Task) -> str | None:
        """The task's final answer written in the family's answer grammar, or None when this env cannot
        make one. `rlvr qa` builds its reference completion and its answer-based attacks from it."""
        return None

    def reference_completion(self, task: Task) -> str | None:
        """A whole completion that must score 1.0 (`rlvr qa` fails the env when it does not), or None when
        the env cannot make one (Lean without a toolchain)."""
        return None

    def feedback(self, task: Task, completion: str, result: VerifyResult) -> str:
        """The next observation in a multi-turn episode; families override it to say more."""
        return (f"{task.prompt}\n\nYour previous attempt was not accepted ({result.status}: {result.reason}). "
                "Try again.")

    def render(self) -> str | None:
        if self.render_mode != "ansi" or self._task is None:
            return None
        text = f"[{self._task.id}] {self._task.prompt}"
        if self._last is not None:
            completion, result = self._last
            text += f"\n--- completion ---\n{completion}\n--- {result.status} ({result.reward}): {result.reason}"
        return text

    @classmethod
    def remote_kwargs(cls) -> frozenset[str]:
        """The constructor kwargs a client may set through the server (`POST /envs/{id}/reset`): plain values
        that reach no file or object of the server's (a data path, the runtime). Subclasses add their own."""
        return frozenset({"max_turns"})

    @classmethod
    def difficulty_levels(cls, **kwargs: Any) -> tuple[int, ...]:
        """The levels `set_difficulty` takes, easiest first, for an env made with `kwargs` (what `rlvr envs` and
        `GET /envs` list without making the env). Every env has level 0; this one has no other."""
        return (0,)

    @property
    def levels(self) -> tuple[int, ...]:
        """The difficulty levels of this env as made."""
        return type(self).difficulty_levels()

    def set_difficulty(self, level: int) -> None:
        """Curriculum hook: later resets draw tasks at `level`, one of `self.levels` (0 = easiest)."""
        self.tasks = self._tasks_at(self._valid_level(level))
        self.level = level

    def _tasks_at(self, level: int) -> TaskSource:
        """The task source at a valid `level`; envs with more than one level override it."""
        return self.tasks

    def _valid_level(self, level: Any) -> int:
        levels = self.levels
        if isinstance(level, bool) or not isinstance(level, int) or level not in levels:
            span = "one difficulty level, 0" if levels == (0,) else f"difficulty levels {levels[0]}..{levels[-1]}"
            raise ConfigError(f"{type(self).__name__} has {span}; got {level!r}")
        return level

    def _choose(self, options: Mapping[str, Any]) -> Task:
        unknown = sorted(set(options) - set(self.reset_options))
        if unknown:
            raise InvalidOption(f"unknown reset options {unknown}; known: {list(self.reset_options)}")
        if "task_id" in options and "index" in options:
            raise InvalidOption("pass one of the reset options index and task_id, not both")
        if "task_id" in options:
            return self._by_id(str(options["task_id"]))
        if "index" in options:
            return self.tasks[self._index(options["index"])]
        return self.tasks[int(self.np_random.integers(len(self.tasks)))]

    def _index(self, value: Any) -> int:
        """A task index: an int (numpy's too) in range; 1.5, inf, "3" and True are refused, never rounded."""
        try:
            if isinstance(value, bool):
                raise TypeError
            index = operator.index(value)
        except TypeError:
            raise InvalidOption(f"task index must be an integer, got {type(value).__name__}") from None
        if not 0 <= index < len(self.tasks):
            raise TaskNotFound(f"task index {index} out of range [0, {len(self.tasks)})")
        return index

    def _by_id(self, task_id: str) -> Task:
        lookup = getattr(self.tasks, "by_id", None)
        if lookup is not None:
            return lookup(task_id)
        for index in range(len(self.tasks)):
            if self.tasks[index].id == task_id:
                return self.tasks[index]
        raise TaskNotFound(f"no task with id {task_id!r}")

    def _task_info(self) -> dict[str, Any]:
        task = self.task
        return {"task_id": task.id, "reference": dict(task.reference), "messages": task.messages,
                "metadata": dict(task.metadata)}


def _reward(result: VerifyResult) -> float:
    """Gymnasium needs a float; a check with no verdict scores 0.0 here and says so in `info["status"]`.

    Trainers must mask those steps by status (the bundled trainer does); the HTTP API returns null.
    """
    return 0.0 if result.reward is None else float(result.reward)

