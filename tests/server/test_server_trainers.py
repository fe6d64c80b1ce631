"""Trainer compatibility: OpenRLHF's remote reward protocol, TRL and verl adapters (HTTP and in-process).

The in-process runs leave out the hanging item: the process-wide Verifier has the default 5 s limit.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from rlvr.adapters import compute_score, compute_score_batch, make_trl_reward

PROMPT = "What is 7 + 5? Put the answer in \\boxed{}."


def test_openrlhf_protocol(http, server) -> None:
    body = {
        "query": [
            PROMPT + " 7 + 5 = \\boxed{12}",
            PROMPT + " \\boxed{13}",
            PROMPT + " \\boxed{(a+b+c+d+e)^{40}}",
            "no prompt prefix here: \\boxed{1/2}",
            "\\boxed{1/2}",  # with an empty prompt, the whole query is the response
        ],
        "prompts": [PROMPT, PROMPT, PROMPT, "something else", ""],
        "labels": [
            "12",
            json.dumps({"answer": "12"}),
            "\\sqrt{2}",  # no plain number: the hanging answer reaches sympy and times out
            json.dumps({"answer": "0.5", "env": "rlvr/Math-v1"}),
            json.dumps({"answer": "0.5", "env": "rlvr/Math-v1"}),
        ],
    }
    reply = http.post("/openrlhf/reward", json=body)
    assert reply.status_code == 200, reply.text
    out = reply.json()
    # The fourth query does not hold its prompt: it is not scored whole (it used to be, 1.0), but flagged.
    assert out["rewards"] == [1.0, 0.0, 0.0, 0.0, 1.0] and out["scores"] == out["rewards"]
    assert out["extra_logs"] == {"rlvr_correct": [1.0, 0.0, 0.0, 0.0, 1.0],
                                 "rlvr_unscored": [0.0, 0.0, 1.0, 1.0, 0.0],
                                 "rlvr_prompt_not_found": [0.0, 0.0, 0.0, 1.0, 0.0]}


def test_openrlhf_label_nested_past_the_json_parser_is_a_plain_answer(http) -> None:
    deep = "[" * 5000 + "]" * 5000
    reply = http.post("/openrlhf/reward", json={"query": ["\\boxed{1}"], "prompts": [""], "labels": [deep]})
    assert reply.status_code == 200 and reply.json()["rewards"] == [0.0]


def test_openrlhf_rejects_misaligned_lists(http) -> None:
    reply = http.post("/openrlhf/reward", json={"query": ["a", "b"], "labels": ["1"]})
    assert reply.status_code == 422 and "labels has 1 entries" in reply.json()["message"]


def test_openrlhf_unknown_env_query_parameter_is_unscored(http) -> None:
    body = {"query": ["\\boxed{1}"], "prompts": [""], "labels": ["1"]}
    out = http.post("/openrlhf/reward?env=rlvr/Nope-v0&unscored=-1", json=body)
    assert out.json()["rewards"] == [-1.0] and out.json()["extra_logs"]["rlvr_unscored"] == [1.0]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "infinity"])
def test_openrlhf_rejects_a_non_finite_unscored(http, value: str) -> None:
    reply = http.post(f"/openrlhf/reward?unscored={value}", json={"query": ["\\boxed{1}"], "labels": ["1"]})
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"] == "invalid_request" and "unscored" in reply.json()["message"]


@pytest.mark.parametrize("env", [5, True, ["rlvr/Math-v1"], {"id": "rlvr/Math-v1"}])
def test_openrlhf_label_with_a_non_string_env_is_an_error_item(http, env: object) -> None:
    labels = [json.dumps({"answer": "1", "env": env}), {"answer": "1", "env": env}, "1"]
    body = {"query": ["\\boxed{1}"] * 3, "prompts": [""] * 3, "labels": labels}
    reply = http.post("/openrlhf/reward?unscored=-1", json=body)
    assert reply.status_code == 200, reply.text
    out = reply.json()  # scored by no env, not silently by the default one
    assert out["rewards"] == [-1.0, -1.0, 1.0] and out["extra_logs"]["rlvr_unscored"] == [1.0, 1.0, 0.0]


def test_openrlhf_label_with_a_null_env_uses_the_default(http) -> None:
    body = {"query": ["\\boxed{1}"], "prompts": [""], "labels": [{"answer": "1", "env": None}]}
    reply = http.post("/openrlhf/reward", json=body)
    assert reply.json()["rewards"] == [1.0]


COMPLETIONS = [
    "so \\boxed{12}",
    [{"role": "assistant", "content": "It is \\boxed{13}"}],
    "\\boxed{(a+b+c+d+e)^{40}}",
]
COLUMNS = {"answer": ["12", "12", "\\sqrt{2}"], "trainer_state": None}


@pytest.mark.parametrize("remote", [True, False], ids=["http", "in-process"])
def test_trl_reward_sync(server, remote: bool) -> None:
    reward = make_trl_reward(url=server.url if remote else "", api_key=server.settings.api_key)
    assert reward.__name__ == "rlvr_math_v1"
    n = 3 if remote else 2
    columns = {"answer": COLUMNS["answer"][:n], "trainer_state": None}
    assert reward(prompts=[PROMPT] * n, completions=COMPLETIONS[:n], **columns) == [1.0, 0.0, None][:n]


def test_trl_reward_async_with_reference_column(server) -> None:
    reward = make_trl_reward(url=server.url, api_key=server.settings.api_key, asynchronous=True)
    assert asyncio.iscoroutinefunction(reward)
    columns = {"reference": [{"answer": "12"}, json.dumps({"answer": "13"}), "\\sqrt{2}"]}
    assert asyncio.run(reward(prompts=[PROMPT] * 3, completions=COMPLETIONS, **columns)) == [1.0, 1.0, None]


def test_trl_async_reward_pools_one_client_per_loop(server) -> None:
    from rlvr.adapters import _backend

    reward = make_trl_reward(url=server.url, api_key=server.settings.api_key, asynchronous=True)
    columns = {"answer": COLUMNS["answer"][:2]}

    async def twice() -> object:
        first = await reward(prompts=[PROMPT] * 2, completions=COMPLETIONS[:2], **columns)
        client = await _backend._async_client(server.url, server.settings.api_key)
        second = await reward(prompts=[PROMPT] * 2, completions=COMPLETIONS[:2], **columns)
        assert first == second == [1.0, 0.0]
        assert await _backend._async_client(server.url, server.settings.api_key) is client
        return client

    one, two = asyncio.run(twice()), asyncio.run(twice())  # two loops, one after the other
    assert one is not two and one.is_closed and two.is_closed  # each closed with its loop

    loop = asyncio.new_event_loop()  # a loop kept across calls, as TRL's reward thread keeps one
    try:
        kept = loop.run_until_complete(twice())
        assert loop.run_until_complete(_backend._async_client(server.url, server.settings.api_key)) is kept
        assert not kept.is_closed
        loop.run_until_complete(loop.shutdown_asyncgens())
        assert kept.is_closed
    finally:
        loop.close()
    assert not any(key[0] is loop for key in _backend._async_clients)


def test_trl_async_reward_on_two_live_loops_at_once(server) -> None:
    """Two loops in two threads, both running: each gets its own client and its own results."""
    import threading

    reward = make_trl_reward(url=server.url, api_key=server.settings.api_key, asynchronous=True)
    results: list[object] = [None, None]

    def on_its_own_loop(i: int) -> None:
        async def calls() -> list:
            return [await reward(prompts=[PROMPT], completions=[COMPLETIONS[i]], answer=["12"]) for _ in range(3)]

        results[i] = asyncio.run(calls())

    threads = [threading.Thread(target=on_its_own_loop, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [[[1.0]] * 3, [[0.0]] * 3]


@pytest.mark.parametrize("remote", [True, False], ids=["http", "in-process"])
def test_verl_compute_score(server, monkeypatch, remote: bool) -> None:
    monkeypatch.setenv("RLVR_URL", server.url if remote else "")
    monkeypatch.setenv("RLVR_API_KEY", server.settings.api_key)
    assert compute_score("rlvr/Math-v1", "thus \\boxed{12}", "12") == {
        "score": 1.0,
        "rlvr_correct": 1.0,
        "rlvr_unscored": 0.0,
    }
    hard = "\\boxed{(a+b+c+d+e)^{40}}" if remote else "\\boxed{\\sqrt{2}}"
    scored = compute_score_batch(["openai/gsm8k", "rlvr/Math-v1"], ["\\boxed{2}", hard],
                                 [{"answer": "3"}, "\\sqrt{2}"])
    assert scored[0] == {"score": 0.0, "rlvr_correct": 0.0, "rlvr_unscored": 0.0}
    if remote:
        assert scored[1] == {"score": 0.0, "rlvr_correct": 0.0, "rlvr_unscored": 1.0}
    else:
        assert scored[1] == {"score": 1.0, "rlvr_correct": 1.0, "rlvr_unscored": 0.0}
