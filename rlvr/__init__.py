"""rlvr: reinforcement learning with verifiable rewards.

`import rlvr` registers every environment with Gymnasium (`gym.make("rlvr/Math-v1")`), installed plugins'
too, and exposes the one verification entry point shared by envs, the server and the trainer.
"""

from rlvr.dispatch import VerifyRequest
from rlvr.errors import RlvrError
from rlvr.registry import load_plugins, register_all
from rlvr.results import Status, VerifyResult
from rlvr.runtime import Runtime, verify, verify_batch

# The name `Verifier` predates `Runtime` (the same class); it stays for one release (CHANGELOG.md).
Verifier = Runtime

__version__ = "0.1.0"
__all__ = ["RlvrError", "Runtime", "Status", "Verifier", "VerifyRequest", "VerifyResult", "verify", "verify_batch"]

load_plugins()
register_all()
