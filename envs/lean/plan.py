"""The Lean commands that check one proof, and how their responses become a verdict.

Four commands, each in the environment the previous one produced (header loaded first):

1. `goal`: `def rlvr_goal_<nonce> : Prop := ∀ <binders>, <type>`, the reference statement elaborated
   with only the header loaded, before any candidate code can add instances or notation.
2. `proof`: the candidate's auxiliary code, then its proof under the reference signature with a fresh
   name `rlvr_proof_<nonce>` (the candidate's own theorem header is discarded once it matched).
3. `link`: `theorem rlvr_check_<nonce> : rlvr_goal_<nonce> := @rlvr_proof_<nonce>`; Lean accepts
   it only if the proved proposition is the clean reference (catches instance or notation games).
4. `axioms`: `#print axioms rlvr_check_<nonce>` as its own command; the candidate cannot know the
   name, and the static scan has already refused any syntax, macro or elaborator that could intercept
   the command.

A proof is correct only if no stage reports an error, no `sorry` appears anywhere, and the axiom
list is within the allowlist.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.lean.source import Candidate, Reference, split_signature
from rlvr.results import Status, VerifyResult

STAGES = ("goal", "proof", "link", "axioms")


@dataclass(frozen=True)
class CheckPlan:
    nonce: str
    commands: dict[str, str]

    @property
    def check_name(self) -> str:
        return f"rlvr_check_{self.nonce}"


def build_plan(candidate: Candidate, reference: Reference, nonce: str | None = None) -> CheckPlan:
    """The four commands for one check, with a fresh random nonce in every name we introduce."""
    nonce = nonce or secrets.token_hex(8)
    binders, type_ = split_signature(reference.signature)
    prop = f"∀ {binders},\n  {type_}" if binders else type_
    preamble = f"{reference.preamble}\n\n" if reference.preamble else ""
    before = f"{candidate.before}\n" if candidate.before else ""
    commands = {
        "goal": f"{preamble}def rlvr_goal_{nonce} : Prop :=\n  {prop}",
        "proof": f"{preamble}{before}theorem rlvr_proof_{nonce} {reference.signature} := {candidate.proof}",
        # `@` keeps Lean from inserting implicit arguments: the whole ∀ must match the goal.
        "link": f"theorem rlvr_check_{nonce} : rlvr_goal_{nonce} := @rlvr_proof_{nonce}",
        "axioms": f"#print axioms rlvr_check_{nonce}",
    }
    return CheckPlan(nonce=nonce, commands=commands)


def errors(response: Mapping[str, Any]) -> list[str]:
    return [str(m.get("data", "")) for m in response.get("messages") or () if m.get("severity") == "error"]


def uses_sorry(response: Mapping[str, Any]) -> bool:
    return bool(response.get("sorries")) or any(
        "declaration uses 'sorry'" in str(m.get("data", "")) for m in response.get("messages") or ())


def judge_stage(stage: str, response: Mapping[str, Any], plan: CheckPlan,
                allowed_axioms: frozenset[str]) -> VerifyResult | None:
    """The verdict one stage's response forces, or None to go on to the next stage."""
    errs = errors(response)
    if stage == "goal" and errs:
        return VerifyResult.broken(Status.ERROR,
                                   f"the reference statement does not elaborate: {errs[0][:500]}")
    if stage == "proof" and errs:
        return VerifyResult.wrong(f"Lean rejected the proof: {errs[0][:500]}", lean_errors=errs[:5])
    if uses_sorry(response):
        return VerifyResult.wrong("the proof uses `sorry`")
    if stage == "link" and errs:
        return VerifyResult.wrong("the proof does not prove the reference statement (its code changed what "
                                  f"the statement means): {errs[0][:300]}")
    if stage == "axioms":
        return judge_axioms(response, plan, allowed_axioms)
    return None


_DEPENDS = re.compile(r"'(?P<name>[^']+)' depends on axioms: \[(?P<axioms>[^\]]*)\]")
_NO_AXIOMS = re.compile(r"'(?P<name>[^']+)' does not depend on any axioms")


def judge_axioms(response: Mapping[str, Any], plan: CheckPlan, allowed: frozenset[str]) -> VerifyResult:
    found: list[list[str]] = []
    for message in response.get("messages") or ():
        if message.get("severity") != "info":
            continue
        text = str(message.get("data", "")).strip()
        depends, none = _DEPENDS.fullmatch(text), _NO_AXIOMS.fullmatch(text)
        match = depends or none
        name = match["name"].replace("«", "").replace("»", "") if match else ""
        # A namespace left open by the candidate's code prefixes our name; the nonce keeps it ours.
        if name == plan.check_name or name.endswith("." + plan.check_name):
            found.append([a.strip() for a in depends["axioms"].split(",") if a.strip()] if depends else [])
    if len(found) != 1 or errors(response):
        return VerifyResult.broken(Status.ERROR, "the axiom query gave no clear answer",
                                   messages=[m.get("data") for m in response.get("messages") or ()][:5])
    axioms = found[0]
    extra = sorted(set(axioms) - allowed)
    if "sorryAx" in extra:
        return VerifyResult.wrong("the proof depends on `sorryAx`", axioms=axioms)
    if extra:
        return VerifyResult.wrong(f"the proof depends on axioms outside the allowlist: {', '.join(extra)}",
                                  axioms=axioms)
    return VerifyResult.correct("Lean accepted the proof of the reference statement", axioms=axioms)


def judge_all(responses: Mapping[str, Mapping[str, Any]], plan: CheckPlan,
              allowed_axioms: frozenset[str]) -> VerifyResult:
    """The verdict from all four stages' responses (the kimina path, where they arrive together)."""
    for stage in STAGES:
        verdict = judge_stage(stage, responses.get(stage, {}), plan, allowed_axioms)
        if verdict is not None:
            return verdict
    raise AssertionError("the axioms stage always gives a verdict")


def assemble(plan: CheckPlan, header: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """One Lean file holding all stages (for servers that take a whole file), and each stage's line
    range, 1-based and inclusive, counted from the first line that is not an import or blank (where
    kimina-lean-server starts the body it reports positions in)."""
    lines = header.strip().splitlines()
    lines.append("")
    ranges: dict[str, tuple[int, int]] = {}
    for stage in STAGES:
        start = len(lines) + 1
        lines.extend(plan.commands[stage].splitlines())
        ranges[stage] = (start, len(lines))
        lines.append("")
    offset = next(i for i, line in enumerate(lines)
                  if line.strip() and not line.strip().startswith("import "))
    shifted = {stage: (a - offset, b - offset) for stage, (a, b) in ranges.items()}
    return "\n".join(lines), shifted


def split_by_stage(response: Mapping[str, Any], ranges: Mapping[str, tuple[int, int]],
                   plan: CheckPlan) -> dict[str, dict[str, Any]]:
    """Per-stage responses from one whole-file response.

    Lines only name the stage in a verdict's reason: anything outside every stage counts as proof, and
    the answer to the axiom query is found by its nonce-bearing name wherever its line falls.
    """
    parts: dict[str, dict[str, Any]] = {stage: {"messages": [], "sorries": []} for stage in STAGES}
    for key in ("messages", "sorries"):
        for item in response.get(key) or ():
            line = int(((item.get("pos") or {}).get("line")) or 0)
            stage = next((s for s, (a, b) in ranges.items() if a <= line <= b), "proof")
            answers_query = item.get("severity") == "info" and plan.check_name in str(item.get("data"))
            if key == "messages" and answers_query:
                stage = "axioms"
            parts[stage][key].append(item)
    return parts

