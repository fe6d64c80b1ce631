"""backend="sockets" on a directory of executors that come and go (rlvr.sandbox.fleet), with executor
processes on the host (no Docker needed; tests/server/test_server_sandbox.py does it with containers and a
real server)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rlvr.sandbox import ExecStatus, Limits, Sandbox
from rlvr.sandbox.client import wait_ready
from rlvr.sandbox.local import EXECUTOR_PY

pytestmark = pytest.mark.timeout(120)


class HostExecutors:
    """Executor processes serving `<name>.sock` in one directory, as compose's replicas do in their volume."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> str:
        work = self.directory.parent / f"work-{name}"
        work.mkdir()
        path = str(self.directory / f"{name}.sock")
        env = {"RLVR_SOCKET": path, "RLVR_SLOTS": "4", "RLVR_WORK_ROOT": str(work), "RLVR_SETUID": "0",
               "PATH": "/usr/bin:/bin"}
        proc = subprocess.Popen([sys.executable, "-I", "-S", str(EXECUTOR_PY)], env=env, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        self.running[name] = proc
        wait_ready(path, 15, alive=lambda: proc.poll() is None)
        return path

    def kill(self, name: str) -> None:
        """SIGKILL the executor and its jobs: its socket file stays behind."""
        proc = self.running.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def close(self) -> None:
        for name in list(self.running):
            self.kill(name)


@pytest.fixture()
def host(tmp_path: Path):
    directory = tmp_path / "sock"
    directory.mkdir()
    executors = HostExecutors(directory)
    yield executors
    executors.close()


def _until(condition, within_s: float = 10.0) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "not within the bound"
        time.sleep(0.05)


def test_a_dead_executor_is_evicted_and_its_jobs_run_elsewhere(host: HostExecutors) -> None:
    for name in ("a", "b", "c"):
        host.start(name)
    (host.directory / "stale.sock").touch()  # a socket file nobody serves: never admitted
    with Sandbox("sockets", socket_dir=str(host.directory), slots=2, limits=Limits(wall_time_s=5)) as box:
        assert (box.executors, box.capacity, box.lost) == (3, 6, 0)
        jobs = [{"code": f"import time\ntime.sleep(0.2)\nprint({i})"} for i in range(30)]
        killer = threading.Timer(0.3, host.kill, args=("b",))
        killer.start()
        results = box.run_many(jobs)  # b dies with jobs on it: they run again on a or c
        killer.join()
        assert [r.stdout for r in results] == [f"{i}\n" for i in range(30)], [r for r in results if not r.ok]
        assert (box.executors, box.capacity, box.lost) == (2, 4, 1)
        heals = box.heals
        assert [r.stdout for r in box.run_many(jobs[:8])] == [f"{i}\n" for i in range(8)]
        assert box.heals == heals  # out of rotation, not healed job after job


def test_executors_that_appear_join_and_all_dying_is_a_sandbox_error(host: HostExecutors) -> None:
    host.start("a")
    with Sandbox("sockets", socket_dir=str(host.directory), slots=2) as box:
        host.start("b")
        _until(lambda: box.executors == 2)
        assert box.capacity == 4
        host.kill("a")  # idle: the watcher finds it without any job failing
        _until(lambda: box.executors == 1)
        assert box.run("print('b')").stdout == "b\n"
        host.kill("b")
        _until(lambda: box.executors == 0)
        result = box.run("print('nobody')")
        assert result.status is ExecStatus.SANDBOX_ERROR and "no sandbox executor" in result.reason
        assert not box.answers(0.2)
        host.start("a2")
        _until(lambda: box.executors == 1)
        assert box.run("print('back')").stdout == "back\n" and box.answers(0.2)


def test_a_socket_list_evicts_too(host: HostExecutors) -> None:
    paths = [host.start("a"), host.start("b")]
    with Sandbox("sockets", sockets=paths, slots=2) as box:
        host.kill("a")
        assert [r.stdout for r in box.run_many([{"code": f"print({i})"} for i in range(8)])] == \
            [f"{i}\n" for i in range(8)]
        assert box.socket_paths == paths[1:]
