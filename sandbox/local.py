"""The local backend: the same executor as a host process tree with rlimits.

NOT a security boundary: jobs run as the calling user with the host's filesystem and network. It exists
for development where Docker is absent, and is only used when asked for by name.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rlvr.sandbox.client import wait_ready

log = logging.getLogger(__name__)

EXECUTOR_PY = Path(__file__).with_name("executor.py")


class LocalExecutors:
    """One executor process on the host with `slots` concurrent jobs."""

    def __init__(self, *, slots: int, start_timeout_s: float = 15.0):
        log.warning("rlvr sandbox: the local backend is NOT a security boundary (no isolation); "
                    "use backend='docker' for untrusted code")
        self.python = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
        self._slots = slots
        self._timeout = start_timeout_s
        self._root = Path(tempfile.mkdtemp(prefix="rlvr-local-"))
        self.socket_paths = [str(self._root / "executor.sock")]
        self._process: subprocess.Popen | None = None
        self._start()

    def _start(self) -> None:
        work = self._root / "work"
        work.mkdir(exist_ok=True)
        env = {"RLVR_SOCKET": self.socket_paths[0], "RLVR_SLOTS": str(self._slots + 2),
               "RLVR_WORK_ROOT": str(work), "RLVR_SETUID": "0", "PATH": "/usr/bin:/bin"}
        self._process = subprocess.Popen([sys.executable, "-I", "-S", str(EXECUTOR_PY)], env=env,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        process = self._process
        wait_ready(self.socket_paths[0], self._timeout, alive=lambda: process.poll() is None)

    def heal(self, index: int, *, force: bool) -> None:
        if not force and self._process is not None and self._process.poll() is None:
            return
        self._stop()
        self._start()

    def _stop(self) -> None:
        if self._process is not None:
            try:
                os.killpg(self._process.pid, 9)
            except ProcessLookupError:
                pass
            self._process.wait()
            self._process = None

    def close(self) -> None:
        self._stop()
        shutil.rmtree(self._root, ignore_errors=True)
