"""Routing one item to its family's verifier, stateless: the `Runtime` holds the lanes these run on.

Every failure of an item becomes a result with a status that says why (never an exception, never a silent 0),
so a batch always returns one result per item, in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.outcomes import result_for
from rlvr.registry import load_entry_point
from rlvr.results import Status, VerifyResult


@dataclass(frozen=True)
class VerifyRequest:
    """One item of a batch: which env judges it, the completion, and the env's reference."""

    env: str
    completion: str
    reference: Mapping[str, Any] = field(default_factory=dict)


def run_verifier(verifier: str, completion: str, reference: dict[str, Any], **resources: Any) -> VerifyResult:
    """Call the verifier named by its `module:function` string; whatever it raises becomes the result
    `rlvr.outcomes` says. The string, not the family's name, travels to workers: a worker process knows the
    families its parent had at import, not rows added since."""
    try:
        return load_entry_point(verifier)(completion=completion, reference=reference, **resources)
    except Exception as exc:  # noqa: BLE001 - the one place a verifier's exception becomes a result
        return result_for(exc, where=f"the verifier {verifier}")


def run_verifier_job(*, verifier: str, completion: str, reference: dict[str, Any]) -> VerifyResult:
    """Worker-side entry point (module level, so the pool can pickle it by reference)."""
    return run_verifier(verifier, completion, reference)


def job_error(exc: Exception) -> VerifyResult:
    """The result of a worker job that was lost (timeout, crash, closed pool)."""
    return result_for(exc, where="the worker pool")


def check_types(completion: Any, reference: Any) -> None:
    if not isinstance(completion, str):
        raise InvalidReferenceError(f"completion must be a string, got {type(completion).__name__}")
    if not isinstance(reference, Mapping):
        raise InvalidReferenceError(f"reference must be an object, got {type(reference).__name__}")


def request_from(item: Any) -> VerifyRequest | VerifyResult:
    """A batch item as a request, or the error result that says why it is not one."""
    if isinstance(item, VerifyRequest):
        return item
    if not isinstance(item, Mapping):
        return VerifyResult.broken(Status.ERROR, f"batch item must be an object, got {type(item).__name__}")
    missing = [key for key in ("env", "completion") if key not in item]
    if missing:
        return VerifyResult.broken(Status.ERROR, f"batch item is missing {', '.join(missing)}")
    return VerifyRequest(env=item["env"], completion=item["completion"], reference=item.get("reference", {}))


def done(result: VerifyResult) -> Future:
    future: Future = Future()
    future.set_result(result)
    return future
