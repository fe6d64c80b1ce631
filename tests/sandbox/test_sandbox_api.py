"""The sandbox's public API: limits, languages, results, and loud failures when Docker is missing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from rlvr.errors import ConfigError, RlvrError
from rlvr.sandbox import (
    LANGUAGES,
    DockerUnavailable,
    ExecResult,
    ExecStatus,
    ImageNotFound,
    Limits,
    LimitsError,
    Sandbox,
    SandboxError,
)

ROOT = Path(__file__).resolve().parents[2]


def test_limits_defaults_and_validation():
    limits = Limits()
    assert limits.network is False and limits.wall_time_s > 0 and limits.output_bytes > 0
    assert limits.replace(wall_time_s=1).wall_time_s == 1
    for bad in ({"wall_time_s": 0}, {"cpu_time_s": -1}, {"memory_bytes": 1024}, {"processes": 0},
                {"open_files": 1}, {"network": True}):
        with pytest.raises(LimitsError):
            Limits(**bad)
    assert issubclass(LimitsError, ConfigError) and issubclass(SandboxError, RlvrError)


def test_languages_table():
    assert {"python", "cpp"} <= set(LANGUAGES)
    assert LANGUAGES["python"].source == "main.py"
    cpp = LANGUAGES["cpp"]
    assert cpp.compile and cpp.compile[0].startswith("/") and cpp.compile_limits is not None
    assert all(spec.run[0].startswith(("/", "./")) for spec in LANGUAGES.values())


def test_exec_result_round_trip():
    result = ExecResult.from_wire({"status": "timeout", "exit_code": None, "stdout": "x", "unknown": 1})
    assert result.status is ExecStatus.TIMEOUT and not result.ok
    assert ExecResult.from_wire(result.to_dict()) == result
    error = ExecResult.sandbox_error("executor died")
    assert error.status == "sandbox_error" and error.reason == "executor died"


def test_unknown_backend_and_language():
    with pytest.raises(LimitsError, match="unknown sandbox backend"):
        Sandbox("chroot")  # type: ignore[arg-type]
    with pytest.raises(LimitsError, match="needs sockets"):
        Sandbox("sockets")


def test_docker_backend_fails_loudly_without_a_daemon(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(DockerUnavailable, match="cannot reach the Docker daemon"):
        Sandbox("docker")


def test_docker_backend_fails_loudly_without_the_image():
    with pytest.raises(ImageNotFound, match="setup-docker.sh"):
        Sandbox("docker", image="rlvr-executor:no-such-tag")


def test_setup_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(ROOT / ".ci" / "setup-docker.sh")], check=True)


def test_cli_runs_a_program(tmp_path, capsys):
    from rlvr.cli import main

    program = tmp_path / "prog.py"
    program.write_text("print(input() * 2)")
    assert main(["sandbox", "run", str(program), "--backend", "local", "--stdin", "ab"]) == 0
    assert '"stdout": "abab\\n"' in capsys.readouterr().out


def test_busy_and_waiting_counters_and_answers():
    """What /metrics and /readyz read: slots in use, jobs waiting for one, and whether an executor answers."""
    import threading
    import time

    with Sandbox("local", slots=2) as box:
        assert (box.capacity, box.busy, box.waiting) == (2, 0, 0)
        assert box.answers(recent_s=0)  # no job has answered yet: this one pings
        slow = [box.submit("import time; time.sleep(1.5)") for _ in range(2)]
        extra: list = []
        caller = threading.Thread(target=lambda: extra.append(box.run("print(1)")))  # as a verifier thread calls
        caller.start()
        seen = set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (2, 1) not in seen:
            seen.add((box.busy, box.waiting))
            time.sleep(0.005)
        caller.join(timeout=10)
        assert (2, 1) in seen and all(busy <= 2 for busy, _ in seen)
        assert [f.result().status for f in slow] == ["ok", "ok"] and extra[0].stdout == "1\n"
        assert (box.busy, box.waiting) == (0, 0)
        assert box.answers()  # a job just answered: no ping needed
    assert not box.answers()
