"""The docker compose stack end to end: up (2 executors, 2 server replicas), verify math over HTTP, hostile
programs against the executors through their socket volume, and down.

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

pytestmark = [pytest.mark.compose, pytest.mark.timeout(300)]

COMPOSE_FILE = Path(__file__).resolve().parents[2] / "docker" / "compose.yaml"
KEY = "compose-key-" + secrets.token_hex(4)
MATH = "rlvr/Math-v0"


def _compose(project: str, *args: str, check: bool = True) -> str:
    env = {
        **os.environ,
        "RLVR_PUBLISH": "127.0.0.1:",
        "RLVR_API_KEY": KEY,
        "RLVR_WORKERS": "1",
        "RLVR_VERIFY_TIMEOUT_S": "2",
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
                        {"env": MATH, "completion": "\\boxed{9^{9^{9^{9}}}}", "reference": {"answer": "1"}},
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
