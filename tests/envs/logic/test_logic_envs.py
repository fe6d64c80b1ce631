"""Every logic env passes Gymnasium's checker, scores the solver's answer 1, and is deterministic."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import gymnasium
import pytest
from gymnasium.utils.env_checker import check_env

import rlvr
from rlvr.envs.logic import (
    ALL_KINDS,
    LogicMixEnv,
    SudokuEnv,
    countdown,
    cryptarithm,
    graph_coloring,
    knights_knaves,
    maze,
    nqueens,
    sudoku,
    zebra,
)
from rlvr.envs.logic import zebra as zebra_verifier
from rlvr.errors import ConfigError
from rlvr.registry import ENVS

LOGIC_ENV_IDS = sorted(e.id for e in ENVS.values() if e.entry_point.startswith("rlvr.envs.logic"))


def solver_answer(reference: dict) -> str:
    """The project's solver's answer for an instance, in the family's answer format."""
    kind = reference["kind"]
    if kind == "sudoku":
        grid = sudoku.solve(reference["grid"], reference["box_rows"], reference["box_cols"])[0]
        return sudoku.format_answer(grid)
    if kind == "countdown":
        return countdown.solve(reference["numbers"], reference["target"], reference["use_all"])
    if kind == "knights_knaves":
        knights = knights_knaves.solve(reference["statements"])[0]
        return knights_knaves.format_answer(reference["names"], knights)
    if kind == "zebra":
        street = zebra_verifier.load(reference)
        return zebra.format_answer(street, zebra.solve(street)[0])
    if kind == "nqueens":
        return nqueens.format_answer(nqueens.solve(reference["n"], reference["given"]))
    if kind == "graph_coloring":
        return graph_coloring.format_answer(
            graph_coloring.solve(reference["vertices"], reference["colors"], reference["edges"]))
    if kind == "maze":
        return maze.format_answer(maze.solve(reference["grid"]))
    if kind == "cryptarithm":
        return cryptarithm.format_answer(cryptarithm.solve(cryptarithm.Sum(
            tuple(reference["addends"]), reference["result"]))[0])
    raise AssertionError(kind)


def test_there_are_eight_families_and_a_mix():
    assert len(LOGIC_ENV_IDS) == 9
    assert {"rlvr/Sudoku-v1", "rlvr/Logic-v1"} <= set(LOGIC_ENV_IDS)
    assert len(ALL_KINDS) == 8


@pytest.mark.parametrize("env_id", LOGIC_ENV_IDS)
def test_env_passes_gymnasium_checker(env_id):
    env = gymnasium.make(env_id).unwrapped
    check_env(env, skip_render_check=True)
    env.close()


@pytest.mark.parametrize("env_id", LOGIC_ENV_IDS)
def test_solver_answer_earns_the_reward_through_step(env_id):
    env = gymnasium.make(env_id, render_mode="ansi")
    prompt, info = env.reset(seed=7)
    assert "<answer>" in prompt and info["reference"]["kind"] in ALL_KINDS
    completion = f"Thinking...\n<answer>{solver_answer(info['reference'])}</answer>"
    _, reward, terminated, truncated, step_info = env.step(completion)
    assert (reward, terminated, truncated, step_info["status"]) == (1.0, True, False, "correct")
    assert "correct" in env.render()
    _, info = env.reset(seed=7)
    _, reward, *_ , step_info = env.step("I am not sure.")
    assert (reward, step_info["status"]) == (0.0, "no_answer")


@pytest.mark.parametrize("env_id", LOGIC_ENV_IDS)
def test_reference_is_json_and_verifies_remotely(env_id):
    """`rlvr.verify(env_id, ...)` needs only the instance as JSON, not the env that generated it."""
    env = gymnasium.make(env_id)
    _, info = env.reset(seed=3)
    reference = json.loads(json.dumps(info["reference"]))
    completion = f"<answer>{solver_answer(reference)}</answer>"
    result = rlvr.verify(env_id, completion=completion, reference=reference)
    assert result.status == "correct", result
    assert rlvr.verify(env_id, completion="<answer>???</answer>", reference=reference).status == "no_answer"


def test_sudoku_verify_entry_point_and_bad_reference():
    env = SudokuEnv(level=0)
    _, info = env.reset(seed=0)
    answer = solver_answer(info["reference"])
    assert rlvr.verify("rlvr/Sudoku-v1", completion=f"<answer>{answer}</answer>",
                       reference=info["reference"]).reward == 1.0
    broken = rlvr.verify("rlvr/Sudoku-v1", completion=f"<answer>{answer}</answer>",
                         reference={"grid": "nope"})
    assert broken.status == "error" and broken.reward is None and "invalid reference" in broken.reason
    other_kind = rlvr.verify("rlvr/Sudoku-v1", completion="<answer>1</answer>", reference={"kind": "maze"})
    assert other_kind.status == "error"


def test_set_difficulty_changes_the_instances():
    env = SudokuEnv()
    _, info = env.reset(seed=1)
    assert info["reference"]["box_rows"] * info["reference"]["box_cols"] == 4
    env.set_difficulty(2)
    _, info = env.reset(seed=1)
    assert info["reference"]["box_rows"] * info["reference"]["box_cols"] == 9
    with pytest.raises(ConfigError, match="levels 0..4"):
        env.set_difficulty(9)


def test_knobs_config_and_level_are_validated():
    assert SudokuEnv(clues=10).config.clues == 10
    assert gymnasium.make("rlvr/Maze-v1", rows=2, cols=2).unwrapped.config.rows == 2
    with pytest.raises(ConfigError, match="unknown sudoku knobs"):
        SudokuEnv(size=9)
    with pytest.raises(ConfigError, match="box_rows"):
        sudoku.SudokuConfig(box_rows=4)
    with pytest.raises(ConfigError, match="either config or level"):
        SudokuEnv(sudoku.SudokuConfig(), level=1)
    with pytest.raises(ConfigError, match="weights"):
        LogicMixEnv({"sudoku": 0})
    with pytest.raises(ConfigError, match="unknown logic kinds"):
        LogicMixEnv({"chess": 1})


def test_mix_follows_weights_and_curriculum():
    env = LogicMixEnv({"maze": 3, "nqueens": 1})
    kinds = [env.tasks[i].reference["kind"] for i in range(200)]
    assert set(kinds) == {"maze", "nqueens"}
    assert 110 < kinds.count("maze") < 190
    env.set_difficulty(4)  # the hardest level of the mix, as of every kind
    assert env.tasks.sources["maze"].config == maze.LEVELS[-1]
    with pytest.raises(ConfigError, match="levels 0..4"):  # one scale for every env: 99 is not a level
        env.set_difficulty(99)
    _, info = env.reset(options={"task_id": env.tasks[5].id})
    assert info["task_id"] == env.tasks[5].id


def test_task_ids_round_trip():
    env = gymnasium.make("rlvr/Countdown-v1").unwrapped
    task = env.tasks[42]
    _, info = env.reset(options={"task_id": task.id})
    assert info["reference"] == task.reference


_SNAPSHOT = """
import json
from rlvr.envs.logic import ALL_KINDS
print(json.dumps({name: [kind.instance(5, i, kind.levels[1]) for i in range(3)]
                  for name, kind in sorted(ALL_KINDS.items())}, sort_keys=True))
"""


def test_generation_is_deterministic_across_processes():
    outputs = []
    for hash_seed in ("1", "2"):
        environ = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", _SNAPSHOT], capture_output=True, text=True, env=environ,
                              check=True, timeout=60)
        outputs.append(done.stdout)
    here = json.dumps({name: [kind.instance(5, i, kind.levels[1]) for i in range(3)]
                       for name, kind in sorted(ALL_KINDS.items())}, sort_keys=True)
    assert outputs[0] == outputs[1] == here + "\n"
    other_seed = ALL_KINDS["sudoku"].instance(6, 0, sudoku.LEVELS[1])
    assert other_seed != json.loads(here)["sudoku"][0]


def test_multi_turn_feedback_names_the_failed_constraint():
    env = gymnasium.make("rlvr/Maze-v1", max_turns=2).unwrapped
    _, info = env.reset(seed=0)
    observation, reward, terminated, truncated, step_info = env.step("<answer>" + "U " * 12 + "</answer>")
    assert (reward, terminated, truncated, step_info["status"]) == (0.0, False, False, "wrong")
    assert "runs into a wall" in observation
    completion = f"<answer>{solver_answer(info['reference'])}</answer>"
    _, reward, terminated, truncated, _ = env.step(completion)
    assert (reward, terminated, truncated) == (1.0, True, False)
