"""A trivially learnable env and a tiny character-level model, shared by the trainer tests."""

from __future__ import annotations

import random
import string

import gymnasium
import pytest
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

from rlvr.envs.base import Task, TextEnv
from rlvr.results import Status, VerifyResult

LETTERS = "abcdefgh"
TOY_ENV = "rlvr-test/EmitA-v0"


class LetterTasks:
    """Prompts of random letters; the reference names the letter to emit."""

    def __len__(self) -> int:
        return 1000

    def __getitem__(self, index: int) -> Task:
        rng = random.Random(index)
        prompt = "".join(rng.choice(LETTERS) for _ in range(4)) + ":"
        return Task(id=f"letters-{index}", prompt=prompt, reference={"letter": "a"})


class EmitAEnv(TextEnv):
    """Reward = share of emitted characters equal to the reference letter; `h` first breaks the check.

    The broken check (reward None) exercises masking in the full loop: it must never count as 0.
    """

    family = "toy"

    def __init__(self, **kwargs):
        super().__init__(LetterTasks(), **kwargs)

    @classmethod
    def difficulty_levels(cls, **kwargs) -> tuple[int, ...]:
        return (0, 1, 2)  # the same tasks at every level: enough for the curriculum to move through

    def score(self, completion: str, task: Task) -> VerifyResult:
        if completion.startswith("h"):
            return VerifyResult.broken(Status.ERROR, "toy check broken on purpose")
        if not completion:
            return VerifyResult.no_answer("empty completion")
        share = completion.count(task.reference["letter"]) / len(completion)
        if share == 1.0:
            return VerifyResult.correct()
        return VerifyResult(share, Status.PARTIAL, f"{share:.0%} of characters match")


if TOY_ENV not in gymnasium.registry:
    gymnasium.register(id=TOY_ENV, entry_point=EmitAEnv)


def char_tokenizer() -> PreTrainedTokenizerFast:
    vocab = {tok: i for i, tok in enumerate(["<pad>", "<eos>", *string.ascii_lowercase, ":"])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<pad>"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    tok.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>")


def tiny_model(tokenizer: PreTrainedTokenizerFast, seed: int = 0) -> LlamaForCausalLM:
    import torch

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=64,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                         bos_token_id=tokenizer.eos_token_id, tie_word_embeddings=False)
    return LlamaForCausalLM(config)


@pytest.fixture
def tokenizer() -> PreTrainedTokenizerFast:
    return char_tokenizer()


@pytest.fixture
def model(tokenizer):
    return tiny_model(tokenizer)


class LiveServer:
    """Any ASGI app on a real uvicorn, on a free loopback port, in a thread of the test process."""

    def __init__(self, app, ready_path: str = "/docs"):
        import socket
        import threading

        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.ready_path = ready_path
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        import httpx

        self._thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + self.ready_path, timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the test server did not become ready in 60 s")

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=20)
        self._sock.close()
