"""`verify` for rlvr/Code-v1: run the candidate against the reference's tests in the sandbox.

The decision is made by the harness's judge process (see harness_program.py and docs/envs/code.md);
this module only builds the job and reads the one verdict line that carries this run's nonce.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rlvr.envs.code.config import CodeConfig
from rlvr.envs.code.extract import extract_code
from rlvr.envs.code.reference import Suite, parse_reference
from rlvr.errors import InvalidReferenceError
from rlvr.results import Status, VerifyResult
from rlvr.runtime import Runtime, default_runtime
from rlvr.sandbox import Limits
from rlvr.sandbox.executor import OUT_OF_MEMORY
from rlvr.sandbox.languages import LANGUAGES, LanguageSpec

if TYPE_CHECKING:
    from rlvr.sandbox import ExecResult, Sandbox

HARNESS_LANGUAGE = "python-subprocess"  # a fresh interpreter: the job's memory holds no request data
NULL_BUDGET_S = 5.0  # the most the judge's null run may take (Judge.null_run, null_check in harness_program.py)
VERDICTS = ("accepted", "wrong_answer", "time_limit", "memory_limit", "runtime_error", "output_limit")


@cache
def harness_source() -> str:
    return Path(__file__).with_name("harness_program.py").read_text(encoding="utf-8")


@dataclass(frozen=True)
class CodeJob:
    """One sandbox job that checks one completion: the harness reads `stdin`; `interpret` reads its output."""

    suite: Suite
    nonce: str
    partial: bool
    stdin: str
    limits: Limits

    def interpret(self, result: ExecResult) -> VerifyResult:
        return interpret(result, nonce=self.nonce, suite=self.suite, partial=self.partial)


def build_job(*, completion: str, reference: Mapping[str, Any],
              config: CodeConfig | None = None) -> CodeJob | VerifyResult:
    """The job for one completion, or the result right away (no code). A reference that cannot tell programs
    apart (too many tests, a defect found before running) raises InvalidReferenceError."""
    config = config or CodeConfig()
    suite = parse_reference(reference)
    if len(suite.tests) > config.max_tests:
        raise InvalidReferenceError(f"the reference has {len(suite.tests)} tests; the limit is {config.max_tests} "
                                    "(CodeConfig.max_tests)")
    defect = suite.defect()
    if defect:
        raise InvalidReferenceError(f"the reference is defective: {defect}")
    code = extract_code(completion, suite.language)
    if code is None:
        return VerifyResult.no_answer(f"no {suite.language} code in the completion", format=suite.format)
    partial = config.partial_credit if suite.partial_credit is None else suite.partial_credit
    nonce = secrets.token_hex(16)
    limits = TaskLimits.of(suite, config)
    payload = _payload(suite, code, nonce, partial, limits)
    return CodeJob(suite=suite, nonce=nonce, partial=partial, stdin=json.dumps(payload),
                   limits=_limits(suite, config, limits))


def verify(*, completion: str, reference: Mapping[str, Any], config: CodeConfig | None = None,
           sandbox: Sandbox | None = None, runtime: Runtime | None = None) -> VerifyResult:
    """Score `completion` against a HumanEval, MBPP-style or stdin/stdout reference.

    Returns correct (all tests passed), partial (with partial credit), wrong (a failed test, a compile
    error, a crash or an overrun: the candidate's fault), no_answer (no code), error (reward None: the
    reference's tests failed when run), or sandbox_error (reward None: the sandbox reported that it failed).
    Runs in `sandbox` if given, else in the runtime's (the default runtime's when none is given).

    Raises InvalidReferenceError for a reference that cannot tell programs apart (a test never calls the
    program) and the sandbox's errors when it cannot start or run the job; `rlvr.verify` turns those into
    `error` and `sandbox_error` results (rlvr.outcomes).
    """
    job = build_job(completion=completion, reference=reference, config=config)
    if isinstance(job, VerifyResult):
        return job
    box = sandbox or (runtime or default_runtime()).sandbox
    return job.interpret(box.run(harness_source(), language=HARNESS_LANGUAGE, stdin=job.stdin, limits=job.limits))


@dataclass(frozen=True)
class TaskLimits:
    """One task's limits: the reference's own within the config's maxima, else the config's."""

    test_timeout_s: float
    memory_mb: int
    output_bytes: int

    @classmethod
    def of(cls, suite: Suite, config: CodeConfig) -> TaskLimits:
        return cls(test_timeout_s=min(suite.test_timeout_s or config.test_timeout_s, config.max_test_timeout_s),
                   memory_mb=min(max(suite.memory_mb or config.memory_mb, 64), config.max_memory_mb),
                   output_bytes=min(suite.output_bytes or config.output_bytes, config.max_output_bytes))

    def run_limits(self, spec: LanguageSpec) -> Limits:
        """A test's limits (the harness applies memory, output and time; the job's own Limits cap them)."""
        return spec.limits_for(Limits(wall_time_s=self.test_timeout_s, cpu_time_s=self.test_timeout_s,
                                      memory_bytes=self.memory_mb << 20, output_bytes=self.output_bytes,
                                      file_size_bytes=self.output_bytes))


def _payload(suite: Suite, code: str, nonce: str, partial: bool, limits: TaskLimits) -> dict[str, Any]:
    spec = LANGUAGES[suite.language]
    run_limits = limits.run_limits(spec)
    return {
        "nonce": nonce,
        "mode": suite.mode,
        "language": suite.language,
        "spec": spec.to_wire(limits=run_limits),
        "source": suite.program(code),
        "checker": _checker_wire(suite, limits),
        "setup": suite.setup,
        "names": list(suite.names),
        "replace_names": suite.replace_names,
        "tests": [dict(test) for test in suite.tests],
        "stop_on_fail": not partial,
        "test_timeout_s": limits.test_timeout_s,
        "float_tol": suite.float_tol,
        "compile_limits": _compile_limits(suite).to_wire(),
        "run_limits": run_limits.to_wire(),
        "oom_markers": [marker.decode() for marker in OUT_OF_MEMORY],
        "null_budget_s": _null_budget(suite, limits.test_timeout_s),
    }


def _checker_wire(suite: Suite, limits: TaskLimits) -> dict[str, Any] | None:
    if not suite.checker:
        return None
    spec = LANGUAGES[suite.checker["language"]]
    return {"spec": spec.to_wire(limits=limits.run_limits(spec)), "source": suite.checker["code"]}


def _specs(suite: Suite) -> list[LanguageSpec]:
    """The languages the job builds: the program's, and the checker's."""
    return [LANGUAGES[suite.language], *([LANGUAGES[suite.checker["language"]]] if suite.checker else [])]


def _compile_limits(suite: Suite) -> Limits:
    """One set of compile limits for the program and the checker: the most of each of theirs."""
    limits = [spec.compile_limits for spec in _specs(suite) if spec.compile and spec.compile_limits]
    if not limits:
        return Limits()
    return max(limits, key=lambda each: each.memory_bytes).replace(
        wall_time_s=max(each.wall_time_s for each in limits), cpu_time_s=max(each.cpu_time_s for each in limits),
        processes=max(each.processes for each in limits),
        memory_rlimit="data" if any(each.memory_rlimit == "data" for each in limits) else "as")


def _limits(suite: Suite, config: CodeConfig, limits: TaskLimits) -> Limits:
    """The whole job's limits (the harness and everything it starts): room for every compile, every test
    (and its checker run), within the config's total; memory of the kind its runtimes need."""
    specs = _specs(suite)
    compiled = [spec.compile_limits for spec in specs if spec.compile and spec.compile_limits]
    per_test = limits.test_timeout_s * (2 if suite.checker else 1)
    wall = sum(each.wall_time_s for each in compiled) + min(config.total_timeout_s, len(suite.tests) * per_test)
    wall += 5.0 + _null_budget(suite, limits.test_timeout_s)
    memory = max(limits.memory_mb, config.memory_mb, 256 if suite.checker else 0) << 20
    kinds = {spec.limits_for(Limits()).memory_rlimit for spec in specs} | {each.memory_rlimit for each in compiled}
    return Limits(wall_time_s=wall, cpu_time_s=wall, memory_bytes=max([memory, *(c.memory_bytes for c in compiled)]),
                  processes=max([64, *(c.processes for c in compiled)]), output_bytes=1 << 20,
                  memory_rlimit="data" if "data" in kinds else "as")


def _null_budget(suite: Suite, test_timeout_s: float) -> float:
    """The judge's null run: the tests again (call mode), or the checker on an empty output (stdio)."""
    return min(test_timeout_s, NULL_BUDGET_S) if suite.mode == "call" or suite.checker else 0.0


def interpret(result: ExecResult, *, nonce: str, suite: Suite, partial: bool) -> VerifyResult:
    """Turn the job's outcome into a VerifyResult. Only the judge's nonce line can make a pass."""
    base = {"format": suite.format, "language": suite.language, "tests_total": len(suite.tests)}
    if result.status == "sandbox_error":
        return VerifyResult.broken(Status.SANDBOX_ERROR, f"the sandbox failed: {result.reason}", **base)
    verdict = _verdict(result.stdout, nonce)
    if verdict is None:
        return VerifyResult.wrong(_no_verdict_reason(result), **base, tests_run=0, tests_passed=0,
                                  exec_status=str(result.status))
    if "defect" in verdict:
        return VerifyResult.broken(Status.ERROR, f"the reference is defective: {str(verdict['defect'])[:700]}",
                                   **base)
    if "harness_error" in verdict or "setup_error" in verdict:
        what = verdict.get("harness_error") or verdict.get("setup_error")
        kind = "the reference's test code failed" if "setup_error" in verdict else "the harness failed"
        return VerifyResult.broken(Status.ERROR, f"{kind}: {str(what)[:500]}", **base)
    if "checker_error" in verdict:
        return VerifyResult.broken(Status.ERROR, f"the checker failed: {str(verdict['checker_error'])[:700]}",
                                   **base)
    if "compile_error" in verdict:
        return VerifyResult.wrong(f"the program does not compile: {str(verdict['compile_error'])[:1500]}",
                                  **base, tests_run=0, tests_passed=0, phase="compile", verdict="compile_error",
                                  tests=[])
    return _score(verdict, base, partial)


def _score(verdict: dict[str, Any], base: dict[str, Any], partial: bool) -> VerifyResult:
    results = verdict.get("results")
    total = base["tests_total"]
    if not isinstance(results, list) or len(results) > total or any(
            not isinstance(r, dict) or not isinstance(r.get("passed"), bool) or
            r.get("verdict") not in VERDICTS or (r["verdict"] == "accepted") != r["passed"] for r in results):
        return VerifyResult.broken(Status.ERROR, "the harness returned a malformed verdict", **base)
    passed = sum(r["passed"] for r in results)
    failures = [(i, r.get("message")) for i, r in enumerate(results) if not r["passed"]]
    tests = [{"verdict": r["verdict"], "time_s": _number(r.get("time_s")),
              "memory_bytes": int(_number(r.get("memory_bytes")))} for r in results]
    first_failed = next((t["verdict"] for t in tests if t["verdict"] != "accepted"), "accepted")
    details = {**base, "tests_run": len(results), "tests_passed": passed, "verdict": first_failed, "tests": tests,
               "failures": [{"test": i, "message": str(m)[:500]} for i, m in failures[:5]]}
    if passed == total and len(results) == total:
        return VerifyResult.correct(f"all {total} tests passed", **details)
    if partial and len(results) != total:
        return VerifyResult.broken(Status.ERROR, f"the harness ran {len(results)} of {total} tests", **base)
    first = f"test {failures[0][0] + 1} of {total} failed: {failures[0][1]}" if failures else \
        f"only {len(results)} of {total} tests ran"
    if partial and passed:
        return VerifyResult(passed / total, Status.PARTIAL, f"{passed} of {total} tests passed; {first}", details)
    return VerifyResult.wrong(first, **details)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else 0.0


def _verdict(stdout: str, nonce: str) -> dict[str, Any] | None:
    prefix = nonce + " "
    lines = [line for line in stdout.splitlines() if line.startswith(prefix)]
    if len(lines) != 1:
        return None
    try:
        verdict = json.loads(lines[0][len(prefix):])
    except ValueError:
        return None
    return verdict if isinstance(verdict, dict) else None


def _no_verdict_reason(result: ExecResult) -> str:
    if result.status == "timeout":
        return f"the run was stopped: {result.reason or 'time limit exceeded'}"
    if result.status == "memory_limit":
        return f"the run was stopped: {result.reason or 'memory limit'}"
    return f"the tests did not finish (the program stopped or killed the test harness; {result.status})"
