"""rlvr/Math-v1: the golden example of an env test; a new family copies this file's shape."""

from __future__ import annotations

import json
import subprocess
import sys

import gymnasium as gym
import numpy as np
import pytest

import rlvr  # noqa: F401 - registers the envs
from rlvr.envs.math import MathDataset, ProceduralMath, generate
from rlvr.errors import ConfigError


def test_reset_gives_a_prompt_and_step_scores_it() -> None:
    env = gym.make("rlvr/Math-v1")
    prompt, info = env.reset(seed=3)
    assert "\\boxed{}" in prompt and info["messages"][-1] == {"role": "user", "content": prompt}
    answer = info["reference"]["answer"]
    _, reward, terminated, truncated, info = env.step(f"Working... so the answer is \\boxed{{{answer}}}.")
    assert (reward, terminated, truncated, info["status"]) == (1.0, True, False, "correct")


def test_a_wrong_answer_scores_zero_with_a_reason() -> None:
    env = gym.make("rlvr/Math-v1")
    env.reset(seed=3)
    _, reward, terminated, _, info = env.step("\\boxed{not even close}")
    assert (reward, terminated, info["status"]) == (0.0, True, "wrong") and info["reason"]


def test_seeding_is_reproducible_and_tasks_can_be_chosen() -> None:
    env = gym.make("rlvr/Math-v1", difficulty=3)
    assert env.reset(seed=7)[0] == env.reset(seed=7)[0]
    assert env.reset(seed=7)[0] != env.reset(seed=8)[0]
    prompt, info = env.reset(options={"index": 12})
    assert env.reset(options={"task_id": info["task_id"]})[0] == prompt


def test_generation_is_identical_across_processes() -> None:
    code = "from rlvr.envs.math import generate; print(repr([generate(5, i, 4) for i in range(20)]))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1 and repr([generate(5, i, 4) for i in range(20)]) + "\n" in runs


@pytest.mark.parametrize("difficulty", range(1, 6))
def test_every_generated_gold_is_accepted_by_the_verifier(difficulty: int) -> None:
    source = ProceduralMath(seed=1, difficulty=difficulty)
    for index in range(25):
        task = source[index]
        result = rlvr.verify("rlvr/Math-v1", completion=f"\\boxed{{{task.reference['answer']}}}",
                             reference=task.reference)
        assert result.status == "correct", (task, result)


def test_curriculum_hook_changes_difficulty() -> None:
    """`set_difficulty` takes the level every env shares (0-4); `difficulty` is the older 1-5 name of it."""
    env = gym.make("rlvr/Math-v1", difficulty=1)
    env.unwrapped.set_difficulty(3)
    _, info = env.reset(seed=0)
    assert (info["metadata"]["level"], info["metadata"]["difficulty"]) == (3, 4)


def test_user_data_from_jsonl_and_parquet(tmp_path) -> None:
    rows = [{"question": "What is 6 x 7?", "answer": "Six sevens.\n#### 42"},
            {"question": "Half of 1?", "answer": "0.5"}]
    jsonl = tmp_path / "mine.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows))
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = tmp_path / "mine.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    for path in (jsonl, parquet):
        env = gym.make("rlvr/Math-v1", data_path=str(path))
        prompt, info = env.reset(options={"index": 0})
        assert prompt.startswith("What is 6 x 7?") and info["reference"] == {"answer": "42"}
        assert env.step("\\boxed{42}")[1] == 1.0


def test_hugging_face_datasets_from_local_files(tmp_path) -> None:
    import datasets

    path = tmp_path / "local.jsonl"
    path.write_text(json.dumps({"problem": "1+1?", "solution": "2"}) + "\n")
    dataset = datasets.load_dataset("json", data_files=str(path), split="train")
    tasks = MathDataset.from_hf(dataset, question_key="problem", answer_key="solution")
    assert len(tasks) == 1 and tasks[0].reference == {"answer": "2"}


def test_vector_envs_work() -> None:
    envs = gym.vector.SyncVectorEnv([lambda: gym.make("rlvr/Math-v1") for _ in range(3)])
    prompts, infos = envs.reset(seed=0)
    assert len(prompts) == 3 and len(set(prompts)) == 3
    answers = [f"\\boxed{{{answer}}}" for answer in infos["reference"]["answer"]]
    _, rewards, terminated, _, _ = envs.step(np.array(answers, dtype=object))
    assert rewards.tolist() == [1.0, 1.0, 1.0] and terminated.all()
    envs.close()


def test_bad_configuration_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ConfigError):
        gym.make("rlvr/Math-v1", difficulty=9)
    with pytest.raises(ConfigError):
        gym.make("rlvr/Math-v1", kinds=("calculus",))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"q": "x"}) + "\n")
    with pytest.raises(ConfigError, match="question_key"):
        gym.make("rlvr/Math-v1", data_path=str(bad))


def test_step_before_reset_is_refused() -> None:
    env = gym.make("rlvr/Math-v1", disable_env_checker=True)
    with pytest.raises(gym.error.ResetNeeded):
        env.step("\\boxed{1}")


def test_gsm_symbolic_from_reasoning_gym_runs_offline_and_scores_its_gold() -> None:
    env = gym.make("rlvr/GSMSymbolic-v1")
    prompt, info = env.reset(seed=0)
    assert "\\boxed{}" in prompt and info["task_id"].startswith("gsm_symbolic-0-")
    assert env.reset(options={"task_id": info["task_id"]})[0] == prompt
    gold = info["reference"]["answer"]
    _, reward, _, _, info = env.step(f"Adding it all up gives \\boxed{{{gold}}}.")
    assert (reward, info["status"]) == (1.0, "correct")
    env.reset(seed=0)
    _, reward, _, _, info = env.step(f"\\boxed{{{int(float(gold)) + 1}}}")
    assert (reward, info["status"]) == (0.0, "wrong")


def test_an_unknown_reasoning_gym_dataset_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="reasoning-gym cannot make"):
        gym.make("rlvr/Math-v1", reasoning_gym="no_such_dataset")
