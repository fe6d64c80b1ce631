"""The static checker on real exploit shapes, and the parsing it stands on."""

from __future__ import annotations

import time

import pytest

from rlvr.envs.lean import LeanConfig, verify
from rlvr.envs.lean.source import mask, normalize, parse_candidate, parse_reference, split_signature
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import Status

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
    ("«\"» identifier hides an elab_rules faking #print axioms, and an axiom",
     'def «a"» := 0\nopen Lean Elab Command in\nelab_rules : command\n'
     '  | `(#print axioms $id) => logInfo m!"\'{id.getId}\' does not depend on any axioms"\n'
     'axiom cheat : False\ndef «b"» := 0\n' + HONEST.replace(HONEST_TAIL, "  exact cheat.elim"), "axiom"),
    ("sorry inside string interpolation", HONEST.replace(HONEST_TAIL, '  have _s := s!"{(sorry : Nat)}"\n'
                                                         + HONEST_TAIL), "sorry"),
    ("char literal '\"' in an interpolation", HONEST.replace(HONEST_TAIL, "  have _s := s!\"{'\"'}\"\n  sorry\n"
                                                               "  -- \""), "sorry"),
    ("«sorryAx»", HONEST.replace(HONEST_TAIL, "  exact «sorryAx» _ false"), "sorry"),
    ("doc comment /--/ cannot open a string", '/--/ " -/\naxiom cheat : False -- "\n' + HONEST, "axiom"),
    ("unbalanced string braces", HONEST.replace(HONEST_TAIL, '  have _s := "{"\n' + HONEST_TAIL),
     "tokenised safely"),
    ("ambiguous char literal after a symbol", HONEST.replace(HONEST_TAIL, "  have := 2'\"'\n" + HONEST_TAIL),
     "tokenised safely"),
    ("unclosed «", "def «x := 0\n" + HONEST, "tokenised safely"),
    ("@[command_parser]", "open Lean Parser in\n@[command_parser] def fakePrint : Parser := "
     'leading_parser "#print " >> "axioms " >> ident\n' + HONEST, "parser"),
    ("@[term_parser]", '@[term_parser] def fakeT : P := p "cheat!"\n' + HONEST, "parser"),
    ("attribute [tactic]", "def myTac : T := fun _ => pure ()\nattribute [tactic done] myTac\n" + HONEST,
     "syntax"),
    ("@[local tactic]", "@[local tactic done] def myTac : T := fun _ => pure ()\n" + HONEST, "syntax"),
    ("@[«command_elab»]", "@[«command_elab» printAxioms] def x := 0\n" + HONEST, "syntax"),
    ("_root_.Lean.Elab", "def x := @_root_.Lean.Elab.Command.elabCommand\n" + HONEST, "kernel environment"),
    ("_root_.Lean.Environment", "def x := _root_.Lean.Environment.addDeclCore\n" + HONEST, "kernel environment"),
    ("Lean.addDecl", "def x := @Lean.addDecl\n" + HONEST, "kernel environment"),
    ("open Lean Elab", "open Lean Elab Command in\ndef fake : CommandElab := fun _ => pure ()\n" + HONEST,
     "kernel environment"),
    ("decide with native config", HONEST.replace(HONEST_TAIL, "  decide (config := { native := Bool.true })"),
     "native"),
    ("lcProof", HONEST.replace(HONEST_TAIL, "  exact lcProof"), "prelude"),
    ("Lean.trustCompiler", HONEST.replace(HONEST_TAIL, "  have := Lean.trustCompiler\n" + HONEST_TAIL), "prelude"),
    ("#eval mid-line", HONEST.replace(HONEST_TAIL, "  simp #eval 1"), "`#` command"),
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
    ("no space before a colon", HONEST.replace("(h₀ : 0 < a)", "(h₀: 0 < a)")),
    ("no spaces around *", HONEST.replace("a * b ≤", "a*b ≤")),
    ("Mathlib's #s card notation", HONEST.replace(HONEST_TAIL, "  have : ∀ s : Finset ℕ, #s = s.card := "
                                                  "fun _ => rfl\n" + HONEST_TAIL)),
    ("char literals and image notation", HONEST.replace(HONEST_TAIL, "  have _c : Char := '\"'\n"
                                                        "  have _d := ['\\'', 'a']\n  have := f '' s\n"
                                                        "  have := f ⁻¹' {x}\n" + HONEST_TAIL)),
    ("interpolated string holding a string", HONEST.replace(HONEST_TAIL, '  have _s := s!"{"x"} ok"\n'
                                                            + HONEST_TAIL)),
    ("«» identifier with a quote", 'def «a"b» := 0\n' + HONEST),
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


@pytest.mark.parametrize("completion", [
    pytest.param("lemma x[\n" * 11_110, id="unclosed lemmas"),
    pytest.param("  lemma x(\n" * 9_000, id="indented unclosed lemmas"),
    pytest.param("@[\n" * 33_000, id="unclosed attributes"),
    pytest.param("×'a'" * 24_000, id="symbol quotes"),
])
def test_parsing_is_linear(completion):
    start = time.perf_counter()
    verify(completion=completion, reference=REF, config=STATIC)
    assert time.perf_counter() - start < 3.0


def test_oversized_reference_is_invalid_quickly():
    start = time.perf_counter()
    with pytest.raises(InvalidReferenceError, match="over its limit"):
        verify(completion="simp", reference={"statement": "theorem t (\n" * 20_000}, config=STATIC)
    with pytest.raises(InvalidReferenceError, match="exactly one theorem"):
        verify(completion="simp", reference={"statement": "theorem t (\n" * 4_000}, config=STATIC)
    assert time.perf_counter() - start < 3.0


def test_untokenisable_reference_is_invalid():
    with pytest.raises(InvalidReferenceError, match="tokenised safely"):
        verify(completion="simp", reference={"statement": 'theorem t : "a" = "b" /- open'}, config=STATIC)


def test_mask_follows_lean_lexing():
    text = 'def «a"» := s!"x{f \'"\' "y"}z" -- c\n/-- doc /- n -/ -/ r#"q"#'
    masked = mask(text)
    assert len(masked) == len(text)
    assert "«a_»" in masked and " f " in masked and "s!" in masked
    for hidden in ("x", '"', "y", "z", "c", "doc", "q"):
        assert hidden not in masked, hidden


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
