"""Prompts for each step, drawn from a weighted mixture of Gymnasium envs, deterministically per step."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import gymnasium

from rlvr.envs.base import Task, TextEnv
from rlvr.runtime import Runtime
from rlvr.trainer.errors import ConfigError


@dataclass(frozen=True)
class Prompt:
    """One task to roll out, with the env that poses and judges it. The task's reference is the one the env scores
    against (reset's `info["reference"]`, which carries env settings such as math's `extraction`), so a reward
    server, a sample log and `rlvr reverify` all judge the task as the env does."""

    env_id: str
    task: Task


class TaskSampler:
    """Holds one instance of each env and draws `n` tasks for a step as a pure function of (seed, step).

    Resuming at step k therefore sees the same prompts an uninterrupted run would have seen. The envs score on
    `runtime` (the process default when None); the sampler does not own it.
    """

    def __init__(self, envs: Mapping[str, float], env_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
                 seed: int = 0, runtime: Runtime | None = None, namespace: str = "rlvr-trainer"):
        import rlvr  # noqa: F401  (registers the rlvr/* envs with Gymnasium)

        self.weights = dict(envs)
        self.seed = seed
        self.namespace = namespace  # another namespace (periodic evaluation) draws other tasks from the same seed
        self.envs: dict[str, TextEnv] = {
            env_id: _make(env_id, {**(env_kwargs or {}).get(env_id, {}), "runtime": runtime})
            for env_id in self.weights
        }

    def sample(self, step: int, n: int, round_index: int = 0) -> list[Prompt]:
        """`n` prompts for `step`; later sampling rounds of a step (dynamic sampling) draw other prompts."""
        key = f"{self.namespace}/{self.seed}/{step}" + (f"/{round_index}" if round_index else "")
        rng = random.Random(key)
        ids = list(self.weights)
        chosen = rng.choices(ids, weights=[self.weights[i] for i in ids], k=n)
        prompts = []
        for env_id in chosen:
            env = self.envs[env_id]
            _, info = env.reset(seed=rng.randrange(2**31))
            prompts.append(Prompt(env_id, replace(env.task, reference=dict(info["reference"]))))
        return prompts

    def close(self) -> None:
        for env in self.envs.values():
            env.close()


def _make(env_id: str, kwargs: Mapping[str, Any]) -> TextEnv:
    try:
        env = gymnasium.make(env_id, disable_env_checker=True, **dict(kwargs)).unwrapped
    except gymnasium.error.Error as exc:
        known = ", ".join(sorted(k for k in gymnasium.registry if k.startswith("rlvr/")))
        raise ConfigError(f"cannot make env {env_id!r}: {exc}; rlvr envs: {known}") from None
    if not isinstance(env, TextEnv):
        raise ConfigError(f"env {env_id!r} is a {type(env).__name__}; the trainer needs an rlvr TextEnv "
                          "(subclass rlvr.envs.base.TextEnv)")
    return env
