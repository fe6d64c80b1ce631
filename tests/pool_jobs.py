"""Job functions for the worker-pool tests; importable in workers through PYTHONPATH."""

from __future__ import annotations

import os
import signal
import time


def add(a: int, b: int) -> int:
    return a + b


def sleep_interruptibly(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def hang_with_signals_blocked(seconds: float) -> str:
    """Stands in for C-level work that never returns to the interpreter's signal handler."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(seconds)
    return "woke"


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def fail() -> None:
    raise ValueError("secret internal detail")


def allocate(gib: int) -> int:
    return len(bytearray(gib << 30))


def pid() -> int:
    return os.getpid()


class Unpicklable:
    """Pickles fine in the worker, fails to unpickle in the parent."""

    def __reduce__(self):
        return (_refuse, ())


def _refuse():
    raise RuntimeError("cannot rebuild")


def unpicklable_result() -> Unpicklable:
    return Unpicklable()


def imported(module: str) -> str:
    """What `module`'s `loaded()` says, importing it if this worker has not (the pool imported it beforehand)."""
    import importlib

    return importlib.import_module(module).loaded()
