"""Errors of the Ray fleet, rooted in RlvrError like every other."""

from __future__ import annotations

from rlvr.errors import CheckFailed, ConfigError


class FleetUnavailable(ConfigError):
    """The Ray cluster cannot be reached, or no verifier actor could start on it: raised once, at construction."""


class ActorLost(CheckFailed):
    """The item's verifier actor (or its node) died before a verdict, and the one retry found no live actor or
    died too: the item scores `error` with reward None, never 0."""
