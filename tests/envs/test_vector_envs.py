"""Every registered env runs as a Gymnasium async vector env: prompts with any characters cross its shared
memory, a step is scored in the subprocesses, and closing leaves nothing on stderr (the subprocesses write
there, so each check runs in a fresh interpreter)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import gymnasium as gym
import pytest

from rlvr.envs.text_space import UnicodeText
from rlvr.reasoning_gym_catalog import CURRICULUM_LEVELS as RG_DATASETS
from rlvr.reasoning_gym_catalog import env_id as rg_id
from rlvr.registry import ENVS

# Of reasoning-gym's hundred dataset ids one stands in here (tests/envs/reasoning_gym/ covers each; 20 s an id).
RG_SAMPLE = ("sudoku",)
ENV_IDS = sorted(set(ENVS) - {rg_id(name) for name in RG_DATASETS if name not in RG_SAMPLE})

# Makes the vector env first, so that the parent forks before it has scored anything; then takes each sub-env's
# reference completion from a local env (by task id) and prints what the vector env's step said.
PROBE = """
import json, sys
import gymnasium as gym
import rlvr

vector = gym.make_vec(sys.argv[1], 2, vectorization_mode="async")
prompts, info = vector.reset(seed=0)
local = gym.make(sys.argv[1]).unwrapped
completions = []
for task_id in info["task_id"]:
    local.reset(options={"task_id": str(task_id)})
    completions.append(local.reference_completion(local.task) or "I do not know.")
_, rewards, terminated, _, step_info = vector.step(tuple(completions))
vector.close()
expected = [local.reset(options={"task_id": str(t)})[0] for t in info["task_id"]]
print(json.dumps({"prompts_match": list(prompts) == expected, "status": list(step_info["status"]),
                  "rewards": [float(r) for r in rewards], "terminated": [bool(t) for t in terminated]}))
"""


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_async_vector_env_resets_steps_and_closes_cleanly(env_id: str) -> None:
    run = subprocess.run([sys.executable, "-c", PROBE, env_id], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and not run.stderr, run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert report["prompts_match"] and report["terminated"] == [True, True]
    assert len(report["status"]) == 2 and "error" not in report["status"], report
    if "unverified" not in report["status"]:  # Lean without a checker reaches no verdict, by design
        assert report["status"] == ["correct", "correct"] and report["rewards"] == [1.0, 1.0], report


@pytest.mark.parametrize("text", ["", "a b\n\tc", "\\boxed{\\frac{1}{2}} → ½ 😀", "\ud800 lone surrogate"])
def test_unicode_text_flattens_any_string_and_back(text: str) -> None:
    space = UnicodeText(max_length=64)
    flat = gym.spaces.flatten(space, text)
    assert flat.shape == (64,) and gym.spaces.flatten_space(space).contains(flat)
    assert gym.spaces.unflatten(space, flat) == text


def test_shared_memory_is_read_live_not_once() -> None:
    """Gymnasium's reader for `Text` decodes the memory once; a vector env would repeat its first prompts."""
    space = UnicodeText(max_length=16)
    memory = gym.vector.utils.create_shared_memory(space, n=2)
    view = gym.vector.utils.read_from_shared_memory(space, memory, n=2)
    for index, text in enumerate(("first", "prompts")):
        gym.vector.utils.write_to_shared_memory(space, index, text, memory)
    assert tuple(view) == ("first", "prompts")
    gym.vector.utils.write_to_shared_memory(space, 1, "next", memory)  # shorter: the old tail must not show
    snapshot = copy.deepcopy(view)
    assert snapshot == ("first", "next") and isinstance(snapshot, tuple) and view[:] == snapshot


# Scores in the parent first (its default runtime has threads, a worker pool and Docker executors), then forks
# the vector env's workers: each must make its own runtime (no hang on the parent's dead threads) and close it
# when Gymnasium ends the worker with os._exit (no executor containers left behind).
SCORED_FIRST = """
import json, os, sys
import gymnasium as gym
import rlvr

before = rlvr.verify("rlvr/Code-v1", completion="```python\\ndef f():\\n    return 1\\n```",
                     reference={"asserts": ["assert f() == 1"]}).status.value
math = rlvr.verify("rlvr/Math-v1", completion="\\\\boxed{2}", reference={"answer": "2"}).status.value
vector = gym.make_vec("rlvr/Code-v1", 2, vectorization_mode="async")
vector.reset(seed=0)
_, _, _, _, info = vector.step(("```python\\nx = 1\\n```",) * 2)  # runs in each worker's own sandbox
pids = [os.getpid(), *(process.pid for process in vector.processes)]
vector.close()
print(json.dumps({"before": [before, math], "status": list(info["status"]), "pids": pids}))
"""


def _executors_of(pids: list[int]) -> list[str]:
    """Executor containers whose owner label names one of `pids` (the label is boot:namespace:pid:start)."""
    from rlvr.sandbox.docker_pool import OWNER_LABEL

    listing = subprocess.run(["docker", "ps", "-a", "--filter", f"label={OWNER_LABEL}", "--format",
                              f'{{{{.Names}}}} {{{{.Label "{OWNER_LABEL}"}}}}'],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    owned = [line.split(" ", 1) for line in listing if " " in line]
    return [name for name, owner in owned if owner.split(":")[2:3] and int(owner.split(":")[2]) in pids]


def test_a_vector_env_forked_after_scoring_makes_its_own_runtime_and_leaves_no_executor() -> None:
    run = subprocess.run([sys.executable, "-c", SCORED_FIRST], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and not run.stderr, run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert {key: report[key] for key in ("before", "status")} == {"before": ["correct", "correct"],
                                                                 "status": ["wrong", "wrong"]}
    assert _executors_of(report["pids"]) == []


def test_a_runtime_refuses_work_in_a_forked_child() -> None:
    import os

    from rlvr.runtime import Runtime

    with Runtime() as runtime:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: one line on the pipe, then out without running the parent's cleanup
            result = runtime.verify("rlvr/Sudoku-v1", completion="x", reference={})
            os.write(write, f"{result.status.value}|{result.reason}".encode())
            os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        status, reason = os.read(read, 4096).decode().split("|", 1)
    assert status == "error" and "forked process must make its own" in reason
