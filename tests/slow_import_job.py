"""A module that takes 1.5 s to import, for the worker-pool test that imports stay outside a job's deadline."""

from __future__ import annotations

import time

time.sleep(1.5)


def loaded() -> str:
    return "loaded"
