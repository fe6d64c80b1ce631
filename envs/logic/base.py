"""What every logic family shares: a `PuzzleKind` (config, levels, generator, prompt), the endless task
source that generates instance `index` of `seed` on demand, and the env with its curriculum hook.

A puzzle is a pure function of `(seed, index, config)`: the generator gets a `random.Random` seeded
from a string of those three (string seeds hash with SHA-512, so instances agree across processes and
Python hash seeds), and never touches the global RNG.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from rlvr.envs.base import Task, TextEnv
from rlvr.errors import ConfigError, TaskNotFound
from rlvr.runtime import Runtime

INDEX_RANGE = 2**31 - 1


@dataclass(frozen=True)
class PuzzleKind:
    """One puzzle family: its config type, difficulty levels (easiest first) and pure functions.

    `generate(rng, config)` returns the instance as a JSON-ready dict (the verifier's reference, with a
    `"kind"` key) already checked by the family's solver; `prompt(instance)` renders it for the model;
    `answer(instance)` is the solver's answer in the family's answer format (what `rlvr qa` checks the
    verifier accepts), None when the solver gives up.
    """

    name: str
    levels: tuple[Any, ...]
    generate: Callable[[random.Random, Any], dict[str, Any]]
    prompt: Callable[[Mapping[str, Any]], str]
    answer: Callable[[Mapping[str, Any]], str | None]

    @property
    def default(self) -> Any:
        return self.levels[0]

    def config_for(self, level: int) -> Any:
        if not 0 <= level < len(self.levels):
            raise ConfigError(f"{self.name} has difficulty levels 0..{len(self.levels) - 1}, got {level}")
        return self.levels[level]

    def level_of(self, config: Any) -> int | None:
        """The level whose preset `config` is, or None for a config of the caller's own."""
        return self.levels.index(config) if config in self.levels else None

    def tag(self, config: Any) -> str:
        """What fixes `config` in a task id: `L<level>` for a preset, else `c` and a hash of the config."""
        level = self.level_of(config)
        return f"L{level}" if level is not None else "c" + hashlib.sha256(repr(config).encode()).hexdigest()[:8]

    def instance(self, seed: int, index: int, config: Any) -> dict[str, Any]:
        """Instance `index` of `seed` under `config`: the same on every call and in every process."""
        rng = random.Random(f"rlvr.logic:{self.name}:{seed}:{index}:{config!r}")
        return self.generate(rng, config)


class PuzzleSource:
    """An endless, deterministic sequence of tasks of one kind (len is the index range).

    A task id names everything its instance is a function of: `<kind>/<config tag>/<seed>/<index>`, as in
    `sudoku/L4/0/17` (the 9x9 preset of level 4) or `sudoku/c1a2b3c4d/0/17` (a config of the caller's own).
    """

    def __init__(self, kind: PuzzleKind, config: Any, seed: int = 0):
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ConfigError(f"seed must be an int, got {seed!r}")
        self.kind, self.config, self.seed = kind, config, seed

    def __len__(self) -> int:
        return INDEX_RANGE

    def __getitem__(self, index: int) -> Task:
        if not 0 <= index < INDEX_RANGE:
            raise TaskNotFound(f"task index {index} out of range [0, {INDEX_RANGE})")
        instance = self.kind.instance(self.seed, index, self.config)
        return Task(id=f"{self.kind.name}/{self.kind.tag(self.config)}/{self.seed}/{index}",
                    prompt=self.kind.prompt(instance), reference=instance,
                    metadata={"kind": self.kind.name, "level": self.kind.level_of(self.config), "seed": self.seed,
                              "index": index})

    def by_id(self, task_id: str) -> Task:
        """The task an id names, whatever preset this source is at (a custom config's id needs that config)."""
        name, tag, seed, index = (task_id.split("/") + ["", "", "", ""])[:4]
        if (name != self.kind.name or task_id.count("/") != 3 or not seed.lstrip("-").isdigit()
                or not index.isdigit()):
            raise TaskNotFound(f"no {self.kind.name} task has the id {task_id!r}; ids look like "
                               f"{self.kind.name}/L<level>/<seed>/<index>")
        return PuzzleSource(self.kind, self._config_of(tag, task_id), int(seed))[int(index)]

    def _config_of(self, tag: str, task_id: str) -> Any:
        if tag == self.kind.tag(self.config):
            return self.config
        level = tag[1:]
        if tag.startswith("L") and level.isdigit() and int(level) < len(self.kind.levels):
            return self.kind.levels[int(level)]
        raise TaskNotFound(f"task {task_id!r} was made under another {self.kind.name} config ({tag}); make the env "
                           "with the same config and knobs to reach it")


def make_config(kind: PuzzleKind, config: Any, level: int | None, knobs: Mapping[str, Any]) -> Any:
    """A config from an explicit one or a level preset, with keyword knobs overriding its fields."""
    if config is not None and level is not None:
        raise ConfigError("pass either config or level, not both")
    base = config if config is not None else kind.config_for(level or 0)
    unknown = set(knobs) - {f.name for f in fields(base)}
    if unknown:
        known = [f.name for f in fields(base)]
        raise ConfigError(f"unknown {kind.name} knobs {sorted(unknown)}; known: {known}")
    return replace(base, **knobs) if knobs else base


class LogicEnv(TextEnv):
    """A single-family logic env. Knobs come as a config, a `level`, or keyword overrides.

    `set_difficulty(level)` is the curriculum hook: the trainer may call it between episodes to switch
    to a harder preset (levels are listed in docs/envs/logic.md). `level` is None under a config of one's own.
    """

    kind: PuzzleKind

    def __init__(self, config: Any = None, *, level: int | None = None, seed: int = 0, max_turns: int = 1,
                 render_mode: str | None = None, runtime: Runtime | None = None, **knobs: Any):
        self.seed = seed
        config = make_config(self.kind, config, level, knobs)
        self.level = self.kind.level_of(config)
        super().__init__(PuzzleSource(self.kind, config, seed),
                         max_turns=max_turns, render_mode=render_mode, runtime=runtime)

    @classmethod
    def difficulty_levels(cls, **kwargs: Any) -> tuple[int, ...]:
        return tuple(range(len(cls.kind.levels)))

    @classmethod
    def remote_kwargs(cls) -> frozenset[str]:
        """The level, the seed and the knobs (the config's fields); a config object cannot cross JSON."""
        return super().remote_kwargs() | {"level", "seed"} | {f.name for f in fields(cls.kind.default)}

    @property
    def config(self) -> Any:
        return self.tasks.config

    def reference_answer(self, task: Task) -> str | None:
        return self.kind.answer(task.reference)

    def reference_completion(self, task: Task) -> str | None:
        return answer_completion(self.reference_answer(task))

    def _tasks_at(self, level: int) -> PuzzleSource:
        return PuzzleSource(self.kind, self.kind.levels[level], self.seed)


def positive(name: str, value: int, low: int = 1, high: int | None = None) -> None:
    """Config validation helper: raise ConfigError unless low <= value <= high."""
    if not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ConfigError(f"{name} must be an int {bound}, got {value!r}")


def answer_completion(answer: str | None) -> str | None:
    """A completion that reasons briefly and then gives `answer` in the `<answer>` tags every kind asks for."""
    if answer is None:
        return None
    return f"I checked every constraint of the puzzle against this solution.\n\n<answer>\n{answer}\n</answer>"
