"""Real parts for the eval tests: the trainer tests' tiny model saved as a folder, `transformers serve` on it, and
headless Chromium. Nothing is downloaded."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.trainer.conftest import char_tokenizer, tiny_model

# The tiny tokenizer has no chat template of its own; this one lets the chat API serve it too.
CHAT_TEMPLATE = "{% for m in messages %}{{ m['content'] }}{% endfor %}"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A `save_pretrained` folder that samples by default (`transformers serve` keeps the model's own
    generation config, and a greedy one would give K identical completions)."""
    folder = tmp_path_factory.mktemp("tiny-model")
    tokenizer = char_tokenizer()
    tokenizer.chat_template = CHAT_TEMPLATE
    model = tiny_model(tokenizer)
    model.generation_config.do_sample = True
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def openai_server(tiny_model_dir: Path, tmp_path_factory) -> Iterator[str]:
    """`transformers serve` on the tiny model, offline, on a free loopback port: its API base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    command = [str(Path(sys.executable).with_name("transformers")), "serve", str(tiny_model_dir), "--host",
               "127.0.0.1", "--port", str(port), "--device", "cpu"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with log.open("w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", server, log)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_healthy(url: str, server: subprocess.Popen, log: Path, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"transformers serve exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"transformers serve did not answer {url} in {timeout_s} s:\n{log.read_text()[-3000:]}")


def chromium() -> str:
    """Debian's headless Chromium (.ci/setup.sh installs it as root); a machine without it fails, never skips."""
    found = shutil.which("chromium")
    assert found is not None, "chromium is not installed (apt-get install chromium; .ci/setup.sh does it as root)"
    return found


def open_in_chromium(page: Path, screenshot: Path) -> tuple[str, list[str]]:
    """Render `page` headless: its DOM after load, and the console messages (errors, uncaught exceptions) Chromium
    logged while loading it; a screenshot of it is written to `screenshot`."""
    base = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr",
            "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={screenshot.parent / 'profile'}"]
    url = page.resolve().as_uri()
    dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    shot = subprocess.run([*base, f"--screenshot={screenshot}", "--window-size=1280,2400", url],
                          capture_output=True, text=True, timeout=120)
    console = [line for line in (dom.stderr + shot.stderr).splitlines() if ":CONSOLE" in line]
    return dom.stdout, console


# Three tasks x four completions a model could have written, some of them hostile to an HTML page.
MATH_ROLLOUTS = {
    ("t0", "\\frac{4}{3}"): ["so the answer is \\boxed{\\frac{4}{3}}", "\\boxed{4/3}", "\\boxed{1}",
                             "<script>console.error('xss')</script> \\boxed{4/3}"],
    ("t1", "7"): ["\\boxed{7}", "\\boxed{8}", "\\boxed{8}", "I am not sure </pre><img src=x onerror=alert(1)>"],
    ("t2", "-2"): ["\\boxed{2}", "no idea", "\\boxed{-2}", "\\boxed{3}"],
}


@pytest.fixture(scope="session")
def math_rollouts() -> list:
    """Rollout records of MATH_ROLLOUTS as today's rlvr/Math-v1 verifier scores them (in-process)."""
    from rlvr.evaluation.rollouts import RolloutRecord
    from rlvr.evaluation.scoring import Scorer

    rows = [(task_id, answer, sample, text) for (task_id, answer), texts in MATH_ROLLOUTS.items()
            for sample, text in enumerate(texts)]
    with Scorer() as scorer:
        results = scorer.score([{"env": "rlvr/Math-v1", "completion": text, "reference": {"answer": answer}}
                                for _, answer, _, text in rows])
    return [RolloutRecord.scored(env="rlvr/Math-v1", task_id=task_id, reference={"answer": answer},
                                 prompt=f"What is {task_id}? <b>bold</b> & co", completion=text, result=result,
                                 sample=sample, completion_tokens=len(text), truncated=sample == 3)
            for (task_id, answer, sample, text), result in zip(rows, results, strict=True)]
