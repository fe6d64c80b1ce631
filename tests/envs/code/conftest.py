"""One real docker sandbox for the code tests (module-scoped: containers start once per file)."""

from __future__ import annotations

import pytest

from rlvr.runtime import Runtime
from rlvr.sandbox import Sandbox


@pytest.fixture(scope="module")
def box():
    with Sandbox("docker", executors=1, slots=4) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def runtime(box):
    """A Runtime on that sandbox: what `rlvr.verify` does, exceptions of the verifier mapped to statuses."""
    with Runtime(sandbox=box) as runtime:
        yield runtime
