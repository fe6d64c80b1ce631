"""The math family: procedural problems or the user's data, judged by `rlvr.verifiers.math`."""

from rlvr.envs.math.dataset import MathDataset
from rlvr.envs.math.env import MathEnv
from rlvr.envs.math.generator import ProceduralMath, generate

__all__ = ["MathDataset", "MathEnv", "ProceduralMath", "generate"]
