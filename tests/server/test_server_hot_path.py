"""The lean hot path (issue 13) says what the pydantic models say: the fast item check accepts exactly what
VerifyIn accepts, and orjson's responses read back as the response model writes them; and it makes no garbage
that only the cyclic collector can free."""

from __future__ import annotations

import asyncio
import gc
import json

import pytest
from pydantic import TypeAdapter, ValidationError

from rlvr.dispatch import VerifyRequest
from rlvr.items import VerifyIn
from rlvr.results import VerifyResult
from rlvr.runtime import Runtime
from rlvr.server.contract import json_response
from rlvr.server.metrics import Metrics
from rlvr.server.models import BatchOut, VerifyOut
from rlvr.server.scoring import Scorer
from rlvr.server.settings import Settings
from rlvr.workers import PoolConfig, WorkerPool

MATH = "rlvr/Math-v1"

RAW_ITEMS = [
    {"env": MATH, "completion": "so \\boxed{12}", "reference": {"answer": "12"}},
    {"env": MATH, "completion": "so \\boxed{12}"},  # reference defaults to {}
    {"env": MATH, "completion": "", "reference": {}},
    {"env": MATH, "completion": "x", "reference": {"answer": "1", "nested": {"list": [1, 2.5, None]}}},
    {"env": MATH, "completion": "x", "reference": None},
    {"env": MATH, "completion": "x", "reference": ["1"]},
    {"env": MATH, "completion": "x", "reference": "1"},
    {"env": MATH, "completion": 7, "reference": {}},
    {"env": MATH, "completion": None},
    {"env": MATH, "completion": True},
    {"env": 3, "completion": "x"},
    {"completion": "x", "reference": {}},
    {"env": MATH, "reference": {}},
    {"env": MATH, "completion": "x", "reference": {}, "extra": 1},
    {},
    "not an object",
    ["env", MATH],
    None,
    12,
]


@pytest.mark.parametrize("raw", RAW_ITEMS)
def test_parse_accepts_exactly_what_the_model_accepts(raw: object) -> None:
    scorer = Scorer(None, Settings(), Metrics())  # type: ignore[arg-type]  # parse never reaches the runtime
    got = scorer.parse(raw)
    try:
        model = TypeAdapter(VerifyIn).validate_python(raw, strict=True)
    except ValidationError:
        assert isinstance(got, VerifyResult) and got.status == "error" and got.reason.startswith("invalid item")
        return
    assert got == VerifyRequest(model.env, model.completion, model.reference)


RESULTS = [
    VerifyResult.correct("matches", gold="12"),
    VerifyResult.broken("error", "so \ud800 broke", where="\udfff"),  # lone surrogates: not UTF-8
    VerifyResult.wrong("no", big=2**70, tags={"b"}, pair=(1, 2), number=0.1),  # past 64 bits, a set, a tuple
]


@pytest.mark.parametrize("result", RESULTS, ids=["plain", "surrogates", "odd-types"])
def test_json_response_reads_back_as_the_model_writes_it(result: VerifyResult) -> None:
    body = {"results": [result.to_dict()]}
    fast = json.loads(json_response(body, BatchOut).body)
    assert fast == json.loads(BatchOut.model_validate(body).model_dump_json())
    single = json.loads(json_response(result.to_dict(), VerifyOut).body)
    assert single == fast["results"][0]


def test_a_scored_batch_leaves_no_cyclic_garbage() -> None:
    """Each check's future must die by reference counting when its request ends: a future kept in a cycle (its
    callback holds the batch, the batch held the futures) made every item garbage for the cyclic collector,
    whose full collections took a third of the event loop's CPU under load."""
    items = [VerifyRequest(MATH, f"so \\boxed{{{n}}}", {"answer": "3"}) for n in range(8)]
    with Runtime(WorkerPool(PoolConfig(workers=1))) as runtime:
        scorer = Scorer(runtime, Settings(), Metrics())
        asyncio.run(scorer.score(items))  # the first run imports and warms
        gc.collect()
        gc.disable()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            results = asyncio.run(scorer.score(items))
            gc.collect()
            garbage = [type(obj).__qualname__ for obj in gc.garbage]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()
    assert [r.status for r in results] == ["wrong"] * 3 + ["correct"] + ["wrong"] * 4
    assert "Future" not in garbage and "VerifyResult" not in garbage, sorted(set(garbage))
