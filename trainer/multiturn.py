"""Multi-turn episodes for envs with `max_turns > 1`: the env's feedback becomes the next user turn.

The training sequence of an episode is prompt, completion 1, feedback 1, completion 2, ...: one token stream
whose feedback tokens are attended to but masked out of the loss (the policy did not write them), and whose
reward is the final turn's. Each turn is sampled from exactly the tokens the loss later scores, so the ratio
stays on-policy: histories are extended token by token, never re-tokenised from text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch

from rlvr.envs.base import TextEnv
from rlvr.results import Status, VerifyResult
from rlvr.trainer.generation import Generator, Rollout
from rlvr.trainer.tasks import Prompt

Scorer = Callable[[Sequence[Prompt], Sequence[str]], list[VerifyResult]]


def feedback_text(tokenizer: Any, messages: Sequence[Mapping[str, str]], feedback: str, ended: bool) -> str:
    """The text between an assistant turn's last token and the next assistant turn: the chat template's close
    of the assistant turn (less the EOS the completion already holds), the user turn with `feedback`, and the
    generation prompt. `messages` ends with the assistant turn. Without a chat template: blank lines around it.

    Template `<role>content<eos>`: after [user "ab:", assistant "aa"], feedback "no" -> "<user>no<eos><assistant>".
    """
    if not getattr(tokenizer, "chat_template", None):
        return f"\n\n{feedback}\n\n"
    render = tokenizer.apply_chat_template
    before = render(list(messages), tokenize=False)
    after = render([*messages, {"role": "user", "content": feedback}], tokenize=False, add_generation_prompt=True)
    opened = render(list(messages[:-1]), tokenize=False, add_generation_prompt=True) + messages[-1]["content"]
    close = before[len(opened):] if before.startswith(opened) else ""
    if ended and tokenizer.eos_token and close.startswith(tokenizer.eos_token):
        close = close[len(tokenizer.eos_token):]
    return close + (after[len(before):] if after.startswith(before) else f"\n\n{feedback}\n\n")


def continues(result: VerifyResult) -> bool:
    """An episode goes on after a judged, not-correct turn; a correct one is done, a broken check ends it."""
    return result.reward is not None and result.status != Status.CORRECT


class Episodes:
    """The token streams of a batch of episodes, grown turn by turn."""

    def __init__(self, first: Rollout, prompts: Sequence[Prompt]):
        self.first = first
        self.prompts = list(prompts)
        rows = range(len(self.prompts))
        self.segments: list[list[tuple[list[int], bool]]] = [[(_tokens(first, i), True)] for i in rows]
        self.messages = [[*p.task.messages, {"role": "assistant", "content": first.texts[i]}]
                         for i, p in enumerate(self.prompts)]
        self.texts = list(first.texts)
        self.finished = first.finished.clone()
        self.last = first.completion_mask.sum(dim=1).clone()
        self.seconds = first.seconds

    def history(self, row: int) -> list[int]:
        prompt = self.first.prompt_ids[row][self.first.prompt_mask[row].bool()].tolist()
        return prompt + [t for ids, _ in self.segments[row] for t in ids]

    def add_feedback(self, row: int, tokenizer: Any, feedback: str) -> None:
        text = feedback_text(tokenizer, self.messages[row], feedback, bool(self.finished[row]))
        self.segments[row].append((tokenizer(text, add_special_tokens=False)["input_ids"], False))
        self.messages[row].append({"role": "user", "content": feedback})

    def add_turn(self, row: int, turn: Rollout, index: int) -> None:
        self.segments[row].append((_tokens(turn, index), True))
        self.messages[row].append({"role": "assistant", "content": turn.texts[index]})
        self.texts[row] = turn.texts[index]
        self.finished[row] = turn.finished[index]
        self.last[row] = turn.completion_mask[index].sum()

    def rollout(self, pad_id: int) -> Rollout:
        """The episodes as one rollout: completion = every turn after the prompt, loss mask = the policy's."""
        streams = [[t for ids, _ in segs for t in ids] for segs in self.segments]
        owners = [[mine for ids, mine in segs for _ in ids] for segs in self.segments]
        width = max(len(s) for s in streams)
        device = self.first.completion_ids.device
        ids = torch.tensor([s + [pad_id] * (width - len(s)) for s in streams], device=device)  # (B, C)
        attn = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in streams], device=device)  # (B, C)
        loss = torch.tensor([[int(m) for m in o] + [0] * (width - len(o)) for o in owners], device=device)
        return Rollout(self.first.prompt_ids, self.first.prompt_mask, ids, attn, self.texts, self.seconds,
                       self.finished, loss, self.last)


def run_episodes(first: Rollout, prompts: Sequence[Prompt], results: list[VerifyResult], *,
                 envs: Mapping[str, TextEnv], tokenizer: Any, generator: Generator, score: Scorer,
                 ) -> tuple[Rollout, list[VerifyResult]]:
    """Play every row of `first` on until it is solved, its check breaks or its env's turns run out; returns
    the episodes' rollout and each episode's final result (its reward is the episode's)."""
    episodes = Episodes(first, prompts)
    results = list(results)
    live = [i for i, p in enumerate(prompts) if envs[p.env_id].max_turns > 1 and continues(results[i])]
    turn = 1
    while live:
        turn += 1
        for i in live:
            env, task = envs[prompts[i].env_id], prompts[i].task
            episodes.add_feedback(i, tokenizer, env.feedback(task, episodes.texts[i], results[i]))
        rollout = generator.continue_ids([episodes.history(i) for i in live])
        episodes.seconds += rollout.seconds
        scored = score([prompts[i] for i in live], rollout.texts)
        for index, i in enumerate(live):
            episodes.add_turn(i, rollout, index)
            results[i] = scored[index]
        live = [i for i in live if continues(results[i]) and turn < envs[prompts[i].env_id].max_turns]
    return episodes.rollout(tokenizer.pad_token_id), results


def _tokens(rollout: Rollout, row: int) -> list[int]:
    """The completion tokens of `row` up to and including its EOS."""
    return rollout.completion_ids[row][rollout.completion_mask[row].bool()].tolist()
