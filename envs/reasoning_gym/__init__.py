"""reasoning-gym's procedural datasets as rlvr envs, scored strictly (see docs/envs/reasoning_gym.md).

`env.py` is the env, `source.py` makes the tasks, `verifier.py` scores them with the dataset's own checker,
`strict.py` holds the rules that wrap its leniencies, `entries.py` reads a reference, `solutions.py` gives the
dataset's own answer. The datasets and their levels are `rlvr.reasoning_gym_catalog` (a static table, so that
`import rlvr` does not import reasoning-gym).
"""

from rlvr.envs.reasoning_gym.env import ReasoningGymEnv

__all__ = ["ReasoningGymEnv"]
