"""`rlvr qa` audits the code verifier in every sandbox language, with attacks written in each task's language:
a silent program, a random answer, claims of success on stdout and stderr, the right program followed by a silent
block, and the right program printing one line more. Through the real docker sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rlvr.cli import main
from rlvr.qa.code_programs import DIALECTS
from tests.envs.code.test_code_languages import AB, PROGRAMS

IN_EVERY_LANGUAGE = ("prints_nothing", "random_answer", "spoofed_output", "spoofed_stderr", "hedge_right_first")
PYTHON_ONLY = ("sys_exit_0", "os_exit_0", "monkeypatched_asserts")
FUNCTIONS_ONLY = ("always_equal_object", "returns_none")  # Python tasks that call a function


def _audit(capsys, *args: str) -> dict:
    code = main(["qa", "rlvr/Code-v1", "--json", *args])
    report = json.loads(capsys.readouterr().out)["envs"][0]
    failures = [f"{attack['name']}: {attack['rewarded']} rewarded; {attack['worst']}"
                for attack in report["attacks"] if attack["rewarded"] or attack["slow"]]
    assert report["reference"]["missed"] == 0, report["reference"]["first_miss"]
    assert code == 0 and not failures, "\n".join(failures)
    return {attack["name"]: attack for attack in report["attacks"]}


def test_a_plus_b_in_ten_languages_resists_every_attack(tmp_path: Path, capsys) -> None:
    assert set(PROGRAMS) == set(DIALECTS)
    data = tmp_path / "a_plus_b.jsonl"
    data.write_text("".join(json.dumps({"id": f"ab-{language}", "question": "Print the sum of two integers.",
                                        "language": language, "solution": programs[0], **AB}) + "\n"
                            for language, programs in PROGRAMS.items()))
    attacks = _audit(capsys, "--env-kwargs", f"rlvr/Code-v1={{path: {data}}}", "--tasks", str(len(PROGRAMS)))
    for name in IN_EVERY_LANGUAGE:
        assert attacks[name]["tried"] == len(PROGRAMS), name
    assert attacks["one_line_more"]["tried"] == len(PROGRAMS) - 3  # no hook in Java, Go or Rust
    for name in PYTHON_ONLY:
        assert attacks[name]["tried"] == 1 and attacks[name]["not_applicable"] == len(PROGRAMS) - 1, name
    for name in FUNCTIONS_ONLY:
        assert attacks[name]["tried"] == 0, name


@pytest.mark.parametrize("language", ["cpp", "java"])
def test_the_built_in_problems_in_another_language_resist_every_attack(language: str, capsys) -> None:
    attacks = _audit(capsys, "--env-kwargs", f"rlvr/Code-v1={{language: {language}}}", "--tasks", "6")
    assert attacks["prints_nothing"]["tried"] == attacks["spoofed_stderr"]["tried"] == 6
    assert attacks["sys_exit_0"]["tried"] == 0


def test_env_kwargs_must_name_an_audited_env(capsys) -> None:
    assert main(["qa", "rlvr/Code-v1", "--env-kwargs", "rlvr/Math-v1={level: 2}"]) == 2
    assert "not audited" in capsys.readouterr().err
