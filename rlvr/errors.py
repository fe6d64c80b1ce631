"""Every error rlvr raises on purpose derives from RlvrError, so callers can catch ours and only ours."""

from __future__ import annotations


class RlvrError(Exception):
    """Base of all rlvr errors."""


class ConfigError(RlvrError, ValueError):
    """A configuration value is invalid; the message says which and what to do."""


class UnknownEnvError(RlvrError, KeyError):
    """An env id that is not registered."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown env"


class InvalidReferenceError(RlvrError, ValueError):
    """A reference (the gold answer or task instance) is malformed for its env family."""


class InvalidOption(ConfigError, TypeError):
    """A reset option the env does not take, or one of the wrong type (a TypeError too, as an unexpected
    keyword argument is in Python)."""


class EnvUsageError(RlvrError):
    """An env was called wrongly (a task it does not hold, an action that is not text): raised to the caller
    of `reset` or `step`, never inside a check."""


class TaskNotFound(EnvUsageError, KeyError, IndexError):
    """No task with this id or index in the env's task source (a KeyError and an IndexError, as the builtin
    lookups that raised before)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such task"


class InvalidAction(EnvUsageError, TypeError):
    """An action that is not the completion text."""


class CheckFailed(RlvrError):
    """A check could not reach a verdict (its checker broke, not the completion): the item scores `error`."""


class CheckTimeout(CheckFailed):
    """A check overran its deadline: the item scores `timeout`."""


class RuntimeClosed(CheckFailed):
    """The Runtime was closed before the check could run."""


class WorkerPoolError(CheckFailed):
    """The verification worker pool could not run a job."""


class JobTimeout(WorkerPoolError, CheckTimeout):
    """A job overran its time limit; its worker was killed and replaced."""


class WorkerCrashed(WorkerPoolError):
    """A worker process died while running a job (segfault, OOM kill, C-level abort)."""


class PoolClosed(WorkerPoolError):
    """The pool was closed before the job could run."""
