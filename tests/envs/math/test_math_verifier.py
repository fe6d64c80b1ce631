"""The math verifier on real-looking completions: right answers in many formats, wrong ones, hedges,
math-verify's rounding false positives, and adversarial shapes."""

from __future__ import annotations

import pytest

from rlvr.envs.math import MathConfig, verify
from rlvr.envs.math.extract import extract_answer
from rlvr.errors import ConfigError, InvalidReferenceError

COT = "Let me think step by step. First we simplify the expression, then check the edge cases.\n" * 20

CORRECT = [
    ("\\frac{1}{2}", COT + "So the answer is \\boxed{\\frac{1}{2}}."),
    ("\\frac{1}{2}", "\\boxed{0.5}"),
    ("0.5", "\\boxed{\\dfrac12}"),
    ("$\\frac{1}{2}$", "Thus $\\boxed{1/2}$"),
    ("\\boxed{3}", "The answer is 3."),
    ("72", "Natalia sold 48 + 24 = 72 clips.\n#### 72"),
    ("1000", "\\boxed{1,000}"),
    ("50\\%", "\\boxed{50}"),
    ("50\\%", "\\boxed{50\\%}"),
    ("\\sqrt{8}", "\\boxed{2\\sqrt{2}}"),
    ("\\pi", "\\boxed{3.14159}"),
    ("\\frac{1}{3}", "\\boxed{0.333333}"),
    ("2", "\\boxed{x = 2}"),
    ("x=2", "\\boxed{2}"),
    ("(1,2]", "\\boxed{(1, 2]}"),
    ("\\{1,2\\}", "\\boxed{\\{2, 1\\}}"),
    ("(-\\infty, 3) \\cup (4, \\infty)", "\\boxed{(-\\infty,3)\\cup(4,\\infty)}"),
    ("\\begin{pmatrix}1\\\\2\\end{pmatrix}", "\\boxed{\\begin{pmatrix}1\\\\2\\end{pmatrix}}"),
    ("x^2+2x+1", "\\boxed{(x+1)^2}"),
    ("\\text{Monday}", "\\boxed{\\text{monday}}"),
    ("12", "\\boxed{12.0}"),
    ("3.5", "\\boxed{\\frac{7}{2}}"),
    ("-\\frac{17}{12}", "\\boxed{-\\frac{17}{12}}"),
    ("3", "First I guessed \\boxed{3}, and checking again the answer is \\boxed{3}."),
    ("5", "\\boxed{5 \\text{ apples}}"),
    ("12", "\\boxed{\\$12}"),
    ("30", "\\boxed{30^\\circ}"),
    ("-\\frac{1}{2}", "\\boxed{-\\dfrac12}"),
    ("5", "\\boxed{n = 5}"),
    ("2^{200}", "\\boxed{2^{200}}"),
    ("1606938044258990275541962092341162602522202993782792835301376",
     "\\boxed{1606938044258990275541962092341162602522202993782792835301376}"),
    ("5", "\\boxed{\\text{5}}"),
    ("5", "\\boxed{\\displaystyle \\mathbf{5}}"),
    ("1000", "\\boxed{1{,}000}"),
    ("0.5", "\\boxed{.5}"),
    ("-\\frac{17}{12}", "\\boxed{\\frac{-17}{12}}"),
    ("0.0000001", "\\boxed{10^{-7}}"),
    ("\\frac{2}{3}", "\\boxed{0.666667}"),  # rounded
    ("\\frac{2}{3}", "\\boxed{0.666666}"),  # truncated
    ("-\\pi", "\\boxed{-3.141593}"),
    ("0.00025", "\\boxed{2.5 \\times 10^{-4}}"),
    ("\\sqrt{2}", "\\boxed{x = \\sqrt{2}}"),
    ("2x", "\\boxed{f(x) = 2x}"),
    ("2\\sqrt{2}", "\\boxed{x = \\sqrt{8} = 2\\sqrt{2}}"),
    ("1000", "\\boxed{1\\,000}"),  # thin-space thousands, grouped in threes
    ("1234.5", "\\boxed{1\\,234.5}"),
    ("5", "\\boxed{5 \\text{ cm}^2}"),
    ("50\\%", "\\boxed{0.5}"),
    ("0.5", "\\boxed{50\\%}"),
    ("30^\\circ", "\\boxed{30}"),
    ("\\$18.90", "\\boxed{18.9}"),
    (".5", "\\boxed{\\frac12}"),
    ("-0.0000001", "\\boxed{-10^{-7}}"),
    ("\\frac{\\pi}{2}", "\\boxed{0.5\\pi}"),  # the decimal is exactly 1/2
    ("(\\sqrt2, 2)", "\\boxed{(1.414214, 2)}"),
    ("x = 2", "\\boxed{x = 1 + 1 = 2}"),
    ("x^2+2x+1", "\\boxed{f(x) = (x+1)^2 = x^2+2x+1}"),
    ("No", "\\boxed{\\text{no}}"),
    ("IV", "\\boxed{iv}"),
    ("A", "\\boxed{(A)}"),
    ("\\text{(C)}", "\\boxed{C}"),
    ("2", "The answer is $2$ apples."),  # one math piece and a unit word
    ("2", "So \\boxed{2}, and as a decimal \\boxed{2.0}."),  # the same value boxed twice is no hedge
    ("\\frac12", "\\boxed{\\frac12} so \\boxed{0.5}"),
    ("\\sqrt{2}", "\\boxed{\\sqrt{2} \\approx 1.41}"),  # a true approximation beside the exact value
    ("\\frac{\\pi}{2}", "\\boxed{x = \\frac{\\pi}{2} \\approx 1.5707}"),  # truncated
    ("\\begin{pmatrix}1\\\\2\\end{pmatrix}", "\\boxed{\\left[\\begin{matrix}1\\\\2\\end{matrix}\\right]}"),
    ("0.5", "\\boxed{50\\text{\\%}}"),
    ("0.5", "\\boxed{50 \\text{ percent}}"),
    ("0.05", "The answer is $5$ percent."),
    ("5", "\\boxed{5 \\text{ square units}}"),
    ("5", "\\boxed{5 \\text{ m/s}}"),
    ("5", "So the answer is \\boxed 5."),  # LaTeX boxes the one token
    # common formats: spacing before a unit, Markdown bold, Minerva's closing, chains, named assignments
    ("5", "\\boxed{5\\ \\text{cm}}"),
    ("5", "\\boxed{5\\quad\\text{cm}}"),
    ("5", "\\boxed{5 \\mathrm{~cm}}"),
    ("\\$18.90", "\\boxed{18.90\\ \\text{dollars}}"),
    ("72", "Final Answer: The final answer is $72$. I hope it is correct."),
    ("72", "**Answer:** 72"),
    ("72", "The answer is **72**."),
    ("72", "#### **72**"),
    ("5", "\\boxed{x = \\frac{10}{2} = 5}"),
    ("5", "\\boxed{\\frac{10}{2} = 5}"),
    ("30", "\\boxed{\\angle A = 30^\\circ}"),
    ("30", "\\boxed{\\theta = 30^\\circ}"),
    ("5", "\\boxed{AB = 5}"),
    ("7", "\\boxed{f(3) = 7}"),
    # an operator the gold uses too, or one whose result the chain ends in, is no restated question
    ("\\frac{\\pi}{4}", "\\boxed{\\frac{\\pi}{4}}"),
    ("2\\sqrt3", "\\boxed{2\\sqrt{3}}"),
    ("e^{2}", "\\boxed{e^2}"),
    ("\\ln 2", "\\boxed{\\ln 2}"),
    ("\\sin x", "\\boxed{\\sin(x)}"),
    ("\\frac{1}{2004!}", "\\boxed{\\frac{1}{2004!}}"),
    ("120", "\\boxed{5! = 120}"),
    # common model output: Unicode minus, a unit word after a plain answer, a unit inside `\\text{}`, degrees
    ("-5", "\\boxed{\u22125}"),
    ("-5", "\\boxed{\u20135}"),
    ("-\\frac{1}{2}", "\\boxed{\u2212\\frac12}"),
    ("-5", "The answer is \u22125."),
    ("72", "The answer is 72 apples."),
    ("72", "#### 72 dollars"),
    ("72", "The answer is 72 square feet."),
    ("5", "\\boxed{\\text{5 cm}}"),
    ("5", "\\boxed{\\textbf{5 apples}}"),
    ("5", "\\boxed{5cm}"),
    ("5", "\\boxed{5 cm}"),
    ("30^\\circ", "\\boxed{30\\degree}"),
    ("30", "\\boxed{30\\degree}"),
    ("30", "\\boxed{30°}"),
    ("30^\\circ", "\\boxed{30°}"),
    ("\\{\\sqrt{2}\\}", "\\boxed{\\{\\sqrt{2}\\}}"),
    ("[1,2]", "\\boxed{[1, 2]}"),
]

# red-team 3: an answer applying an evaluating operator the gold does not use restates the question
UNEVALUATED = [
    ("\\pi", "\\boxed{\\arccos(-1)}"),
    ("\\pi", "\\boxed{arccos(-1)}"),
    ("-\\frac{\\pi}{3}", "\\boxed{\\arcsin(-\\frac{\\sqrt3}{2})}"),
    ("\\frac{\\pi}{4}", "\\boxed{\\arctan 1}"),
    ("\\frac{\\pi}{4}", "\\boxed{\\tan^{-1} 1}"),
    ("\\frac{\\pi}{4}", "\\boxed{\\int_0^1\\frac{dx}{1+x^2}}"),
    ("\\frac{\\sqrt3}{2}", "\\boxed{\\cos\\frac{\\pi}{6}}"),
    ("\\frac{\\pi^2}{6}", "\\boxed{\\sum_{n=1}^\\infty 1/n^2}"),
    ("e", "\\boxed{\\lim_{n\\to\\infty}(1+1/n)^n}"),
    ("e^{2}", "\\boxed{\\exp(2)}"),
    ("2\\sqrt{30}", "\\boxed{\\sqrt{5!}}"),
    ("\\sqrt{10}", "\\boxed{\\sqrt{\\binom{5}{2}}}"),
    ("\\sqrt{10}", "\\boxed{\\sqrt{{5 \\choose 2}}}"),
    ("\\sqrt{6}", "\\boxed{\\sqrt{\\gcd(12,18)}}"),
    ("-2", "\\boxed{\\det\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}}"),
    ("\\sqrt{\\pi}", "\\boxed{\\Gamma(1/2)}"),
    ("\\sqrt{2}", "\\boxed{\\operatorname{foo}(2)}"),
    ("x = 3", "\\boxed{x = \\log_2 8}"),
    ("3", "\\boxed{\\ln e^3}"),
]

WRONG = [
    ("\\frac{1}{2^{99}}", "\\boxed{\\frac{1}{2^{98}}}"),  # math-verify 0.9.0 accepts this
    ("0.0000001", "\\boxed{0.0000002}"),  # math-verify 0.9.0 accepts this
    ("\\frac{1}{2004!}", "\\boxed{\\frac{1}{2006!}}"),  # math-verify 0.9.0 accepts this
    ("\\{1/2^{99}, 2\\}", "\\boxed{\\{1/2^{98}, 2\\}}"),  # the same inside a set
    ("2", "\\boxed{2.0000001}"),
    ("1000000", "\\boxed{1000000.4}"),
    ("\\frac{1}{3}", "\\boxed{0.33}"),
    ("\\pi", "\\boxed{3.14}"),
    ("3.14", "\\boxed{\\pi}"),
    ("(1,2]", "\\boxed{[1,2]}"),
    ("\\begin{pmatrix}1\\\\2\\end{pmatrix}", "\\boxed{\\begin{pmatrix}1\\\\3\\end{pmatrix}}"),
    ("Monday", "\\boxed{Mnoday}"),  # an anagram is the same product of symbols, not the same word
    ("7", "\\boxed{-7}"),
    ("\\frac{1}{2}", "The answer is \\boxed{2}"),
    ("3", "\\boxed{3 + x}"),
    ("3", "\\boxed{\\{3, 4\\}}"),
    ("72", "#### 27"),
    # red-team: restating the procedural question ("Compute $949 \\times 302 - 884 - 33$.") is not an answer
    ("285681", "\\boxed{949 \\times 302 - 884 - 33}"),
    ("\\frac{16}{99}", "\\boxed{\\frac{4}{11} \\div \\frac{9}{4}}"),
    ("2", "\\boxed{3 = 2}"),  # math-verify takes the right side of any equation
    ("3", "\\boxed{3 \\approx 4}"),
    ("3", "\\boxed{\\{3\\}}"),
    ("12345678901234567890123456789012345678901234567890",
     "\\boxed{12345678901234567890123456789012345678901234567891}"),  # equal to 40 digits only
    ("2^{200}", "\\boxed{2^{200}+1}"),
    ("100!", "\\boxed{100!+1}"),
    ("\\sqrt{2}", "\\boxed{5 = \\sqrt{2}}"),  # an equation that is no assignment
    ("\\sqrt{2}", "\\boxed{x^2 = \\sqrt{2}}"),
    ("3", "\\boxed{x = 2 = 3}"),  # a chain with a false step
    ("2", "\\boxed{x = 2 = 3}"),
    ("\\frac{1}{3}", "\\boxed{0.333334}"),  # within 10^-6 of 1/3, but neither rounded nor truncated
    ("\\pi", "\\boxed{3.141594}"),
    ("1606938044258990275541962092341162602522202993782792835301376", "\\boxed{2^{200}}"),  # 61 digits
    ("1000", "\\boxed{10^3}"),  # an integer gold wants the integer ("Compute $10^3$." restated)
    # red-team: the number written must be the gold's value, its percent sign included
    ("2", "\\boxed{0\\operatorname{foo} \\to 2}"),
    ("10\\%", "\\boxed{1000\\%}"),
    ("0.0000001", "\\boxed{-10^{-7}}"),
    # red-team: a gold written `30^\\circ`, `\\$18.90`, `10\\%`, `\\frac12`, `.5` is a plain number too
    ("30^\\circ", "\\boxed{29+1}"),
    ("\\$18.90", "\\boxed{\\{18.9\\}}"),
    ("10\\%", "\\boxed{5 \\times 2}"),
    ("\\frac12", "\\boxed{\\frac14+\\frac14}"),
    ("\\frac{-1}{2}", "\\boxed{1-\\frac32}"),
    (".5", "\\boxed{\\{0.5\\}}"),
    # red-team: a decimal inside an expression gets no tolerance against an exact gold
    ("\\pi", "\\boxed{1.0000001\\pi}"),
    ("\\pi", "\\boxed{\\pi + 0.0000001}"),
    ("\\frac{\\pi}{3}", "\\boxed{0.3333335\\pi}"),
    ("2\\sqrt2", "\\boxed{2.000001\\sqrt{2}}"),
    # red-team: trailing zeros are decimal places as written (the 7th digit of 1/3 is not 0)
    ("1/3", "\\boxed{0.3333330}"),
    ("\\sqrt2", "\\boxed{1.4142100}"),
    ("\\pi", "\\boxed{3.1415900}"),
    ("(\\sqrt2, 2)", "\\boxed{(1.4142100, 2)}"),
    # red-team: a chain with a false step, against a gold that is an equation too
    ("x = 2", "\\boxed{x = 3 = 2}"),
    ("y = 2x", "\\boxed{y = 3x = 2x}"),
    # red-team: short words are words, not products of symbols (`II` would be i*i = -1)
    ("No", "\\boxed{On}"),
    ("IV", "\\boxed{VI}"),
    ("II", "\\boxed{-1}"),
    ("x", "\\boxed{X}"),  # a lone letter (a variable, a choice) must be that letter
    ("A", "\\boxed{B}"),
    ("\\sqrt2", "\\boxed{\\sqrt{3} \\boxed{\\sqrt{2}}}"),  # red-team: a box inside the box is a second answer
    # red-team 2: what follows `\\approx` must be the value rounded or truncated
    ("\\sqrt{2}", "\\boxed{\\sqrt{2} \\approx 7}"),
    ("\\sqrt{2}", "\\boxed{x = \\sqrt2 \\approx 7}"),
    ("\\frac{\\pi}{2}", "\\boxed{\\frac{\\pi}{2}\\approx 2}"),
    ("\\sqrt{2}", "\\boxed{\\sqrt{2} \\approx \\sqrt{3}}"),
    ("\\frac13", "\\boxed{\\frac13 \\approx 0.34}"),
    # red-team 2: a percent written as text is a percent, never a unit
    ("50\\%", "\\boxed{0.5\\text{ percent}}"),
    ("50\\%", "\\boxed{0.5\\text{\\%}}"),
    ("50\\%", "\\boxed{\\frac12\\text{ percent}}"),
    # red-team 2: an assignment gold wants the symbol solved for, not an equation with the same solution
    ("x = 3", "\\boxed{x = 2x - 3}"),
    # red-team 2: `\\boxed 6` is a box too (LaTeX boxes the one token), so the last answer is 6
    ("5", "\\boxed{5} is my first guess; final: \\boxed 6"),
    ("5", "\\boxed{5}\\n\\n\\boxed\\n{6}"),
    ("5", "\\boxed{x = 2x - 3 = 5}"),  # a chain ending in the gold needs every step true
    ("5", "\\boxed{\\frac{10}{3} = 5}"),
    ("3", "\\boxed{\\pi = 3}"),  # pi is no name to assign to
    # red-team 3: a bare number and words is the number only when the words are a unit (two letters or more)
    ("5", "\\boxed{5 x}"),
    ("5", "\\boxed{5pi}"),
    ("-5", "\\boxed{5}"),
    ("\\sqrt{2}", "\\boxed{\\{\\sqrt{2}\\}}"),  # a set of one is not its element, nor a list of one
    ("\\sqrt{2}", "\\boxed{[\\sqrt{2}]}"),
    ("\\sqrt{2}", "\\boxed{\\left\\{\\sqrt{2}\\right\\}}"),
]

# read fail-closed: a final answer holding anything the grammar does not know (words after a number that are
# no unit, digits spaced apart, a second line or `$...$` piece) is unreadable, never partly read
UNREADABLE = [
    ("3", "\\boxed{4$ $3}"),  # two math pieces; math-verify reads only the last
    ("\\frac{\\pi}{2}", "The answer is $\\frac{\\pi}{3}$ $\\frac{\\pi}{2}$"),  # two pieces: only the last was read
    ("\\sqrt{2}", "\\boxed{\\sqrt{3}$ $\\sqrt{2}}"),
    ("7", "\\boxed{5 \\text{ (not } 7)}"),
    ("2", "\\boxed{-2 \\text{ (not } 2)}"),
    ("7", "#### 5 \\text{ (not } 7)"),
    ("7", "Final answer: $5 \\text{ (not } 7)$"),
    ("7", "\\boxed{5 \\text{ m}\\;\\Rightarrow\\; 7}"),
    ("7", "\\boxed{5 \\text{, since } y \\to 7}"),
    ("12", "\\boxed{5\\,7}"),
    ("12", "\\boxed{5\\ 7}"),
    ("13", "\\boxed{6\\;7}"),
    ("9", "\\boxed{2\\,3\\,4}"),
    ("391", "\\boxed{390\\,1}"),
    ("1000", "\\boxed{1\\,0000}"),
    ("0.35", "\\boxed{5\\%7}"),
    ("\\sqrt{2}", "\\boxed{x = \\sqrt{3} \\\\ x = \\sqrt{2}}"),
    ("\\sqrt{2}", "\\boxed{a = \\sqrt3 \\\\ b = \\sqrt2}"),
    ("\\sqrt{2}", "\\boxed{\\begin{aligned} x &= \\sqrt3 \\\\ x &= \\sqrt2 \\end{aligned}}"),
    ("3901", "\\boxed{390 1}"),
    ("1000", "\\boxed{10 00}"),
    ("390", "\\boxed{3 9 0}"),
    ("-12", "\\boxed{-1 2}"),
    ("5", "\\boxed{5\\text{ thousand}}"),
    ("5", "\\boxed{5\\text{ million}}"),
    ("5", "\\boxed{\\$5 \\text{ billion}}"),
    ("5", "\\boxed{5\\text{k}}"),
    ("5", "\\boxed{5\\text{ dozen}}"),
    ("5", "\\boxed{5 \\text{ squared}}"),
    ("5", "\\boxed{5 \\text{ hundredths}}"),
    ("5", "\\boxed{5 \\text{ at least}}"),
    ("5", "\\boxed{5 \\text{ at most}}"),
    ("5", "\\boxed{5 \\text{ fewer}}"),
    ("5", "\\boxed{5\\text{ less}}"),
    ("5", "\\boxed{5\\text{ is wrong}}"),
    ("5", "\\boxed{5\\text{ (incorrect)}}"),
    ("5", "\\boxed{5 \\text{ (maybe six)}}"),
    ("5", "\\boxed{5 \\text{ and six}}"),
    ("5", "\\boxed{5 \\text{ to six}}"),
    ("5", "The answer is $5$ thousand."),
    ("5", "The answer is $5$ squared."),
    ("5", "The answer is $5$ plus."),
    ("5", "The answer is $5$ times"),
    ("2", "The answer is $2$ less."),
    ("-5", "The answer is $-5$ wrong."),
    ("5", "The answer is $5$ nope."),
    ("72", "#### 72 thousand"),
    ("5", "The answer is 5 more."),
    ("5", "\\boxed{\\text{5 thousand}}"),
    ("5", "\\boxed{5\\text{ pi}}"),
]

HEDGES = [
    ("3", "It is either \\boxed{3} or \\boxed{4}."),
    ("3", "\\boxed{3 \\text{ or } 4}"),
    ("3", "The answer is 3 or 4"),
    ("3", "\\boxed{4} ... actually \\boxed{3}"),
    ("\\frac12", "\\boxed{\\frac12} so \\boxed{0.6}"),
    ("2", "The answer is $2$ or more."),
    ("2", "The answer is $2$ or $3$."),
    ("1", "\\boxed{1} \\boxed{1.0} \\boxed{1.00} \\boxed{1.000} \\boxed{1.0000}"),  # too many to compare
    # red-team 2: every boxed answer must be right, not merely close to the last one
    ("1000000", "\\boxed{1000000.5} hmm \\boxed{1000000.0}"),
    ("\\frac12", "\\boxed{0.5000004} or maybe \\boxed{0.5}"),
    ("0.5", "\\boxed{50} hmm \\boxed{0.5} so \\boxed{50\\%}"),
    ("5", "\\boxed{x=5} \\boxed{y=5}"),
]


@pytest.mark.parametrize(("gold", "completion"), CORRECT)
def test_equivalent_answers_are_correct(gold: str, completion: str) -> None:
    result = verify(completion=completion, reference={"answer": gold})
    assert (result.status, result.reward) == ("correct", 1.0), result


@pytest.mark.parametrize(("gold", "completion"), WRONG)
def test_different_answers_are_wrong(gold: str, completion: str) -> None:
    result = verify(completion=completion, reference={"answer": gold})
    assert (result.status, result.reward) == ("wrong", 0.0), result


@pytest.mark.parametrize(("gold", "completion"), UNEVALUATED)
def test_unevaluated_operators_are_wrong(gold: str, completion: str) -> None:
    result = verify(completion=completion, reference={"answer": gold})
    assert (result.status, result.reward) == ("wrong", 0.0) and result.reason.startswith("unevaluated"), result


@pytest.mark.parametrize(("gold", "completion"), HEDGES)
def test_hedging_gets_no_credit(gold: str, completion: str) -> None:
    result = verify(completion=completion, reference={"answer": gold})
    assert result.reward == 0.0 and "hedged" in result.reason


def test_a_gold_that_lists_alternatives_is_not_a_hedge() -> None:
    result = verify(completion="\\boxed{\\text{yes or no}}", reference={"answer": "\\text{yes or no}"})
    assert result.status == "correct"


@pytest.mark.parametrize("completion", ["", "I don't know.", "\\boxed{}", "\\boxed{" + "{" * 500, "#### "])
def test_no_answer_is_not_wrong(completion: str) -> None:
    result = verify(completion=completion, reference={"answer": "3"})
    assert (result.status, result.reward) == ("no_answer", 0.0)


@pytest.mark.parametrize(("gold", "answer"), [(42, "42"), (1e-7, "0.0000001"), (0.5, "\\frac{1}{2}"),
                                             (1e20, "100000000000000000000")])
def test_numbers_as_gold_are_accepted(gold: float, answer: str) -> None:
    assert verify(completion=f"\\boxed{{{answer}}}", reference={"answer": gold}).status == "correct"


@pytest.mark.parametrize("reference", [{}, {"answer": ""}, {"answer": None}, {"gold": "3"}, {"answer": ["3"]}])
def test_malformed_reference_raises(reference: dict) -> None:
    with pytest.raises(InvalidReferenceError):
        verify(completion="\\boxed{3}", reference=reference)


def test_overlong_answers_are_refused_before_parsing() -> None:
    result = verify(completion="\\boxed{" + "1+" * 2000 + "1}", reference={"answer": "2001"})
    assert result.status == "wrong" and "longer than" in result.reason


def test_tolerance_is_configurable() -> None:
    loose = MathConfig(rel_tol=1e-3)  # within half a unit of the gold's last place, the tolerance is the config's
    assert verify(completion="\\boxed{3.1484}", reference={"answer": "3.15"}, config=loose).status == "correct"
    assert verify(completion="\\boxed{3.1484}", reference={"answer": "3.15"}).status == "wrong"
    assert verify(completion="\\boxed{3.14}", reference={"answer": "3.15"}, config=loose).status == "wrong"


def test_extraction_order_is_configurable() -> None:
    completion = "\\boxed{5}\n#### 7"
    gsm8k_only = MathConfig(extraction=("gsm8k",))
    assert verify(completion=completion, reference={"answer": "7"}, config=gsm8k_only).reward == 1
    assert verify(completion=completion, reference={"answer": "7"}).reward == 0


@pytest.mark.parametrize("bad", [{"extraction": ()}, {"extraction": ("regex",)}, {"rel_tol": 2.0},
                                 {"min_significant_digits": 0}, {"max_answer_chars": 0}])
def test_config_is_validated(bad: dict) -> None:
    with pytest.raises(ConfigError):
        MathConfig(**bad)


def test_extraction_is_linear_on_huge_adversarial_completions() -> None:
    import time

    for completion in ("\\fbox{1}" * 20_000 + "x" * 100_000, "\\boxed{" * 30_000, "answer is " * 20_000):
        started = time.perf_counter()
        extract_answer(completion)
        assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(("gold", "completion"), UNREADABLE)
def test_answers_outside_the_grammar_are_unreadable(gold: str, completion: str) -> None:
    result = verify(completion=completion, reference={"answer": gold})
    assert (result.status, result.reward) == ("no_answer", 0.0) and "unreadable" in result.reason, result
