"""Errors of the sandbox package. A job that fails is an ExecResult, not an exception: these are raised
only when the sandbox itself cannot be set up or used."""

from __future__ import annotations

from rlvr.errors import ConfigError, RlvrError


class SandboxError(RlvrError):
    """Base of the sandbox's own errors."""


class DockerUnavailable(SandboxError):
    """The docker backend was asked for, but the Docker daemon or SDK cannot be reached. Never a silent
    fallback to the local backend."""


class ImageNotFound(DockerUnavailable):
    """The executor image is not built; the message says how to build it."""


class ExecutorStartError(SandboxError):
    """An executor (container or local process) did not come up."""


class SandboxClosed(SandboxError):
    """The sandbox was closed before the job could run."""


class LimitsError(SandboxError, ConfigError):
    """A Limits value or a job argument is invalid."""
