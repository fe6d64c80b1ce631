"""`reference_from_label`: what a trainer's label means as a reference, for every adapter and the OpenRLHF route.

Trainers carry the gold in a label column whose type the dataset decides: a dict, a JSON string, a bare answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def reference_from_label(label: Any) -> dict[str, Any]:
    """A mapping, or a string holding a JSON object, is the whole reference; None is an empty reference (which
    the verifier refuses as invalid, rather than scoring against the word "None"); any other string is the
    bare answer, and any other value is the answer as JSON writes it (`3` -> "3", `True` -> "true").

    >>> reference_from_label('{"answer": "1/2"}'), reference_from_label("1/2"), reference_from_label(3)
    ({'answer': '1/2'}, {'answer': '1/2'}, {'answer': '3'})
    """
    if label is None:
        return {}
    if isinstance(label, Mapping):
        return dict(label)
    if isinstance(label, str):
        try:
            decoded = json.loads(label)
        except (ValueError, RecursionError):  # not JSON, or nested past what the parser can take
            return {"answer": label}
        return decoded if isinstance(decoded, dict) else {"answer": label}
    try:
        return {"answer": json.dumps(label)}
    except (TypeError, ValueError, RecursionError):  # not JSON-able: its text is all there is
        return {"answer": str(label)}
