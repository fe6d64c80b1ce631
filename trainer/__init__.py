"""The bundled GRPO trainer: roll out against rlvr envs (in-process or via the reward server) and learn.

Python API: `train(TrainConfig(...))` or `GRPOTrainer(cfg).train()`; CLI: `rlvr train --config train.yaml`.
torch and transformers are imported lazily by the pieces that need them (`pip install 'rlvr[trainer]'`).
"""

from __future__ import annotations

from typing import Any

from rlvr.trainer.config import TrainConfig
from rlvr.trainer.errors import CheckpointError, RewardServerError, TrainerError

__all__ = ["CheckpointError", "GRPOTrainer", "RewardServerError", "TrainConfig", "TrainerError", "train"]


def __getattr__(name: str) -> Any:
    if name in ("GRPOTrainer", "train", "TrainResult"):
        from rlvr.trainer import loop

        return getattr(loop, name)
    raise AttributeError(f"module 'rlvr.trainer' has no attribute {name!r}")
