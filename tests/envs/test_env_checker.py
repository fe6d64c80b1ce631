"""Every registered env passes Gymnasium's own checker (one parametrized test, as STYLE.md asks)."""

from __future__ import annotations

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import rlvr  # noqa: F401 - registers the envs
from rlvr.registry import ENVS


@pytest.mark.parametrize("env_id", sorted(ENVS))
def test_registered_env_passes_check_env(env_id: str) -> None:
    env = gym.make(env_id)
    check_env(env.unwrapped, skip_render_check=True)
    env.close()


@pytest.mark.parametrize("env_id", sorted(ENVS))
def test_registered_env_is_listed_with_gymnasium(env_id: str) -> None:
    assert gym.spec(env_id).id == env_id
