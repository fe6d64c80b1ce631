"""Procedural logic puzzles with constraint-checking verifiers (see docs/envs/logic.md).

One module per kind holds its config, difficulty levels, generator, solver, answer grammar, verifier and env;
`rlvr.registry.LOGIC_ROWS` lists the kinds. Every prompt asks for the answer in `<answer>` tags.
"""

from rlvr.envs.logic.base import LogicEnv, PuzzleKind, PuzzleSource
from rlvr.envs.logic.countdown import CountdownConfig, CountdownEnv
from rlvr.envs.logic.cryptarithm import CryptarithmConfig, CryptarithmEnv
from rlvr.envs.logic.graph_coloring import GraphColoringConfig, GraphColoringEnv
from rlvr.envs.logic.knights_knaves import KnightsKnavesConfig, KnightsKnavesEnv
from rlvr.envs.logic.maze import MazeConfig, MazeEnv
from rlvr.envs.logic.mix import ALL_KINDS, LogicMixEnv, verify
from rlvr.envs.logic.nqueens import NQueensConfig, NQueensEnv
from rlvr.envs.logic.sudoku import SudokuConfig, SudokuEnv
from rlvr.envs.logic.zebra import ZebraConfig, ZebraEnv

__all__ = [
    "ALL_KINDS", "CountdownConfig", "CountdownEnv", "CryptarithmConfig", "CryptarithmEnv",
    "GraphColoringConfig", "GraphColoringEnv", "KnightsKnavesConfig", "KnightsKnavesEnv", "LogicEnv",
    "LogicMixEnv", "MazeConfig", "MazeEnv", "NQueensConfig", "NQueensEnv", "PuzzleKind", "PuzzleSource",
    "SudokuConfig", "SudokuEnv", "ZebraConfig", "ZebraEnv", "verify",
]
