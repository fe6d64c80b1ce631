"""The server's sandbox against real executors and real servers: executors in a socket directory (as the
compose stack runs them) die and appear while the server keeps serving code checks; a SIGKILLed `rlvr serve`
leaves executors that the next one removes, without touching a live server's.

Needs dockerd and the executor image (.ci/setup-docker.sh). Executors are started with `docker run` of the
image, each serving `<name>.sock` in one temporary directory, the way compose's replicas share a volume.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from rlvr.sandbox.docker_pool import SOCKET_DIR_IN_CONTAINER, ContainerSpec, docker_client
from rlvr.server import Settings
from tests.server.conftest import LiveServer, wait_for_executors

pytestmark = pytest.mark.timeout(240)

CODE = "rlvr/Code-v1"
TESTS = {"asserts": ["assert add(1, 2) == 3"]}
GOOD = "import time\ntime.sleep({s})\ndef add(a, b):\n    return a + b"
BAD = "import time\ntime.sleep({s})\ndef add(a, b):\n    return a - b"


class Executors:
    """Executor containers serving `<name>.sock` in one shared host directory."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.client = docker_client()
        self.running: dict[str, object] = {}

    def start(self) -> str:
        name = f"rlvr-test-exec-{secrets.token_hex(3)}"
        spec = ContainerSpec(idle_exit_s=0)  # 8 slots: the server takes 2; pings and probes have room
        kwargs = spec.run_kwargs(str(self.directory), 100_000 + secrets.randbelow(10_000) * 1_000, name)
        kwargs["environment"]["RLVR_SOCKET"] = f"{SOCKET_DIR_IN_CONTAINER}/{name}.sock"
        self.running[name] = self.client.containers.run(**kwargs)
        path = self.directory / f"{name}.sock"
        deadline = time.monotonic() + 30
        while not path.exists():
            assert time.monotonic() < deadline, f"{name} did not make its socket"
            time.sleep(0.05)
        return name

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash or `docker kill` does: the socket file stays in the directory."""
        self.running.pop(name).kill()

    def close(self) -> None:
        for container in self.running.values():
            try:
                container.remove(force=True)
            except Exception:  # already gone (auto_remove)
                pass
        self.client.close()


@pytest.fixture()
def executors(tmp_path: Path) -> Iterator[Executors]:
    directory = tmp_path / "sock"
    directory.mkdir()
    directory.chmod(0o777)  # container root (no CAP_DAC_OVERRIDE) must be able to make its socket
    fleet = Executors(directory)
    try:
        yield fleet
    finally:
        fleet.close()


def _items(n: int, sleep_s: float) -> tuple[list[dict], list[str]]:
    """n code items, correct and wrong in a pattern that shows any loss or reordering."""
    items, expected = [], []
    for i in range(n):
        good = i % 3 != 1
        program = (GOOD if good else BAD).format(s=sleep_s)
        items.append({"env": CODE, "completion": f"```python\n{program}\n```", "reference": TESTS})
        expected.append("correct" if good else "wrong")
    return items, expected


def _check(http: httpx.Client, items: list[dict], expected: list[str]) -> None:
    """The batch's statuses are `expected`, in order; a mismatch shows the reasons of unexpected ones."""
    reply = http.post("/verify/batch", json={"items": items})
    assert reply.status_code == 200, reply.text
    results = reply.json()["results"]
    odd = sorted({r["reason"] for r, want in zip(results, expected, strict=False) if r["status"] != want})
    assert [r["status"] for r in results] == expected, odd


def _gauges(http: httpx.Client) -> dict[str, float]:
    return {s.name: s.value for f in text_string_to_metric_families(http.get("/metrics").text) for s in f.samples}


def test_a_dead_executor_leaves_rotation_and_a_new_one_joins_without_a_restart(executors: Executors) -> None:
    names = [executors.start() for _ in range(3)]
    live = LiveServer(Settings(workers=1, verify_timeout_s=5, sandbox_socket_dir=str(executors.directory),
                               sandbox_slots=2)).start()
    try:
        with live.client() as http:
            items, expected = _items(12, 0)
            _check(http, items, expected)
            assert wait_for_executors(live.url, 3, 15.0)["sandbox"] == {"executors": 3, "slots": 6, "lost": 0}

            # One executor dies in the middle of a batch: the jobs it held and every later one run elsewhere.
            items, expected = _items(36, 0.3)
            killer = threading.Timer(0.8, executors.kill, args=(names[1],))
            killer.start()
            _check(http, items, expected)
            killer.join()
            assert (executors.directory / f"{names[1]}.sock").exists()  # the stale socket is still there
            items, expected = _items(12, 0)
            _check(http, items, expected)
            ready = wait_for_executors(live.url, 2, 15.0)
            assert ready["status"] == "ready" and ready["sandbox"] == {"executors": 2, "slots": 4, "lost": 1}
            gauges = _gauges(http)
            assert gauges["rlvr_sandbox_executors"] == 2 and gauges["rlvr_sandbox_slots"] == 4
            assert gauges["rlvr_sandbox_executors_lost"] == 1

            # Scale up with no restart, then lose both old executors at once: only the new one serves.
            added = executors.start()
            wait_for_executors(live.url, 3, 15.0)
            executors.kill(names[0])
            executors.kill(names[2])
            items, expected = _items(16, 0)
            _check(http, items, expected)
            assert wait_for_executors(live.url, 1, 15.0)["sandbox"] == {"executors": 1, "slots": 2, "lost": 3}
            heals = _gauges(http)["rlvr_sandbox_heals"]
            _check(http, items, expected)
            assert _gauges(http)["rlvr_sandbox_heals"] == heals  # the dead are out of rotation, not healed again

            # The last one goes: not ready, and a code check says the sandbox failed (never the program).
            executors.kill(added)
            ready = wait_for_executors(live.url, 0, 15.0)
            assert ready["status"] == "not_ready" and ready["not_ready"] == ["sandbox"]
            _check(http, items[:2], ["sandbox_error"] * 2)
    finally:
        live.stop()


class Serve:
    """`rlvr serve` in a subprocess (its own session), embedded Docker sandbox, temp files under `tmp`."""

    def __init__(self, tmp: Path, log: Path):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        env = {**os.environ, "RLVR_WORKERS": "1", "TMPDIR": str(tmp)}
        env.pop("RLVR_SANDBOX_BACKEND", None)
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rlvr", "serve", "--port", self.url.rsplit(":", 1)[1], "--log-level", "warning"],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                assert self.proc.poll() is None, log.read_text()
            time.sleep(0.1)
        raise AssertionError(f"rlvr serve did not become ready in 90 s: {log.read_text()}")

    def code_check(self) -> str:
        items, expected = _items(1, 0)
        reply = httpx.post(self.url + "/verify", json=items[0], timeout=120)
        assert reply.status_code == 200 and reply.json()["status"] == expected[0], reply.text
        return reply.json()["status"]

    def stop(self) -> None:
        """SIGTERM, then whatever is left of its process group (a SIGKILLed server's workers)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self._log.close()


def _executors_under(roots: set[Path]) -> dict[str, str]:
    """Executor containers (name -> status) whose socket directory lies under one of `roots`."""
    client = docker_client()
    try:
        found = {}
        for container in client.containers.list(all=True, filters={"label": "org.rlvr.sandbox"}, ignore_removed=True):
            sources = [m.get("Source", "") for m in container.attrs.get("Mounts", [])]
            if any(src.startswith(str(root)) for src in sources for root in roots):
                found[container.name] = container.status
        return found
    finally:
        client.close()


def test_the_next_rlvr_serve_reaps_what_a_sigkilled_one_left(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    servers: list[Serve] = []
    try:
        killed = Serve(temp, tmp_path / "killed.log")
        servers.append(killed)
        killed.code_check()  # starts its executors
        killed_roots = set(temp.glob("rlvr-sandbox-*"))
        live = Serve(temp, tmp_path / "live.log")
        servers.append(live)
        live.code_check()
        live_roots = set(temp.glob("rlvr-sandbox-*")) - killed_roots
        orphans, neighbours = _executors_under(killed_roots), _executors_under(live_roots)
        assert orphans and neighbours and len(killed_roots) == len(live_roots) == 1

        killed.proc.send_signal(signal.SIGKILL)
        killed.proc.wait()
        time.sleep(1)
        assert _executors_under(killed_roots) == orphans  # nothing cleans up after a SIGKILL by itself

        servers.append(Serve(temp, tmp_path / "next.log"))  # it reaps before it says it is ready
        started = time.monotonic()

        def left() -> bool:
            return bool(_executors_under(killed_roots)) or any(r.exists() for r in killed_roots)

        while left() and time.monotonic() - started < 10:
            time.sleep(0.2)
        assert not _executors_under(killed_roots), "the orphaned executors are still there"
        assert not any(r.exists() for r in killed_roots), "the orphaned socket directory is still there"
        reaped_s = time.monotonic() - started
        # The live server's executors were not touched: the same containers, running, serving.
        assert _executors_under(live_roots) == neighbours and set(neighbours.values()) == {"running"}
        assert all(r.exists() for r in live_roots)
        live.code_check()
        print(f"orphans gone {reaped_s:.1f} s after the next server was ready")
    finally:
        for server in servers:
            server.stop()
        client = docker_client()
        for name in _executors_under({temp}):
            try:
                client.containers.get(name).remove(force=True)
            except Exception:  # removed by its server or by auto_remove meanwhile
                pass
        client.close()
