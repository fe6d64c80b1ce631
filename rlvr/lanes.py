"""`Lane`: one family's own bounded thread pool, so a cheap check never queues behind an expensive one.

One shared pool let 8 logic checks wait 20.6 s behind 256 queued code checks (0.07 s alone). Each inline family
gets a lane sized by its row (`Family.lane_threads`), and counts what waits and what runs, for /metrics.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from rlvr.errors import RuntimeClosed


@dataclass(frozen=True)
class LaneLoad:
    threads: int
    queued: int
    running: int


class Lane:
    def __init__(self, name: str, threads: int):
        self.name = name
        self.threads = threads
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"rlvr-lane-{name}")
        self._lock = threading.Lock()
        self._queued = 0
        self._running = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run `fn(*args, **kwargs)` on the lane; a future cancelled before it starts leaves the queue at once."""
        with self._lock:
            self._queued += 1
        started = threading.Event()

        def run() -> Any:
            with self._lock:
                self._queued -= 1
                self._running += 1
            started.set()
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self._running -= 1

        try:
            future = self._executor.submit(run)
        except RuntimeError:  # shut down in the meantime
            with self._lock:
                self._queued -= 1
            raise RuntimeClosed(f"the {self.name} lane is shut down") from None
        future.add_done_callback(lambda done: self._forget(done, started))
        return future

    def load(self) -> LaneLoad:
        with self._lock:
            return LaneLoad(self.threads, self._queued, self._running)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _forget(self, future: Future, started: threading.Event) -> None:
        if future.cancelled() and not started.is_set():
            with self._lock:
                self._queued -= 1
