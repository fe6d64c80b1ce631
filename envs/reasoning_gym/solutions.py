"""The dataset's own answer to an item, in the form its checker reads: what `rlvr qa` and the tests submit.

Most items store it as `answer`. Where several answers are right, some datasets store none and keep an example in
the metadata instead; boxnet and rush_hour keep none at all (None: the env cannot make a reference completion).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

Entry = Mapping[str, Any]

_EXAMPLES: dict[str, Callable[[Entry], str]] = {
    "graph_color": lambda entry: json.dumps(entry["metadata"]["possible_answer"]),
    "propositional_logic": lambda entry: entry["metadata"]["example_answer"],
    "rubiks_cube": lambda entry: entry["metadata"]["example_correct_answer"],
}


def solution(dataset: str, entry: Entry) -> str | None:
    """A right answer to `entry`, or None when the dataset keeps none."""
    if dataset in _EXAMPLES:
        return _EXAMPLES[dataset](entry)
    answer = entry["answer"]
    return answer if isinstance(answer, str) else None
