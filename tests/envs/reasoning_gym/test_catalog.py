"""The static catalog against reasoning-gym's own registry: fails when they drift (fail closed on an upgrade)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

from reasoning_gym.factory import CURRICULA, DATASETS

from rlvr.reasoning_gym_catalog import CURRICULUM_LEVELS, GENERIC_ID, LEFT_OUT, SLOW_FROM, VERSION, env_id, levels
from rlvr.registry import ENVS


def valid_levels(dataset: str) -> int:
    """How many of the curriculum's global levels make a config reasoning-gym accepts, counted from 0 (the env
    makes its datasets at every level in tests/envs/test_env_api.py)."""
    if dataset not in CURRICULA:
        return 0
    curriculum = CURRICULA[dataset]()
    count = 0
    for level in range(max(len(attribute.levels) for attribute in curriculum.attributes.values())):
        curriculum.set_global_level(level)
        try:
            config = curriculum.generate_configuration({"seed": 1, "size": 10})
            getattr(config, "validate", lambda: None)()
        except (AssertionError, ValueError, TypeError):
            break
        count += 1
    return count


def test_every_dataset_is_registered_or_left_out_with_a_reason() -> None:
    assert importlib.metadata.version("reasoning-gym") == VERSION
    assert set(CURRICULUM_LEVELS) | set(LEFT_OUT) == set(DATASETS)
    assert not set(CURRICULUM_LEVELS) & set(LEFT_OUT) and all(LEFT_OUT.values())
    assert {env_id(name) for name in CURRICULUM_LEVELS} | {GENERIC_ID} <= set(ENVS)


def test_level_counts_are_reasoning_gyms() -> None:
    assert {name: valid_levels(name) for name in CURRICULUM_LEVELS} == CURRICULUM_LEVELS
    assert all(1 <= levels(name) <= max(1, CURRICULUM_LEVELS[name]) for name in CURRICULUM_LEVELS)
    assert all(levels(name) == cap for name, cap in SLOW_FROM.items())


def test_import_rlvr_does_not_import_reasoning_gym() -> None:
    probe = "import sys, rlvr; rlvr.registry.register_all(); print('reasoning_gym' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"


def test_a_left_out_datasets_id_says_why() -> None:
    from rlvr.cli import env_hint

    assert "not served (making one item takes" in env_hint(env_id("sokoban"))
    assert "did you mean rlvr/RG-sudoku-v0" in env_hint("rlvr/RG-sudok-v0")
