"""The tasks an evaluation poses: N distinct tasks per env, a pure function of (env, kwargs, seed).

The draw uses its own stream (`rlvr-eval/SEED/ENV`), apart from the trainer's (`rlvr-trainer/SEED/STEP`), and
the default seed is not training's, so a default evaluation poses procedural tasks that a default training run
never saw: a gain on them is not a memorised benchmark.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping
from typing import Any

import gymnasium

from rlvr.envs.base import Task, TextEnv
from rlvr.errors import ConfigError

EVAL_SEED = 31_337  # training's default seed is 0


def draw_tasks(env_id: str, n: int, seed: int = EVAL_SEED, kwargs: Mapping[str, Any] | None = None) -> list[Task]:
    """N distinct tasks of `env_id` (all of them when it holds fewer), each with the reference its env scores
    against (math's `extraction` included), so a stored rollout re-scores the same way anywhere."""
    env = make_env(env_id, kwargs or {})
    try:
        rng = random.Random(f"rlvr-eval/{seed}/{env_id}")
        size = len(env.tasks)
        indices = range(size) if size <= n else sorted(rng.sample(range(size), n))
        tasks = []
        for index in indices:
            _, info = env.reset(options={"index": index})
            tasks.append(dataclasses.replace(env.task, reference=dict(info["reference"])))
        return tasks
    finally:
        env.close()


def make_env(env_id: str, kwargs: Mapping[str, Any]) -> TextEnv:
    """The env, made as `gym.make` does (`EvalConfig` has checked that rlvr's registry, which scoring goes through,
    holds the id)."""
    import rlvr  # noqa: F401  (registers the rlvr/* envs with Gymnasium)

    try:
        env = gymnasium.make(env_id, disable_env_checker=True, **dict(kwargs)).unwrapped
    except (gymnasium.error.Error, TypeError) as exc:
        raise ConfigError(f"cannot make env {env_id!r} with {dict(kwargs)}: {exc}") from None
    if not isinstance(env, TextEnv):
        raise ConfigError(f"env {env_id!r} is a {type(env).__name__}; rlvr eval needs an rlvr TextEnv")
    return env
