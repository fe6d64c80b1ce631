"""The docker compose stack end to end: up (2 executors, 2 server replicas), verify math and code over
HTTP, hostile programs over HTTP and straight at the executors through their socket volume, and down.

Needs root, dockerd, and the images from .ci/setup-docker.sh and .ci/setup-compose.sh. Slow (~1 min):
marked `compose`, sorted last; CI runs it as its own step: pytest -m compose.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rlvr.sandbox import Limits, Sandbox
from tests.server.conftest import wait_for_executors

pytestmark = [pytest.mark.compose, pytest.mark.timeout(300)]

COMPOSE_FILE = Path(__file__).resolve().parents[2] / "docker" / "compose.yaml"
KEY = "compose-key-" + secrets.token_hex(4)
MATH = "rlvr/Math-v1"


def _compose(project: str, *args: str, check: bool = True) -> str:
    env = {
        **os.environ,
        "RLVR_PUBLISH": "127.0.0.1:",
        "RLVR_API_KEY": KEY,
        "RLVR_WORKERS": "1",
        "RLVR_VERIFY_TIMEOUT_S": "2",
        "RLVR_SANDBOX_SLOTS": "3",  # 2 replicas x 3 + the test's own 2 connections = the executors' 8 slots
    }
    done = subprocess.run(
        ["docker", "compose", "-p", project, "-f", str(COMPOSE_FILE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"docker compose {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, object]]:
    for image in ("rlvr-executor:latest", "rlvr-server:latest"):
        found = subprocess.run(["docker", "image", "inspect", image], capture_output=True).returncode == 0
        assert found, f"{image} is not built: run .ci/setup-docker.sh and .ci/setup-compose.sh"
    project = "rlvrtest" + secrets.token_hex(3)
    try:
        _compose(project, "up", "-d", "--wait", "--scale", "executor=2", "--scale", "server=2")
        urls = ["http://" + _compose(project, "port", "--index", str(i), "server", "8000").strip() for i in (1, 2)]
        volume = json.loads(
            subprocess.run(
                ["docker", "volume", "inspect", f"{project}_sockets"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )[0]["Mountpoint"]
        yield {
            "urls": urls,
            "sockets": sorted(str(p) for p in Path(volume).glob("*.sock")),
            "project": project,
        }
    finally:
        _compose(project, "down", "-v", "--timeout", "5", check=False)


def _http(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}, timeout=30)


def test_every_replica_is_ready_with_its_sandbox_and_verifies_math(stack) -> None:
    for url in stack["urls"]:
        with _http(url) as http:
            assert http.get("/readyz").json()["checks"] == {"worker_pool": True, "sandbox": True}
            good = http.post(
                "/verify",
                json={"env": MATH, "completion": "so \\boxed{\\frac{3}{4}}", "reference": {"answer": "0.75"}},
            ).json()
            assert good["status"] == "correct" and good["reward"] == 1.0
            batch = http.post(
                "/verify/batch",
                json={
                    "items": [
                        {"env": MATH, "completion": "\\boxed{(a+b+c+d+e)^{40}}", "reference": {"answer": "\\sqrt{2}"}},
                        {"env": MATH, "completion": "\\boxed{5}", "reference": {"answer": "6"}},
                    ]
                },
            ).json()["results"]
            assert [r["status"] for r in batch] == ["timeout", "wrong"] and batch[0]["reward"] is None
            assert httpx.post(url + "/verify", json={}).status_code == 401


CONNECT = """
import socket
try:
    socket.create_connection({target!r}, timeout=2)
    print("open")
except OSError:
    print("blocked")
"""
ADD_TESTS = {"asserts": ["assert add(1, 2) == 3", "assert add(-4, 4) == 0"]}
HTTP_HOSTILE = [  # (program, what must show in the reason)
    ("import os\nwhile True:\n    os.fork()", "failed"),
    ("import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=2)", "Network is unreachable"),
    ("import os\nos.system('kill -9 -1')\nopen('/etc/x', 'w')", ""),
    ("import time\ntime.sleep(60)", ""),
]


def _code(program: str) -> dict[str, object]:
    return {"env": "rlvr/Code-v1", "completion": f"```python\n{program}\n```", "reference": ADD_TESTS}


def test_code_is_verified_over_http_and_hostile_programs_score_wrong(stack) -> None:
    good = _code("def add(a, b):\n    return a + b")
    with _http(stack["urls"][0]) as http:
        assert http.post("/verify", json=good).json()["status"] == "correct"
        bad = http.post("/verify", json=_code("def add(a, b):\n    return a - b")).json()
        assert bad["status"] == "wrong" and "AssertionError" in bad["reason"]
        for program, expected in HTTP_HOSTILE:
            result = http.post("/verify", json=_code(program)).json()
            assert result["status"] == "wrong" and result["reward"] == 0.0, (program, result)
            assert expected in result["reason"], (program, result)
        # Hostile programs next to innocent ones in one batch: the innocent ones still pass.
        items = [_code(p) for p, _ in HTTP_HOSTILE] + [good] * 4
        results = http.post("/verify/batch", json={"items": items}).json()["results"]
        assert [r["status"] for r in results] == ["wrong"] * len(HTTP_HOSTILE) + ["correct"] * 4, results


HOSTILE = {
    "network": CONNECT.format(target=("1.1.1.1", 53)),
    "server_port": CONNECT.format(target=("server", 8000)),
    "secrets": "import os\nprint(sorted(k for k in os.environ if k.startswith('RLVR')))",
    "escape_write": "try:\n    open('/etc/x', 'w')\n    print('wrote')\nexcept OSError:\n    print('denied')",
    "fork_bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
}


def test_hostile_programs_are_contained_and_the_stack_keeps_serving(stack) -> None:
    assert len(stack["sockets"]) == 2
    with Sandbox(backend="sockets", sockets=stack["sockets"], slots=2) as box:
        limits = Limits(wall_time_s=3)
        results = {name: box.run(code, limits=limits) for name, code in HOSTILE.items()}
        assert results["network"].stdout.strip() == "blocked"
        assert results["server_port"].stdout.strip() == "blocked"
        assert results["secrets"].stdout.strip() == "[]"
        assert results["escape_write"].stdout.strip() == "denied"
        assert results["fork_bomb"].status != "ok"
        assert box.run("print(6 * 7)").stdout == "42\n"  # the executors survived all of it
    for url in stack["urls"]:
        with _http(url) as http:
            assert http.get("/readyz").status_code == 200
            reply = http.post("/verify", json={"env": MATH, "completion": "\\boxed{2}", "reference": {"answer": "2"}})
            assert reply.json()["status"] == "correct"


def test_scaling_executors_down_and_up_needs_no_server_restart(stack) -> None:
    """The issue-13 defect: after `--scale executor=1` the removed replica's socket stayed in the volume and
    the servers kept using it (75% sandbox_error with 4 -> 1). Now it leaves rotation, and a new one joins."""
    servers = _compose(stack["project"], "ps", "-q", "server").split()
    good = _code("def add(a, b):\n    return a + b")
    scale = ["up", "-d", "--wait", "--no-recreate", "--scale", "server=2", "--scale"]
    _compose(stack["project"], *scale, "executor=1")
    for url in stack["urls"]:
        assert wait_for_executors(url, 1, 20.0)["sandbox"]["slots"] == 3
        with _http(url) as http:
            results = http.post("/verify/batch", json={"items": [good] * 12}).json()["results"]
            assert [r["status"] for r in results] == ["correct"] * 12, results
    _compose(stack["project"], *scale, "executor=2")
    for url in stack["urls"]:
        ready = wait_for_executors(url, 2, 20.0)
        assert ready["status"] == "ready" and ready["sandbox"]["slots"] == 6
    assert _compose(stack["project"], "ps", "-q", "server").split() == servers  # the same server containers
