"""Ids whose reward changed moved to `-v1`; the `-v0` ids work for one release, warn, and are scored as `-v1`."""

from __future__ import annotations

import gymnasium as gym
import pytest

import rlvr
from rlvr.registry import DEPRECATED, ENVS, is_registered


def test_every_bumped_id_keeps_its_predecessor_for_one_release() -> None:
    assert DEPRECATED["rlvr/Math-v0"] == "rlvr/Math-v1"
    assert DEPRECATED["rlvr/Code-v0"] == "rlvr/Code-v1"
    assert "rlvr/Lean-v0" in ENVS and "rlvr/Lean-v0" not in DEPRECATED  # its verdicts did not change
    assert all(new in ENVS and old not in ENVS for old, new in DEPRECATED.items())
    assert all(is_registered(old) for old in DEPRECATED)


def test_a_deprecated_id_warns_and_is_scored_as_its_successor() -> None:
    completion = "\\boxed{\\sqrt{3} \\textit{ just kidding}}"  # read as sqrt(3) by v0: a reward hack
    with pytest.warns(DeprecationWarning, match="rlvr/Math-v1"):
        old = rlvr.verify("rlvr/Math-v0", completion=completion, reference={"answer": "\\sqrt{3}"})
    new = rlvr.verify("rlvr/Math-v1", completion=completion, reference={"answer": "\\sqrt{3}"})
    assert (old.status, old.reward) == (new.status, new.reward) == ("no_answer", 0.0)


def test_gymnasium_still_makes_a_deprecated_id() -> None:
    env = gym.make("rlvr/Sudoku-v0")
    prompt, _ = env.reset(seed=0)
    assert isinstance(prompt, str)
