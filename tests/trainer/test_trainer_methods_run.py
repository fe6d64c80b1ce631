"""Every method on at once (multi-turn episodes too), end to end on the tiny model: the run passes and each
method shows in its metrics."""

from __future__ import annotations

import pytest
from conftest import TOY_ENV, char_tokenizer, tiny_model

from rlvr.errors import ConfigError
from rlvr.evaluation.rollouts import read_rollouts
from rlvr.trainer import TrainConfig, train
from rlvr.trainer.metrics import read_metrics

ALL_METHODS = dict(
    dynamic_sampling=True, max_sampling_rounds=2, overlong_buffer=2, overlong_penalty=0.5,
    entropy_coef=0.01, entropy_mode="siren", entropy_top_p=0.9, entropy_peak_quantile=0.5,
    curriculum="adaptive", curriculum_band=[0.0, 0.01], curriculum_patience=1,
    reward_control="format", beta=0.04, ref_reset_every=2, update_sparsity=True, save_every=2,
    eval_every=2, eval_prompts=2, eval_k=2,
)


def test_a_run_with_every_method_on(tmp_path, capsys):
    tokenizer = char_tokenizer()
    cfg = TrainConfig(model="tiny", envs={TOY_ENV: 1.0}, env_kwargs={TOY_ENV: {"max_turns": 2}}, steps=3,
                      prompts_per_step=2, group_size=4, max_new_tokens=4, lr=3e-3, output_dir=str(tmp_path / "run"),
                      tensorboard=False,
                      progress=False, plots=True, **ALL_METHODS)
    result = train(cfg, model=tiny_model(tokenizer), tokenizer=tokenizer)
    out = tmp_path / "run"
    records = read_metrics(out / "metrics.jsonl")
    assert [r["step"] for r in records] == [1, 2, 3]
    first, second = records[0], records[1]
    assert 1 <= first["sampling_rounds"] <= 2 and first["generations"] in (8, 16)
    assert first["overlong_penalty"] <= 0 and "verifier_reward_mean" in first
    assert first["entropy_reg_coef"] == 0.0 and first["entropy_target"] is not None  # step 1 sets the anchor
    assert first[f"level/{TOY_ENV}"] >= 0
    assert second["ref_reset"] == 1 and "ref_reset" not in first
    assert 0 <= second["sparsity"] <= 1 and "sparsity/attention" in second and "sparsity/mlp" in second
    assert "sparsity" in records[2]  # final is a save of its own at step 3
    assert f"eval/{TOY_ENV}/pass@1" in second and f"eval/{TOY_ENV}/pass@2" in second
    assert len(read_rollouts(out / "eval" / "step-2.jsonl")) == 4  # 2 prompts x 2 samples
    assert "REWARD CONTROL 'format'" in capsys.readouterr().err
    assert (out / "config.yaml").read_text().startswith("# REWARD CONTROL 'format'")
    assert "reward_control: format" in (out / "config.yaml").read_text()
    assert result.plot is not None and result.plot.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(("changes", "message"), [
    ({"max_sampling_rounds": 0}, "max_sampling_rounds must be > 0"),
    ({"overlong_buffer": 128}, "overlong_buffer \\(128\\) must be < max_new_tokens"),
    ({"entropy_mode": "peaks"}, "entropy_mode must be one of all, siren"),
    ({"entropy_top_p": 0}, "entropy_top_p must be in \\(0, 1\\]"),
    ({"entropy_peak_quantile": 1}, "entropy_peak_quantile must be in \\[0, 1\\)"),
    ({"entropy_target": -1}, "entropy_target must be > 0"),
    ({"curriculum": "linear"}, "curriculum must be one of off, adaptive"),
    ({"curriculum_band": [0.8, 0.2]}, "curriculum_band must be \\[low, high\\]"),
    ({"curriculum_band": [0.2]}, "curriculum_band must be \\[low, high\\]"),
    ({"reward_control": "shuffled"}, "reward_control must be one of random, incorrect, format"),
    ({"ref_reset_every": 10}, "ref_reset_every needs beta > 0"),
    ({"eval_k": 0}, "eval_k must be > 0"),
    ({"eval_envs": []}, "eval_envs must name at least one env id"),
])
def test_invalid_method_settings_say_what_to_fix(changes, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**changes)


def test_method_settings_round_trip_through_yaml(tmp_path):
    cfg = TrainConfig(**{**ALL_METHODS, "eval_envs": "rlvr/Math-v1"})
    assert cfg.curriculum_band == (0.0, 0.01) and cfg.eval_envs == ("rlvr/Math-v1",)
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg


def test_a_reference_reset_copies_the_policy_and_clears_adamw(tmp_path):
    import torch

    from rlvr.trainer import GRPOTrainer

    tokenizer = char_tokenizer()
    cfg = TrainConfig(model="tiny", envs={TOY_ENV: 1.0}, steps=1, prompts_per_step=2, group_size=4, max_new_tokens=4,
                      lr=3e-2, beta=0.04, ref_reset_every=1, output_dir=str(tmp_path / "run"), tensorboard=False,
                      progress=False, plots=False)
    trainer = GRPOTrainer(cfg, model=tiny_model(tokenizer), tokenizer=tokenizer)
    trainer.optimise(trainer.rollout())  # a step without the reset: the policy leaves the reference
    moved = any(not torch.equal(a, b) for a, b in zip(trainer.model.parameters(), trainer.ref_model.parameters(),
                                                       strict=True))
    assert moved and trainer.optimizer.state
    trainer.reset_reference()
    assert all(torch.equal(a, b) for a, b in zip(trainer.model.parameters(), trainer.ref_model.parameters(),
                                                 strict=True))
    assert not trainer.optimizer.state
    trainer.close()


def test_the_curriculum_moves_the_envs_own_level():
    import gymnasium

    from rlvr.trainer.curriculum import Curriculum

    env = gymnasium.make(TOY_ENV, disable_env_checker=True).unwrapped
    curriculum = Curriculum({TOY_ENV: env}, band=(0.2, 0.8), patience=2)
    moves = [curriculum.update({TOY_ENV: rate}) for rate in (0.9, 0.9, 0.1, 0.1)]
    assert moves == [{}, {TOY_ENV: 1}, {}, {TOY_ENV: 0}] and env.level == 0
    curriculum.update({TOY_ENV: 0.9})
    state = curriculum.state_dict()
    again = Curriculum({TOY_ENV: gymnasium.make(TOY_ENV, disable_env_checker=True).unwrapped}, (0.2, 0.8), 2)
    again.load_state_dict(state)
    assert again.update({TOY_ENV: 0.9}) == {TOY_ENV: 1}  # the streak survived the checkpoint
    assert again.metrics() == {f"level/{TOY_ENV}": 1}


def test_periodic_evaluation_leaves_the_training_run_unchanged(tmp_path):
    tokenizer = char_tokenizer()
    histories = []
    for name, every in (("plain", 0), ("evaluated", 1)):
        cfg = TrainConfig(model="tiny", envs={TOY_ENV: 1.0}, steps=2, prompts_per_step=2, group_size=4,
                          max_new_tokens=4, lr=3e-3, eval_every=every, eval_prompts=2, eval_k=2,
                          output_dir=str(tmp_path / name), tensorboard=False, progress=False, plots=False)
        histories.append(train(cfg, model=tiny_model(tokenizer), tokenizer=tokenizer).history)
    plain, evaluated = histories
    assert all(f"eval/{TOY_ENV}/pass@2" in h for h in evaluated)
    assert [h["reward_mean"] for h in plain] == [h["reward_mean"] for h in evaluated]
    assert [h["loss"] for h in plain] == [h["loss"] for h in evaluated]
