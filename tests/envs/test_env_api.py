"""The API every env shares: one difficulty scale, task ids that name one task across configs, and rlvr errors
(that are still the builtin errors callers caught before) for a wrong option, task or action."""

from __future__ import annotations

import json
import subprocess
import sys

import gymnasium as gym
import pytest

import rlvr  # noqa: F401 - registers the envs
from rlvr.envs.code import CodeEnv, load_jsonl
from rlvr.envs.lean import load_jsonl as load_lean
from rlvr.envs.logic import LogicMixEnv, SudokuConfig, SudokuEnv
from rlvr.envs.math import MathDataset, MathEnv
from rlvr.errors import ConfigError, InvalidAction, InvalidOption, RlvrError, TaskNotFound
from rlvr.registry import ENVS, difficulty_levels


@pytest.mark.parametrize("env_id", sorted(ENVS))
def test_every_env_has_levels_from_0_and_a_set_difficulty_that_checks_them(env_id: str) -> None:
    env = gym.make(env_id).unwrapped
    assert env.levels == tuple(difficulty_levels(env_id)) == tuple(range(len(env.levels)))
    top = env.levels[-1]
    env.set_difficulty(top)
    assert env.level == top and env.reset(seed=0)[0]
    env.set_difficulty(0)
    for bad in (top + 1, -1, True, "1", 1.0):
        with pytest.raises(ConfigError, match="difficulty level"):
            env.set_difficulty(bad)


@pytest.mark.parametrize("env_id", sorted(ENVS))
def test_a_task_id_brings_back_its_task_in_a_fresh_env(env_id: str) -> None:
    prompt, info = gym.make(env_id).reset(seed=3)
    again, same = gym.make(env_id).reset(options={"task_id": info["task_id"]})
    assert (again, same["reference"], same["task_id"]) == (prompt, info["reference"], info["task_id"])


def test_envs_with_one_level_say_so() -> None:
    for env in (CodeEnv(), gym.make("rlvr/Lean-v0").unwrapped, gym.make("rlvr/GSMSymbolic-v1").unwrapped):
        assert env.levels == (0,)
        env.set_difficulty(0)
        with pytest.raises(ConfigError, match="one difficulty level, 0; got 2"):
            env.set_difficulty(2)


def test_math_level_is_difficulty_minus_one_and_old_difficulty_still_works() -> None:
    by_level = MathEnv(level=2).reset(seed=5)
    by_difficulty = MathEnv(difficulty=3).reset(seed=5)
    assert by_level[0] == by_difficulty[0] and by_level[1]["metadata"]["level"] == 2
    with pytest.raises(ConfigError, match="not both"):
        MathEnv(level=2, difficulty=3)
    with pytest.raises(ConfigError, match="difficulty levels 0..4; got 5"):
        MathEnv(level=5)


def test_a_math_dataset_has_one_level(tmp_path) -> None:
    data = tmp_path / "mine.jsonl"
    data.write_text(json.dumps({"question": "1+1?", "answer": "2"}) + "\n")
    env = MathEnv(data_path=data)
    assert env.levels == (0,)
    with pytest.raises(ConfigError, match="one difficulty level"):
        env.set_difficulty(3)


def test_logic_ids_name_the_level_so_one_id_is_one_puzzle() -> None:
    easy, hard = SudokuEnv(level=0).tasks[17], SudokuEnv(level=4).tasks[17]
    assert (easy.id, hard.id) == ("sudoku/L0/0/17", "sudoku/L4/0/17")
    served = SudokuEnv(level=0).tasks.by_id(hard.id)  # an env at another level still serves the id's puzzle
    assert served.reference == hard.reference and len(served.reference["grid"]) == 9


def test_a_custom_config_has_its_own_id_which_another_config_refuses() -> None:
    custom = SudokuEnv(clues=10).tasks[3]
    assert custom.id.startswith("sudoku/c") and custom.metadata["level"] is None
    assert SudokuEnv(SudokuConfig(clues=10)).tasks.by_id(custom.id) == custom
    with pytest.raises(TaskNotFound, match="another sudoku config"):
        SudokuEnv(clues=11).reset(options={"task_id": custom.id})
    with pytest.raises(TaskNotFound, match="sudoku/L<level>/<seed>/<index>"):
        SudokuEnv().reset(options={"task_id": "sudoku/0/17"})  # the old, ambiguous form


def test_mix_ids_are_the_kinds_ids() -> None:
    env = LogicMixEnv(level=3)
    task = env.tasks[8]
    assert task.id.split("/")[1] == "L3" and LogicMixEnv().tasks.by_id(task.id) == task


def test_math_ids_name_level_and_kinds() -> None:
    env = MathEnv(level=3, kinds="word")
    task = env.tasks[11]
    assert task.id == "math/L3-word/0/11" and task.metadata["kind"] == "word"
    assert MathEnv().tasks.by_id(task.id) == task and MathEnv().tasks[11].id == "math/L0/0/11"
    with pytest.raises(TaskNotFound, match="math/L<level>"):
        MathEnv().reset(options={"task_id": "math-0-1-11"})


@pytest.mark.parametrize(("kinds", "expected"), [("word", {"word"}), (["linear", "word"], {"linear", "word"})])
def test_math_kinds_take_one_name_or_a_list(kinds, expected) -> None:
    env = MathEnv(kinds=kinds)
    assert {env.tasks[i].metadata["kind"] for i in range(40)} == expected


@pytest.mark.parametrize("kinds", ["words", 5, [], ["word", "calculus"]])
def test_bad_math_kinds_are_refused(kinds) -> None:
    with pytest.raises(ConfigError, match="kinds must be one of"):
        MathEnv(kinds=kinds)


def test_code_records_without_ids_get_a_stable_id(tmp_path) -> None:
    records = [{"text": "Double a number.", "test_list": ["assert double(2) == 4"]},
               {"question": "Print the sum of two numbers.", "inputs": ["1 2\n"], "outputs": ["3\n"]}]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(map(json.dumps, records)))
    ids = [task.id for task in load_jsonl(path)]
    assert all(task_id.startswith("code-") and len(task_id) == 17 for task_id in ids) and len(set(ids)) == 2
    assert [task.id for task in load_jsonl(path)] == ids
    assert CodeEnv(path).reset(options={"task_id": ids[1]})[1]["reference"]["outputs"] == ["3\n"]


def test_duplicate_ids_are_refused_when_loading(tmp_path) -> None:
    code = tmp_path / "code.jsonl"
    code.write_text("\n".join(json.dumps({"task_id": 7, "text": f"Task {i}.", "test_list": ["assert f() == 1"]})
                              for i in range(2)))
    with pytest.raises(ConfigError, match="tasks 0 and 1 share the id '7'"):
        load_jsonl(code)
    lean = tmp_path / "lean.jsonl"
    lean.write_text("\n".join(json.dumps({"name": "same", "formal_statement": f"theorem same : {i} = {i} := by sorry"})
                              for i in range(2)))
    with pytest.raises(ConfigError, match="share the id 'same'"):
        load_lean(lean)
    with pytest.raises(ConfigError, match="share the id 'a'"):
        MathDataset.from_rows([{"id": "a", "question": "q", "answer": "1"}] * 2)


def test_env_errors_are_rlvr_errors_and_the_builtin_ones_callers_caught() -> None:
    env = gym.make("rlvr/Math-v1").unwrapped
    cases = [
        (lambda: env.reset(options={"task_idx": "math/L0/0/1"}), InvalidOption, "unknown reset options ['task_idx']"),
        (lambda: env.reset(options={"index": 1, "task_id": "math/L0/0/1"}), InvalidOption, "not both"),
        (lambda: env.reset(options={"index": True}), InvalidOption, "must be an integer, got bool"),
        (lambda: env.reset(options={"index": 1.5}), InvalidOption, "must be an integer, got float"),
        (lambda: env.reset(options={"index": -1}), TaskNotFound, "out of range"),
        (lambda: env.reset(options={"task_id": "nope"}), TaskNotFound, "ids look like"),
    ]
    for call, error, words in cases:
        with pytest.raises(error, match=words.replace("[", r"\[").replace("]", r"\]")) as caught:
            call()
        assert isinstance(caught.value, RlvrError)
    assert issubclass(InvalidOption, TypeError) and issubclass(InvalidOption, ConfigError)
    assert issubclass(TaskNotFound, KeyError) and issubclass(TaskNotFound, IndexError)
    env.reset(seed=0)
    with pytest.raises(InvalidAction, match="completion text") as caught:
        env.step(42)
    assert isinstance(caught.value, TypeError)


def test_an_unknown_option_names_the_known_ones() -> None:
    with pytest.raises(InvalidOption, match=r"known: \['index', 'task_id'\]"):
        SudokuEnv().reset(options={"level": 2})


def test_the_module_prefix_makes_an_env_without_import_rlvr() -> None:
    """What README says: `rlvr:` imports rlvr first; without it (or `import rlvr`) Gymnasium cannot know the id."""
    code = ("import gymnasium as gym\n"
            "try:\n    gym.make('rlvr/Math-v1')\nexcept gym.error.NamespaceNotFound as exc:\n    print(exc)\n"
            "print(gym.make('rlvr:rlvr/Math-v1').reset(seed=0)[1]['task_id'])\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    missing, made = run.stdout.splitlines()
    assert missing.startswith("Namespace rlvr not found") and made.startswith("math/L0/0/")
