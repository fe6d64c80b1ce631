"""The math family: procedural problems or the user's data, and the fail-closed answer verifier that judges them."""

from rlvr.envs.math.dataset import MathDataset
from rlvr.envs.math.env import MathEnv
from rlvr.envs.math.generator import ProceduralMath, generate
from rlvr.envs.math.verifier import MathConfig, verify

__all__ = ["MathConfig", "MathDataset", "MathEnv", "ProceduralMath", "generate", "verify"]
