"""The static checker on real exploit shapes, and the parsing it stands on."""

from __future__ import annotations

import pytest

from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import Status
from rlvr.verifiers.lean import LeanConfig, verify
from rlvr.verifiers.lean.source import mask, normalize, parse_candidate, parse_reference, split_signature

STATEMENT = "theorem amgm2 (a b : ℝ) (h₀ : 0 < a) (h₁ : 0 < b) : a * b ≤ (a + b) ^ 2 / 4 := by sorry"
REF = {"statement": STATEMENT, "header": "import Mathlib\nimport Aesop\nopen Real"}
STATIC = LeanConfig()
HONEST_TAIL = "  nlinarith [sq_nonneg (a - b)]"
HONEST = f"theorem amgm2 (a b : ℝ) (h₀ : 0 < a) (h₁ : 0 < b) : a * b ≤ (a + b) ^ 2 / 4 := by\n{HONEST_TAIL}"

EXPLOITS = [
    ("axiom injection", "axiom cheat : False\n" + HONEST.replace(HONEST_TAIL, "  exact cheat.elim"), "axiom"),
    ("statement edit", HONEST.replace("(a + b) ^ 2 / 4", "(a + b) ^ 2"), "statement differs"),
    ("hypothesis added", HONEST.replace("(h₁ : 0 < b)", "(h₁ : 0 < b) (h₂ : False)"), "statement differs"),
    ("sorry hidden in a have", HONEST.replace(HONEST_TAIL, "  have key : 0 ≤ (a - b) ^ 2 := by sorry\n"
                                              "  nlinarith [key]"), "sorry"),
    ("bare sorry", "sorry", "sorry"),
    ("admit", "by\n  admit", "admit"),
    ("sorryAx", HONEST.replace(HONEST_TAIL, "  exact sorryAx _ false"), "sorry"),
    ("stop", HONEST.replace(HONEST_TAIL, "  stop\n" + HONEST_TAIL), "stop"),
    ("macro redefining #print axioms", 'macro "#print" "axioms" _x:ident : command => `(#check 0)\n' + HONEST,
     "syntax"),
    ("macro_rules", "macro_rules | `(tactic| nlinarith) => `(tactic| sorry)\n" + HONEST, "sorry"),
    ("elab", 'elab "cheat" : tactic => pure ()\n' + HONEST.replace("nlinarith [sq_nonneg (a - b)]", "cheat"),
     "syntax"),
    ("notation", "local notation \"⊤⊤\" => True\n" + HONEST, "syntax"),
    ("attribute macro", "@[macro Lean.Parser.Command.printAxioms] def fake : Lean.Macro := fun _ => "
     "Lean.Macro.throwUnsupported\n" + HONEST, "syntax"),
    ("native_decide", HONEST.replace(HONEST_TAIL, "  native_decide"), "native"),
    ("decide +native", HONEST.replace(HONEST_TAIL, "  decide +native"), "native"),
    ("implemented_by", "@[implemented_by fakeImpl] def spec : Bool := false\n" + HONEST, "implemented_by"),
    ("extern", '@[extern "lean_cheat"] opaque cheatFn : Nat → Nat\n' + HONEST, "extern"),
    ("skip kernel", "set_option debug.skipKernelTC true in\n" + HONEST, "debug.skipKernelTC"),
    ("pp option", "set_option pp.all true\n" + HONEST, "pp.all"),
    ("#eval", '#eval IO.println "proof ok"\n' + HONEST, "`#` command"),
    ("#print tampering", HONEST + "\n#print axioms amgm2", "`#` command"),
    ("#exit", HONEST.replace(HONEST_TAIL, "  #exit"), "`#` command"),
    ("run_tac", HONEST.replace(HONEST_TAIL, "  run_tac Lean.Elab.Tactic.closeMainGoal"), "meta"),
    ("foreign import", "import Cheats\n" + HONEST, "imports"),
    ("addDecl", "open Lean in\ndef x := addDecl\n" + HONEST, "kernel environment"),
    ("empty proof", "theorem amgm2 (a b : ℝ) (h₀ : 0 < a) (h₁ : 0 < b) : a * b ≤ (a + b) ^ 2 / 4 := by\n",
     "empty"),
]


@pytest.mark.parametrize(("completion", "reason"), [pytest.param(c, r, id=i) for i, c, r in EXPLOITS])
def test_exploits_are_wrong(completion, reason):
    result = verify(completion=completion, reference=REF, config=STATIC)
    assert result.status == Status.WRONG and result.reward == 0.0
    assert reason in result.reason or any(reason in f for f in result.details["findings"]), result


HONEST_SHAPES = [
    ("whole theorem", HONEST),
    ("fenced with prose", f"Here is the proof.\n```lean4\n{HONEST}\n```\nDone."),
    ("tactics only", "nlinarith [sq_nonneg (a - b), sq_nonneg (a + b)]"),
    ("by block", "by\n  nlinarith [sq_nonneg (a - b)]"),
    ("reflowed statement", HONEST.replace(" : a * b", "\n    : a * b").replace("(a b : ℝ)", "( a b : ℝ )")),
    ("renamed theorem", HONEST.replace("amgm2", "my_amgm")),
    ("sorry only in comments and strings",
     HONEST.replace(HONEST_TAIL, "  -- no sorry here\n  /- nor /- nested sorry -/ here -/\n" + HONEST_TAIL)),
    ("aux lemma and header repeated", "import Mathlib\nimport Aesop\n\nlemma sq_half (x : ℝ) : 0 ≤ x ^ 2 := "
     "sq_nonneg x\n\n" + HONEST),
    ("safe option", "set_option maxHeartbeats 400000 in\n" + HONEST),
    ("identifier with prime", HONEST.replace(HONEST_TAIL, "  have h' := h₀\n" + HONEST_TAIL)),
]


@pytest.mark.parametrize("completion", [pytest.param(c, id=i) for i, c in HONEST_SHAPES])
def test_unrefuted_proofs_are_unverified_never_rewarded(completion):
    result = verify(completion=completion, reference=REF, config=STATIC)
    assert result.status == Status.UNVERIFIED
    assert result.reward is None
    assert result.details["backend"] == "static"


def test_oversized_code_is_refused_before_parsing():
    result = verify(completion="  simp\n" * 20_000, reference=REF, config=STATIC)
    assert result.status == Status.WRONG and "limit is 100000" in result.reason
    prose = "thinking... " * 20_000 + "\n```lean\n" + HONEST + "\n```"
    assert verify(completion=prose, reference=REF, config=STATIC).status == Status.UNVERIFIED


def test_empty_completion_is_no_answer():
    assert verify(completion="  \n", reference=REF, config=STATIC).status == Status.NO_ANSWER


def test_bad_references_raise():
    with pytest.raises(InvalidReferenceError):
        verify(completion="simp", reference={"header": "import Mathlib"}, config=STATIC)
    with pytest.raises(InvalidReferenceError):
        verify(completion="simp", reference={"statement": "def x := 1"}, config=STATIC)


def test_mask_keeps_length_and_hides_comments_and_strings():
    text = 'theorem t : "a -- b" = s!"{x}" := by -- sorry\n  /- a /- b -/ sorry -/ simp [h\'] -- end'
    masked = mask(text)
    assert len(masked) == len(text) and masked.count("\n") == 1
    assert "sorry" not in masked and "simp [h']" in masked and "a -- b" not in masked


def test_char_literal_cannot_hide_code():
    masked = mask("example : '\"' = '\"' := by sorry")
    assert "sorry" in masked


def test_normalize_and_signature_split():
    assert normalize("( a  b : ℝ )\n  (h : a = b) :\n a = b") == normalize("(a b : ℝ) (h : a = b) : a = b")
    assert split_signature("(f : ℕ → ℕ) (h : ∀ x, f x = x) : f (f 2) = 2") == (
        "(f : ℕ → ℕ) (h : ∀ x, f x = x)", "f (f 2) = 2")
    assert split_signature(": Nat.gcd 180 168 = 12") == ("", "Nat.gcd 180 168 = 12")


def test_reference_preamble_keeps_commands_without_comments():
    ref = parse_reference("/-- Show it. -/\nopen Real -- for π\n\n" + STATEMENT, "import Mathlib")
    assert ref.preamble == "open Real" and ref.name == "amgm2"


def test_candidate_split_keeps_aux_code_and_drops_trailing_commands():
    ref = parse_reference(STATEMENT, REF["header"])
    completion = "lemma helper : True := trivial\n\n" + HONEST + "\n\nexample : True := trivial"
    candidate = parse_candidate(completion, ref)
    assert candidate.before == "lemma helper : True := trivial"
    assert candidate.proof == "by\n" + HONEST_TAIL
    assert candidate.after == "example : True := trivial"
    tactic = parse_candidate("nlinarith [h₀]\nlinarith", ref)
    assert tactic.signature is None and tactic.proof == "by\n  nlinarith [h₀]\n  linarith"


def test_config_from_env_and_validation():
    config = LeanConfig.from_env({"RLVR_LEAN_BACKEND": "repl", "RLVR_LEAN_REPL_CMD": "lake exe repl",
                                  "RLVR_LEAN_TIMEOUT_S": "30", "RLVR_LEAN_MAX_USES": "7"})
    assert config.repl_cmd == ("lake", "exe", "repl") and config.timeout_s == 30.0 and config.max_uses == 7
    assert LeanConfig.from_env({}).backend == "static"
    with pytest.raises(ConfigError, match="RLVR_LEAN_REPL_CMD"):
        LeanConfig(backend="repl")
    with pytest.raises(ConfigError, match="RLVR_LEAN_KIMINA_URL"):
        LeanConfig.from_env({"RLVR_LEAN_BACKEND": "kimina"})
    with pytest.raises(ConfigError, match="not a valid"):
        LeanConfig.from_env({"RLVR_LEAN_TIMEOUT_S": "soon"})
