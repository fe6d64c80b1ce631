"""The endpoint path against a real OpenAI-compatible server: `transformers serve` on the tiny model, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rlvr.cli import main
from rlvr.client import RetryPolicy
from rlvr.envs.base import Task
from rlvr.evaluation.endpoint import Endpoint, EndpointError
from rlvr.evaluation.rollouts import read_rollouts, summarize_rollouts
from rlvr.trainer.generation import SamplingConfig
from tests.evaluation.conftest import free_port


@pytest.mark.parametrize("api", ["completions", "chat"])
def test_eval_samples_from_transformers_serve(api: str, openai_server: str, tiny_model_dir: Path,
                                              tmp_path: Path) -> None:
    argv = ["eval", "--endpoint", openai_server, "--api", api, "--model", str(tiny_model_dir), "--env",
            "rlvr/Math-v1", "--n", "2", "--samples", "3", "--max-new-tokens", "8", "--concurrency", "3",
            "--output", str(tmp_path), "--no-progress"]
    assert main(argv) == 0
    records = read_rollouts(tmp_path / "rollouts.jsonl")
    assert len(records) == 2 * 3
    assert all(r.completion_tokens is not None and 0 < r.completion_tokens <= 8 for r in records)
    assert all(r.truncated is not None for r in records)
    assert len({r.completion for r in records}) > 1  # sampled, not K copies of one greedy answer
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["model"] == str(tiny_model_dir)
    assert {k: v for k, v in report["envs"]["rlvr/Math-v1"].items() if k != "timing"} == \
        summarize_rollouts(records)["rlvr/Math-v1"]


def test_a_server_that_is_not_there_fails_after_the_retries() -> None:
    endpoint = Endpoint(f"http://127.0.0.1:{free_port()}/v1", "m", SamplingConfig(max_new_tokens=4),
                        api="completions", retry=RetryPolicy(attempts=2, backoff_s=0.01))
    task = Task(id="t", prompt="1+1?", reference={"answer": "2"})
    with pytest.raises(EndpointError, match="ConnectError after 2 tries"):
        endpoint.complete([task], 1, 0, lambda _: None)


def test_a_model_the_server_cannot_load_is_one_line_and_exit_2(openai_server: str, tmp_path: Path, capsys) -> None:
    argv = ["eval", "--endpoint", openai_server, "--api", "completions", "--model", str(tmp_path / "absent"),
            "--env", "rlvr/Math-v1", "--n", "1", "--samples", "1", "--retries", "1", "--output", str(tmp_path),
            "--no-progress"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "rlvr: error:" in err and "/completions answered" in err
