"""`verify` for the Lean family: parse the completion, refute statically, then check with the backend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rlvr.envs.lean.config import DEFAULT_HEADER, LeanConfig
from rlvr.envs.lean.errors import UntokenizableSource
from rlvr.envs.lean.source import extract_code, parse_candidate, parse_reference
from rlvr.envs.lean.static import scan
from rlvr.errors import InvalidReferenceError
from rlvr.results import Status, VerifyResult
from rlvr.runtime import Runtime, default_runtime


def verify(*, completion: str, reference: Mapping[str, Any], config: LeanConfig | None = None,
           runtime: Runtime | None = None) -> VerifyResult:
    """Score a Lean 4 proof of `reference["statement"]` (under `reference["header"]`).

    The static scan runs first on every backend and turns certain non-proofs into `wrong`. The
    `static` backend then answers `unverified` (reward None: nothing was proved); `repl` and
    `kimina` run Lean. Only Lean can give `correct`. The REPL pool or kimina client is kept warm by the
    runtime (the default runtime's when none is given), one per config.
    """
    config = config or LeanConfig.from_env()
    statement = reference.get("statement")
    if not isinstance(statement, str) or not statement.strip():
        raise InvalidReferenceError('a Lean reference needs "statement": the theorem to prove')
    header = reference.get("header") or DEFAULT_HEADER
    if not isinstance(header, str):
        raise InvalidReferenceError('"header" must be a string of imports and options')
    ref = parse_reference(statement, header)
    if not completion.strip():
        return VerifyResult.no_answer("the completion is empty")
    code = extract_code(completion)
    if len(code) > config.max_code_chars:
        return VerifyResult.wrong(f"the Lean code has {len(code)} characters; the limit is "
                                  f"{config.max_code_chars}", backend=config.backend)
    try:
        candidate = parse_candidate(code, ref)
        findings = scan(candidate, ref)
    except UntokenizableSource as exc:
        # Where the lexer could misread what Lean reads as code, the scan could miss it: refuse.
        return VerifyResult.wrong(f"the source could not be tokenised safely: {exc}", backend=config.backend)
    if findings:
        first = findings[0]
        return VerifyResult.wrong(first.reason, excerpt=first.excerpt, backend=config.backend,
                                  findings=[f.reason for f in findings])
    runtime = runtime or default_runtime()
    if config.backend == "repl":
        from rlvr.envs.lean.repl import ReplPool, check_with_repl

        pool = runtime.resource(("lean-repl", config), lambda: ReplPool(config))
        return _tag(check_with_repl(candidate, ref, config, pool), config)
    if config.backend == "kimina":
        from rlvr.envs.lean.kimina import check_with_kimina, client_for

        client = runtime.resource(("lean-kimina", config), lambda: client_for(config))
        return _tag(check_with_kimina(candidate, ref, config, client), config)
    return VerifyResult.broken(Status.UNVERIFIED, "no Lean checker is configured: the static scan found no "
                               "exploit, but nothing was proved (set RLVR_LEAN_BACKEND=repl or kimina)",
                               backend="static")


def _tag(result: VerifyResult, config: LeanConfig) -> VerifyResult:
    details = {**result.details, "backend": config.backend}
    return VerifyResult(result.reward, result.status, result.reason, details)
