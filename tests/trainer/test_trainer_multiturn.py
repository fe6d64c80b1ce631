"""Multi-turn episodes: the env's feedback is the next user turn, masked out of the loss; the final turn scores."""

from __future__ import annotations

from conftest import TOY_ENV, char_tokenizer, tiny_model

from rlvr.trainer import GRPOTrainer, TrainConfig
from rlvr.trainer.multiturn import feedback_text

TEMPLATE = ("{% for m in messages %}<{{ m.role }}>{{ m.content }}<eos>{% endfor %}"
            "{% if add_generation_prompt %}<assistant>{% endif %}")


def test_feedback_text_closes_the_assistant_turn_and_opens_the_next():
    tokenizer = char_tokenizer()
    tokenizer.chat_template = TEMPLATE
    messages = [{"role": "user", "content": "ab:"}, {"role": "assistant", "content": "aa"}]
    # the completion's own EOS already closed the turn: only the user turn and the generation prompt follow
    assert feedback_text(tokenizer, messages, "no", ended=True) == "<user>no<eos><assistant>"
    # a completion cut at the token budget has no EOS: the template's close comes first
    assert feedback_text(tokenizer, messages, "no", ended=False) == "<eos><user>no<eos><assistant>"
    assert feedback_text(char_tokenizer(), messages, "no", ended=True) == "\n\nno\n\n"  # no template


def test_a_two_turn_episode_masks_the_feedback_and_scores_the_final_turn(tmp_path):
    tokenizer = char_tokenizer()
    cfg = TrainConfig(model="tiny", envs={TOY_ENV: 1.0}, env_kwargs={TOY_ENV: {"max_turns": 2}}, steps=1,
                      prompts_per_step=2, group_size=4, max_new_tokens=4, output_dir=str(tmp_path / "run"),
                      tensorboard=False, progress=False, plots=False)
    trainer = GRPOTrainer(cfg, model=tiny_model(tokenizer), tokenizer=tokenizer)
    batch = trainer.rollout()
    env = trainer.sampler.envs[TOY_ENV]
    r = batch.rollout
    two_turns = 0
    for row, (prompt, result) in enumerate(zip(batch.prompts, batch.results, strict=True)):
        owned = r.loss_mask[row][r.completion_mask[row].bool()].tolist()  # 1 = the policy's token
        runs = [owned[0]] + [b for a, b in zip(owned, owned[1:], strict=False) if a != b]
        assert runs in ([1], [1, 0, 1]), runs  # one turn, or turn / feedback / turn
        if runs == [1, 0, 1]:
            two_turns += 1
            feedback = r.completion_ids[row][r.completion_mask[row].bool()][[o == 0 for o in owned]]
            assert tokenizer.decode(feedback).count(prompt.task.prompt) == 1  # the env's feedback repeats the task
        assert result == env.score(r.texts[row], prompt.task)  # the episode's result is its final turn's
    assert two_turns > 0
    metrics = trainer.train_step()
    assert metrics["completion_len"] <= 8  # the policy's tokens over two turns of at most 4
    trainer.close()
