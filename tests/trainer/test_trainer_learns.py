"""End to end on CPU: a tiny Llama learns the toy env, and runs save, resume, log and plot."""

from __future__ import annotations

import json

import gymnasium
import pytest
import torch
from conftest import TOY_ENV, char_tokenizer, tiny_model

from rlvr.trainer import GRPOTrainer, TrainConfig, train
from rlvr.trainer.errors import CheckpointError


def toy_config(tmp_path, **changes) -> TrainConfig:
    base = dict(model="tiny", envs={TOY_ENV: 1.0}, steps=40, prompts_per_step=4, group_size=8,
                max_new_tokens=8, lr=3e-3, micro_batch_size=16, output_dir=str(tmp_path / "run"),
                tensorboard=False, progress=False, plots=False)
    return TrainConfig(**{**base, **changes})


def mean_reward(history, steps) -> float:
    return sum(h["reward_mean"] for h in steps(history)) / len(steps(history))


@pytest.mark.parametrize("variant", [
    {},  # DAPO token mean, no reference model, one optimiser step per batch
    {"loss_aggregation": "seq_mean", "beta": 0.04, "inner_steps": 2, "micro_batch_size": 8},
    {"loss_aggregation": "dr_grpo", "advantage_scale": "none", "clip_eps_high": 0.28, "lr": 1e-2},
], ids=["token_mean", "seq_mean-kl-mu2-accum", "dr_grpo"])
def test_mean_reward_rises_clearly_within_forty_steps(tmp_path, variant):
    tokenizer = char_tokenizer()
    result = train(toy_config(tmp_path, **variant), model=tiny_model(tokenizer), tokenizer=tokenizer)
    history = result.history
    start = mean_reward(history, lambda h: h[:5])
    end = mean_reward(history, lambda h: h[-5:])
    assert start < 0.2, f"the untrained model should rarely emit 'a' (start reward {start:.3f})"
    assert end > start + 0.3, f"reward did not rise: {start:.3f} -> {end:.3f}"
    assert sum(h["masked"] for h in history) > 0, "the toy env's broken checks should have been masked"
    if variant.get("beta"):
        assert history[-1]["kl"] > 0


def test_a_batch_of_null_rewards_is_masked_not_learned_from(tmp_path, monkeypatch):
    from rlvr.results import Status, VerifyResult

    # The class gym makes TOY_ENV with (the conftest module can be imported twice under two names: this one is
    # whichever registered first).
    env_class = gymnasium.registry[TOY_ENV].entry_point
    monkeypatch.setattr(env_class, "score", lambda self, c, t: VerifyResult.broken(Status.TIMEOUT, "slow"))
    tokenizer = char_tokenizer()
    model = tiny_model(tokenizer)
    before = [p.detach().clone() for p in model.parameters()]
    history = train(toy_config(tmp_path, steps=2), model=model, tokenizer=tokenizer).history
    assert [h["masked"] for h in history] == [32, 32]
    assert all(h["reward_mean"] != h["reward_mean"] for h in history)  # NaN: no reward, not 0
    assert all(h["pass_rate"] != h["pass_rate"] for h in history)  # nothing judged: no pass rate, not 0
    assert all(h["zero_signal_groups"] == 4 for h in history)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    logged = (tmp_path / "run" / "metrics.jsonl").read_text()
    assert "NaN" not in logged and '"reward_mean": null' in logged


def test_resume_continues_exactly_where_an_uninterrupted_run_would_be(tmp_path):
    tokenizer = char_tokenizer()
    full = train(toy_config(tmp_path / "a", steps=6), model=tiny_model(tokenizer),
                 tokenizer=tokenizer).history
    cfg = toy_config(tmp_path / "b", steps=3, save_every=3)
    train(cfg, model=tiny_model(tokenizer), tokenizer=tokenizer)
    resumed = train(cfg.replace(steps=6, resume_from="latest"), model=tiny_model(tokenizer),
                    tokenizer=tokenizer).history
    assert [h["step"] for h in resumed] == [4, 5, 6]
    expected = [h["reward_mean"] for h in full[3:]]
    assert [h["reward_mean"] for h in resumed] == pytest.approx(expected, abs=1e-6)


def test_same_seed_same_run(tmp_path):
    tokenizer = char_tokenizer()
    runs = [train(toy_config(tmp_path / str(i), steps=3), model=tiny_model(tokenizer), tokenizer=tokenizer)
            for i in range(2)]
    assert [h["reward_mean"] for h in runs[0].history] == [h["reward_mean"] for h in runs[1].history]


def test_resume_from_a_folder_without_state_says_what_to_pass(tmp_path):
    tokenizer = char_tokenizer()
    with pytest.raises(CheckpointError, match="checkpoint-N folder or 'latest'"):
        GRPOTrainer(toy_config(tmp_path, resume_from=str(tmp_path)), model=tiny_model(tokenizer),
                    tokenizer=tokenizer)


def test_outputs_metrics_tensorboard_checkpoint_and_plot(tmp_path):
    from transformers import AutoModelForCausalLM

    tokenizer = char_tokenizer()
    cfg = toy_config(tmp_path, steps=3, tensorboard=True, plots=True)
    result = train(cfg, model=tiny_model(tokenizer), tokenizer=tokenizer)
    out = tmp_path / "run"
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [1, 2, 3]
    for key in ("reward_mean", "pass_rate", "kl", "entropy", "completion_len", "masked", "zero_signal_groups",
                "gen_tokens_per_s", "train_tokens_per_s", "lr", "grad_norm", f"reward/{TOY_ENV}"):
        assert key in records[-1], key
    assert list((out / "tensorboard").glob("events.out.tfevents.*"))
    assert result.plot == out / "training.png" and result.plot.read_bytes()[:4] == b"\x89PNG"
    reloaded = AutoModelForCausalLM.from_pretrained(out / "final")
    assert reloaded.config.hidden_size == 32


def test_dropout_is_switched_off_so_on_policy_ratios_are_exactly_one(tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    tokenizer = char_tokenizer()
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_embd=32, n_layer=1, n_head=2, n_positions=64,
                                       eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id))
    trainer = GRPOTrainer(toy_config(tmp_path, steps=1), model=model, tokenizer=tokenizer)
    assert all(m.p == 0.0 for m in model.modules() if isinstance(m, torch.nn.Dropout))
    assert trainer.train().history[0]["completion_len"] > 0
    trainer.close()
