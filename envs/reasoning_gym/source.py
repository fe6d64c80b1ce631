"""Tasks of one reasoning-gym dataset: seeded, reproducible, and made on demand.

Task `(seed, index)` under a setting (dataset, level, knobs) is item `index` of the dataset made with
reasoning-gym seed `rg_seed(seed)` and `size=INDEX_RANGE`: a pure function of the three, in any process.
reasoning-gym seeds item `i` with `Random(seed + i)`, so rlvr seeds 0 and 1 used as they are would share all
but one item; hashing the seed keeps the ranges of different seeds apart. The dataset objects are kept (some
load word lists or fonts when made) in a small cache per process.

Level L is the dataset's curriculum at global level L (`levels` in the catalog counts the valid ones); knobs
are fields of the dataset's config, set over the level's. reasoning-gym is imported here on first use only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.envs.base import Task
from rlvr.envs.logic.answer import ANSWER_INSTRUCTIONS
from rlvr.errors import ConfigError, TaskNotFound
from rlvr.reasoning_gym_catalog import CURRICULUM_LEVELS, LEFT_OUT, levels

INDEX_RANGE = 100_000
# Datasets that build every item up front (acre shuffles them all, so an item depends on the size) or cap it.
INDEX_RANGES = {"acre": 1_000, "word_ladder": 20_000}
RESERVED_KNOBS = frozenset({"seed", "size"})  # rlvr sets these from the task's seed and the index range
_CACHE_SIZE = 16
_cache: OrderedDict[str, Any] = OrderedDict()
_cache_lock = threading.Lock()


def rg_seed(seed: int) -> int:
    """The reasoning-gym seed of rlvr seed `seed` (SHA-256, so the same in every process)."""
    digest = hashlib.sha256(f"rlvr.reasoning_gym:{seed}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def check_dataset(dataset: Any) -> str:
    """`dataset` if rlvr registers it, else a ConfigError that says why not or what the close names are."""
    if isinstance(dataset, str) and dataset in CURRICULUM_LEVELS:
        return dataset
    if dataset in LEFT_OUT:
        raise ConfigError(f"reasoning-gym dataset {dataset!r} is not served by rlvr: {LEFT_OUT[dataset]}")
    import difflib

    close = difflib.get_close_matches(str(dataset), CURRICULUM_LEVELS, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `rlvr envs` lists them"
    raise ConfigError(f"unknown reasoning-gym dataset {dataset!r}{hint}")


@dataclass(frozen=True)
class Setting:
    """What a task is a function of besides (seed, index): the dataset, its level and knob overrides."""

    dataset: str
    level: int = 0
    knobs: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        check_dataset(self.dataset)
        count = levels(self.dataset)
        if isinstance(self.level, bool) or not isinstance(self.level, int) or not 0 <= self.level < count:
            raise ConfigError(f"reasoning-gym {self.dataset} has difficulty levels 0..{count - 1}, got {self.level!r}")
        reserved = RESERVED_KNOBS & {name for name, _ in self.knobs}
        if reserved:
            raise ConfigError(f"knobs {sorted(reserved)} are set by rlvr (pass the env's seed; tasks are indexed)")

    @classmethod
    def of(cls, dataset: str, level: int, knobs: Mapping[str, Any]) -> Setting:
        return cls(dataset, level, tuple(sorted(knobs.items())))

    @property
    def tag(self) -> str:
        """What fixes the config in a task id: `L<level>`, or `c` and a hash when knobs change it."""
        if not self.knobs:
            return f"L{self.level}"
        return "c" + hashlib.sha256(self.key.encode()).hexdigest()[:8]

    @property
    def key(self) -> str:
        return json.dumps([self.dataset, self.level, self.knobs], default=repr)

    @property
    def index_range(self) -> int:
        return INDEX_RANGES.get(self.dataset, INDEX_RANGE)

    def config(self, seed: int) -> Any:
        """The dataset's config at this level with the knobs set, validated (reasoning-gym asserts)."""
        from reasoning_gym.factory import CURRICULA, DATASETS

        config_class = DATASETS[self.dataset][1]
        base = {"seed": rg_seed(seed), "size": self.index_range}
        if CURRICULUM_LEVELS[self.dataset]:
            curriculum = CURRICULA[self.dataset]()
            curriculum.set_global_level(self.level)
            config = curriculum.generate_configuration(base)
        else:
            config = config_class(**base)
        known = {field.name for field in dataclasses.fields(config)}
        unknown = sorted({name for name, _ in self.knobs} - known)
        if unknown:
            raise ConfigError(f"unknown {self.dataset} knobs {unknown}; known: {sorted(known - RESERVED_KNOBS)}")
        config = dataclasses.replace(config, **dict(self.knobs))
        try:
            getattr(config, "validate", lambda: None)()
        except (AssertionError, ValueError, TypeError) as exc:
            raise ConfigError(f"reasoning-gym refuses this {self.dataset} config: {exc}") from None
        return config

    def generator(self, seed: int) -> Any:
        """The dataset object for `seed`, made once per process (up to a few kept)."""
        key = f"{self.key}:{seed}"
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        from reasoning_gym.factory import DATASETS

        made = DATASETS[self.dataset][0](config=self.config(seed))
        with _cache_lock:
            _cache[key] = made
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        return made


def entry_of(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item as JSON holds it (tuples become lists, a Fraction its text): what a reference carries over HTTP, so
    the env and the server score the very same thing."""
    entry = {"question": item["question"], "answer": item["answer"], "metadata": item["metadata"]}
    return json.loads(json.dumps(entry, default=str))


class DatasetSource:
    """Tasks of one setting and seed: task ids are `<dataset>/<tag>/<seed>/<index>`, as in `sudoku/L2/0/17`."""

    def __init__(self, setting: Setting, seed: int = 0, *, partial_credit: bool = False):
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ConfigError(f"seed must be an int, got {seed!r}")
        self.setting, self.seed, self.partial_credit = setting, seed, partial_credit
        setting.config(seed)  # a bad knob fails here, when the env is made, not at the first reset

    def __len__(self) -> int:
        return self.setting.index_range

    def __getitem__(self, index: int) -> Task:
        if not 0 <= index < len(self):
            raise TaskNotFound(f"task index {index} out of range [0, {len(self)})")
        entry = entry_of(self.setting.generator(self.seed)[index])
        reference: dict[str, Any] = {"dataset": self.setting.dataset, "entry": entry}
        if self.partial_credit:
            reference["partial_credit"] = True
        return Task(id=f"{self.setting.dataset}/{self.setting.tag}/{self.seed}/{index}",
                    prompt=f"{entry['question']}\n\n{ANSWER_INSTRUCTIONS}", reference=reference,
                    metadata={"dataset": self.setting.dataset, "level": self.setting.level, "seed": self.seed,
                              "index": index})

    def by_id(self, task_id: str) -> Task:
        """The task an id names; another level's id is served too, a custom config's only under that config."""
        parts = task_id.split("/")
        dataset = self.setting.dataset
        if len(parts) != 4 or parts[0] != dataset or not parts[2].lstrip("-").isdigit() or not parts[3].isdigit():
            raise TaskNotFound(f"no {dataset} task has the id {task_id!r}; ids look like "
                               f"{dataset}/L<level>/<seed>/<index>")
        tag, seed, index = parts[1], int(parts[2]), int(parts[3])
        setting = self.setting
        if tag != setting.tag:
            level = tag[1:]
            if not (tag.startswith("L") and level.isdigit() and int(level) < levels(dataset)):
                raise TaskNotFound(f"task {task_id!r} was made under another {dataset} config ({tag}); make the env "
                                   "with the same knobs to reach it")
            setting = Setting(dataset, int(level))
        return DatasetSource(setting, seed, partial_credit=self.partial_credit)[index]
