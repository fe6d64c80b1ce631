"""`reference_from_label`: the one reading of a trainer's label, shared by the adapters and the OpenRLHF route."""

from __future__ import annotations

import pytest

from rlvr.adapters import trl, verl
from rlvr.labels import reference_from_label
from rlvr.server.routers import openrlhf


@pytest.mark.parametrize(("label", "reference"), [
    ({"answer": "1/2", "env": "rlvr/Math-v1"}, {"answer": "1/2", "env": "rlvr/Math-v1"}),
    ('{"answer": "1/2"}', {"answer": "1/2"}),
    ("1/2", {"answer": "1/2"}),
    ("[1, 2]", {"answer": "[1, 2]"}),  # JSON, but not an object: the bare answer as written
    ("{not json", {"answer": "{not json"}),
    ("[" * 100_000 + "]" * 100_000, {"answer": "[" * 100_000 + "]" * 100_000}),  # nested past the parser
    (None, {}),  # no label is no reference (an error result), never the answer "None"
    (3, {"answer": "3"}),
    (0.5, {"answer": "0.5"}),
    (True, {"answer": "true"}),
    ([1, 2], {"answer": "[1, 2]"}),
    (object, {"answer": str(object)}),
])
def test_a_label_reads_one_way(label: object, reference: dict) -> None:
    assert reference_from_label(label) == reference


def test_every_caller_uses_the_one_function() -> None:
    for module in (trl, verl, openrlhf):
        assert module.reference_from_label is reference_from_label


def test_a_mapping_label_is_copied() -> None:
    label = {"answer": "2"}
    reference_from_label(label)["answer"] = "3"
    assert label == {"answer": "2"}
