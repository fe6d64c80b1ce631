"""The `rlvr` command and `python -m rlvr`."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from rlvr.cli import build_parser, main


def test_python_dash_m_rlvr_prints_help() -> None:
    out = subprocess.run([sys.executable, "-m", "rlvr", "--help"], capture_output=True, text=True, check=True).stdout
    assert "envs" in out and "verify" in out


def test_envs_lists_every_registered_env_with_its_reference_format(capsys) -> None:
    assert main(["envs"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"rlvr/Math-v1"} <= {row["id"] for row in rows}
    assert all(row["reference_format"] for row in rows)


def test_verify_scores_a_completion_from_stdin() -> None:
    run = subprocess.run([sys.executable, "-m", "rlvr", "verify", "rlvr/Math-v1", "--reference", '{"answer": "1/2"}'],
                         input="so \\boxed{0.5}", capture_output=True, text=True, check=True)
    assert json.loads(run.stdout)["status"] == "correct"


def test_cli_and_server_work_without_the_trainer_extra() -> None:
    """`pip install 'rlvr[server]'` has no torch: the CLI and the server must not import it."""
    code = ("import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None\n"
            "from rlvr.cli import main; import rlvr.server\n"
            "raise SystemExit(main(['envs']))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def rlvr(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real `rlvr` entry (`python -m rlvr` runs `rlvr.cli:main`, as the console script does)."""
    return subprocess.run([sys.executable, "-m", "rlvr", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env=env)


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand of the parser, as the words that name it."""
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths += command_paths(sub, (*prefix, name))
    return paths


@pytest.mark.parametrize("words", command_paths(build_parser()), ids=lambda words: " ".join(words) or "rlvr")
def test_help_works_on_every_command(words: tuple[str, ...]) -> None:
    run = rlvr(*words, "--help")
    assert run.returncode == 0 and run.stdout.startswith("usage: rlvr") and not run.stderr, run.stderr


@pytest.mark.parametrize(("args", "words"), [
    (("verify", "rlvr/Math-v1", "--reference", "{bad", "--completion", "x"), "--reference is not JSON"),
    (("verify", "rlvr/Math-v1", "--reference", "[1, 2]", "--completion", "x"), "must be a JSON object"),
    (("verify", "rlvr/Mth-v1", "--reference", "{}", "--completion", "x"), "did you mean rlvr/Math-v1"),
    (("verify", "rlvr/Math-v1", "--completion", "x"), "required: --reference; see `rlvr verify --help`"),
    (("sandbox", "run", "/no/such/prog.py", "--backend", "local"), "cannot read the program /no/such/prog.py"),
    (("sandbox", "run", "-", "--language", "cobol", "--backend", "local"), "invalid choice: 'cobol'"),
    (("sandbox",), "required: ACTION"),
    (("qa", "rlvr/Sudoku-v9"), "did you mean rlvr/Sudoku-v1"),
    (("qa",), "pass --all"),
    (("train", "--config", "/no/such/train.yaml"), "cannot read config /no/such/train.yaml"),
    (("no-such-command",), "invalid choice"),
])
def test_a_cli_error_is_one_line_that_says_what_to_do(args: tuple[str, ...], words: str) -> None:
    run = rlvr(*args, stdin="print(1)")
    lines = run.stderr.splitlines()
    assert run.returncode == 2 and len(lines) == 1 and words in lines[0] and lines[0].startswith("rlvr"), run.stderr
    assert not run.stdout


@pytest.mark.parametrize(("reference", "completion", "status", "code"), [
    ({"answer": "1/2"}, "so \\boxed{0.5}", "correct", 0),
    ({"answer": "1/2"}, "so \\boxed{3}", "wrong", 0),
    ({"answer": "1/2"}, "no idea", "no_answer", 0),
    ({}, "\\boxed{1}", "error", 1),  # a reference without an answer: the check reaches no verdict
])
def test_verify_exits_0_on_a_verdict_and_1_when_the_check_broke(reference, completion, status, code) -> None:
    run = rlvr("verify", "rlvr/Math-v1", "--reference", json.dumps(reference), "--completion", completion)
    assert (json.loads(run.stdout)["status"], run.returncode) == (status, code), run.stderr


def test_envs_lists_each_env_s_difficulty_levels(capsys) -> None:
    assert main(["envs"]) == 0
    levels = {row["id"]: row["levels"] for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert levels["rlvr/Math-v1"] == levels["rlvr/Sudoku-v1"] == levels["rlvr/Logic-v1"] == [0, 1, 2, 3, 4]
    assert levels["rlvr/Code-v1"] == levels["rlvr/Lean-v0"] == levels["rlvr/GSMSymbolic-v1"] == [0]
