"""`rlvr serve` as a user runs it: a subprocess, settings from RLVR_* variables, a clean Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx


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
