"""Lanes start their families' first checks on threads of their own: the verifiers must import concurrently.

Without one lock around `load_entry_point`, threads importing logic kinds at once deadlocked on the
`rlvr.envs.logic` package (its `__init__` imports the kinds a thread was importing) and checks came back
`error` ("the verifier crashed").
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, threading
import rlvr
from rlvr.registry import FAMILIES, load_entry_point

names = sorted(FAMILIES)
barrier = threading.Barrier(len(names))
errors = []

def load(name):
    barrier.wait()
    try:
        load_entry_point(FAMILIES[name].verifier)
    except Exception as exc:
        errors.append(repr(exc))

threads = [threading.Thread(target=load, args=(name,)) for name in names]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(errors))
"""


def test_every_verifier_imports_at_once_from_its_own_thread() -> None:
    for _ in range(3):  # a fresh interpreter each time: the race is in the first import
        run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
        assert json.loads(run.stdout) == []
