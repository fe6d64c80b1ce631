"""The one map from an exception to the result of the check it broke: a check that raises never becomes a 0.

Every failure of an item, in a worker, on a thread lane, in a trainer's reward call, ends here, so a status
means the same thing wherever it is read. `tests/test_outcomes.py` checks that every error class of the project
has an entry (or is one that no check can raise).
"""

from __future__ import annotations

import logging

from rlvr.errors import (
    CheckFailed,
    CheckTimeout,
    ConfigError,
    InvalidReferenceError,
    RlvrError,
    UnknownEnvError,
)
from rlvr.results import Status, VerifyResult
from rlvr.sandbox.errors import SandboxError

log = logging.getLogger(__name__)

# Most specific first: the first class the exception is an instance of decides its status and how its
# message is introduced.
STATUS_OF: tuple[tuple[type[BaseException], Status, str], ...] = (
    (CheckTimeout, Status.TIMEOUT, "the check timed out"),
    (SandboxError, Status.SANDBOX_ERROR, "the sandbox could not run the job"),
    (InvalidReferenceError, Status.ERROR, "invalid reference"),
    (UnknownEnvError, Status.ERROR, ""),
    (ConfigError, Status.ERROR, "invalid configuration"),
    (CheckFailed, Status.ERROR, "the check could not run"),
    (RlvrError, Status.ERROR, "the check failed"),
)
CRASHED = "the verifier crashed on this item"


def result_for(exc: BaseException, *, where: str = "the verifier") -> VerifyResult:
    """The result of a check that raised `exc`: our own errors say what broke; anything else is a bug, logged
    with its traceback and reported without its message (which may echo the completion)."""
    for error_class, status, intro in STATUS_OF:
        if isinstance(exc, error_class):
            message = str(exc)
            return VerifyResult.broken(status, ": ".join(part for part in (intro, message) if part) or intro)
    log.error("%s crashed", where, exc_info=exc)
    return VerifyResult.broken(Status.ERROR, CRASHED, exception=type(exc).__name__)


def status_of(error_class: type[BaseException]) -> Status | None:
    """The status an error class maps to by an entry of its own (not only the RlvrError fallback), or None."""
    for mapped, status, _ in STATUS_OF[:-1]:
        if issubclass(error_class, mapped):
            return status
    return None
