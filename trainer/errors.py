"""Errors the trainer raises on purpose; all derive from `rlvr.errors.RlvrError`."""

from __future__ import annotations

from rlvr.errors import ConfigError, RlvrError

__all__ = ["CheckpointError", "ConfigError", "RewardServerError", "TrainerError"]


class TrainerError(RlvrError):
    """Base of the trainer's errors."""


class RewardServerError(TrainerError):
    """The reward server could not be reached or answered something that breaks its contract."""


class CheckpointError(TrainerError):
    """A checkpoint to resume from is missing or incomplete."""
