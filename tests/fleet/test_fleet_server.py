"""`rlvr serve --ray ADDRESS`: a real uvicorn front (a subprocess on loopback) for a fleet on the test cluster,
reached through Ray Client (`ray://`, as the Kubernetes front reaches its RayCluster). Its checks run on the
cluster's actors; /readyz and /metrics report the fleet; SIGTERM frees the actors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import ray

from rlvr.runtime import Runtime
from tests.fleet.conftest import NODE_CPUS, LocalCluster

TESTS = {"asserts": ["assert add(1, 2) == 3"]}
ITEMS = [
    {"env": "rlvr/Math-v1", "completion": "\\boxed{\\frac{1}{2}}", "reference": {"answer": "0.5"}},
    {"env": "rlvr/Math-v1", "completion": "\\boxed{3}", "reference": {"answer": "4"}},
    {"env": "rlvr/Code-v1", "completion": "```python\ndef add(a, b):\n    return a + b\n```", "reference": TESTS},
    {"env": "rlvr/Code-v1", "completion": "```python\ndef add(a, b):\n    return a * b\n```", "reference": TESTS},
    {"env": "rlvr/Math-v1", "completion": "I don't know", "reference": {"answer": "1"}},
]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ready(url: str, proc: subprocess.Popen) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else "the server exited"
        try:
            reply = httpx.get(url + "/readyz", timeout=2)
            if reply.status_code == 200:
                return reply.json()
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("the fleet front did not become ready in 120 s")


def test_rlvr_serve_ray_fronts_the_fleet(ray_cluster: LocalCluster) -> None:
    port = _port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "RLVR_RAY_ADDRESS": "", "RLVR_SANDBOX_SLOTS": "4"}
    command = ["rlvr", "serve", "--ray", ray_cluster.client_address, "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen([sys.executable, "-m", *command], env=env, stderr=subprocess.PIPE, text=True)
    try:
        ready = _ready(url, proc)
        assert ready["checks"] == {"fleet": True}
        assert {k: ready["fleet"][k] for k in ("actors", "actors_alive", "nodes", "sandbox_slots")} == {
            "actors": 2, "actors_alive": 2, "nodes": 2, "sandbox_slots": 8}
        results = httpx.post(url + "/verify/batch", json={"items": [*ITEMS, {"env": 1}]}, timeout=60).json()["results"]
        with Runtime() as local:
            expected = local.verify_batch(ITEMS)
        assert [(r["status"], r["reward"]) for r in results[:-1]] == [(r.status.value, r.reward) for r in expected]
        assert results[-1]["status"] == "error" and results[-1]["reason"].startswith("invalid item: ")
        metrics = httpx.get(url + "/metrics", timeout=10).text
        assert "rlvr_fleet_actors_alive 2.0" in metrics and "rlvr_fleet_nodes 2.0" in metrics
        session = httpx.post(url + "/envs/rlvr/Math-v1/reset", json={"seed": 1}, timeout=30).json()
        step = httpx.post(f"{url}/sessions/{session['session_id']}/step", json={"action": "\\boxed{0}"}, timeout=30)
        assert step.status_code == 200 and step.json()["info"]["status"] in ("correct", "wrong"), step.text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    workers = len(ray_cluster.worker_nodes())
    deadline = time.monotonic() + 30
    while ray.available_resources().get("CPU") != workers * NODE_CPUS:  # the front's actors are gone
        assert time.monotonic() < deadline, ray.available_resources()
        time.sleep(0.2)
