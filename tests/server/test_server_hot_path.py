"""The lean hot path (issue 13) says what the pydantic models say: the fast item check accepts exactly what
VerifyIn accepts, and orjson's responses read back as the response model writes them."""

from __future__ import annotations

import json

import pytest
from pydantic import TypeAdapter, ValidationError

from rlvr.dispatch import VerifyRequest
from rlvr.results import VerifyResult
from rlvr.server.contract import json_response
from rlvr.server.metrics import Metrics
from rlvr.server.models import BatchOut, VerifyIn, VerifyOut
from rlvr.server.scoring import Scorer
from rlvr.server.settings import Settings

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
