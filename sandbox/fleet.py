"""Executors someone else runs (compose replicas, another process's pool), whose set changes under us.

A `Fleet` keeps one `ExecutorPool` per live executor and hands each job a free slot of any of them. An
executor that stops listening is evicted (its socket file may stay behind: a SIGKILLed or scaled-down
replica never removes it, and a read-only volume cannot be cleaned from here), and the job it held runs
again on another executor. A watcher thread admits executors that appear (a socket in the directory that
answers a ping) and evicts idle ones that stopped listening, so capacity follows `--scale` without a restart.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rlvr.sandbox.client import ExecutorPool, ping
from rlvr.sandbox.errors import SandboxClosed
from rlvr.sandbox.result import ExecResult, ExecStatus

log = logging.getLogger(__name__)

RESCAN_S = 2.0
# Tries of one job: a job whose executor died under it runs again elsewhere (executors run jobs without
# side effects outside the job), but one that keeps losing its executor is a sandbox_error, not a loop.
ATTEMPTS = 3


def listening(path: str) -> bool:
    """True when something listens on the unix socket `path`. A dead executor's socket file refuses the
    connection at once; a live one accepts it even with every slot busy, so this never needs a slot."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(path)
    except (ConnectionRefusedError, FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True  # a full backlog or a slow accept: alive, just busy
    finally:
        probe.close()
    return True


class _Member:
    """One executor: the Provider of its own ExecutorPool, which evicts it instead of replacing it."""

    python: str | None = None

    def __init__(self, path: str, slots: int, grace_s: float, on_gone: Any):
        self.path = path
        self.socket_paths = [path]
        self.gone = False
        self._on_gone = on_gone
        self.pool = ExecutorPool(self, slots, grace_s=grace_s)

    def heal(self, index: int, *, force: bool) -> None:
        """Called by the pool when a job could not reach the executor, lost its connection, got no answer
        or a breach report. An executor that does not answer a ping now is evicted; a live one stays. (A
        ping, not `listening`: a killed executor's handlers may die before its listener does.)"""
        if not ping(self.path, 3.0):
            self._on_gone(self)

    def close(self) -> None:
        self.pool.close()


class Fleet:
    """Runs wire requests on `slots` connections per live executor, found at `paths` and in `directory`.

    The interface of `ExecutorPool` (run, capacity, busy, waiting, heals, last_answer, close), plus `executors`
    (live now), `lost` (evicted so far) and `socket_paths` (of the live ones).
    """

    def __init__(self, *, paths: Sequence[str] = (), directory: str | None = None, slots: int,
                 grace_s: float = 5.0, rescan_s: float = RESCAN_S):
        self.slots = slots
        self.grace_s = grace_s
        self.rescan_s = rescan_s
        self.lost = 0
        self._paths = list(paths)
        self._directory = Path(directory) if directory else None
        self._members: dict[str, _Member] = {}
        self._lock = threading.Lock()
        self._tokens: queue.SimpleQueue[_Member] = queue.SimpleQueue()  # one per free slot
        self._busy = 0
        self._waiting = 0
        self._evicted: list[_Member] = []  # their heals still count
        self._closed = threading.Event()
        self.rescan()
        self._watcher = threading.Thread(target=self._watch, name="rlvr-fleet-watch", daemon=True)
        self._watcher.start()

    @property
    def executors(self) -> int:
        return len(self._members)

    @property
    def capacity(self) -> int:
        return self.slots * len(self._members)

    @property
    def socket_paths(self) -> list[str]:
        return list(self._members)

    @property
    def busy(self) -> int:
        return self._busy

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def heals(self) -> int:
        with self._lock:
            return sum(m.pool.heals for m in [*self._members.values(), *self._evicted])

    @property
    def last_answer(self) -> float:
        return max((m.pool.last_answer for m in list(self._members.values())), default=float("-inf"))

    def run(self, request: dict[str, Any], payload: bytes, timeout_s: float) -> ExecResult:
        """Run one request on any live executor; again on another if its executor died under it."""
        result = ExecResult.sandbox_error("no sandbox executor is live")
        for _ in range(ATTEMPTS):
            member = self._take()
            if member is None:
                return result
            try:
                result = member.pool.run(request, payload, timeout_s)
            except SandboxClosed:
                if not member.gone:
                    raise
                continue  # evicted between taking the slot and sending: the job never left
            finally:
                self._give_back(member)
            if not (member.gone and result.status is ExecStatus.SANDBOX_ERROR):
                return result
        return result

    def _take(self) -> _Member | None:
        """A free slot's executor; None when no executor is live (or the fleet closed)."""
        self._count(waiting=1)
        try:
            while True:
                if self._closed.is_set():
                    raise SandboxClosed("the sandbox is closed")
                if not self._members:
                    return None
                try:
                    member = self._tokens.get(timeout=0.2)
                except queue.Empty:
                    continue
                if not member.gone:
                    self._count(busy=1)
                    return member
        finally:
            self._count(waiting=-1)

    def _give_back(self, member: _Member) -> None:
        self._count(busy=-1)
        if not member.gone:  # an evicted executor's slots leave with it
            self._tokens.put(member)

    def _count(self, *, busy: int = 0, waiting: int = 0) -> None:
        with self._lock:
            self._busy += busy
            self._waiting += waiting

    def rescan(self) -> None:
        """Admit executors that answer a ping and evict idle members that stopped listening."""
        found = list(self._paths)
        if self._directory is not None:
            found += sorted(str(p) for p in self._directory.glob("*.sock"))
        for path in dict.fromkeys(found):
            # A socket file nobody serves refuses at once; the timeout is for a live one on a busy host.
            if path not in self._members and not self._closed.is_set() and ping(path, 2.0):
                self._admit(path)
        recent = time.monotonic() - 2 * self.rescan_s
        for member in list(self._members.values()):
            # A member that answered a job just now is alive; asking it costs it a fork.
            if member.pool.last_answer < recent and not listening(member.path):
                self._evict(member)

    def _admit(self, path: str) -> None:
        member = _Member(path, self.slots, self.grace_s, self._evict)
        with self._lock:
            if self._closed.is_set() or path in self._members:
                return
            self._members[path] = member
        for _ in range(self.slots):
            self._tokens.put(member)
        log.info("sandbox executor at %s joined (%d live)", path, len(self._members))

    def _evict(self, member: _Member) -> None:
        """Take an executor out of rotation; check the others at once, since replicas often go together."""
        with self._lock:
            if member.gone:
                return
            member.gone = True
            self.lost += 1
            self._evicted.append(member)
            if self._members.get(member.path) is member:
                del self._members[member.path]
        log.warning("sandbox executor at %s stopped answering; evicted (%d live)", member.path, len(self._members))
        for other in list(self._members.values()):
            if not listening(other.path):
                self._evict(other)
        member.close()

    def _watch(self) -> None:
        while not self._closed.wait(self.rescan_s):
            try:
                self.rescan()
            except OSError as exc:  # the directory went away for a moment, say: try again next round
                log.warning("sandbox executor scan failed: %s", exc)

    def close(self) -> None:
        self._closed.set()
        self._watcher.join(timeout=5)
        with self._lock:
            members, self._members = list(self._members.values()), {}
        for member in members:
            member.close()
