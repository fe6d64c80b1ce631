"""OpenRLHF's remote reward protocol (`--remote_rm_url http://host:8000/openrlhf/reward`).

OpenRLHF posts `{"query": [...], "prompts": [...], "labels": [...]}` where a query is the prompt plus
the response, decoded from tokens, and needs a number for every item: an item whose check reached no
verdict scores `unscored` (default 0.0) and is flagged in `extra_logs.rlvr_unscored` so it can be
filtered. Only the response is scored, so the prompt must be found at the start of the query (see
`response_start`); a query whose prompt cannot be located is never scored whole: a left-truncated
few-shot prompt would hand the response its boxed example answer.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request

from rlvr.dispatch import VerifyRequest
from rlvr.labels import reference_from_label
from rlvr.results import Status, VerifyResult
from rlvr.server.contract import errors, require_json
from rlvr.server.errors import Invalid, TooLarge
from rlvr.server.models import OpenRLHFIn, OpenRLHFOut
from rlvr.server.scoring import Scorer

router = APIRouter(tags=["trainers"], dependencies=[Depends(require_json)], responses=errors(400, 422, 429))

# A truncated prompt is recognised by at least this many of its last non-space characters.
MIN_KEPT = 32
# Text of special tokens that a decode with skip_special_tokens=False leaves before the prompt:
# padding (OpenRLHF padded prompts on the left in early 2025) and a repeated BOS.
_SPECIAL = re.compile(r"(?:<\|[^\s<>|]{1,64}\|>|<[^\s<>]{1,32}>|\[[A-Z_]{3,12}\])\s*")
_OFFSETS = 8  # the last boundaries of that run tried as the prompt's start (a prompt may begin with some)
_MAX_ANCHORS = 256
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")
NO_PROMPTS = ("the request has no prompts, so the response cannot be told apart from the prompt in the query "
              "(send prompts, as OpenRLHF does; an empty prompt means the query is all response)")
NOT_FOUND = ("the prompt could not be located at the start of the query (neither whole nor left-truncated, "
             "up to whitespace and leading special tokens), so the response cannot be told apart")


@router.post("/openrlhf/reward", response_model=OpenRLHFOut)
async def openrlhf_reward(
    body: OpenRLHFIn,
    request: Request,
    env: str | None = Query(None, description="env for labels that name none"),
    unscored: float = Query(0.0, allow_inf_nan=False, description="reward for items with no verdict (finite)"),
) -> dict:
    """Score OpenRLHF queries; a label is a reference object (JSON, may hold "env") or a bare answer."""
    scorer: Scorer = request.app.state.scorer
    n = len(body.query)
    if n > scorer.settings.max_batch:
        raise TooLarge(f"batch has {n} items; the limit is {scorer.settings.max_batch} (RLVR_MAX_BATCH)")
    for name, values in (("prompts", body.prompts), ("labels", body.labels)):
        if values is not None and len(values) != n:
            raise Invalid(f"{name} has {len(values)} entries but query has {n}")
    default_env = env or scorer.settings.default_env
    items = [_item(body, i, default_env) for i in range(n)]
    unlocated = [float(isinstance(item, VerifyResult) and item.details.get("prompt") == "not_found")
                 for item in items]
    items = [item if isinstance(item, VerifyResult) else scorer.check_limits(item) for item in items]
    results = await scorer.score(items, receive=request.receive)
    rewards = [unscored if r.reward is None else r.reward for r in results]
    return {
        "rewards": rewards,
        "scores": rewards,
        "extra_logs": {
            "rlvr_correct": [float(r.status == "correct") for r in results],
            "rlvr_unscored": [float(r.reward is None) for r in results],
            "rlvr_prompt_not_found": unlocated,
        },
    }


def _item(body: OpenRLHFIn, i: int, default_env: str) -> VerifyRequest | VerifyResult:
    query = body.query[i]
    if body.prompts is None:
        return VerifyResult.broken(Status.ERROR, NO_PROMPTS, prompt="not_found")
    start = response_start(query, body.prompts[i])
    if start is None:
        return VerifyResult.broken(Status.ERROR, NOT_FOUND, prompt="not_found")
    reference = reference_from_label(body.labels[i] if body.labels else None)
    env = reference.pop("env", None)
    env = default_env if env is None else env  # a null env (a dataset row without one) names none
    if not isinstance(env, str):  # a label that names its env wrongly must not be scored by another env
        return VerifyResult.broken(Status.ERROR, f"label env must be an env id string, got {type(env).__name__}")
    return VerifyRequest(env, query[start:], reference)


def response_start(query: str, prompt: str) -> int | None:
    """Where the response begins in `query`, or None when the prompt cannot be located there.

    OpenRLHF builds a query by decoding the prompt's tokens and the response's, so the query starts with
    the prompt, possibly left-truncated (a long prompt keeps only its last tokens), after padding or a BOS,
    and with whitespace changed by the tokenizer's round trip. Every way of reading the start of the query
    as the end of the prompt is tried and the latest end wins: a reading that ends later than the true one
    can only end inside the response, so the text scored is never the prompt's (a response that starts by
    echoing the prompt's last words loses those words, nothing more). A truncated prompt must keep at least
    MIN_KEPT non-space characters, so that a chance match of a few characters locates nothing.

    >>> response_start("Q: 2+2?\\nA: 4", "Q: 2+2?\\nA:")
    10
    >>> response_start("<pad><pad>Q: 2+2?\\nA: 4", "Q: 2+2?\\nA:")
    20
    >>> response_start("What is 2+2? 4", "Something else entirely") is None
    True
    """
    if query.startswith(prompt):
        return len(prompt)
    ends = [end for offset in _special_offsets(query) if (end := _align(query, offset, prompt)) is not None]
    return max(ends, default=None)


def _special_offsets(query: str) -> list[int]:
    """Where the prompt may start: 0 and the ends of the last special tokens of the query's leading run."""
    bounds, pos = [0], 0
    while match := _SPECIAL.match(query, pos):
        pos = match.end()
        bounds.append(pos)
    return sorted({0, *bounds[-_OFFSETS:]})


def _align(query: str, offset: int, prompt: str) -> int | None:
    """The end of the longest suffix of `prompt` (compared without whitespace) that starts `query[offset:]`."""
    target = _SPACE.sub("", prompt)
    if query.startswith(prompt, offset):
        return offset + len(prompt)
    text = query[offset:]
    head = _SPACE.sub("", text[: 4 * len(prompt) + 64])  # room for whitespace the round trip added
    skipped = 0
    while skipped < 3 and head[skipped:skipped + 1] == "\ufffd" and not target.startswith("\ufffd"):
        skipped += 1  # a truncation that cut a multi-byte character decodes to U+FFFD
    kept = _kept(target, head[skipped:])
    if kept is None or (kept < len(target) and kept < MIN_KEPT):
        return None
    end = offset + _after_nonspace(text, skipped + kept)
    trailing = prompt[len(prompt.rstrip()):]
    while end < len(query) and trailing and query[end] == trailing[0]:
        end, trailing = end + 1, trailing[1:]
    return end


def _kept(target: str, head: str) -> int | None:
    """The length of the longest suffix of `target` that is a prefix of `head` (whole, or >= MIN_KEPT)."""
    if head.startswith(target):
        return len(target)
    anchor = head[:MIN_KEPT]
    if len(anchor) < MIN_KEPT:
        return None
    start = target.find(anchor, 1)
    for _ in range(_MAX_ANCHORS):  # left to right: the first hit is the longest suffix
        if start == -1:
            return None
        if head.startswith(target[start:]):
            return len(target) - start
        start = target.find(anchor, start + 1)
    return None  # too many places to try (a prompt of one repeated phrase): not located


def _after_nonspace(text: str, count: int) -> int:
    """The index in `text` just after its `count`-th non-space character (0 when count is 0)."""
    if count == 0:
        return 0
    for match in _WORD.finditer(text):
        if count <= match.end() - match.start():
            return match.start() + count
        count -= match.end() - match.start()
    return len(text)
