"""rlvr: reinforcement learning with verifiable rewards.

`import rlvr` registers every environment with Gymnasium (`gym.make("rlvr/Math-v1")`) and exposes the
one verification entry point shared by envs, the server and the trainer.
"""

from rlvr.dispatch import Verifier, VerifyRequest, verify, verify_batch
from rlvr.errors import RlvrError
from rlvr.registry import load_plugins, register_all
from rlvr.results import Status, VerifyResult

__version__ = "0.1.0"
__all__ = ["RlvrError", "Status", "VerifyRequest", "VerifyResult", "Verifier", "verify", "verify_batch"]

load_plugins()
register_all()
