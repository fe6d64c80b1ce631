"""The host side: jobs go to executors over unix sockets, one connection per slot.

`ExecutorPool` is transport only. Where the executors come from (containers it started, a local
process, or sockets someone else runs, e.g. a compose service) is a `Provider`, which also knows how to
replace an executor that died, wedged or reported a breach.
"""

from __future__ import annotations

import json
import logging
import queue
import socket
import struct
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

from rlvr.sandbox.errors import ExecutorStartError, SandboxClosed
from rlvr.sandbox.result import ExecResult

log = logging.getLogger(__name__)

_HEADER = struct.Struct(">I")
MAX_MESSAGE = 256 << 20
PROTOCOL = 3  # must match executor.py's PROTOCOL


class ProtocolError(OSError):
    """The executor closed the connection or sent something unreadable."""


class Channel:
    """One connection to an executor; the executor serves it with one forked handler (one slot)."""

    def __init__(self, path: str, connect_timeout_s: float = 5.0):
        self._pending = b""  # bytes received past the last frame
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(connect_timeout_s)
        try:
            self.sock.connect(path)
        except OSError:
            self.sock.close()
            raise

    def request(self, message: dict[str, Any], timeout_s: float, payload: bytes | None = None) -> dict[str, Any]:
        self.send(message, timeout_s, payload)
        return self.receive(timeout_s)

    def send(self, message: dict[str, Any], timeout_s: float, payload: bytes | None = None) -> None:
        """A JSON header, then (for a job) its raw payload as a second frame."""
        body = json.dumps(message).encode()
        frames = [_HEADER.pack(len(body)), body]
        if payload is not None:
            frames += [_HEADER.pack(len(payload)), payload]
        self.sock.settimeout(timeout_s)
        self.sock.sendall(b"".join(frames))

    def receive(self, timeout_s: float) -> dict[str, Any]:
        """The answer's JSON header; a job's stdout and stderr follow it as one raw frame."""
        self.sock.settimeout(timeout_s)
        answer = json.loads(self._recv_frame())
        lengths = answer.pop("outputs", None)
        if lengths is not None:
            output = self._recv_frame()
            stdout_len, stderr_len = lengths
            if stdout_len + stderr_len != len(output):
                raise ProtocolError("the executor's output frame does not match its lengths")
            answer["stdout"] = output[:stdout_len].decode("utf-8", "replace")
            answer["stderr"] = output[stdout_len:].decode("utf-8", "replace")
        return answer

    def _recv_frame(self) -> bytes:
        (size,) = _HEADER.unpack(self._recv_exact(4))
        if size > MAX_MESSAGE:
            raise ProtocolError(f"executor answered {size} bytes")
        return self._recv_exact(size)

    def _recv_exact(self, size: int) -> bytes:
        """`size` bytes, reading ahead (an answer's frames usually arrive in one read, not one per frame)."""
        buffer = bytearray(self._pending)
        while len(buffer) < size:
            chunk = self.sock.recv(max(size - len(buffer), 1 << 16))
            if not chunk:
                raise ProtocolError("the executor closed the connection")
            buffer += chunk
        self._pending = bytes(buffer[size:])
        return bytes(buffer[:size])

    def close(self) -> None:
        self.sock.close()


def ping(path: str, timeout_s: float = 2.0) -> bool:
    """True when an executor answers on `path` within the timeout."""
    try:
        channel = Channel(path, timeout_s)
    except OSError:
        return False
    try:
        return bool(channel.request({"op": "ping"}, timeout_s).get("ok"))
    except (OSError, ValueError):
        return False
    finally:
        channel.close()


def wait_ready(path: str, timeout_s: float, alive: Any = None) -> None:
    """Wait until an executor answers on `path`; `alive()` returning False aborts early."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ping(path, 1.0):
            return
        if alive is not None and not alive():
            raise ExecutorStartError(f"the executor for {path} exited before it answered")
        time.sleep(0.02)
    raise ExecutorStartError(f"no executor answered on {path} within {timeout_s:g}s")


class Provider(Protocol):
    """Where executors live. `socket_paths[i]` is executor i; `heal(i)` replaces it if it is broken."""

    socket_paths: Sequence[str]
    python: str | None

    def heal(self, index: int, *, force: bool) -> None: ...

    def close(self) -> None: ...


LOST_JOBS_BEFORE_REPLACING = 3


class _Executor:
    def __init__(self, index: int):
        self.index = index
        self.generation = 0
        self.lock = threading.Lock()
        # Jobs in a row whose connection dropped. An executor that still answers pings but loses every
        # job (its memory held by something no sweep frees, say) is replaced once this reaches
        # LOST_JOBS_BEFORE_REPLACING, not healed gently forever.
        self.lost_in_a_row = 0


class _Slot:
    def __init__(self, executor: _Executor):
        self.executor = executor
        self.channel: Channel | None = None
        self.generation = -1

    def drop(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None


class ExecutorPool:
    """Runs wire requests on `slots` connections per executor; heals executors that break."""

    def __init__(self, provider: Provider, slots: int, grace_s: float = 5.0):
        self.provider = provider
        self.grace_s = grace_s
        self.heals = 0
        self._closed = False
        self._count_lock = threading.Lock()
        self._busy = 0  # jobs holding a slot now
        self._waiting = 0  # jobs waiting for a free slot
        self.last_answer = float("-inf")  # time.monotonic() of the last answer from any executor
        self._executors = [_Executor(i) for i in range(len(provider.socket_paths))]
        self._idle: queue.SimpleQueue[_Slot] = queue.SimpleQueue()
        for _ in range(slots):
            for executor in self._executors:
                self._idle.put(_Slot(executor))
        self.capacity = slots * len(self._executors)

    def run(self, request: dict[str, Any], payload: bytes, timeout_s: float) -> ExecResult:
        """Run one request; any failure of the sandbox comes back as a sandbox_error result."""
        if self._closed:
            raise SandboxClosed("the sandbox is closed")
        self._count(waiting=1)
        try:
            slot = self._idle.get()
        finally:
            self._count(waiting=-1)
        self._count(busy=1)
        try:
            if self._closed:
                raise SandboxClosed("the sandbox is closed")
            return self._run_on(slot, request, payload, timeout_s + self.grace_s)
        finally:
            self._count(busy=-1)
            self._idle.put(slot)

    @property
    def busy(self) -> int:
        """Slots running a job now (saturation = busy / capacity)."""
        return self._busy

    @property
    def waiting(self) -> int:
        """Jobs waiting for a free slot."""
        return self._waiting

    def _count(self, *, busy: int = 0, waiting: int = 0) -> None:
        with self._count_lock:  # `+=` on an attribute is not atomic across threads
            self._busy += busy
            self._waiting += waiting

    def _run_on(self, slot: _Slot, request: dict[str, Any], payload: bytes, timeout_s: float) -> ExecResult:
        for attempt in range(2):
            executor = slot.executor
            generation = executor.generation
            try:
                if slot.channel is None or slot.generation != generation:
                    slot.drop()
                    slot.channel = Channel(self.provider.socket_paths[executor.index])
                    slot.generation = generation
                slot.channel.send(request, timeout_s, payload)
            except OSError as exc:
                # The executor never got the job (it was gone before we sent it), so the job can
                # safely be tried once more after healing.
                slot.drop()
                self._heal(executor, generation, force=False, why=f"cannot send: {exc}")
                if attempt == 0:
                    continue
                return ExecResult.sandbox_error(f"cannot reach executor {executor.index}: {exc}")
            try:
                response = slot.channel.receive(timeout_s)
            except TimeoutError:
                slot.drop()
                self._heal(executor, generation, force=True, why="no answer in time (wedged)")
                return ExecResult.sandbox_error(
                    f"executor {executor.index} gave no answer within {timeout_s:g}s")
            except (OSError, ValueError) as exc:
                slot.drop()
                executor.lost_in_a_row += 1
                self._heal(executor, generation, force=executor.lost_in_a_row >= LOST_JOBS_BEFORE_REPLACING,
                           why=f"connection lost ({executor.lost_in_a_row} in a row): {exc}")
                return ExecResult.sandbox_error(f"executor {executor.index} failed during the job: {exc}")
            executor.lost_in_a_row = 0
            self.last_answer = time.monotonic()
            if response.get("refused"):
                slot.drop()
                return ExecResult.from_wire(response)
            if response.get("breach"):
                slot.drop()
                self._heal(executor, generation, force=True, why="it reported processes it could not kill")
            return ExecResult.from_wire(response)
        raise AssertionError("unreachable")

    def _heal(self, executor: _Executor, seen: int, *, force: bool, why: str) -> None:
        with executor.lock:
            if executor.generation != seen or self._closed:
                return  # another job already healed it
            log.warning("sandbox executor %d: %s; healing", executor.index, why)
            try:
                self.provider.heal(executor.index, force=force)
            except Exception:
                log.exception("sandbox executor %d could not be healed", executor.index)
            executor.generation += 1
            self.heals += 1

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().drop()
            except queue.Empty:
                break
