"""Benchmark the Lean checkers on this machine (no Lean here: REPL and kimina run against test doubles).

    .venv/bin/python bench/lean_checkers.py

- static: `verify` with the static backend over the built-in tasks, three completion shapes each.
- repl: the pool's cost per proof with a warm process (header loaded once) against the baseline of a
  fresh process per proof (`max_uses=1`), both on the protocol double, so the ratio is a floor:
  with real Lean + Mathlib a fresh process pays `import Mathlib` (tens of seconds) per proof.
- kimina: one proof per HTTP call to the FastAPI double on loopback uvicorn.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

# The REPL and kimina test doubles live with the Lean tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "envs" / "lean"))

from conftest import FAKE_REPL, _Server  # noqa: E402
from lean_kimina_double import create_app  # noqa: E402

from rlvr.envs.lean import (  # noqa: E402
    LeanConfig,
    builtin_tasks,  # noqa: E402
    verify,
)
from rlvr.envs.lean.kimina import close_clients  # noqa: E402
from rlvr.envs.lean.repl import ReplPool, check_with_repl  # noqa: E402
from rlvr.envs.lean.source import parse_candidate, parse_reference  # noqa: E402


def _timed(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _report(name: str, ms: list[float]) -> float:
    ms = sorted(ms)
    p50, p99 = statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    rate = 1000 / statistics.mean(ms)
    print(f"{name:34s} n={len(ms):4d} p50={p50:8.3f} ms  p99={p99:8.3f} ms  {rate:9.1f}/s")
    return p50


def bench_static() -> None:
    tasks = builtin_tasks()
    items = []
    for i in range(len(tasks)):
        ref = tasks[i].reference
        stub = ref["statement"].replace(":= by sorry", ":= by")
        items += [(ref, "nlinarith [sq_nonneg (a - b)]"),
                  (ref, f"```lean\n{stub}\n  norm_num\n  linarith\n```"),
                  (ref, f"axiom cheat : False\n{stub}\n  exact cheat.elim")]
    config = LeanConfig()
    _timed(lambda item: verify(completion=item[1], reference=item[0], config=config), items)  # warm up
    _report("static verify", _timed(lambda item: verify(completion=item[1], reference=item[0], config=config),
                                    items * 5))


def bench_repl(n: int = 40) -> None:
    header = "import Mathlib"
    ref = parse_reference("theorem t (a b : ℝ) : 2 * a * b ≤ a ^ 2 + b ^ 2 := by sorry", header)
    candidate = parse_candidate("nlinarith [sq_nonneg (a - b)]", ref)
    base = {"backend": "repl", "repl_cmd": (sys.executable, "-I", str(FAKE_REPL)), "max_processes": 1}
    results = {}
    for label, uses in (("repl, warm pool (max_uses=200)", 200), ("repl, fresh process (baseline)", 1)):
        pool = ReplPool(LeanConfig(**base, max_uses=uses))
        try:
            def one(_, pool=pool):
                return check_with_repl(candidate, ref, pool.config, pool)

            one(None)
            results[label] = _report(label, _timed(one, range(n)))
        finally:
            pool.close()
    warm, cold = results.values()
    print(f"{'warm pool speed-up over baseline':34s} {cold / warm:.1f}x "
          "(a floor: real Lean pays the header per process)")


def bench_kimina(n: int = 40) -> None:
    statement = "theorem t (a b : ℝ) : 2 * a * b ≤ a ^ 2 + b ^ 2 := by sorry"
    with _Server(create_app()) as server:
        config = LeanConfig(backend="kimina", kimina_url=server.url)
        reference = {"statement": statement, "header": "import Mathlib"}
        verify(completion="nlinarith", reference=reference, config=config)
        _report("kimina over loopback", _timed(lambda _: verify(completion="nlinarith", reference=reference,
                                                                config=config), range(n)))
        close_clients()


if __name__ == "__main__":
    bench_static()
    bench_repl()
    bench_kimina()
