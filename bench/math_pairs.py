"""Realistic completion/gold pairs for the math benchmarks: long chain-of-thought, a MATH-like mix of
answer kinds (about 60% integers, 10% fractions, 30% expressions, sets, intervals, matrices, text),
about a third of them wrong, and (on request) a share of pathological inputs."""

from __future__ import annotations

import random

# (gold, equivalent answers, wrong answers)
ANSWERS = [
    ("42", ["42", "42.0", "x = 42"], ["24", "42.5"]),
    ("\\frac{1}{2}", ["0.5", "\\dfrac{1}{2}", "1/2"], ["2", "0.52"]),
    ("-\\frac{17}{12}", ["-\\frac{17}{12}", "\\frac{-17}{12}"], ["\\frac{17}{12}"]),
    ("2\\sqrt{2}", ["\\sqrt{8}", "2\\sqrt2"], ["\\sqrt{2}", "2.8"]),
    ("\\pi", ["\\pi", "3.14159265"], ["3.14", "2\\pi"]),
    ("50\\%", ["50\\%", "50"], ["5\\%"]),
    ("0.0000001", ["10^{-7}", "0.0000001"], ["0.0000002"]),
    ("\\frac{1}{2^{99}}", ["2^{-99}"], ["\\frac{1}{2^{98}}"]),
    ("(1, 2]", ["(1,2]"], ["[1,2]", "(1,2)"]),
    ("\\{1, 2, 3\\}", ["\\{3,2,1\\}"], ["\\{1,2\\}"]),
    ("(-\\infty, 3) \\cup (4, \\infty)", ["(-\\infty,3)\\cup(4,\\infty)"], ["(-\\infty, 4)"]),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", ["\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}"],
     ["\\begin{pmatrix}1&2\\\\4&3\\end{pmatrix}"]),
    ("x^2 + 2x + 1", ["(x+1)^2"], ["(x-1)^2"]),
    ("\\text{Monday}", ["\\text{monday}", "Monday"], ["Tuesday"]),
    ("(3, -1)", ["(3,-1)"], ["(-1,3)"]),
    ("\\frac{\\sqrt{3}}{2}", ["\\frac{\\sqrt3}{2}", "0.866025"], ["\\frac{1}{2}"]),
    ("1000", ["1,000", "1000"], ["100"]),
    ("y = 2x + 3", ["y=2x+3"], ["y = 3x + 2"]),
]

FILLER = [
    "Let's carefully read the problem and identify what is being asked.",
    "We set up the equation from the given conditions and simplify both sides.",
    "Substituting the values, we get $3(2x - 1) = 5x + 4$, so $6x - 3 = 5x + 4$.",
    "Checking the boundary cases, the inequality $\\frac{a}{b} \\geq \\frac{a+1}{b+1}$ holds when $a \\geq b$.",
    "Now compute the sum $\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$ and apply it with $n = 20$.",
    "Wait, let me double-check this step: multiplying out gives $x^2 - 5x + 6 = (x-2)(x-3)$.",
    "Therefore the intermediate value is $\\frac{7}{3}$, which we will use in the next step.",
]

PATHOLOGICAL = [
    "\\boxed{9^{9^{9^{9}}}}",
    "\\boxed{10000000!}",
    "\\boxed{" + "{" * 400 + "1" + "}" * 400 + "}",
    "\\boxed{" + "(" * 300 + "1" + ")" * 300 + "}",
]


def make_pairs(count: int, *, seed: int = 0, pathological_share: float = 0.0) -> list[tuple[str, str, bool | None]]:
    """(completion, gold, expected) triples; expected is None for pathological items."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        if rng.random() < pathological_share:
            # Half against a gold that is no plain number, so the answer reaches sympy (and the timeout).
            pairs.append((_cot(rng) + rng.choice(PATHOLOGICAL), rng.choice(["3", "\\sqrt{2}"]), None))
            continue
        gold, right, wrong = _answer_kind(rng)
        correct = rng.random() < 0.65
        answer = rng.choice(right if correct else wrong)
        ending = rng.choice([f"So the final answer is $\\boxed{{{answer}}}$.", f"\\[\\boxed{{{answer}}}\\]",
                             f"Thus, the answer is \\boxed{{{answer}}}."])
        pairs.append((_cot(rng) + ending, gold, correct))
    return pairs


def _answer_kind(rng: random.Random) -> tuple[str, list[str], list[str]]:
    roll = rng.random()
    if roll < 0.6:
        n = rng.randint(-50, 5000)
        return str(n), [str(n), f"x = {n}", f"{n}.0"], [str(n + rng.randint(1, 9)), str(-n or 1)]
    if roll < 0.7:
        p, q = rng.randint(1, 40), rng.randint(2, 40)
        q += q == p
        right, wrong = [f"\\dfrac{{{p}}}{{{q}}}", f"{p}/{q}"], [f"\\frac{{{q}}}{{{p}}}", f"{p + 1}/{q}"]
        return f"\\frac{{{p}}}{{{q}}}", right, wrong
    return rng.choice(ANSWERS)


def _cot(rng: random.Random) -> str:
    return "\n".join(rng.choice(FILLER) for _ in range(rng.randint(8, 40))) + "\n"
