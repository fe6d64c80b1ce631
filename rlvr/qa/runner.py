"""Run an env's verifier against its own reference solutions and its family's attacks.

Every completion goes through a `rlvr.Runtime` with the env id, the path trainers and the server use (the
killable worker pool for math, inline for the rest), so qa judges the verifier exactly as it is deployed.
Attacks on huge inputs run one at a time so that their wall time is their own.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from gymnasium.envs.registration import load_env_creator

from rlvr.dispatch import VerifyRequest
from rlvr.envs.base import Task, TextEnv
from rlvr.qa.attacks import Attack
from rlvr.qa.battery import battery_for
from rlvr.registry import env_entry
from rlvr.results import VerifyResult
from rlvr.runtime import Runtime

DEFAULT_TASKS = 20
DEFAULT_TIME_BOUND_S = 5.0
SHOWN_CHARS = 300


@dataclass
class AttackOutcome:
    """How one attack fared over the tasks: `rewarded` must be 0, `slow` too (checks over the time bound)."""

    name: str
    tried: int = 0
    rewarded: int = 0
    no_verdict: int = 0
    not_applicable: int = 0
    slow: int = 0
    max_seconds: float | None = None
    worst: str | None = None

    @property
    def passed(self) -> bool:
        return self.rewarded == 0 and self.slow == 0


@dataclass
class ReferenceOutcome:
    """The env's own solutions: every one must score 1.0; `unavailable` counts tasks the env cannot solve."""

    tried: int = 0
    missed: int = 0
    unavailable: int = 0
    first_miss: str | None = None


@dataclass
class EnvReport:
    env_id: str
    family: str
    tasks: int
    seed: int
    time_bound_s: float
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    reference: ReferenceOutcome = field(default_factory=ReferenceOutcome)
    attacks: list[AttackOutcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.reference.missed == 0 and all(attack.passed for attack in self.attacks)

    @property
    def cases(self) -> int:
        """Completions verified: one reference and one per applicable attack for each task."""
        return self.reference.tried + sum(attack.tried for attack in self.attacks)

    def attack(self, name: str) -> AttackOutcome:
        return next(outcome for outcome in self.attacks if outcome.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "cases": self.cases, **asdict(self)}


@dataclass(frozen=True)
class _Case:
    attack: Attack | None  # None: the reference solution
    task: Task
    completion: str


def run_qa(env_id: str, *, tasks: int = DEFAULT_TASKS, seed: int = 0, time_bound_s: float = DEFAULT_TIME_BOUND_S,
           env_kwargs: Mapping[str, Any] | None = None, runtime: Runtime | None = None) -> EnvReport:
    """Audit `env_id` (made with `env_kwargs`: a language, a level, a data file) on `tasks` tasks drawn with
    `seed`; raises UnknownEnvError for an unknown id."""
    entry = env_entry(env_id)
    env: TextEnv = load_env_creator(entry.entry_point)(**{**entry.kwargs, **(env_kwargs or {})})
    report = EnvReport(env_id, entry.family, 0, seed, time_bound_s, dict(env_kwargs or {}))
    report.attacks = [AttackOutcome(attack.name) for attack in battery_for(entry.family)]
    owned = runtime is None
    runtime = runtime or Runtime()
    started = time.perf_counter()
    try:
        sampled = _sample(env, tasks, seed)
        report.tasks = len(sampled)
        cases = _cases(env, sampled, report)
        _score_batch(runtime, env_id, [case for case in cases if not (case.attack and case.attack.timed)], report)
        for case in cases:
            if case.attack is not None and case.attack.timed:
                _score_timed(runtime, env_id, case, report)
    finally:
        env.close()
        if owned:
            runtime.close()
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _sample(env: TextEnv, count: int, seed: int) -> list[Task]:
    """`count` distinct tasks (all of a smaller set), the same for the same seed."""
    indices = random.Random(seed).sample(range(len(env.tasks)), min(count, len(env.tasks)))
    sampled = []
    for index in indices:
        env.reset(seed=seed, options={"index": index})
        sampled.append(env.task)
    return sampled


def _cases(env: TextEnv, sampled: list[Task], report: EnvReport) -> list[_Case]:
    cases = []
    for task in sampled:
        solution = env.reference_answer(task)
        completion = env.reference_completion(task)
        if completion is None:
            report.reference.unavailable += 1
        else:
            cases.append(_Case(None, task, completion))
        for attack in battery_for(report.family):
            built = None if attack.needs_solution and solution is None else attack.build(task, env, solution)
            if built is None:
                report.attack(attack.name).not_applicable += 1
            else:
                cases.append(_Case(attack, task, built))
    return cases


def _score_batch(runtime: Runtime, env_id: str, cases: list[_Case], report: EnvReport) -> None:
    requests = [VerifyRequest(env_id, case.completion, case.task.reference) for case in cases]
    for case, result in zip(cases, runtime.verify_batch(requests), strict=True):
        _record(report, case, result, None)


def _score_timed(runtime: Runtime, env_id: str, case: _Case, report: EnvReport) -> None:
    started = time.perf_counter()
    result = runtime.verify(env_id, completion=case.completion, reference=case.task.reference)
    _record(report, case, result, time.perf_counter() - started)


def _record(report: EnvReport, case: _Case, result: VerifyResult, seconds: float | None) -> None:
    if case.attack is None:
        report.reference.tried += 1
        if result.reward != 1.0:
            report.reference.missed += 1
            report.reference.first_miss = report.reference.first_miss or (
                f"{case.task.id}: {result.status} ({result.reason})")
        return
    outcome = report.attack(case.attack.name)
    outcome.tried += 1
    if result.reward is None:
        outcome.no_verdict += 1
    elif result.reward > 0:
        outcome.rewarded += 1
        outcome.worst = outcome.worst or f"{case.task.id}: {shown(case.completion)}"
    if seconds is not None:
        outcome.max_seconds = round(max(outcome.max_seconds or 0.0, seconds), 3)
        outcome.slow += seconds > report.time_bound_s


def shown(completion: str) -> str:
    """A completion on one line (JSON escapes), cut to SHOWN_CHARS."""
    text = json.dumps(completion, ensure_ascii=False)[1:-1]
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}... ({len(completion)} chars)"
