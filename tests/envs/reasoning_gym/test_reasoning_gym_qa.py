"""`rlvr qa` on every reasoning-gym id, on one runtime: each id's own answers score 1.0 and no attack earns reward.

tests/qa/test_qa_every_env.py audits every other env, each with a runtime of its own; one runtime here keeps a
hundred ids to a minute or two (a fresh worker pool per id would import reasoning-gym a hundred times).
"""

from __future__ import annotations

import pytest

from rlvr.qa.runner import run_qa
from rlvr.reasoning_gym_catalog import CURRICULUM_LEVELS, GENERIC_ID, env_id
from rlvr.runtime import Runtime

TASKS = 6


@pytest.fixture(scope="module")
def runtime():
    with Runtime() as shared:
        yield shared


@pytest.mark.parametrize("env", [GENERIC_ID, *(env_id(name) for name in sorted(CURRICULUM_LEVELS))])
def test_every_reasoning_gym_env_passes_qa(env: str, runtime: Runtime) -> None:
    report = run_qa(env, tasks=TASKS, runtime=runtime)
    failures = [f"{attack.name}: {attack.rewarded} rewarded, {attack.slow} slow; {attack.worst}"
                for attack in report.attacks if not attack.passed]
    assert report.reference.missed == 0, report.reference.first_miss
    assert report.passed and not failures, "\n".join(failures)
    assert report.tasks == TASKS
