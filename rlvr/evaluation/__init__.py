"""Measuring models: `rlvr eval` (pass@k, maj@k, an HTML report) and `rlvr reverify` (re-score stored rollouts).

`metrics` and `rollouts` are the stable API other code (the trainer's periodic evaluation) builds on; docs/eval.md.
"""

from __future__ import annotations

from rlvr.evaluation.metrics import Sample, maj_at_k, pass_at_k, summarize
from rlvr.evaluation.rollouts import RolloutRecord, read_rollouts, summarize_rollouts, write_rollouts

__all__ = ["RolloutRecord", "Sample", "maj_at_k", "pass_at_k", "read_rollouts", "summarize", "summarize_rollouts",
           "write_rollouts"]
