"""`rlvr serve` as a user runs it: a subprocess, settings from RLVR_* variables, a clean Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from rlvr.errors import ConfigError
from rlvr.server.settings import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_rlvr_serve_runs_scores_and_stops_cleanly() -> None:
    port = _free_port()
    env = {**os.environ, "RLVR_WORKERS": "1", "RLVR_MAX_BATCH": "8"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rlvr", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
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
                assert proc.poll() is None, proc.stdout.read()
            time.sleep(0.1)
        reply = httpx.post(
            url + "/verify",
            json={"env": "rlvr/Math-v1", "completion": "\\boxed{2}", "reference": {"answer": "2"}},
        )
        assert reply.json()["status"] == "correct"
        too_many = httpx.post(url + "/verify/batch", json={"items": [{}] * 9})
        assert too_many.status_code == 413  # RLVR_MAX_BATCH reached the server
        assert "rlvr_pool_workers 1.0" in httpx.get(url + "/metrics").text
        assert [_command(pid)[-1] for pid in _children(proc.pid)] == ["rlvr.envs.math.verifier"]  # warm by default
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0


def test_bad_setting_fails_fast_with_the_variable_name() -> None:
    env = {**os.environ, "RLVR_MAX_BATCH": "lots"}
    done = subprocess.run(
        [sys.executable, "-m", "rlvr", "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "RLVR_MAX_BATCH='lots'" in done.stderr and "Traceback" not in done.stderr


def test_warm_families_name_the_verifiers_each_worker_imports_before_it_is_ready() -> None:
    assert Settings().worker_preloads == ("rlvr.envs.math.verifier",)
    both = Settings(warm_families="math, sudoku,reasoning_gym")  # sudoku runs inline: the server imports it itself
    assert both.worker_preloads == ("rlvr.envs.math.verifier", "rlvr.envs.reasoning_gym.verifier")
    assert Settings(warm_families="").worker_preloads == ()
    with pytest.raises(ConfigError, match=r"RLVR_WARM_FAMILIES names unknown families \['algebra'\]"):
        Settings(warm_families="math,algebra")


def _children(pid: int) -> list[int]:
    tasks = f"/proc/{pid}/task"
    return sorted(int(child) for task in os.listdir(tasks) for child in open(f"{tasks}/{task}/children").read().split())


def _command(pid: int) -> list[str]:
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return cmdline.read().decode().rstrip("\0").split("\0")
