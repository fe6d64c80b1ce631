"""Code checks through the server: the embedded default (Docker executors, started on first use), and
`rlvr serve` without Docker, which falls back to the local backend and says so loudly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx

CODE = "rlvr/Code-v1"
TESTS = {"asserts": ["assert add(1, 2) == 3", "assert add(-4, 4) == 0"]}


def _code(body: str) -> dict[str, object]:
    return {"env": CODE, "completion": f"Here it is:\n```python\n{body}\n```", "reference": TESTS}


def test_code_verdicts_through_the_embedded_server(http) -> None:
    items = [
        _code("def add(a, b):\n    return a + b"),
        _code("def add(a, b):\n    return a - b"),
        {"env": CODE, "completion": "I would add them.", "reference": TESTS},
        _code("import os\nwhile True:\n    os.fork()"),
        {"env": CODE, "completion": "```python\ndef add(a, b): return a + b\n```", "reference": {"nope": 1}},
        _code("def add(a, b):\n    return b + a"),
    ]
    results = http.post("/verify/batch", json={"items": items}).json()["results"]
    assert [r["status"] for r in results] == ["correct", "wrong", "no_answer", "wrong", "error", "correct"]
    assert [r["reward"] for r in results] == [1.0, 0.0, 0.0, 0.0, None, 1.0]


def test_rlvr_serve_without_docker_warns_and_uses_the_local_backend() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "RLVR_WORKERS": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    env.pop("RLVR_SANDBOX_BACKEND", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "rlvr.server", "--port", str(port), "--log-level", "warning"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert proc.poll() is None
            time.sleep(0.1)
        result = httpx.post(url + "/verify", json=_code("def add(a, b):\n    return a + b"), timeout=60).json()
        assert result["status"] == "correct"
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert "NO CODE ISOLATION" in stderr and "LOCAL sandbox backend" in stderr


def test_a_program_that_raises_a_lone_surrogate_gets_its_verdict(http) -> None:
    raising = _code("def add(a, b):\n    raise ValueError('\\ud800')")  # the program makes the surrogate
    reply = http.post("/verify/batch", json={"items": [raising, _code("def add(a, b):\n    return a + b")]})
    assert reply.status_code == 200, reply.text
    results = reply.json()["results"]
    assert [r["status"] for r in results] == ["wrong", "correct"]
    assert "ValueError: \ufffd" in results[0]["reason"]
    single = http.post("/verify", json=raising)
    assert single.status_code == 200 and "\ufffd" in single.json()["details"]["failures"][0]["message"]


def _our_executors(tmp_path, *, remove: bool = False) -> list[str]:
    """Executor containers whose socket directory lies under `tmp_path` (the server's TMPDIR), so that
    containers of other sandboxes on this daemon never count; `remove` cleans up after a failure."""
    from rlvr.sandbox.docker_pool import LABEL, docker_client

    client = docker_client()
    try:
        containers = client.containers.list(all=True, filters={"label": LABEL}, ignore_removed=True)
        ours = [c for c in containers
                if any(m.get("Source", "").startswith(str(tmp_path)) for m in c.attrs.get("Mounts", []))]
        for container in ours if remove else ():
            container.remove(force=True)
        return [c.name for c in ours]
    finally:
        client.close()


def test_sigterm_removes_the_executor_containers_rlvr_serve_started(tmp_path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "RLVR_WORKERS": "1", "TMPDIR": str(tmp_path)}
    env.pop("RLVR_SANDBOX_BACKEND", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "rlvr", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc)
        result = httpx.post(url + "/verify", json=_code("def add(a, b):\n    return a + b"), timeout=120).json()
        assert result["status"] == "correct"
        assert _our_executors(tmp_path), "the code check should have started executor containers"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    assert "NO CODE ISOLATION" not in stderr  # it really used Docker
    deadline = time.monotonic() + 15
    while (left := _our_executors(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.2)
    _our_executors(tmp_path, remove=True)
    assert not left, f"executor containers outlived the server: {left}"


def _wait_ready(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            assert proc.poll() is None
        time.sleep(0.1)
    raise AssertionError("rlvr serve did not become ready in 60 s")
