"""CI runs `rlvr qa` on every registered env: its reference solutions score 1.0 and no attack earns reward.

Few tasks per env keep the whole set within a couple of minutes on two cores (the code envs go through the
real docker sandbox); `rlvr qa ENV --tasks 20` runs the full audit.
"""

from __future__ import annotations

import json

import pytest

from rlvr.cli import main
from rlvr.reasoning_gym_catalog import CURRICULUM_LEVELS as RG_DATASETS
from rlvr.reasoning_gym_catalog import env_id as rg_id
from rlvr.registry import ENVS

TASKS = 6


# reasoning-gym's hundred dataset ids: tests/envs/reasoning_gym/test_reasoning_gym_qa.py, on one runtime.
@pytest.mark.parametrize("env_id", sorted(set(ENVS) - {rg_id(name) for name in RG_DATASETS}))
def test_every_registered_env_passes_qa(env_id, capsys):
    code = main(["qa", env_id, "--tasks", str(TASKS), "--json"])
    report = json.loads(capsys.readouterr().out)["envs"][0]
    failures = [f"{attack['name']}: {attack['rewarded']} rewarded, {attack['slow']} slow; {attack['worst']}"
                for attack in report["attacks"] if attack["rewarded"] or attack["slow"]]
    assert report["reference"]["missed"] == 0, report["reference"]["first_miss"]
    assert code == 0 and not failures, "\n".join(failures)
    assert report["tasks"] == TASKS and report["cases"] > TASKS * 10
