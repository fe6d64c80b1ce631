"""The reasoning-gym datasets rlvr registers as envs (one id each), and the ones it leaves out, with why.

A static table, because importing reasoning-gym takes seconds and `import rlvr` must not: the registry reads it
to list the ids, the family (`rlvr.envs.reasoning_gym`) to make and score tasks. tests/envs/reasoning_gym/
test_catalog.py fails when it and reasoning-gym's own registry drift apart (a dataset added or removed, a
curriculum's levels changed), so an upgrade of reasoning-gym cannot add or drop an env silently.
"""

from __future__ import annotations

GENERIC_ID = "rlvr/ReasoningGym-v0"
VERSION = "0.1.25"  # the reasoning-gym release this table was made from

# dataset -> how many curriculum levels make a valid config (rlvr level L is the curriculum's global level L);
# 0: no curriculum (or none of its levels validates), so the dataset has one level, its default config.
CURRICULUM_LEVELS: dict[str, int] = {
    "ab": 4, "acre": 0, "advanced_geometry": 4, "aiw": 9, "arc_1d": 4, "arc_agi": 4, "base_conversion": 5,
    "basic_arithmetic": 5, "bf": 3, "binary_alternation": 4, "binary_matrix": 4, "bitwise_arithmetic": 10,
    "boxnet": 9, "caesar_cipher": 2, "calendar_arithmetic": 4, "chain_sum": 11, "circuit_logic": 5, "codeio": 4,
    "coin_flip": 13, "color_cube_rotation": 5, "complex_arithmetic": 4, "count_bits": 5, "count_primes": 5,
    "countdown": 5, "course_schedule": 5, "cryptarithm": 4, "decimal_arithmetic": 4, "decimal_chain_sum": 5,
    "dice": 4, "emoji_mystery": 6, "family_relationships": 9, "figlet_font": 6, "fraction_simplification": 4,
    "futoshiki": 4, "game_of_life": 4, "game_of_life_halting": 4, "gcd": 4, "graph_color": 4, "group_anagrams": 4,
    "gsm_symbolic": 0, "intermediate_integration": 8, "jugs": 4, "kakurasu": 4, "knight_swap": 0,
    "knights_knaves": 4, "largest_island": 4, "lcm": 4, "leg_counting": 36, "letter_counting": 8, "letter_jumble": 5,
    "mahjong_puzzle": 4, "manipulate_matrix": 5, "maze": 4, "mini_sudoku": 5, "modulo_grid": 1, "n_queens": 5,
    "needle_haystack": 4, "number_filtering": 4, "number_format": 4, "number_sequence": 4, "number_sorting": 8,
    "palindrome_generation": 4, "palindrome_partitioning": 4, "path_star": 4, "polynomial_equations": 4,
    "pool_matrix": 4, "power_function": 5, "prime_factorization": 4, "products": 11, "propositional_logic": 5,
    "puzzle24": 7, "quantum_lock": 10, "rearc": 7, "rectangle_count": 5, "rotate_matrix": 5, "rotten_oranges": 4,
    "rubiks_cube": 4, "rush_hour": 4, "self_reference": 10, "sentence_reordering": 4, "shortest_path": 4,
    "simple_equations": 4, "simple_geometry": 4, "simple_integration": 4, "spell_backward": 5,
    "spiral_matrix": 4, "string_insertion": 4, "string_manipulation": 5, "string_splitting": 4,
    "string_synthesis": 4, "sudoku": 5, "survo": 2, "syllogism": 4, "time_intervals": 7, "tower_of_hanoi": 4,
    "tsumego": 4, "word_ladder": 3, "word_sequence_reversal": 4, "word_sorting": 5, "zebra_puzzles": 6,
}

# Datasets that are not registered, with the reason (`rlvr envs` and docs/envs/reasoning_gym.md list them).
NOT_DETERMINISTIC = ("its items depend on the process's string-hash seed or on earlier calls, so a task is not "
                     "a pure function of (seed, index, config): a task id would name different tasks in the "
                     "server and the trainer")
LEFT_OUT: dict[str, str] = {
    "composite": "a mix of other datasets, not a dataset of its own: use their ids (or a mix over them)",
    "isomorphic_strings": NOT_DETERMINISTIC,
    "list_functions": NOT_DETERMINISTIC,
    "polynomial_multiplication": NOT_DETERMINISTIC,
    "ransom_note": NOT_DETERMINISTIC,
    "sokoban": "making one item takes 1 to 40 s (its generator searches until a puzzle is solvable): too slow to "
               "reset an env on",
}
# Curriculum levels from which making one item takes over 5 s (measured on 2 cores): the env stops below them.
SLOW_FROM: dict[str, int] = {"jugs": 2, "zebra_puzzles": 4}


def env_id(dataset: str) -> str:
    """The id of one dataset's env: `rlvr/RG-<dataset>-v0`, the dataset's own name kept whole."""
    return f"rlvr/RG-{dataset}-v0"


def levels(dataset: str) -> int:
    """How many difficulty levels the dataset's env has (at least one)."""
    return max(1, min(CURRICULUM_LEVELS[dataset], SLOW_FROM.get(dataset, CURRICULUM_LEVELS[dataset])))
