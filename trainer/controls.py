"""Spurious-reward controls: train on a reward that carries no (or the wrong) signal, to test whether a gain is real.

Shao et al. 2025 ("Spurious Rewards: Rethinking Training Signals in RLVR", arXiv:2506.10947) report a model
family whose math scores rise under random, incorrect and format-only rewards; a method that claims a gain
should beat these controls. The verifier still runs: `pass_rate` keeps measuring the real thing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from rlvr.results import Status, VerifyResult


def controlled_reward(control: str, result: VerifyResult, rng: random.Random) -> float | None:
    """The reward to train on under `control` instead of `result.reward`; a check with no verdict stays masked.

    - random: a fair coin, 1.0 or 0.0, whatever the completion;
    - incorrect: 1 - reward, so wrong answers are what gets reinforced;
    - format: 1.0 when the verifier found an answer in the asked form (any verdict but no_answer), else 0.0.
    """
    if result.reward is None:
        return None
    if control == "random":
        return float(rng.random() < 0.5)
    if control == "incorrect":
        return 1.0 - float(result.reward)
    if control == "format":
        return float(result.status != Status.NO_ANSWER)
    raise ValueError(f"unknown reward control {control!r}")


def training_rewards(results: Sequence[VerifyResult], control: str | None, seed: int, draw: str,
                     ) -> list[float | None]:
    """One reward per result: the verifier's, or the control's (coin flips a pure function of seed and `draw`,
    the step and sampling round)."""
    if control is None:
        return [r.reward for r in results]
    rng = random.Random(f"rlvr-control/{seed}/{draw}")
    return [controlled_reward(control, r, rng) for r in results]


def banner(control: str) -> str:
    """The line printed at the start of a controlled run and stored with its config."""
    return (f"REWARD CONTROL '{control}': the policy is trained on a {control} reward, not the verifier's. "
            "This run is a control experiment; pass_rate and verifier_reward_mean still measure the real reward.")
