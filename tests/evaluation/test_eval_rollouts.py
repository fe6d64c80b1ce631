"""The rollout record: what a JSONL line holds, what a reader keeps, and the majority-vote key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rlvr.errors import ConfigError
from rlvr.evaluation.rollouts import RolloutRecord, env_version, read_rollouts, write_rollouts
from rlvr.results import Status, VerifyResult


def record(completion: str, result: VerifyResult, **fields) -> RolloutRecord:
    return RolloutRecord.scored(env="rlvr/Math-v1", task_id="t", reference={"answer": "4"}, prompt="2+2?",
                                completion=completion, result=result, **fields)


def test_a_record_round_trips_and_keeps_keys_it_does_not_know(tmp_path: Path) -> None:
    written = [record("\\boxed{4}", VerifyResult.correct(extracted="4"), sample=0, completion_tokens=5),
               record("", VerifyResult.broken(Status.TIMEOUT, "overran"), sample=1, truncated=True)]
    path = write_rollouts(tmp_path / "r.jsonl", written)
    assert read_rollouts(path) == written
    line = {**written[0].to_dict(), "step": 40}  # the trainer adds its step
    path.write_text(json.dumps(line) + "\n")
    (again,) = read_rollouts(path)
    assert again.extra == {"step": 40} and again.to_dict() == line
    write_rollouts(path, [again], append=True)
    assert len(read_rollouts(path)) == 2


@pytest.mark.parametrize(("completion", "result", "key"), [
    ("so \\boxed{4}", VerifyResult.correct(extracted="4"), "4"),  # the verifier's extraction
    ("I think\nthe answer: 5\n\n", VerifyResult.wrong("differs"), "the answer: 5"),  # else the last line
    ("\\boxed{}", VerifyResult.no_answer("empty box", extracted=""), None),  # no answer abstains
    ("\\boxed{4}", VerifyResult.broken(Status.ERROR, "crashed", extracted="4"), None),  # no verdict abstains
])
def test_the_vote_key(completion: str, result: VerifyResult, key: str | None) -> None:
    assert record(completion, result).answer == key


@pytest.mark.parametrize(("env", "version"), [("rlvr/Math-v1", "v1"), ("rlvr/RG-ab-v0", "v0"), ("plain", None)])
def test_env_version_is_the_ids_version(env: str, version: str | None) -> None:
    assert env_version(env) == version


@pytest.mark.parametrize(("text", "message"), [
    ("not json\n", "r.jsonl:1: not a rollout record"),
    ('\n[1, 2]\n', "r.jsonl:2: not a rollout record: a rollout record must be a JSON object"),
    ('{"env": "e", "task_id": "t", "reference": {}, "completion": "", "reward": 0, "status": "wrong", "x": 1,'
     ' "sample": "a", "bogus": {}}\n{"env": 1}\n', "r.jsonl:2: not a rollout record: a rollout record lacks"),
])
def test_a_bad_line_is_named(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        read_rollouts(path)
