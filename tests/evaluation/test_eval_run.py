"""`rlvr eval` end to end on a tiny local model: the files it writes, and report.json against its own rollouts."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from rlvr.cli import main
from rlvr.evaluation.metrics import pass_at_k
from rlvr.evaluation.rollouts import read_rollouts, summarize_rollouts
from rlvr.evaluation.tasks import EVAL_SEED, draw_tasks

ENVS = ("rlvr/Math-v1", "rlvr/Countdown-v1")
FIELDS = {"env", "task_id", "reference", "prompt", "completion", "reward", "status", "reason", "env_version"}


@pytest.fixture(scope="module")
def run_dir(tiny_model_dir: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("eval-run")
    argv = ["eval", "--model", str(tiny_model_dir), "--n", "3", "--samples", "4", "--max-new-tokens", "12",
            "--batch-size", "8", "--output", str(out), "--no-progress",
            "--env-kwargs", "rlvr/Math-v1={level: 1}"]
    for env in ENVS:
        argv += ["--env", env]
    assert main(argv) == 0
    return out


def test_eval_writes_the_three_files(run_dir: Path) -> None:
    assert {p.name for p in run_dir.iterdir()} == {"report.json", "rollouts.jsonl", "report.html"}
    report = json.loads((run_dir / "report.json").read_text())
    assert report["seed"] == EVAL_SEED and report["samples"] == 4 and report["model"].endswith("tiny-model0")
    assert list(report["envs"]) == list(ENVS)
    for summary in report["envs"].values():
        assert {"n", "samples", "mean_reward", "pass@1", "pass@4", "maj@4", "null_rate", "mean_length",
                "truncated_frac", "pass@1_se", "timing"} <= set(summary)
        assert summary["n"] == 3 and summary["completions"] == 12
        assert 0 < summary["timing"]["s_per_completion"] and 0 <= summary["timing"]["score_share"] <= 1


def test_rollouts_hold_one_line_per_completion_with_every_field(run_dir: Path) -> None:
    lines = [json.loads(line) for line in (run_dir / "rollouts.jsonl").read_text().splitlines()]
    assert len(lines) == len(ENVS) * 3 * 4
    assert all(FIELDS <= set(line) for line in lines)
    assert {line["env_version"] for line in lines} == {"v1"}
    per_task = defaultdict(list)
    for line in lines:
        per_task[(line["env"], line["task_id"])].append(line["sample"])
    assert all(sorted(samples) == [0, 1, 2, 3] for samples in per_task.values())
    assert all(0 < line["completion_tokens"] <= 12 for line in lines)


def test_report_json_agrees_with_its_rollouts(run_dir: Path) -> None:
    report = json.loads((run_dir / "report.json").read_text())
    records = read_rollouts(run_dir / "rollouts.jsonl")
    recomputed = summarize_rollouts(records)
    for env, summary in report["envs"].items():
        assert {k: v for k, v in summary.items() if k != "timing"} == recomputed[env]
        # and by hand, from the lines alone
        mine = [r for r in records if r.env == env]
        tasks = defaultdict(list)
        for r in mine:
            tasks[r.task_id].append(r.reward == 1.0)
        by_hand = sum(pass_at_k(len(v), sum(v), 1) for v in tasks.values()) / len(tasks)
        assert summary["pass@1"] == pytest.approx(by_hand)
        assert summary["truncated_frac"] == pytest.approx(sum(r.truncated for r in mine) / len(mine))
        assert summary["mean_length"] == pytest.approx(sum(r.completion_tokens for r in mine) / len(mine))


def test_the_stored_reference_is_the_one_the_env_scores_against(run_dir: Path) -> None:
    records = read_rollouts(run_dir / "rollouts.jsonl")
    drawn = {t.id: t for t in draw_tasks("rlvr/Math-v1", 3, EVAL_SEED, {"level": 1})}
    math_records = [r for r in records if r.env == "rlvr/Math-v1"]
    assert {r.task_id for r in math_records} == set(drawn)
    assert all(dict(r.reference) == dict(drawn[r.task_id].reference) for r in math_records)


def test_tasks_are_distinct_and_a_function_of_the_seed() -> None:
    first = draw_tasks("rlvr/Math-v1", 20, seed=7)
    assert len({t.id for t in first}) == 20
    assert [t.id for t in first] == [t.id for t in draw_tasks("rlvr/Math-v1", 20, seed=7)]
    assert {t.id for t in first}.isdisjoint(t.id for t in draw_tasks("rlvr/Math-v1", 20, seed=8))


@pytest.mark.parametrize(("argv", "message"), [
    (["--env", "rlvr/Mathh-v1"], "did you mean rlvr/Math-v1"),
    (["--env", "rlvr/Math-v1", "--env-kwargs", "rlvr/Math-v1=[1, 2]"], "--env-kwargs takes ENV=YAML mapping"),
    (["--env", "rlvr/Math-v1", "--env-kwargs", "rlvr/Sudoku-v1={level: 1}"], "not evaluated"),
    (["--env", "rlvr/Math-v1", "--samples", "0"], "n and samples must be >= 1"),
    (["--env", "rlvr/Math-v1", "--temperature", "0"], "temperature must be > 0"),
    (["--env", "rlvr/Math-v1"], "cannot load model"),  # the model folder does not exist
])
def test_eval_usage_errors_are_one_line_and_exit_2(argv: list[str], message: str, tmp_path: Path, capsys) -> None:
    assert main(["eval", "--model", str(tmp_path / "no-model"), "--output", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
