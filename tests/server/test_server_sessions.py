"""GET /envs and remote env sessions, through HTTP and through `rlvr.client.RemoteEnv` (Gymnasium API)."""

from __future__ import annotations

import asyncio
import time

import gymnasium
import pytest

import rlvr  # noqa: F401  (registers the envs with Gymnasium)
from rlvr.client import RemoteEnv, RemoteError
from rlvr.registry import ENVS
from rlvr.runtime import Runtime
from rlvr.server.errors import NotFound
from rlvr.server.sessions import SessionStore

MATH = "rlvr/Math-v1"


def test_envs_lists_every_registered_env_with_its_reference_format(http) -> None:
    envs = {e["id"]: e for e in http.get("/envs").json()["envs"]}
    assert set(envs) == set(ENVS)
    assert envs[MATH]["family"] == "math" and "answer" in envs[MATH]["reference_format"]


def test_remote_env_plays_a_math_episode_like_the_local_env(server) -> None:
    local = gymnasium.make(MATH)
    local_prompt, local_info = local.reset(seed=7)
    remote = RemoteEnv(MATH, server.url, api_key=server.settings.api_key)
    try:
        prompt, info = remote.reset(seed=7)
        assert prompt == local_prompt and info["reference"] == local_info["reference"]
        answer = info["reference"]["answer"]
        observation, reward, terminated, truncated, step_info = remote.step(f"The answer is \\boxed{{{answer}}}.")
        assert (reward, terminated, truncated) == (1.0, True, False)
        assert step_info["status"] == "correct" and isinstance(observation, str)
        remote.reset(seed=8)
        _, reward, terminated, _, step_info = remote.step("no idea")
        assert (reward, terminated, step_info["status"]) == (0.0, True, "no_answer")
        with pytest.raises(gymnasium.error.ResetNeeded):
            remote.step("again")
    finally:
        remote.close()


def test_session_http_errors(http) -> None:
    assert http.post("/envs/rlvr/Nope-v0/reset", json={}).status_code == 404
    assert http.post("/sessions/not-a-session/step", json={"action": "x"}).status_code == 404
    assert http.post(f"/envs/{MATH}/reset", json={"options": {"index": -5}}).status_code == 422
    for index in (1.5, True, "3"):  # never silently index 1
        assert http.post(f"/envs/{MATH}/reset", json={"options": {"index": index}}).status_code == 422
    infinite = b'{"options": {"index": Infinity}}'  # Python's json reads it; it once was a 500
    reply = http.post(f"/envs/{MATH}/reset", content=infinite, headers={"content-type": "application/json"})
    assert reply.status_code == 422
    assert http.post(f"/envs/{MATH}/reset", json={"seed": "seven"}).status_code == 422
    session = http.post(f"/envs/{MATH}/reset", json={"seed": 1}).json()["session_id"]
    assert http.post(f"/sessions/{session}/step", json={"action": 5}).status_code == 422
    assert http.post(f"/sessions/{session}/step", json={"action": "\\boxed{0}"}).status_code == 200
    ended = http.post(f"/sessions/{session}/step", json={"action": "\\boxed{0}"})
    assert ended.status_code == 404 and "reset" in ended.json()["message"]



@pytest.mark.parametrize("seed", [-1, -(2**70)])
def test_a_negative_seed_is_422_that_says_so(http, seed: int) -> None:
    reply = http.post(f"/envs/{MATH}/reset", json={"seed": seed})
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"] == "invalid_request" and "seed" in reply.json()["message"]
    assert "greater than or equal to 0" in reply.json()["message"]


def test_a_huge_seed_is_fine(http) -> None:
    reply = http.post(f"/envs/{MATH}/reset", json={"seed": 2**70})
    assert reply.status_code == 200, reply.text
    http.delete(f"/sessions/{reply.json()['session_id']}")

def test_session_cap_answers_429_until_one_is_closed(http, server) -> None:
    cap = server.settings.max_sessions
    sessions = [http.post(f"/envs/{MATH}/reset", json={"seed": i}).json()["session_id"] for i in range(cap)]
    try:
        full = http.post(f"/envs/{MATH}/reset", json={})
        assert full.status_code == 429 and full.headers["retry-after"] and "RLVR_MAX_SESSIONS" in full.text
        assert http.delete(f"/sessions/{sessions.pop()}").status_code == 204
        sessions.append(http.post(f"/envs/{MATH}/reset", json={}).json()["session_id"])
    finally:
        for session in sessions:
            http.delete(f"/sessions/{session}")
    assert server.app.state.sessions.__len__() == 0


def test_idle_sessions_expire() -> None:
    store = SessionStore(Runtime(), max_sessions=4, ttl_s=0.05, retry_after_s=1)

    async def scenario() -> None:
        session_id, _, _ = await store.reset(MATH, 0, None)
        time.sleep(0.1)
        with pytest.raises(NotFound):
            await store.step(session_id, "\\boxed{1}")
        assert store.sweep() == 1 and len(store) == 0

    asyncio.run(scenario())


@pytest.mark.parametrize("env_id", sorted(ENVS))
def test_every_registered_env_runs_remotely(server, env_id: str) -> None:
    with RemoteEnv(env_id, server.url, api_key=server.settings.api_key) as env:
        prompt, info = env.reset(seed=0)
        assert isinstance(prompt, str) and prompt and "reference" in info
        for _ in range(10):  # multi-turn envs answer with feedback until their turns run out
            observation, reward, terminated, truncated, step_info = env.step("I am not sure.")
            assert reward == 0.0 and isinstance(observation, str)
            assert step_info["status"] in {"wrong", "no_answer", "unverified"}  # Lean without a checker: unverified
            if terminated or truncated:
                break
        assert terminated or truncated


def test_remote_env_needs_a_server() -> None:
    with pytest.raises(rlvr.RlvrError):
        RemoteEnv(MATH)
    with RemoteEnv(MATH, "http://127.0.0.1:9") as env, pytest.raises(RemoteError):
        env.reset()


def test_remote_env_passes_gymnasium_check_env(server) -> None:
    from gymnasium.utils.env_checker import check_env

    limit = server.settings.max_completion_chars
    with RemoteEnv(MATH, server.url, api_key=server.settings.api_key, max_action_chars=limit) as env:
        check_env(env, skip_render_check=True)
    with server.client() as http:
        session = http.post(f"/envs/{MATH}/reset", json={}).json()["session_id"]
        too_long = http.post(f"/sessions/{session}/step", json={"action": "x" * (limit + 1)})
        assert too_long.status_code == 413 and "RLVR_MAX_COMPLETION_CHARS" in too_long.json()["message"]
        assert http.delete(f"/sessions/{session}").status_code == 204
