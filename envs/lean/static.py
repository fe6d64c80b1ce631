"""The static checker: refute what is certainly not an honest proof, without running Lean.

It finds `sorry`, new axioms, native evaluation, compiler overrides, syntax extensions that could
redefine commands (including the `#print axioms` query the REPL backend relies on), weakened options,
foreign imports and an edited statement. It never proves anything: a clean scan means only that
nothing here refuted the proof. Every backend runs it first, and the REPL and kimina backends rely on
its ban on syntax extensions for the soundness of their axiom query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rlvr.envs.lean.source import Candidate, Reference, mask, normalize

# (pattern on masked source with `«»` removed, reason). Word boundaries use Lean's identifier characters;
# `_W` also skips a word after a dot (a field or namespace component) unless it is `_root_.`-qualified,
# `_S` does not skip it.
_S = r"(?<![\w'])"
_W = r"(?<![\w'.])(?:_root_\.)?"
_E = r"(?![\w'])"
# `#` commands of Lean, Batteries and Mathlib; any `#word` starting a line counts too. Elsewhere a `#`
# is Mathlib's `#s` (Finset.card) or `#[...]`: a command needs its keyword token, and none can be added.
_HASH_COMMANDS = (r"print\w*|eval\w*|exit\w*|check\w*|reduce|synth|guard\w*|help|find\w*|lint\w*|e?simp\w*"
                  r"|norm_num|conv|where|align\w*|noalign|explode|count_heartbeats\w*|min_imports|long_names"
                  r"|list_linters|whnf\w*|leansearch|loogle|moogle|trans_imports|import_path|redundant_imports"
                  r"|unused\w*|show\w*|sample|test|instances|kerodon|stacks|html|widget|version|info_trees"
                  r"|compile\w*|dump\w*|adaptation_note|time|push\w*|ring\w*|decide\w*|defeq\w*|discr_tree\w*"
                  r"|reset\w*|with_exporting|mathlib\w*|why\w*|tfae\w*")
BANNED: tuple[tuple[str, str], ...] = (
    (rf"{_S}(?:sorry|sorryAx){_E}", "uses `sorry`"),
    (rf"{_S}admit{_E}", "uses `admit`"),
    (rf"{_S}stop{_E}", "uses `stop` (which closes the rest of the proof with `sorry`)"),
    (rf"{_S}axiom{_E}", "declares a new `axiom`"),
    (rf"{_S}(?:lcProof|lcUnreachable|lcCast|lcErased|lcAny|trustCompiler){_E}",
     "uses an axiom of Lean's prelude (`lcProof`, `Lean.trustCompiler`)"),
    (rf"{_W}native_decide{_E}|\+native{_E}|{_S}native\s*:=|ofReduceBool|ofReduceNat|reduceBool{_E}",
     "uses native evaluation (`native_decide` trusts the compiler, not the kernel)"),
    (rf"{_W}implemented_by{_E}|{_W}extern{_E}|{_W}csimp{_E}|{_W}unsafe{_E}",
     "overrides compiled code (`implemented_by`/`extern`/`csimp`/`unsafe`)"),
    # `prefix`, `infix`, `notation` are reserved words in Lean 4 (never a variable's name), and a command
    # may start after any term ends, so they are refused wherever they stand, like `macro`.
    (rf"{_W}(?:macro|macro_rules|syntax|elab|elab_rules|notation\w*|infix|infixl|infixr|prefix|postfix"
     rf"|declare_syntax_cat|binder_predicate|command_elab|term_elab|tactic_elab|delab|app_delab"
     rf"|app_unexpander|simproc|dsimproc|simproc_decl|leading_parser|trailing_parser){_E}"
     rf"|{_S}(?:\w+_parser|builtin_\w+|\w+_elab|\w*unexpander){_E}"
     rf"|(?:@\[|{_S}attribute\s*\[)[^\]\[]{{0,2000}}?(?<![\w'.])(?:tactic|init|export){_E}",
     "defines syntax, a macro, a parser or an elaborator, which could redefine commands such as "
     "`#print axioms`"),
    (rf"{_W}(?:initialize|builtin_initialize|run_cmd|run_elab|run_meta|run_tac|by_elab){_E}",
     "runs meta-level code"),
    (rf"{_W}Lean\.Meta{_E}|{_S}(?:Elab|Parser|Macro|Kernel|Compiler|Environment){_E}"
     rf"|{_S}(?:addDecl\w*|addAndCompile|replaceConst|setEnv|modifyEnv){_E}",
     "reaches into the elaborator or kernel environment"),
    (rf"(?m)^[ \t]*#[A-Za-z_]|(?<![\w'#])#(?:{_HASH_COMMANDS}){_E}",
     "contains a `#` command (`#print`, `#eval`, `#exit`, ...): none belongs in a proof"),
)
_COMPILED = tuple((re.compile(pattern), reason) for pattern, reason in BANNED)

# Options that only bound resources or tune linters; any other `set_option` is refused.
SAFE_OPTIONS = re.compile(r"(?:maxHeartbeats|maxRecDepth|synthInstance\.maxHeartbeats|synthInstance\.maxSize"
                          r"|linter\.[\w.]+|exponentiation\.threshold)")
_SET_OPTION = re.compile(rf"{_W}set_option\s+([^\s]+)")


@dataclass(frozen=True)
class Finding:
    """One reason the candidate is certainly not a proof."""

    reason: str
    excerpt: str


def scan(candidate: Candidate, reference: Reference) -> list[Finding]:
    """Every certain refutation in the candidate; empty when nothing was found."""
    findings = []
    source = candidate.source
    masked = mask(source)
    # `«sorryAx»` is `sorryAx`, and `«Lean».Elab` is `Lean.Elab`.
    positions = [i for i, ch in enumerate(masked) if ch not in "«»"]
    plain = "".join(masked[i] for i in positions)
    for pattern, reason in _COMPILED:
        match = pattern.search(plain)
        if match:
            findings.append(Finding(reason, _excerpt(source, positions[match.start()])))
    for match in _SET_OPTION.finditer(plain):
        if not SAFE_OPTIONS.fullmatch(match[1]):
            findings.append(Finding(f"sets option `{match[1]}`, which could weaken checking",
                                    _excerpt(source, positions[match.start()])))
    allowed = set(_IMPORT_NAME.findall(mask(reference.header)))
    foreign = [name for name in candidate.imports if name not in allowed]
    if foreign:
        findings.append(Finding(f"imports modules outside the task header: {', '.join(foreign)}", ""))
    if candidate.signature is not None and normalize(candidate.signature) != normalize(reference.signature):
        findings.append(Finding("the theorem statement differs from the reference",
                                normalize(candidate.signature)[:300]))
    if not mask(candidate.proof).strip() or re.fullmatch(r"\s*by\s*", mask(candidate.proof)):
        findings.append(Finding("the proof is empty", ""))
    return findings


_IMPORT_NAME = re.compile(r"(?m)^[ \t]*import[ \t]+([^\s]+)")


def _excerpt(source: str, index: int) -> str:
    line_start = source.rfind("\n", 0, index) + 1
    line_end = source.find("\n", index)
    return source[line_start:len(source) if line_end < 0 else line_end].strip()[:200]
