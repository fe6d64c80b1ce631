"""`rlvr/Logic-v1`: every logic kind of the registry in one env, each task's kind drawn by weight, and the
verifier that routes an instance to its kind's verifier by `reference["kind"]`.

Task `index` of `seed` picks its kind with a `random.Random` seeded from `(seed, index)`, then takes
that kind's instance `index`; so the mix is as deterministic as its parts.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Mapping
from typing import Any

from rlvr.envs.base import Task, TextEnv
from rlvr.envs.logic.answer import shown
from rlvr.envs.logic.base import INDEX_RANGE, PuzzleKind, PuzzleSource, answer_completion
from rlvr.errors import ConfigError, InvalidReferenceError, TaskNotFound
from rlvr.registry import LOGIC_KINDS, load_verifier
from rlvr.results import VerifyResult
from rlvr.runtime import Runtime

ALL_KINDS: dict[str, PuzzleKind] = {name: importlib.import_module(f"rlvr.envs.logic.{name}").KIND
                                    for name in LOGIC_KINDS}


def verify(*, completion: str, reference: Mapping[str, Any], config: Any = None) -> VerifyResult:
    """Score a completion against any logic instance, dispatching on its `kind`."""
    kind = reference.get("kind") if isinstance(reference, Mapping) else None
    if kind not in LOGIC_KINDS:
        raise InvalidReferenceError(f"reference 'kind' must be one of {', '.join(LOGIC_KINDS)}; got {shown(kind)}")
    return load_verifier(kind)(completion=completion, reference=reference, config=config)


class MixSource:
    """Tasks drawn from several kinds by weight; each kind at its own config."""

    def __init__(self, weights: Mapping[str, float], configs: Mapping[str, Any], seed: int = 0):
        self.names = [name for name in ALL_KINDS if weights.get(name, 0) > 0]
        self.weights = [float(weights[name]) for name in self.names]
        self.sources = {name: PuzzleSource(ALL_KINDS[name], configs[name], seed) for name in self.names}
        self.seed = seed

    def __len__(self) -> int:
        return INDEX_RANGE

    def kind_of(self, index: int) -> str:
        rng = random.Random(f"rlvr.logic.mix:{self.seed}:{index}")
        return rng.choices(self.names, weights=self.weights)[0]

    def __getitem__(self, index: int) -> Task:
        return self.sources[self.kind_of(index)][index]

    def by_id(self, task_id: str) -> Task:
        name = task_id.partition("/")[0]
        if name not in self.sources:
            raise TaskNotFound(f"no task with id {task_id!r} in this mix (its kinds: {', '.join(self.sources)})")
        return self.sources[name].by_id(task_id)


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return {name: 1.0 for name in ALL_KINDS}
    unknown = set(weights) - set(ALL_KINDS)
    if unknown:
        raise ConfigError(f"unknown logic kinds {sorted(unknown)}; known: {sorted(ALL_KINDS)}")
    if any(not isinstance(w, (int, float)) or w < 0 for w in weights.values()) or not any(
            w > 0 for w in weights.values()):
        raise ConfigError("weights must be non-negative numbers with at least one above 0")
    return dict(weights)


class LogicMixEnv(TextEnv):
    """`rlvr/Logic-v1`: a weighted mix of every logic family (equal weights by default).

    `level` sets every kind to its preset (a kind with fewer levels stays at its hardest); `configs` overrides
    single kinds; `set_difficulty(level)` is the curriculum hook, as in the single-family envs.
    """

    family = "logic"

    def __init__(self, weights: Mapping[str, float] | None = None, *, level: int = 0,
                 configs: Mapping[str, Any] | None = None, seed: int = 0, max_turns: int = 1,
                 render_mode: str | None = None, runtime: Runtime | None = None):
        self.weights = _weights(weights)
        self.overrides = dict(configs or {})
        unknown = set(self.overrides) - set(ALL_KINDS)
        if unknown:
            raise ConfigError(f"configs for unknown logic kinds {sorted(unknown)}")
        self.seed = seed
        super().__init__(self._tasks_at(self._valid_level(level)), max_turns=max_turns, render_mode=render_mode,
                         runtime=runtime)
        self.level = level

    @classmethod
    def difficulty_levels(cls, **kwargs: Any) -> tuple[int, ...]:
        return tuple(range(max(len(kind.levels) for kind in ALL_KINDS.values())))

    @classmethod
    def remote_kwargs(cls) -> frozenset[str]:
        return super().remote_kwargs() | {"weights", "level", "seed"}

    def _tasks_at(self, level: int) -> MixSource:
        configs = {name: self.overrides.get(name, kind.levels[min(level, len(kind.levels) - 1)])
                   for name, kind in ALL_KINDS.items()}
        return MixSource(self.weights, configs, self.seed)

    def reference_answer(self, task: Task) -> str | None:
        return ALL_KINDS[task.reference["kind"]].answer(task.reference)

    def reference_completion(self, task: Task) -> str | None:
        return answer_completion(self.reference_answer(task))
