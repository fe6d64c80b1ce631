"""`rlvr reverify` on stored rollouts: nothing flips when the verifier has not changed; a reward flipped by hand
in the file is found, named per env and per (old -> new status), and fails the run with --fail-on-flip."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from rlvr.cli import main
from rlvr.evaluation.rollouts import read_rollouts, write_rollouts


def test_rollouts_scored_by_todays_verifier_do_not_flip(math_rollouts: list, tmp_path: Path, capsys) -> None:
    path = write_rollouts(tmp_path / "rollouts.jsonl", math_rollouts)
    assert main(["reverify", str(path), "--fail-on-flip"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"0 of {len(math_rollouts)} rewards flipped") and "rlvr/Math-v1: 0 of 12" in out


def test_a_reward_flipped_by_hand_is_found(math_rollouts: list, tmp_path: Path, capsys) -> None:
    path = write_rollouts(tmp_path / "rollouts.jsonl", math_rollouts)
    lines = path.read_text().splitlines()
    flipped = next(i for i, line in enumerate(lines) if json.loads(line)["status"] == "wrong")
    record = json.loads(lines[flipped])
    record.update(reward=1.0, status="correct", reason="edited by hand")
    lines[flipped] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n")

    assert main(["reverify", str(path)]) == 0  # without --fail-on-flip it only reports
    assert main(["reverify", str(path), "--fail-on-flip", "--output", str(tmp_path / "new.jsonl")]) == 1
    out = capsys.readouterr().out.split("\n1 of 12")[-1]
    assert "rlvr/Math-v1: 1 of 12" in out and "correct -> wrong: 1" in out
    assert f"{record['task_id']}#{record['sample']}: 1.0 -> 0.0" in out
    new = read_rollouts(tmp_path / "new.jsonl")
    assert [r.to_dict() for r in new] == [r.to_dict() for r in math_rollouts]  # re-scored: the hand edit is undone


def test_a_verdict_that_became_no_verdict_is_a_flip(math_rollouts: list, tmp_path: Path, capsys) -> None:
    gone = dataclasses.replace(math_rollouts[0], env="rlvr/Gone-v1")  # an id no registry holds
    path = write_rollouts(tmp_path / "rollouts.jsonl", [gone, *math_rollouts[1:]])
    assert main(["reverify", str(path), "--fail-on-flip"]) == 1
    assert "correct -> error: 1" in capsys.readouterr().out


def test_a_file_that_is_not_rollouts_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"env": "rlvr/Math-v1"}\n')
    assert main(["reverify", str(bad)]) == 2
    assert f"{bad}:1: not a rollout record: a rollout record lacks task_id" in capsys.readouterr().err
    assert main(["reverify", str(tmp_path / "absent.jsonl")]) == 2
    assert "cannot read rollouts" in capsys.readouterr().err


def test_reverify_scores_through_a_reward_server(math_rollouts: list, tmp_path: Path, capsys) -> None:
    """--server: the same verdicts through the real HTTP server (POST /verify/batch) as in-process."""
    from rlvr.server import Settings, create_app
    from tests.trainer.conftest import LiveServer

    path = write_rollouts(tmp_path / "rollouts.jsonl", math_rollouts)
    with LiveServer(create_app(Settings(workers=1)), ready_path="/readyz") as server:
        assert main(["reverify", str(path), "--server", server.url, "--fail-on-flip"]) == 0
    assert capsys.readouterr().out.startswith(f"0 of {len(math_rollouts)} rewards flipped")
