"""`rlvr qa`: audit a verifier before anyone trains on it.

`run_qa(env_id)` scores the env's own reference solutions (each must earn 1.0) and its family's battery of
attacks (each must earn 0) through the same verifier path trainers use; see docs/contributing.md.
"""

from rlvr.qa.runner import AttackOutcome, EnvReport, ReferenceOutcome, run_qa

__all__ = ["AttackOutcome", "EnvReport", "ReferenceOutcome", "run_qa"]
