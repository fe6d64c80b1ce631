"""rlvr/Lean-v0: registration, the built-in statements, the miniF2F-style loader."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import rlvr
from rlvr.envs.lean import LeanEnv, builtin_tasks, load_jsonl
from rlvr.envs.lean.source import parse_reference, split_signature
from rlvr.envs.lean.tasks import statement_stub
from rlvr.errors import InvalidReferenceError
from rlvr.results import Status


def test_builtin_statements_parse():
    tasks = builtin_tasks()
    assert len(tasks) >= 30
    topics = {tasks[i].metadata["topic"] for i in range(len(tasks))}
    assert {"algebra", "number_theory", "inequality"} <= topics
    ids = [tasks[i].id for i in range(len(tasks))]
    assert len(set(ids)) == len(ids)
    for i in range(len(tasks)):
        ref = parse_reference(tasks[i].reference["statement"], tasks[i].reference["header"])
        assert ref.name == tasks[i].id
        split_signature(ref.signature)


def test_env_episode_with_static_backend(monkeypatch):
    monkeypatch.delenv("RLVR_LEAN_BACKEND", raising=False)
    env = gym.make("rlvr/Lean-v0")
    prompt, info = env.reset(seed=3, options={"task_id": "rlvr_nt_gcd"})
    assert "theorem rlvr_nt_gcd : Nat.gcd 180 168 = 12 := by\n```" in prompt and "sorry" not in prompt
    _, reward, terminated, _, info = env.step("norm_num")
    assert terminated and reward == 0.0 and info["status"] == "unverified" and info["reward"] is None
    env.reset(options={"task_id": "rlvr_nt_gcd"})
    _, _, _, _, info = env.step("theorem rlvr_nt_gcd : Nat.gcd 180 168 = 13 := by\n  norm_num")
    assert info["status"] == "wrong" and "statement" in info["reason"]


def test_check_env():
    check_env(LeanEnv().unwrapped, skip_render_check=True)


def test_multi_turn_feedback_names_the_reason():
    env = LeanEnv(max_turns=2)
    env.reset(options={"index": 0})
    observation, _, terminated, truncated, _ = env.step("sorry")
    assert not terminated and not truncated and "sorry" in observation


def test_minif2f_jsonl_loader(tmp_path):
    path = tmp_path / "minif2f.jsonl"
    rows = [
        {"name": "mathd_algebra_10", "split": "test", "informal_prefix": "/-- Compute. -/",
         "header": "import Mathlib\nopen Real", "formal_statement":
         "theorem mathd_algebra_10 : abs ((120 : ℝ) / 100 * 30 - 130) = 94 := by\n"},
        {"name": "amc12_2000_p1", "split": "valid",
         "formal_statement": "theorem amc12_2000_p1 (i : ℕ) : i = i := by sorry"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    tasks = load_jsonl(path, split="test")
    assert len(tasks) == 1
    task = tasks.by_id("mathd_algebra_10")
    assert task.reference["header"] == "import Mathlib\nopen Real"
    assert task.metadata["split"] == "test" and task.prompt.startswith("/-- Compute. -/")
    env = gym.make("rlvr/Lean-v0", path=str(path))
    assert len(env.unwrapped.tasks) == 2
    result = rlvr.verify("rlvr/Lean-v0", completion="native_decide", reference=task.reference)
    assert result.status == Status.WRONG
    path.write_text('{"name": "x"}\n', encoding="utf-8")
    with pytest.raises(InvalidReferenceError, match="formal_statement"):
        load_jsonl(path)


@pytest.mark.parametrize(("statement", "stub"), [
    ("theorem t : 1 = 1 := by sorry", "theorem t : 1 = 1 := by"),
    ("theorem t : 1 = 1 := by\n", "theorem t : 1 = 1 := by"),
    ("theorem t : 1 = 1 :=", "theorem t : 1 = 1 := by"),
    ("theorem t : 1 = 1", "theorem t : 1 = 1 := by"),
])
def test_statement_stub(statement, stub):
    assert statement_stub(statement) == stub


def test_packaging_lists_the_lean_packages_and_data():
    import tomllib

    setuptools = tomllib.loads((Path(__file__).parents[3] / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = setuptools["tool"]["setuptools"]
    assert {"rlvr.envs.lean", "rlvr.envs.lean.data"} <= set(setuptools["packages"])
    assert setuptools["package-data"]["rlvr.envs.lean.data"] == ["*.jsonl"]


def test_lean_compose_profile_is_opt_in():
    import yaml

    path = Path(__file__).parents[3] / "docker/lean/compose.yaml"
    compose = yaml.safe_load(path.read_text(encoding="utf-8"))
    service = compose["services"]["server-lean"]
    assert service["profiles"] == ["lean"] and service["environment"]["RLVR_LEAN_BACKEND"] == "repl"
