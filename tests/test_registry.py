"""The core table (`rlvr.registry`): adding a family is one folder and one row, and a bad row is refused whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rlvr.errors import ConfigError
from rlvr.registry import ENVS, FAMILIES, ORIGIN, EnvEntry, Family, add_rows

TOY = Path(__file__).parent / "plugins" / "toy_family"

# The toy family's folder (rlvr_toy/: env.py, verifier.py) and its row (rlvr_toy.ROWS: one Family, one EnvEntry),
# added in-tree style: no package, no entry point. In a subprocess, because add_rows changes the process's table.
IN_TREE = """
import json
import gymnasium as gym
from gymnasium.utils.env_checker import check_env
import rlvr
from rlvr.qa.runner import run_qa
from rlvr.registry import ORIGIN, add_rows, register_all
from rlvr_toy import ROWS, worker_rows

add_rows([*ROWS, *worker_rows()], origin="in-tree")
register_all()
env = gym.make("toy/Echo-v0")
check_env(env.unwrapped, skip_render_check=True)
prompt, info = env.reset(seed=0, options={"index": 2})
observation, reward, terminated, truncated, step_info = env.step("The word:\\n" + info["reference"]["answer"])
print(json.dumps({
    "prompt": prompt, "task_id": info["task_id"], "reward": reward, "terminated": terminated,
    "status": step_info["status"], "origin": ORIGIN["toy/Echo-v0"],
    "verify": [rlvr.verify("toy/Echo-v0", completion=c, reference={"answer": "stone"}).status.value
               for c in ("stone", "Stone", "  \\n")],
    "worker": rlvr.verify("toy/EchoWorker-v0", completion="stone", reference={"answer": "stone"}).status.value,
    "qa": run_qa("toy/Echo-v0", tasks=3).passed,
}))
"""


def test_a_family_is_one_folder_and_one_row() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TOY), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-c", IN_TREE], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.splitlines()[-1])
    assert out == {"prompt": "Repeat this word on the last line, and nothing else: stone", "task_id": "echo/stone",
                   "reward": 1.0, "terminated": True, "status": "correct", "origin": "in-tree",
                   "verify": ["correct", "wrong", "no_answer"], "worker": "correct", "qa": True}


def test_built_in_rows_come_from_rlvr() -> None:
    assert {ORIGIN[name] for name in (*FAMILIES, *ENVS)} == {"rlvr"}


NEW_FAMILY = Family("toy_new", "toy_new.verifier:verify", "inline", "{}")
REFUSED = [
    ([Family("math", "toy.verifier:verify", "inline", "{}")], "family 'math' is already registered by rlvr"),
    ([NEW_FAMILY, EnvEntry("rlvr/Math-v1", "toy:Env", "toy_new", "")], "'rlvr/Math-v1' is already registered"),
    ([NEW_FAMILY, EnvEntry("rlvr/Math-v0", "toy:Env", "toy_new", "")], "'rlvr/Math-v0' is already registered"),
    ([EnvEntry("toy/New-v0", "toy:Env", "nowhere", "")], "names family 'nowhere', which no row defines"),
    ([NEW_FAMILY, ("toy/New-v0", "toy:Env")], "rows must be rlvr.registry.Family or EnvEntry, got tuple"),
]


@pytest.mark.parametrize(("rows", "message"), REFUSED)
def test_add_rows_refuses_the_whole_batch(rows: list, message: str) -> None:
    before = (dict(FAMILIES), dict(ENVS), dict(ORIGIN))
    with pytest.raises(ConfigError, match=message):
        add_rows(rows, origin="test")
    assert (FAMILIES, ENVS, ORIGIN) == before


@pytest.mark.parametrize(("row", "message"), [
    (lambda: Family("toy", "toy.verifier", "inline", "{}"), "entry point must be 'module:attribute'"),
    (lambda: Family("toy", "toy:verify", "gpu", "{}"), "runs_in must be 'worker' or 'inline'"),
    (lambda: Family("toy", "toy:verify", "worker", "{}", uses_runtime=True), "must run inline"),
    (lambda: EnvEntry("Echo-v0", "toy:Env", "toy", ""), "needs a namespace"),
])
def test_a_bad_row_says_what_to_write(row, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        row()
