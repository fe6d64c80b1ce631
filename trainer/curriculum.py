"""Adaptive curriculum: per env, move the difficulty level up while the pass rate stays above a band, down while
it stays below, through the envs' `set_difficulty` hook.

Hysteresis has two parts: a dead band (`[low, high]`: inside it nothing moves) and patience (the rate must
stay outside the band for `patience` consecutive steps, and the count starts afresh after each move), so one
lucky or unlucky batch never moves the level.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.base import TextEnv

log = logging.getLogger(__name__)


@dataclass
class LevelController:
    """One env's level, as a position in its `levels` (easiest first)."""

    levels: tuple[int, ...]
    band: tuple[float, float]
    patience: int
    index: int = 0
    above: int = 0
    below: int = 0

    @property
    def level(self) -> int:
        return self.levels[self.index]

    def update(self, pass_rate: float) -> int | None:
        """Feed one step's pass rate; returns the new level when the level moves, else None."""
        if math.isnan(pass_rate):  # nothing judged this step: no evidence either way
            return None
        low, high = self.band
        self.above = self.above + 1 if pass_rate > high else 0
        self.below = self.below + 1 if pass_rate < low else 0
        step = (self.above >= self.patience and self.index < len(self.levels) - 1) - (
            self.below >= self.patience and self.index > 0)
        if not step:
            return None
        self.index += step
        self.above = self.below = 0
        return self.level


class Curriculum:
    """A `LevelController` per env that has more than one level; the envs are the sampler's, moved in place."""

    def __init__(self, envs: Mapping[str, TextEnv], band: tuple[float, float], patience: int):
        self.envs = dict(envs)
        self.controllers: dict[str, LevelController] = {}
        for env_id, env in self.envs.items():
            if len(env.levels) < 2 or env.level not in env.levels:
                log.warning("curriculum: %s has no difficulty levels to move through (levels %s, level %s); "
                            "it stays as made", env_id, env.levels, env.level)
                continue
            self.controllers[env_id] = LevelController(env.levels, band, patience, env.levels.index(env.level))

    def update(self, pass_rates: Mapping[str, float]) -> dict[str, int]:
        """Feed each env's pass rate of this step; applies and returns the levels that moved."""
        moved = {}
        for env_id, controller in self.controllers.items():
            level = controller.update(pass_rates.get(env_id, math.nan))
            if level is not None:
                self.envs[env_id].set_difficulty(level)
                moved[env_id] = level
        return moved

    def metrics(self) -> dict[str, int]:
        return {f"level/{env_id}": c.level for env_id, c in self.controllers.items()}

    def state_dict(self) -> dict[str, Any]:
        return {env_id: (c.index, c.above, c.below) for env_id, c in self.controllers.items()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        for env_id, (index, above, below) in state.items():
            controller = self.controllers[env_id]
            controller.index, controller.above, controller.below = index, above, below
            self.envs[env_id].set_difficulty(controller.level)
