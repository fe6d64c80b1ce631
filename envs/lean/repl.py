"""The `repl` backend: a pool of warm leanprover-community `repl` processes, reused per header.

The protocol: one JSON command per block on stdin (`{"cmd": "...", "env": 0}`), blocks separated by a
blank line; each answer is a JSON object (`env`, `messages`, `sorries`) followed by a blank line. A
process loads its header once (`import Mathlib` takes tens of seconds), then checks proofs in
environments derived from it. Each proof has a hard wall-clock deadline: reads and writes wait on
`select`, and a process that overruns, crashes, speaks anything but the protocol, exceeds its memory
limit or reaches `max_uses` is killed (its whole process group) and replaced on the next request.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import select
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rlvr.envs.lean.config import LeanConfig
from rlvr.envs.lean.errors import LeanError, LeanTimeout, ReplCrashed
from rlvr.envs.lean.plan import STAGES, build_plan, judge_stage
from rlvr.envs.lean.source import Candidate, Reference
from rlvr.results import VerifyResult

log = logging.getLogger(__name__)


class ReplProcess:
    """One REPL subprocess in its own process group, with the header environment it loaded."""

    def __init__(self, config: LeanConfig, header: str):
        self.header = header
        self.uses = 0
        self.broken = False
        self.header_env: int | None = None
        self._buffer = b""
        self._proc = subprocess.Popen(config.repl_cmd, cwd=config.repl_cwd, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
        # Writes never block past a deadline: a full pipe to a stuck REPL just waits in `select`.
        os.set_blocking(self._proc.stdin.fileno(), False)  # type: ignore[union-attr]
        if config.address_space_limit_mb:
            limit = config.address_space_limit_mb << 20
            resource.prlimit(self._proc.pid, resource.RLIMIT_AS, (limit, limit))

    @property
    def pid(self) -> int:
        return self._proc.pid

    def load_header(self, deadline: float) -> None:
        response = self.send({"cmd": self.header}, deadline)
        errs = [m.get("data") for m in response.get("messages") or () if m.get("severity") == "error"]
        if errs or not isinstance(response.get("env"), int):
            self.broken = True
            raise LeanError(f"the header does not load: {str(errs[:1])[:300]}")
        self.header_env = response["env"]

    def send(self, command: dict[str, Any], deadline: float) -> dict[str, Any]:
        """Send one command and wait for its answer until `deadline` (a `time.monotonic()` value)."""
        try:
            self._write((json.dumps(command, ensure_ascii=False) + "\n\n").encode(), deadline)
            response = self._read(deadline)
        except LeanError:
            self.broken = True
            raise
        if "env" not in response and "message" in response:
            self.broken = True
            raise ReplCrashed(f"the REPL refused the command: {str(response['message'])[:300]}")
        return response

    def _write(self, data: bytes, deadline: float) -> None:
        fd = self._proc.stdin.fileno()  # type: ignore[union-attr]
        while data:
            _, writable, _ = select.select([], [fd], [], _remaining(deadline))
            if not writable:
                continue
            try:
                data = data[os.write(fd, data):]
            except BlockingIOError:
                continue
            except OSError as exc:
                raise ReplCrashed(f"the REPL closed its input ({exc.__class__.__name__})") from None

    def _read(self, deadline: float) -> dict[str, Any]:
        fd = self._proc.stdout.fileno()  # type: ignore[union-attr]
        while b"\n\n" not in self._buffer.lstrip():
            readable, _, _ = select.select([fd], [], [], _remaining(deadline))
            if not readable:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise ReplCrashed(f"the REPL closed its output (exit code {self._proc.poll()})")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.lstrip().partition(b"\n\n")
        try:
            response = json.loads(raw)
        except ValueError:
            raise ReplCrashed(f"the REPL wrote something that is not JSON: {raw[:200]!r}") from None
        if not isinstance(response, dict):
            raise ReplCrashed(f"the REPL wrote JSON that is not an object: {raw[:200]!r}")
        return response

    def rss_mb(self) -> float:
        """Resident memory of the process and its children (`lake exe repl` runs the REPL as a child)."""
        total, pending = 0, [self._proc.pid]
        while pending:
            pid = pending.pop()
            try:
                with open(f"/proc/{pid}/status") as status:
                    total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as children:
                        pending.extend(int(child) for child in children.read().split())
            except (OSError, ValueError):
                continue
        return total / 1024

    def kill(self) -> None:
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.error("REPL process %d survived SIGKILL for 10s; abandoning it", self._proc.pid)
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                stream.close()


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise LeanTimeout("the REPL did not answer in time")
    return remaining


class ReplPool:
    """Warm REPL processes keyed by header, at most `config.max_processes` alive at once."""

    def __init__(self, config: LeanConfig):
        self.config = config
        self._idle: dict[str, list[ReplProcess]] = {}
        self._alive = 0
        self._cond = threading.Condition()
        self._closed = False
        self.started = 0

    @contextmanager
    def session(self, header: str, deadline: float) -> Iterator[ReplProcess]:
        """A process with `header` loaded, returned to the pool afterwards unless it must be replaced."""
        process = self._acquire(header, deadline)
        try:
            yield process
        except BaseException:
            process.broken = True
            raise
        finally:
            self._release(process)

    def _acquire(self, header: str, deadline: float) -> ReplProcess:
        victim = None
        with self._cond:
            while True:
                if self._closed:
                    raise LeanError("the REPL pool is closed")
                if self._idle.get(header):
                    return self._idle[header].pop()
                if self._alive < self.config.max_processes:
                    self._alive += 1
                    break
                victim = next((procs.pop(0) for procs in self._idle.values() if procs), None)
                if victim is not None:
                    break
                if not self._cond.wait(timeout=max(0.0, deadline - time.monotonic())):
                    raise LeanTimeout("no REPL process became free in time")
        if victim is not None:
            victim.kill()
        return self._start(header)

    def _start(self, header: str) -> ReplProcess:
        process = None
        try:
            process = ReplProcess(self.config, header)
            self.started += 1
            process.load_header(time.monotonic() + self.config.header_timeout_s)
            return process
        except BaseException:
            if process is not None:
                process.kill()
            with self._cond:
                self._alive -= 1
                self._cond.notify()
            raise

    def _release(self, process: ReplProcess) -> None:
        worn = process.uses >= self.config.max_uses
        if not (process.broken or worn or self._closed) and process.rss_mb() <= self.config.memory_limit_mb:
            with self._cond:
                self._idle.setdefault(process.header, []).append(process)
                self._cond.notify()
            return
        process.kill()
        with self._cond:
            self._alive -= 1
            self._cond.notify()

    def idle_pids(self) -> list[int]:
        with self._cond:
            return [p.pid for procs in self._idle.values() for p in procs]

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle = [p for procs in self._idle.values() for p in procs]
            self._idle.clear()
            self._alive -= len(idle)
        for process in idle:
            process.kill()


def check_with_repl(candidate: Candidate, reference: Reference, config: LeanConfig, pool: ReplPool) -> VerifyResult:
    """Run the four-stage check (see `plan`) on a warm REPL of `pool`. A broken check raises LeanError (its
    LeanTimeout when it overran), which `rlvr.outcomes` turns into `error` or `timeout`, never a 0."""
    plan = build_plan(candidate, reference)
    try:
        with pool.session(reference.header, time.monotonic() + config.queue_timeout_s) as repl:
            repl.uses += 1
            deadline = time.monotonic() + config.timeout_s
            env = repl.header_env
            for stage in STAGES:
                response = repl.send({"cmd": plan.commands[stage], "env": env}, deadline)
                verdict = judge_stage(stage, response, plan, config.allowed_axioms)
                if verdict is not None:
                    return verdict
                env = response.get("env")
    except LeanTimeout as exc:
        raise LeanTimeout(f"{exc} (limit {config.timeout_s:g}s)") from None
    except OSError as exc:
        raise LeanError(f"the REPL could not start: {exc.__class__.__name__}: {exc}") from exc
    raise AssertionError("the axioms stage always gives a verdict")
