"""The qa table for people: one block per env, one row per attack, the first rewarded completion shown."""

from __future__ import annotations

from rlvr.qa.runner import AttackOutcome, EnvReport

WORST_CHARS = 90


def render(report: EnvReport) -> str:
    """The env's verdict line, its reference solutions' line, and the attack table."""
    verdict = "PASS" if report.passed else "FAIL"
    made = f" {report.env_kwargs}" if report.env_kwargs else ""
    lines = [f"{report.env_id}{made} ({report.family}): {verdict} - {report.tasks} tasks, seed {report.seed}, "
             f"{report.cases} cases, {report.seconds:.1f}s (time bound {report.time_bound_s:g}s per huge check)",
             _reference_line(report)]
    header = ("attack", "tasks", "rewarded", "no-verdict", "n/a", "max s", "worst case")
    rows = [header, *(_row(attack) for attack in report.attacks)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:],
                                                                                      strict=True)), row[-1]]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _reference_line(report: EnvReport) -> str:
    reference = report.reference
    if reference.tried == 0:
        return "  reference solution: none (this env cannot make one, so attacks that need it are n/a)"
    line = f"  reference solution: {reference.tried - reference.missed}/{reference.tried} scored 1.0"
    if reference.unavailable:
        line += f", {reference.unavailable} tasks without one"
    if reference.first_miss:
        line += f"; MISSED first on {reference.first_miss}"
    return line


def _row(attack: AttackOutcome) -> tuple[str, ...]:
    worst = attack.worst or ""
    if len(worst) > WORST_CHARS:
        worst = worst[:WORST_CHARS] + "..."
    name = attack.name + ("" if attack.passed else "  <-- FAIL")
    max_s = "-" if attack.max_seconds is None else f"{attack.max_seconds:.2f}"
    return (name, str(attack.tried), str(attack.rewarded), str(attack.no_verdict), str(attack.not_applicable),
            max_s, worst + (f" [slow: {attack.slow}]" if attack.slow else ""))
