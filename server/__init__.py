"""The rlvr reward server: `create_app(settings)` builds the FastAPI app; `rlvr serve` runs it.

Exports load lazily, so `rlvr --help` (which imports `rlvr.server.cli`) needs no FastAPI.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from rlvr.server.app import create_app

        return create_app
    if name == "Settings":
        from rlvr.server.settings import Settings

        return Settings
    raise AttributeError(f"module 'rlvr.server' has no attribute {name!r}")
