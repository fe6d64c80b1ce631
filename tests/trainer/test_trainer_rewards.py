"""Scoring in-process and through a reward server over real HTTP (uvicorn on loopback)."""

from __future__ import annotations

import pytest
from conftest import TOY_ENV, EmitAEnv, LiveServer, char_tokenizer, tiny_model
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from rlvr.envs.base import Task
from rlvr.results import Status
from rlvr.trainer import GRPOTrainer, RewardServerError, TrainConfig
from rlvr.trainer.rewards import HttpRewards, LocalRewards
from rlvr.trainer.tasks import Prompt, TaskSampler

TASK = Task(id="t", prompt="abcd:", reference={"letter": "a"})


def toy_server(log: list, faults: list) -> FastAPI:
    """The /verify/batch contract, scored by the toy env; `faults` queues answers to give first."""
    app = FastAPI()
    env = EmitAEnv()

    @app.post("/verify/batch")
    async def verify_batch(request: Request):
        body = await request.json()
        log.append((request.headers.get("authorization"), len(body["items"])))
        if faults:
            return faults.pop(0)
        results = [env.score(item["completion"], Task("x", "", item["reference"])).to_dict()
                   for item in body["items"]]
        return {"results": results}

    return app


@pytest.fixture
def served():
    log, faults = [], []
    with LiveServer(toy_server(log, faults)) as server:
        yield server, log, faults


def test_local_rewards_keep_order_and_mask_broken_checks_and_env_crashes():
    class Crashy(EmitAEnv):
        def score(self, completion, task):
            if completion == "boom":
                raise RuntimeError("bug in the env")
            return super().score(completion, task)

    rewards = LocalRewards({TOY_ENV: Crashy()})
    results = rewards.score([Prompt(TOY_ENV, TASK)] * 4, ["aaaa", "abab", "hhh", "boom"])
    rewards.close()
    assert [r.reward for r in results] == [1.0, 0.5, None, None]
    assert [r.status for r in results] == [Status.CORRECT, Status.PARTIAL, Status.ERROR, Status.ERROR]


def test_http_rewards_batch_concurrently_send_the_key_and_return_nulls(served):
    server, log, _ = served
    client = HttpRewards(server.url, batch_size=2, api_key="k3y")
    results = client.score([Prompt(TOY_ENV, TASK)] * 5, ["aaaa", "abab", "hhh", "", "bbbb"])
    assert [r.reward for r in results] == [1.0, 0.5, None, 0.0, 0.0]
    assert [r.status for r in results] == ["correct", "partial", "error", "no_answer", "partial"]
    assert sorted(n for _, n in log) == [1, 2, 2] and {key for key, _ in log} == {"Bearer k3y"}


def test_http_rewards_retry_5xx_and_429_then_succeed(served):
    server, log, faults = served
    faults += [JSONResponse({"error": "boom"}, status_code=503),
               JSONResponse({"error": "busy"}, status_code=429, headers={"Retry-After": "0"})]
    results = HttpRewards(server.url).score([Prompt(TOY_ENV, TASK)], ["aa"])
    assert [r.reward for r in results] == [1.0] and len(log) == 3


@pytest.mark.parametrize(("answer", "match"), [
    ({"results": []}, "0 results for 1 items"),
    ({"results": [{"reward": 0.0, "status": "timeout", "reason": ""}]}, "breaks the contract"),
    (JSONResponse({"error": "bad", "message": "no"}, status_code=422), "HTTP 422"),
])
def test_http_rewards_reject_answers_that_break_the_contract(served, answer, match):
    server, _, faults = served
    faults.append(answer)
    with pytest.raises(RewardServerError, match=match):
        HttpRewards(server.url).score([Prompt(TOY_ENV, TASK)], ["aa"])


def test_http_rewards_give_up_on_a_dead_server_with_a_clear_error():
    with pytest.raises(RewardServerError, match="failed after retries.*ConnectError"):
        HttpRewards("http://127.0.0.1:9", retries=2, timeout_s=2).score([Prompt(TOY_ENV, TASK)], ["aa"])


def test_trainer_scores_through_the_server(served, tmp_path):
    server, log, _ = served
    tokenizer = char_tokenizer()
    cfg = TrainConfig(model="tiny", envs=TOY_ENV, server=server.url, steps=3, prompts_per_step=2,
                      group_size=4, max_new_tokens=6, output_dir=str(tmp_path), tensorboard=False,
                      progress=False, plots=False)
    trainer = GRPOTrainer(cfg, model=tiny_model(tokenizer), tokenizer=tokenizer)
    assert isinstance(trainer.rewards, HttpRewards)
    history = trainer.train().history
    trainer.close()
    assert len(history) == 3 and sum(n for _, n in log) == 3 * 8


def test_rlvr_reward_server_scores_math_for_the_trainer():
    from rlvr.server import Settings, create_app

    math = Task(id="m", prompt="2+2?", reference={"answer": "4"})
    with LiveServer(create_app(Settings(workers=1)), ready_path="/readyz") as server:
        results = HttpRewards(server.url).score([Prompt("rlvr/Math-v1", math)] * 3,
                                                ["so \\boxed{4}", "\\boxed{5}", "I do not know"])
    assert [r.status for r in results] == ["correct", "wrong", "no_answer"]
    assert [r.reward for r in results] == [1.0, 0.0, 0.0]


def test_task_sampler_is_a_pure_function_of_seed_and_step():
    sampler = TaskSampler({TOY_ENV: 1.0}, seed=3)
    first = [p.task.id for p in sampler.sample(5, 6)]
    assert [p.task.id for p in sampler.sample(5, 6)] == first
    assert [p.task.id for p in TaskSampler({TOY_ENV: 1.0}, seed=4).sample(5, 6)] != first


def test_prompts_carry_the_reference_the_env_scores_against():
    """Math with lenient extraction scores an unboxed final answer; a reward server (or `rlvr reverify`) given the
    task's bare reference would read it strictly, so the prompt carries the env's own."""
    sampler = TaskSampler({"rlvr/Math-v1": 1.0}, env_kwargs={"rlvr/Math-v1": {"extraction": "lenient"}}, seed=0)
    (prompt,) = sampler.sample(0, 1)
    sampler.close()
    assert prompt.task.reference["extraction"] == "lenient"


def test_a_mixture_of_registered_envs_is_sampled_by_weight_and_scored_by_their_verifiers():
    sampler = TaskSampler({"rlvr/Math-v1": 0.5, "rlvr/Sudoku-v1": 0.5}, seed=0)
    prompts = sampler.sample(0, 24)
    assert {p.env_id for p in prompts} == {"rlvr/Math-v1", "rlvr/Sudoku-v1"}
    math = [p for p in prompts if p.env_id == "rlvr/Math-v1"][:2]
    gold = math[0].task.reference["answer"]
    rewards = LocalRewards(sampler.envs)
    results = rewards.score(math, [f"so the answer is \\boxed{{{gold}}}", "no idea"])
    rewards.close()
    sampler.close()
    assert [r.status for r in results] == ["correct", "no_answer"]


def test_http_rewards_work_when_called_from_inside_an_event_loop(served):
    import asyncio

    server, _, _ = served

    async def inside() -> list:
        return HttpRewards(server.url).score([Prompt(TOY_ENV, TASK)], ["aa"])

    assert [r.reward for r in asyncio.run(inside())] == [1.0]
