"""RayVerifier refuses what the HTTP server refuses, per item and with the same reason: `rlvr.items` and
the server's `Scorer.parse` agree on a table of real-looking bad items (and on good ones)."""

from __future__ import annotations

import pytest

from rlvr.dispatch import VerifyRequest
from rlvr.items import checked
from rlvr.results import VerifyResult
from rlvr.server.metrics import Metrics
from rlvr.server.scoring import Scorer
from rlvr.server.settings import Settings

LIMIT = 50
ITEMS = [
    {"env": "rlvr/Math-v1", "completion": "\\boxed{4}", "reference": {"answer": "4"}},
    {"env": "rlvr/Math-v1", "completion": "\\boxed{4}"},
    {"env": "rlvr/Nope-v1", "completion": "x", "reference": {}},
    {"env": "rlvr/Math-v1", "completion": 4, "reference": {"answer": "4"}},
    {"env": "rlvr/Math-v1", "completion": ["\\boxed{4}"]},
    {"env": 7, "completion": "x"},
    {"completion": "x"},
    {"env": "rlvr/Math-v1"},
    {"env": "rlvr/Math-v1", "completion": "x", "reference": "4"},
    {"env": "rlvr/Math-v1", "completion": "x", "reference": None},
    {"env": "rlvr/Math-v1", "completion": "x", "answer": "4"},
    {"env": "rlvr/Math-v1", "completion": "x" * (LIMIT + 1)},
    {"env": "rlvr/Math-v1", "completion": True},
    "rlvr/Math-v1: \\boxed{4}",
    None,
    [1, 2],
]


@pytest.mark.parametrize("raw", ITEMS, ids=[repr(item)[:40] for item in ITEMS])
def test_the_fleet_refuses_what_the_server_refuses(raw) -> None:
    server = Scorer(None, Settings(max_completion_chars=LIMIT), Metrics()).parse(raw)  # type: ignore[arg-type]
    ours = checked(raw, max_completion_chars=LIMIT)
    if isinstance(server, VerifyResult):
        assert isinstance(ours, VerifyResult) and ours.to_dict() == server.to_dict()
    else:
        assert isinstance(server, VerifyRequest) and ours == server
