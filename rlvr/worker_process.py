"""The worker side of `rlvr.workers.WorkerPool`: run as `python -m rlvr.worker_process FD MEMORY [PRELOAD...]`.

One job at a time in the main thread, so an interval timer can interrupt Python-level work and the
worker survives it; the pool's dispatcher kills the process when even that does not return in time.
"""

from __future__ import annotations

import gc
import importlib
import resource
import signal
import sys
from multiprocessing.connection import Connection
from typing import Any

from rlvr.workers import IMPORTED, IMPORTING


class _Deadline(BaseException):
    """Raised by the interval timer; a BaseException so job code rarely swallows it."""


def serve(fd: int, memory_bytes: int, preload: list[str]) -> None:
    """Worker loop: one job at a time in the main thread, interrupted by an interval timer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    for module in preload:
        importlib.import_module(module)
    gc.freeze()  # the preloads (sympy alone is ~10^5 objects) live as long as the worker: no collection walks them
    conn = Connection(fd)
    signal.signal(signal.SIGALRM, _raise_deadline)
    conn.send("ready")
    while (request := _next_request(conn)) is not None:
        fn, kwargs, timeout_s, imports = request
        _import_missing(conn, imports)
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        try:
            reply: tuple[str, Any] = ("ok", fn(**kwargs))
        except _Deadline:
            reply = ("timeout", None)
        except MemoryError:
            reply = ("error", "the job ran out of memory")
        except Exception as exc:  # the job's own failure is reported, never raised across the pipe
            reply = ("error", f"{type(exc).__name__} in verification job")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        conn.send(reply)


def _import_missing(conn: Connection, modules: tuple[str, ...]) -> None:
    """Import what the job needs and this worker lacks, outside its deadline (the pool waits up to its start-up
    limit, told by the two notes). A module that fails to import is left for the job to report as its error."""
    missing = [module for module in modules if module not in sys.modules]
    if not missing:
        return
    conn.send(IMPORTING)
    for module in missing:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001, S110 - the job imports it again and its error becomes the job's result
            pass
    gc.freeze()
    conn.send(IMPORTED)


def _next_request(conn: Connection) -> Any:
    """The next job, or None to stop: sent by the pool's close, or the pool's process is gone (it exited
    without closing the pool, as a Gymnasium async vector env's subprocess does), which is no error here."""
    try:
        return conn.recv()
    except EOFError:
        return None


def _raise_deadline(signum: int, frame: object) -> None:
    raise _Deadline


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])
