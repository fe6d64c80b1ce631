"""A toy rlvr family: its env (`env.py`), its verifier (`verifier.py`) and the rows that register them.

This module imports only `rlvr.registry`, so loading the rows at `import rlvr` costs nothing: the env's module
is imported by `gym.make`, the verifier's by its first check (both are `module:attribute` strings).
"""

from __future__ import annotations

from rlvr.registry import EnvEntry, Family, Row

ROWS: tuple[Row, ...] = (
    Family("toy", "rlvr_toy.verifier:verify", "inline", '{"answer": "<the word to echo>"}'),
    EnvEntry("toy/Echo-v0", "rlvr_toy.env:EchoEnv", "toy", "Repeat a word back (a toy family)."),
)


def worker_rows() -> tuple[Row, ...]:
    """The same check run in the killable worker pool (`runs_in="worker"`), as CPU-heavy verifiers are."""
    return (
        Family("toy_worker", "rlvr_toy.verifier:verify", "worker", '{"answer": "<the word to echo>"}'),
        EnvEntry("toy/EchoWorker-v0", "rlvr_toy.env:EchoEnv", "toy_worker",
                 "Repeat a word back, checked in a worker process.", kwargs={"family": "toy_worker"}),
    )
