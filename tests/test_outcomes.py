"""`rlvr.outcomes`: the one map from an exception to a status, and a check that every error class has its place."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from rlvr.errors import InvalidReferenceError, JobTimeout, RlvrError, UnknownEnvError, WorkerCrashed
from rlvr.outcomes import CRASHED, result_for, status_of
from rlvr.results import Status
from rlvr.sandbox.errors import DockerUnavailable

# Raised only outside a check (HTTP edges, the trainer's own run, the HTTP client, an env's reset and step, the model
# endpoint `rlvr eval` samples from): a check never sees them.
OUTSIDE_CHECKS = {"ApiError", "TrainerError", "RemoteError", "EnvUsageError", "EndpointError"}
# Raised and caught inside one module, never out of a verifier: each is a verdict or a control-flow signal there.
CAUGHT_WHERE_RAISED = {
    "Unreadable", "Undecidable", "NotANumber", "GoldUnreadable",  # math grammar and values: no_answer / wrong
    "AnswerError",  # logic answer grammars: no_answer
    "ProtocolError",  # sandbox client: the executor is healed or the job is a sandbox_error result
    "CandidateDied", "CandidateError", "UnsupportedTest", "ReferenceDefect", "NullOverrun",  # the harness program
    "CheckerFailed",  # the harness program: a checker's own failure, reported as checker_error (status error)
    "_Deadline",  # a worker's own deadline: JobTimeout to the parent
    "_Died",  # the fleet's dispatcher: a dead actor's chunk is retried, or its items are ActorLost results
}
# The top-level folders, each mapped into the one namespace (pyproject's package-dir).
TOP_PACKAGES = ("rlvr", "rlvr.envs", "rlvr.sandbox", "rlvr.server", "rlvr.trainer")
SKIPPED_MODULES = ("rlvr.envs.code.harness_program",)  # runs inside the sandbox as a script, not imported


def project_exceptions() -> list[type[BaseException]]:
    found = set()
    modules = [info for package in TOP_PACKAGES
               for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + ".")]
    for module_info in modules:
        if module_info.name in SKIPPED_MODULES or module_info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(module_info.name)
        except ImportError:  # an optional extra that this run lacks: its errors are checked where it is installed
            continue
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("rlvr."):
                found.add(value)
    harness = importlib.util.find_spec(SKIPPED_MODULES[0]).origin
    namespace: dict = {"__name__": "harness_program"}
    with open(harness, encoding="utf-8") as source:
        exec(compile(source.read(), harness, "exec"), namespace)  # noqa: S102 - defines classes, runs nothing
    found |= {v for v in namespace.values() if isinstance(v, type) and issubclass(v, BaseException)
              and v.__module__ == "harness_program"}
    return sorted(found, key=lambda cls: cls.__qualname__)


def outside_checks(error_class: type[BaseException]) -> bool:
    return any(base.__name__ in OUTSIDE_CHECKS for base in error_class.__mro__)


def test_every_error_class_of_the_project_has_its_place() -> None:
    classes = project_exceptions()
    assert {"LeanTimeout", "SandboxClosed", "Busy", "AnswerError", "NullOverrun"} <= {c.__name__ for c in classes}
    unplaced = []
    for error_class in classes:
        if error_class is RlvrError:  # the fallback itself
            continue
        if issubclass(error_class, RlvrError):
            if status_of(error_class) is None and not outside_checks(error_class):
                unplaced.append(f"{error_class.__module__}.{error_class.__qualname__}")
        elif error_class.__name__ not in CAUGHT_WHERE_RAISED:
            unplaced.append(f"{error_class.__module__}.{error_class.__qualname__} (not an RlvrError)")
    assert not unplaced, f"map these in rlvr.outcomes.STATUS_OF or list them here with a reason: {unplaced}"


@pytest.mark.parametrize(("exc", "status", "words"), [
    (JobTimeout("job exceeded 5s"), Status.TIMEOUT, "job exceeded 5s"),
    (WorkerCrashed("the worker died"), Status.ERROR, "could not run"),
    (DockerUnavailable("no daemon"), Status.SANDBOX_ERROR, "no daemon"),
    (InvalidReferenceError('needs "answer"'), Status.ERROR, "invalid reference"),
    (UnknownEnvError("unknown env 'x/Y-v0'"), Status.ERROR, "unknown env 'x/Y-v0'"),
])
def test_our_errors_say_what_broke(exc: Exception, status: Status, words: str) -> None:
    result = result_for(exc)
    assert (result.status, result.reward) == (status, None) and words in result.reason


def test_a_bug_is_an_error_that_does_not_echo_its_message(caplog: pytest.LogCaptureFixture) -> None:
    result = result_for(ValueError("the completion's secret text"))
    assert (result.status, result.reward, result.reason) == (Status.ERROR, None, CRASHED)
    assert result.details == {"exception": "ValueError"} and "secret" not in result.reason
    assert "crashed" in caplog.text
