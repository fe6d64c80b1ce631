"""`TrainConfig`: every knob of a GRPO run, validated on construction, loadable from YAML."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from rlvr.trainer.errors import ConfigError

if TYPE_CHECKING:  # grpo imports torch; the config must load without it (`rlvr --help`, the server image)
    from rlvr.trainer.grpo import LossConfig

LR_SCHEDULES = ("constant", "constant_with_warmup", "linear", "cosine")
AGGREGATIONS = ("token_mean", "seq_mean", "dr_grpo")
BACKENDS = ("transformers", "vllm")
SAVE_OPTIMIZER = ("latest", "all", "none")
ENTROPY_MODES = ("all", "siren")
CURRICULA = ("off", "adaptive")
REWARD_CONTROLS = ("random", "incorrect", "format")


@dataclass(frozen=True)
class TrainConfig:
    """A GRPO run. docs/training.md describes every field; YAML keys are the field names."""

    model: str = "smollm2-135m"
    tokenizer: str | None = None
    envs: Mapping[str, float] = field(default_factory=lambda: {"rlvr/Math-v1": 1.0})
    env_kwargs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    server: str | None = None
    server_timeout_s: float = 120.0
    server_batch_size: int = 256
    server_concurrency: int = 4
    server_api_key: str | None = None
    ray: str | None = None

    steps: int = 100
    prompts_per_step: int = 4
    group_size: int = 8
    max_prompt_tokens: int = 512
    max_new_tokens: int = 128
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0

    lr: float = 1e-6
    lr_schedule: Literal["constant", "constant_with_warmup", "linear", "cosine"] = "constant"
    warmup_steps: int = 0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    inner_steps: int = 1
    micro_batch_size: int = 8
    beta: float = 0.0
    clip_eps: float = 0.2
    clip_eps_high: float | None = None
    loss_aggregation: Literal["token_mean", "seq_mean", "dr_grpo"] = "token_mean"
    advantage_scale: Literal["std", "none"] = "std"

    backend: Literal["transformers", "vllm"] = "transformers"
    device: str = "auto"
    bf16: bool | Literal["auto"] = "auto"
    gradient_checkpointing: bool = False
    seed: int = 0

    dynamic_sampling: bool = False
    max_sampling_rounds: int = 3
    overlong_buffer: int = 0
    overlong_penalty: float = 1.0
    entropy_coef: float = 0.0
    entropy_mode: Literal["all", "siren"] = "siren"
    entropy_top_p: float = 0.95
    entropy_peak_quantile: float = 0.8
    entropy_target: float | None = None
    curriculum: Literal["off", "adaptive"] = "off"
    curriculum_band: tuple[float, float] = (0.2, 0.8)
    curriculum_patience: int = 3
    reward_control: Literal["random", "incorrect", "format"] | None = None
    ref_reset_every: int = 0
    update_sparsity: bool = True
    eval_every: int = 0
    eval_envs: tuple[str, ...] | None = None
    eval_prompts: int = 16
    eval_k: int = 4

    output_dir: str = "runs/grpo"
    save_every: int = 0
    save_total_limit: int = 0
    save_optimizer: Literal["latest", "all", "none"] = "latest"
    resume_from: str | None = None
    log_every: int = 1
    tensorboard: bool = True
    wandb_project: str | None = None
    plots: bool = True
    progress: bool = True
    log_samples: int = 4
    print_sample_every: int = 10

    def __post_init__(self) -> None:
        _coerce_numbers(self)
        object.__setattr__(self, "envs", _normalise_envs(self.envs))
        object.__setattr__(self, "env_kwargs", {k: dict(v) for k, v in dict(self.env_kwargs).items()})
        self._check_positive("steps", "prompts_per_step", "max_prompt_tokens", "max_new_tokens",
                             "inner_steps", "micro_batch_size", "server_batch_size", "server_concurrency",
                             "log_every", "max_sampling_rounds", "curriculum_patience", "eval_prompts", "eval_k")
        self._check_non_negative("warmup_steps", "weight_decay", "beta", "save_every", "top_k", "clip_eps",
                                 "overlong_buffer", "overlong_penalty", "entropy_coef", "ref_reset_every",
                                 "eval_every", "save_total_limit", "log_samples", "print_sample_every")
        if self.group_size < 2:
            raise ConfigError(f"group_size must be >= 2 (GRPO compares completions within a group), "
                              f"got {self.group_size}")
        if not 0 < self.temperature:
            raise ConfigError(f"temperature must be > 0 (GRPO needs sampling), got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ConfigError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.lr <= 0 or self.max_grad_norm <= 0 or self.server_timeout_s <= 0:
            raise ConfigError("lr, max_grad_norm and server_timeout_s must be > 0")
        if self.clip_eps_high is not None and self.clip_eps_high < self.clip_eps:
            raise ConfigError(f"clip_eps_high ({self.clip_eps_high}) must be >= clip_eps ({self.clip_eps}); "
                              "leave it unset for symmetric clipping")
        self._check_choice("lr_schedule", LR_SCHEDULES)
        self._check_choice("loss_aggregation", AGGREGATIONS)
        self._check_choice("advantage_scale", ("std", "none"))
        self._check_choice("backend", BACKENDS)
        if self.bf16 not in (True, False, "auto"):
            raise ConfigError(f"bf16 must be true, false or 'auto', got {self.bf16!r}")
        unknown = set(self.env_kwargs) - set(self.envs)
        if unknown:
            raise ConfigError(f"env_kwargs names envs that are not in envs: {sorted(unknown)}")
        if self.server and self.ray:
            raise ConfigError("set one of server (a reward server URL) and ray (a Ray cluster address), not both")
        self._check_methods()

    def _check_methods(self) -> None:
        """The fields of the training methods beyond plain GRPO (docs/training.md, "Methods")."""
        self._check_choice("save_optimizer", SAVE_OPTIMIZER)
        self._check_choice("entropy_mode", ENTROPY_MODES)
        self._check_choice("curriculum", CURRICULA)
        if self.reward_control is not None:
            self._check_choice("reward_control", REWARD_CONTROLS)
        if self.overlong_buffer >= self.max_new_tokens:
            raise ConfigError(f"overlong_buffer ({self.overlong_buffer}) must be < max_new_tokens "
                              f"({self.max_new_tokens}): the penalty ramps over the last tokens of the budget")
        if not 0 < self.entropy_top_p <= 1:
            raise ConfigError(f"entropy_top_p must be in (0, 1], got {self.entropy_top_p}")
        if not 0 <= self.entropy_peak_quantile < 1:
            raise ConfigError(f"entropy_peak_quantile must be in [0, 1), got {self.entropy_peak_quantile}")
        if self.entropy_target is not None and self.entropy_target <= 0:
            raise ConfigError(f"entropy_target must be > 0 (nats), got {self.entropy_target}; "
                              "leave it unset to anchor at the first step's entropy")
        band = tuple(float(x) for x in self.curriculum_band) if isinstance(self.curriculum_band, (list, tuple)) else ()
        if len(band) != 2 or not 0 <= band[0] < band[1] <= 1:
            raise ConfigError(f"curriculum_band must be [low, high] with 0 <= low < high <= 1, "
                              f"got {self.curriculum_band!r}")
        object.__setattr__(self, "curriculum_band", band)
        if self.ref_reset_every and self.beta == 0:
            raise ConfigError("ref_reset_every needs beta > 0: with beta 0 there is no KL reference to reset")
        if self.eval_envs is not None:
            eval_envs = (self.eval_envs,) if isinstance(self.eval_envs, str) else tuple(self.eval_envs)
            if not eval_envs:
                raise ConfigError("eval_envs must name at least one env id, or be unset to evaluate on envs")
            object.__setattr__(self, "eval_envs", eval_envs)

    @property
    def batch_size(self) -> int:
        """Completions per step: prompts_per_step x group_size."""
        return self.prompts_per_step * self.group_size

    def loss_config(self) -> LossConfig:
        from rlvr.trainer.grpo import LossConfig

        return LossConfig(clip_eps=self.clip_eps, clip_eps_high=self.clip_eps_high, beta=self.beta,
                          aggregation=self.loss_aggregation, max_tokens=self.max_new_tokens)

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainConfig:
        """Build from a mapping (a parsed YAML file); unknown keys are an error that lists the known ones."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"unknown config keys {unknown}; known keys: {sorted(names)}")
        return cls(**dict(data))

    @classmethod
    def from_yaml(cls, path: str | Path, overrides: Mapping[str, Any] | None = None) -> TrainConfig:
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from None
        if not isinstance(data, Mapping):
            raise ConfigError(f"config {path} must be a YAML mapping of field: value")
        return cls.from_dict({**data, **(overrides or {})})

    def _check_positive(self, *names: str) -> None:
        for name in names:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be > 0, got {getattr(self, name)}")

    def _check_non_negative(self, *names: str) -> None:
        for name in names:
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)}")

    def _check_choice(self, name: str, choices: tuple[str, ...]) -> None:
        if getattr(self, name) not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {getattr(self, name)!r}")


def _coerce_numbers(cfg: TrainConfig) -> None:
    """YAML reads `1e-3` (no dot) as a string; numeric fields accept such strings, or say why not."""
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        kind = {"float": float, "float | None": float, "int": int}.get(str(f.type))
        if kind is None or value is None or isinstance(value, bool):
            continue
        try:
            number = kind(value) if isinstance(value, str) else value
        except ValueError:
            raise ConfigError(f"{f.name} must be a number, got {value!r}") from None
        if not isinstance(number, (int, float)):
            raise ConfigError(f"{f.name} must be a number, got {value!r}")
        object.__setattr__(cfg, f.name, number)


def _normalise_envs(envs: Any) -> dict[str, float]:
    """Accept `"id"`, `["id", ...]` (equal weights) or `{"id": weight}`; weights are normalised to sum 1."""
    if isinstance(envs, str):
        envs = {envs: 1.0}
    elif isinstance(envs, (list, tuple)):
        envs = {env: 1.0 for env in envs}
    if not isinstance(envs, Mapping) or not envs:
        raise ConfigError("envs must be an env id, a list of ids or a mapping of id: weight "
                          "(e.g. {'rlvr/Math-v1': 0.5, 'rlvr/Sudoku-v1': 0.5})")
    weights = {str(k): float(v) for k, v in envs.items()}
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ConfigError(f"env weights must be >= 0 with a positive sum, got {weights}")
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items() if w > 0}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):  # YAML's safe dumper has no tuple
        return [_plain(v) for v in value]
    return value
