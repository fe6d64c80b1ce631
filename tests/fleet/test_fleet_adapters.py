"""In-cluster scoring with no HTTP hop: the verl adapter and the bundled GRPO trainer score on a RayVerifier
fleet of the test cluster (the test process is the cluster's driver, as a verl job's is)."""

from __future__ import annotations

import pytest

from rlvr.adapters import _backend
from rlvr.adapters.verl import compute_score_batch
from rlvr.cli import build_parser
from rlvr.trainer import GRPOTrainer, TrainConfig
from rlvr.trainer.cli import overrides
from rlvr.trainer.errors import ConfigError
from rlvr.trainer.rewards import FleetRewards
from tests.fleet.conftest import LocalCluster
from tests.trainer.conftest import char_tokenizer, tiny_model


def test_verl_compute_score_batch_scores_on_the_fleet(ray_cluster: LocalCluster, monkeypatch) -> None:
    monkeypatch.setenv("RLVR_RAY_ADDRESS", ray_cluster.address)
    try:
        scores = compute_score_batch(["rlvr/Math-v1", "openai/gsm8k", "rlvr/Math-v1"],
                                     ["so \\boxed{4}", "\\boxed{5}", "I do not know"], ["4", "4", "4"])
        assert _backend.fleet(ray_cluster.address).load().actors_alive == 2
    finally:
        _backend.close_fleets()
    assert [s["score"] for s in scores] == [1.0, 0.0, 0.0]
    assert [s["rlvr_unscored"] for s in scores] == [0.0, 0.0, 0.0]


def test_the_trainer_scores_on_the_fleet(ray_cluster: LocalCluster, tmp_path) -> None:
    tokenizer = char_tokenizer()
    cfg = TrainConfig(model="tiny", envs="rlvr/Math-v1", ray=ray_cluster.address, steps=2, prompts_per_step=2,
                      group_size=2, max_new_tokens=6, output_dir=str(tmp_path), tensorboard=False, progress=False,
                      plots=False)
    trainer = GRPOTrainer(cfg, model=tiny_model(tokenizer), tokenizer=tokenizer)
    try:
        assert isinstance(trainer.rewards, FleetRewards) and trainer.runtime is None
        history = trainer.train().history
        load = trainer.rewards.fleet.load()
    finally:
        trainer.close()
    assert len(history) == 2 and all(step["reward_mean"] == 0.0 for step in history)  # random text: no answer
    assert (load.actors_alive, load.in_flight, load.lost) == (2, 0, 0)


def test_rlvr_train_takes_a_ray_address_and_refuses_it_beside_a_server() -> None:
    args = build_parser().parse_args(["train", "--config", "train.yaml", "--ray", "auto"])
    assert overrides(args) == {"ray": "auto"}
    with pytest.raises(ConfigError, match="not both"):
        TrainConfig(server="http://127.0.0.1:8000", ray="auto")
