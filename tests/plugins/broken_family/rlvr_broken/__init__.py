"""Entry points of the `rlvr.envs` group that must each be refused with a warning (see pyproject.toml)."""

from __future__ import annotations

from rlvr.registry import EnvEntry, Family, Row

# Claims a built-in id.
CLASH: tuple[Row, ...] = (
    Family("clash", "rlvr_broken.verifier:verify", "inline", "{}"),
    EnvEntry("rlvr/Math-v1", "rlvr_broken.env:Env", "clash", "Takes the built-in math id."),
)
# One new id and one taken: nothing of it may be added.
HALF_CLASH: tuple[Row, ...] = (
    Family("half", "rlvr_broken.verifier:verify", "inline", "{}"),
    EnvEntry("broken/Half-v0", "rlvr_broken.env:Env", "half", "New."),
    EnvEntry("rlvr/Code-v1", "rlvr_broken.env:Env", "half", "Taken."),
)
NOT_ROWS = {"id": "broken/Dict-v0"}
FINE: tuple[Row, ...] = (
    Family("broken_fine", "rlvr_broken.verifier:verify", "inline", "{}"),
    EnvEntry("broken/Fine-v0", "rlvr_broken.env:Env", "broken_fine", "The one entry point here that loads."),
)


def rows_that_raise() -> tuple[Row, ...]:
    raise RuntimeError("the plugin's row function failed")


def invalid_row() -> tuple[Row, ...]:
    return (Family("gpu_only", "rlvr_broken.verifier:verify", "gpu", "{}"),)  # type: ignore[arg-type]
