"""One real docker sandbox for the code tests (module-scoped: containers start once per file)."""

from __future__ import annotations

import pytest

from rlvr.sandbox import Sandbox


@pytest.fixture(scope="module")
def box():
    with Sandbox("docker", executors=1, slots=4) as sandbox:
        yield sandbox
