"""OpenRLHF: only the response is scored, and a query whose prompt cannot be located is never scored whole.

OpenRLHF decodes prompt tokens plus response tokens into one query; a long prompt is left-truncated (its
first tokens dropped), early-2025 versions padded it on the left, and a tokenizer's round trip may change
whitespace. The table holds queries built those ways from a few-shot prompt whose examples carry boxed
answers: the response "I am not sure" must never score 1.0 by borrowing an example's answer.
"""

from __future__ import annotations

import pytest

from rlvr.server.routers.openrlhf import MIN_KEPT, response_start

EXAMPLES = "".join(f"Question: What is {i} + {i}?\nAnswer: The answer is \\boxed{{{2 * i}}}.\n\n" for i in range(1, 9))
PROMPT = EXAMPLES + "Question: What is 7 + 5?\nAnswer:"
CHAT = ("<|im_start|>system\nAnswer in \\boxed{}.<|im_end|>\n<|im_start|>user\n" + EXAMPLES
        + "What is 7 + 5?<|im_end|>\n<|im_start|>assistant\n")
UNSURE = " I am not sure."
RIGHT = " 7 + 5 = \\boxed{12}."
X = "Think step by step and put the final answer in a box. "

# (name, prompt, query, the response the route must score, or None: the prompt is not located)
LOCATED = [
    ("exact prefix", PROMPT, PROMPT + UNSURE, UNSURE),
    ("exact prefix, chat template", CHAT, CHAT + "It is \\boxed{12}<|im_end|>", "It is \\boxed{12}<|im_end|>"),
    ("left-truncated mid-example", PROMPT, PROMPT[150:] + UNSURE, UNSURE),
    ("left-truncated to the last example", PROMPT, PROMPT[PROMPT.index("Question: What is 8"):] + UNSURE, UNSURE),
    ("left-truncated chat prompt", CHAT, CHAT[90:] + UNSURE, UNSURE),
    ("truncation cut a multi-byte character", "Größe: " + PROMPT, "\ufffd" + ("Größe: " + PROMPT)[3:] + UNSURE,
     UNSURE),
    ("left padding (OpenRLHF, early 2025)", CHAT, "<|endoftext|>" * 40 + CHAT + UNSURE, UNSURE),
    ("left padding and a BOS", PROMPT, "<pad><pad><pad><s>" + PROMPT + UNSURE, UNSURE),
    ("decode dropped spaces before punctuation", "Solve : what is 7 + 5 ? Answer in \\boxed{} .",
     "Solve: what is 7 + 5? Answer in \\boxed{}. \\boxed{12}", " \\boxed{12}"),
    ("decode added a leading space", PROMPT, " " + PROMPT + UNSURE, UNSURE),
    ("code: the body's indentation is kept", 'def f(x):\n    """Return x."""\n',
     'def f(x):\n    """Return x."""\n    return x\n', "    return x\n"),
    # Truncated to its last X, the query reads as X + response or as (X + "B" + X) + rest: the later
    # reading wins, so the scored text is the model's own (here it loses the words it echoed).
    ("ambiguous truncation: the later reading wins", "A" + X + "B" + X, X + "B" + X + " \\boxed{12}",
     " \\boxed{12}"),
    ("empty prompt: the query is all response", "", "\\boxed{12}", "\\boxed{12}"),
]
NOT_LOCATED = [
    ("another prompt", PROMPT, "Question: What is 9 + 9?\nAnswer:" + UNSURE),
    ("prompt wrapped in a chat template it was not sent with", PROMPT, "<|im_start|>user\n" + PROMPT + UNSURE),
    ("truncated to the last question (fewer than MIN_KEPT characters)", PROMPT,
     PROMPT[PROMPT.rindex("Question"):] + UNSURE),
    ("a word of the prompt changed", PROMPT, PROMPT.replace("What is 7 + 5", "What is 7 + 6") + UNSURE),
    ("right-truncated (the end of the prompt is missing)", PROMPT, PROMPT[:-60] + UNSURE),
    ("the prompt occurs later in the query", PROMPT, "Preamble.\n" + PROMPT + UNSURE),
    ("a prompt of one repeated phrase, truncated", "ab" * 50_000, ("ab" * 50_000)[1001:] + "x"),
]


@pytest.mark.parametrize(("name", "prompt", "query", "response"), LOCATED, ids=[c[0] for c in LOCATED])
def test_the_response_is_what_follows_the_prompt(name: str, prompt: str, query: str, response: str) -> None:
    start = response_start(query, prompt)
    assert start is not None and query[start:] == response


@pytest.mark.parametrize(("name", "prompt", "query"), NOT_LOCATED, ids=[c[0] for c in NOT_LOCATED])
def test_a_prompt_that_is_not_at_the_start_is_not_located(name: str, prompt: str, query: str) -> None:
    assert response_start(query, prompt) is None


def test_min_kept_is_the_bound() -> None:
    """A truncated prompt is located with MIN_KEPT of its non-space characters left, not with fewer."""
    tail = PROMPT.replace(" ", "").replace("\n", "")
    assert response_start(tail[-MIN_KEPT:] + UNSURE, PROMPT) is not None
    assert response_start(tail[-MIN_KEPT + 1 :] + UNSURE, PROMPT) is None


def test_locating_is_fast_on_the_worst_inputs() -> None:
    import time

    worst = [("a" * 100_000, "a" * 50_000 + "b"), ("ab" * 50_000, ("ab" * 50_000)[999:]),
             (PROMPT, "<pad>" * 20_000 + PROMPT), ("x" * 50_000, "<|pad|>" * 14_000)]
    for prompt, query in worst:
        started = time.perf_counter()
        response_start(query, prompt)
        assert time.perf_counter() - started < 0.25


def test_a_truncated_few_shot_prompt_never_lends_its_example_answer(http) -> None:
    """The issue's case: scored whole, the truncated prompt's \\boxed{14} made "I am not sure" 1.0."""
    truncated = PROMPT[PROMPT.index("What is 7 + 7"):]
    body = {"query": [truncated + UNSURE, truncated + RIGHT, "What is 7 + 7?" + UNSURE],
            "prompts": [PROMPT] * 3, "labels": ["14"] * 3}
    out = http.post("/openrlhf/reward?unscored=-1", json=body).json()
    assert out["rewards"] == [0.0, 0.0, -1.0]  # the last: too little of the prompt is left to find it
    assert out["extra_logs"]["rlvr_prompt_not_found"] == [0.0, 0.0, 1.0]
    body["labels"] = ["12"] * 3
    assert http.post("/openrlhf/reward", json=body).json()["rewards"] == [0.0, 1.0, 0.0]


def test_without_prompts_nothing_is_scored(http) -> None:
    """OpenRLHF has sent prompts with its queries since it sent labels (Feb 2025); without them the query
    holds an unknown prompt, so no item is scored: each is unscored and flagged."""
    body = {"query": [PROMPT + UNSURE, "\\boxed{12}"], "labels": ["14", "12"]}
    out = http.post("/openrlhf/reward?unscored=-1", json=body).json()
    assert out["rewards"] == [-1.0, -1.0]
    assert out["extra_logs"]["rlvr_unscored"] == out["extra_logs"]["rlvr_prompt_not_found"] == [1.0, 1.0]
