"""Reward functions for other trainers (TRL, verl), scoring over HTTP or in-process when no URL is given."""

from rlvr.adapters.trl import make_trl_reward
from rlvr.adapters.verl import compute_score, compute_score_batch

__all__ = ["compute_score", "compute_score_batch", "make_trl_reward"]
