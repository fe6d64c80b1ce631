"""TrainConfig validation, YAML loading, and the `rlvr train` command."""

from __future__ import annotations

import json

import pytest
from conftest import TOY_ENV, char_tokenizer, tiny_model

from rlvr.cli import main
from rlvr.errors import ConfigError
from rlvr.trainer import TrainConfig


@pytest.mark.parametrize(("envs", "expected"), [
    ("rlvr/Math-v1", {"rlvr/Math-v1": 1.0}),
    (["a/A-v0", "b/B-v0"], {"a/A-v0": 0.5, "b/B-v0": 0.5}),
    ({"a/A-v0": 3, "b/B-v0": 1, "c/C-v0": 0}, {"a/A-v0": 0.75, "b/B-v0": 0.25}),
])
def test_env_mixtures_are_normalised(envs, expected):
    assert TrainConfig(envs=envs).envs == expected


@pytest.mark.parametrize(("changes", "message"), [
    ({"group_size": 1}, "group_size must be >= 2"),
    ({"temperature": 0}, "temperature must be > 0"),
    ({"loss_aggregation": "mean"}, "loss_aggregation must be one of token_mean, seq_mean, dr_grpo"),
    ({"clip_eps": 0.3, "clip_eps_high": 0.2}, "clip_eps_high"),
    ({"envs": {}}, "envs must be an env id"),
    ({"envs": {"a/A-v0": -1}}, "weights must be >= 0"),
    ({"env_kwargs": {"b/B-v0": {}}}, "not in envs"),
    ({"backend": "sglang"}, "backend must be one of"),
    ({"micro_batch_size": 0}, "micro_batch_size must be > 0"),
    ({"bf16": "yes"}, "bf16 must be"),
])
def test_invalid_configs_say_what_to_fix(changes, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**changes)


def test_yaml_round_trip_and_unknown_keys(tmp_path):
    path = tmp_path / "train.yaml"
    path.write_text("envs: {rlvr/Math-v1: 1, rlvr/Sudoku-v1: 1}\ngroup_size: 4\nlr: 2.0e-6\n")
    cfg = TrainConfig.from_yaml(path, {"steps": 7})
    assert (cfg.group_size, cfg.lr, cfg.steps, cfg.batch_size) == (4, 2e-6, 7, 16)
    assert cfg.envs == {"rlvr/Math-v1": 0.5, "rlvr/Sudoku-v1": 0.5}
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    path.write_text("group_sise: 4\n")
    with pytest.raises(ConfigError, match="unknown config keys \\['group_sise'\\]"):
        TrainConfig.from_yaml(path)


@pytest.mark.parametrize("name", ["train.yaml", "train_methods.yaml"])
def test_example_configs_are_valid(name):
    from pathlib import Path

    example = Path(__file__).parents[2] / "examples" / name
    assert TrainConfig.from_yaml(example).model == "smollm2-135m"


def test_rlvr_train_runs_from_a_yaml_file(tmp_path, capsys):
    tokenizer = char_tokenizer()
    tiny_model(tokenizer).save_pretrained(tmp_path / "tiny")
    tokenizer.save_pretrained(tmp_path / "tiny")
    config = tmp_path / "train.yaml"
    config.write_text(f"model: {tmp_path / 'tiny'}\nenvs: {TOY_ENV}\nsteps: 5\nprompts_per_step: 2\n"
                      "group_size: 4\nmax_new_tokens: 6\ntensorboard: false\nprogress: false\n")
    code = main(["train", "--config", str(config), "--output-dir", str(tmp_path / "out"), "--steps", "2",
                 "--set", "lr=1e-3", "--set", "plots=false"])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0 and summary["steps"] == 2 and summary["plot"] is None
    assert main(["train", "--config", str(config), "--output-dir", str(tmp_path / "out"), "--steps", "3",
                 "--set", "plots=false", "--resume", "latest"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (summary["steps"], summary["steps_this_call"]) == (3, 1)  # the run's total, not this call's
    assert (tmp_path / "out" / "final" / "trainer_state.pt").exists()


def test_rlvr_train_reports_a_bad_config_without_a_traceback(tmp_path, capsys):
    config = tmp_path / "train.yaml"
    config.write_text("group_size: 1\n")
    assert main(["train", "--config", str(config)]) == 2
    err = capsys.readouterr().err  # one line on stderr, as every CLI error
    assert err.startswith("rlvr: error: ") and "group_size must be >= 2" in err and err.count("\n") == 1


def test_numbers_written_as_yaml_strings_are_read_as_numbers():
    cfg = TrainConfig.from_dict({"lr": "1e-3", "steps": "12"})
    assert (cfg.lr, cfg.steps) == (1e-3, 12)
    with pytest.raises(ConfigError, match="lr must be a number"):
        TrainConfig(lr="fast")
