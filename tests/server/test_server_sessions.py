"""GET /envs and remote env sessions, through HTTP and through `rlvr.client.RemoteEnv` (Gymnasium API)."""

from __future__ import annotations

import asyncio
import time

import gymnasium
import pytest

import rlvr  # noqa: F401  (registers the envs with Gymnasium)
from rlvr.client import RemoteEnv, RemoteError
from rlvr.reasoning_gym_catalog import CURRICULUM_LEVELS as RG_DATASETS
from rlvr.reasoning_gym_catalog import env_id as rg_id
from rlvr.registry import ENVS
from rlvr.runtime import Runtime
from rlvr.server.errors import NotFound
from rlvr.server.sessions import SessionStore

# Of reasoning-gym's hundred dataset ids three stand in here (tests/envs/reasoning_gym/ covers each).
RG_SAMPLE = ("arc_agi", "countdown", "sudoku")
ENV_IDS = sorted(set(ENVS) - {rg_id(name) for name in RG_DATASETS if name not in RG_SAMPLE})

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


@pytest.mark.parametrize("env_id", ENV_IDS)
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


def test_envs_list_levels_and_the_kwargs_a_client_may_set(http) -> None:
    envs = {e["id"]: e for e in http.get("/envs").json()["envs"]}
    assert envs[MATH]["levels"] == [0, 1, 2, 3, 4] and envs["rlvr/Code-v1"]["levels"] == [0]
    assert {"level", "kinds", "seed", "max_turns"} <= set(envs[MATH]["kwargs"])
    assert {"level", "clues", "box_rows"} <= set(envs["rlvr/Sudoku-v1"]["kwargs"])
    assert envs["rlvr/Code-v1"]["kwargs"] == ["language", "max_turns"]  # never a path: it would read the server's files
    assert not {"data_path", "path", "tasks", "runtime"} & {k for e in envs.values() for k in e["kwargs"]}


def test_reset_takes_env_kwargs_and_a_level(http) -> None:
    reply = http.post(f"/envs/{MATH}/reset", json={"seed": 4, "kwargs": {"kinds": ["word"]}, "level": 3})
    assert reply.status_code == 200, reply.text
    local_prompt, local_info = gymnasium.make(MATH, kinds=["word"], level=3).reset(seed=4)
    body = reply.json()
    assert body["observation"] == local_prompt and body["info"]["task_id"] == local_info["task_id"]
    assert body["info"]["metadata"]["kind"] == "word" and body["info"]["metadata"]["level"] == 3
    assert http.delete(f"/sessions/{body['session_id']}").status_code == 204
    sudoku = http.post("/envs/rlvr/Sudoku-v1/reset", json={"kwargs": {"level": 4}})
    assert len(sudoku.json()["info"]["reference"]["grid"]) == 9 and "/L4/" in sudoku.json()["info"]["task_id"]
    http.delete(f"/sessions/{sudoku.json()['session_id']}")


@pytest.mark.parametrize(("env_id", "body", "words"), [
    (MATH, {"kwargs": {"data_path": "/etc/passwd"}}, "takes no kwargs ['data_path']"),
    (MATH, {"kwargs": {"runtime": None}}, "takes no kwargs ['runtime']"),
    (MATH, {"kwargs": {"levle": 2}}, "takes no kwargs ['levle']"),
    ("rlvr/Code-v1", {"kwargs": {"path": "/etc/passwd"}}, "it takes ['language', 'max_turns']"),
    (MATH, {"kwargs": {"level": 9}}, "difficulty levels 0..4; got 9"),
    (MATH, {"kwargs": {"kinds": 5}}, "kinds must be one of"),
    (MATH, {"kwargs": {"max_turns": "3"}}, "max_turns must be an int"),
    (MATH, {"kwargs": {"seed": "x"}}, "seed must be an int"),
    ("rlvr/Sudoku-v1", {"kwargs": {"clues": -1}}, "clues must be an int"),
    ("rlvr/Logic-v1", {"kwargs": {"weights": {"chess": 1}}}, "unknown logic kinds"),
    (MATH, {"level": 7}, "difficulty levels 0..4; got 7"),
    ("rlvr/Code-v1", {"level": 1}, "one difficulty level, 0; got 1"),
    (MATH, {"options": {"idx": 1}}, "unknown reset options ['idx']"),
    (MATH, {"options": {"task_id": "sudoku/L0/0/1"}}, "ids look like math/L<level>"),
])
def test_a_refused_kwarg_level_or_option_is_422_with_the_env_s_message(http, env_id, body, words) -> None:
    reply = http.post(f"/envs/{env_id}/reset", json=body)
    assert reply.status_code == 422 and words in reply.json()["message"], reply.text


@pytest.mark.parametrize("body", [{"kwargs": [1]}, {"kwargs": "level=2"}, {"level": "2"}, {"level": -1}])
def test_kwargs_and_level_of_the_wrong_json_type_are_422(http, body) -> None:
    assert http.post(f"/envs/{MATH}/reset", json=body).status_code == 422


def test_remote_env_takes_env_kwargs_and_set_difficulty(server) -> None:
    with RemoteEnv(MATH, server.url, api_key=server.settings.api_key, env_kwargs={"kinds": "linear"}) as env:
        _, info = env.reset(seed=1)
        assert (info["metadata"]["kind"], info["metadata"]["level"]) == ("linear", 0)
        env.set_difficulty(4)
        _, info = env.reset(seed=1)
        assert (info["metadata"]["kind"], info["metadata"]["level"]) == ("linear", 4)
        env.set_difficulty(5)
        with pytest.raises(RemoteError, match="difficulty levels 0..4; got 5") as refused:
            env.reset(seed=1)
        assert refused.value.status == 422
