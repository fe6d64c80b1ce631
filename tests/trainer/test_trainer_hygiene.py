"""What a new user meets on the first day: run folders, reproducibility, samples, checkpoints, the summary."""

from __future__ import annotations

import json

import pytest
import torch
from conftest import TOY_ENV, char_tokenizer, tiny_model

from rlvr.evaluation.rollouts import read_rollouts
from rlvr.trainer import GRPOTrainer, TrainConfig, checkpoints, train


def small(tmp_path, **changes) -> TrainConfig:
    base = dict(model="tiny", envs={TOY_ENV: 1.0}, steps=2, prompts_per_step=2, group_size=4, max_new_tokens=4,
                lr=3e-3, output_dir=str(tmp_path / "run"), tensorboard=False, progress=False, plots=False)
    return TrainConfig(**{**base, **changes})


def run(cfg: TrainConfig):
    tokenizer = char_tokenizer()
    return train(cfg, model=tiny_model(tokenizer), tokenizer=tokenizer)


def steps_logged(out) -> list[int]:
    return [json.loads(line)["step"] for line in (out / "metrics.jsonl").read_text().splitlines()]


def test_a_reused_output_dir_starts_a_fresh_numbered_run_instead_of_mixing(tmp_path, caplog):
    first = run(small(tmp_path))
    second = run(small(tmp_path))
    assert first.output_dir == tmp_path / "run" and second.output_dir == tmp_path / "run-2"
    assert steps_logged(tmp_path / "run") == [1, 2] and steps_logged(tmp_path / "run-2") == [1, 2]
    assert "holds an earlier run; this run writes to" in caplog.text


def test_same_seed_gives_the_same_first_step_even_when_loading_draws_random_numbers(tmp_path, monkeypatch):
    loads = []

    def load_model(name, tokenizer_name=None):  # the first load converts a GGUF, which draws random numbers
        if not loads:
            torch.rand(100)
        loads.append(name)
        tokenizer = char_tokenizer()
        return tiny_model(tokenizer), tokenizer

    monkeypatch.setattr("rlvr.trainer.loop.load_model", load_model)
    first = []
    for i in range(2):  # one after the other: the global RNG is shared
        trainer = GRPOTrainer(small(tmp_path / str(i), steps=1))
        first.append(trainer.train_step())
        trainer.close()
    keys = ("reward_mean", "completion_len", "loss", "grad_norm")
    assert [first[0][k] for k in keys] == [first[1][k] for k in keys]


def test_samples_are_logged_with_rewards_and_statuses_and_printed(tmp_path, capsys):
    run(small(tmp_path, log_samples=3, print_sample_every=2, tensorboard=True))
    out = tmp_path / "run"
    records = read_rollouts(out / "samples.jsonl")  # the rollout format of `rlvr eval`, for `rlvr reverify`
    assert [r.extra["step"] for r in records] == [1, 1, 1, 2, 2, 2]
    assert records[0].env == TOY_ENV and records[0].completion_tokens <= 4 and records[0].status
    assert records[0].reference == {"letter": "a"} and records[0].prompt.endswith(":")
    printed = capsys.readouterr().err
    assert "[step 1]" in printed and "[step 2]" in printed
    assert list((out / "tensorboard").glob("events.out.tfevents.*"))


def test_checkpoints_rotate_keep_one_optimiser_state_and_link_final(tmp_path, monkeypatch):
    run(small(tmp_path, steps=3, save_every=1, save_total_limit=2))
    out = tmp_path / "run"
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-2", "checkpoint-3"]
    assert (out / "final").is_symlink() and (out / "final").resolve() == (out / "checkpoint-3").resolve()
    assert not (out / "checkpoint-2" / checkpoints.OPTIMIZER_FILE).exists()
    assert (out / "checkpoint-3" / checkpoints.OPTIMIZER_FILE).exists()
    assert json.loads((out / "checkpoint-2" / checkpoints.INFO_FILE).read_text())["step"] == 2

    def no_full_loads(*args, **kwargs):
        raise AssertionError("finding the latest checkpoint must not load a full state")

    monkeypatch.setattr(checkpoints.torch, "load", no_full_loads)
    assert checkpoints.find(out, "latest") == out / "checkpoint-3"


def test_a_checkpoint_without_optimiser_state_resumes_with_a_warning(tmp_path, caplog):
    cfg = small(tmp_path, save_optimizer="none")
    run(cfg)
    final = tmp_path / "run" / "final"
    assert not final.is_symlink() and not (final / checkpoints.OPTIMIZER_FILE).exists()
    history = run(cfg.replace(steps=3, resume_from="latest")).history
    assert [h["step"] for h in history] == [3]
    assert "AdamW's moments restart from zero" in caplog.text


@pytest.mark.parametrize(("changes", "message"), [
    ({"save_optimizer": "best"}, "save_optimizer must be one of latest, all, none"),
    ({"save_total_limit": -1}, "save_total_limit must be >= 0"),
    ({"log_samples": -1}, "log_samples must be >= 0"),
])
def test_invalid_checkpoint_and_sample_settings(changes, message):
    from rlvr.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        TrainConfig(**changes)
