"""`rlvr qa` fails a verifier that can be fooled: a family whose verifier rewards the gold anywhere.

The weak families live only in this test (monkeypatched into the registry and qa's battery table); the
procedural math env serves their tasks, so the attacks are the real math battery.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import pytest

from rlvr.cli import main
from rlvr.qa.battery import BATTERIES
from rlvr.qa.math_attacks import MATH
from rlvr.registry import ENVS, FAMILIES, EnvEntry, Family
from rlvr.results import VerifyResult


def gold_anywhere(*, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
    """The classic weak check: the gold string appears somewhere in the completion."""
    if str(reference["answer"]) in completion:
        return VerifyResult.correct()
    return VerifyResult.wrong("gold not found")


def never_right(*, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
    return VerifyResult.wrong("refuses everything, its own reference solutions included")


def slow_on_huge(*, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
    if len(completion) > 100_000:
        time.sleep(0.5)
    return VerifyResult.wrong("slow but never fooled")


def _register(monkeypatch: pytest.MonkeyPatch, verifier: str) -> str:
    family, env_id = f"weak_{verifier}", f"rlvr/Weak-{verifier}-v0"
    monkeypatch.setitem(FAMILIES, family, Family(family, f"{__name__}:{verifier}", "inline", "{}"))
    monkeypatch.setitem(ENVS, env_id, EnvEntry(env_id, "rlvr.envs.math:MathEnv", family, "weak, for tests"))
    monkeypatch.setitem(BATTERIES, family, MATH)
    return env_id


def _qa(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["qa", *args, "--tasks", "3", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_qa_fails_a_verifier_that_rewards_the_gold_anywhere(monkeypatch, capsys):
    code, out = _qa(capsys, _register(monkeypatch, "gold_anywhere"))
    report = out["envs"][0]
    rewarded = {attack["name"] for attack in report["attacks"] if attack["rewarded"]}
    assert code == 1 and not out["passed"] and not report["passed"]
    assert report["reference"] == {"tried": 3, "missed": 0, "unavailable": 0, "first_miss": None}
    assert {"hedge_right_first", "hedge_right_last", "think_only", "think_close_game", "retraction_in_box",
            "trailing_text_in_box", "tag_soup_unclosed_box", "tag_soup_nested_box"} <= rewarded
    assert not rewarded & {"empty", "whitespace", "injection", "huge_unclosed"}
    hedge = next(attack for attack in report["attacks"] if attack["name"] == "hedge_right_first")
    assert hedge["rewarded"] == hedge["tried"] == 3 and "\\\\boxed{" in hedge["worst"]


def test_qa_fails_a_verifier_that_misses_its_reference_solutions(monkeypatch, capsys):
    code, out = _qa(capsys, _register(monkeypatch, "never_right"))
    reference = out["envs"][0]["reference"]
    assert code == 1 and reference["missed"] == 3 and "wrong" in reference["first_miss"]


def test_qa_fails_a_verifier_slower_than_the_time_bound_on_huge_input(monkeypatch, capsys):
    code, out = _qa(capsys, _register(monkeypatch, "slow_on_huge"), "--time-bound", "0.2")
    slow = {attack["name"]: attack["slow"] for attack in out["envs"][0]["attacks"] if attack["slow"]}
    assert code == 1 and slow == {"huge_unclosed": 3, "huge_letters": 3}


def test_the_table_marks_the_failing_attacks_and_shows_the_first_rewarded_completion(monkeypatch, capsys):
    assert main(["qa", _register(monkeypatch, "gold_anywhere"), "--tasks", "2"]) == 1
    table = capsys.readouterr().out
    assert "FAIL" in table and "reference solution: 2/2 scored 1.0" in table
    assert any(line.lstrip().startswith("think_only  <-- FAIL") for line in table.splitlines())


def test_an_unknown_env_id_is_a_usage_error_with_close_ids(capsys):
    assert main(["qa", "rlvr/Sudoku-v9"]) == 2
    assert "did you mean rlvr/Sudoku-v1" in capsys.readouterr().err


def test_no_env_id_is_a_usage_error(capsys):
    assert main(["qa"]) == 2
    assert "--all" in capsys.readouterr().err
