"""The `rlvr` command and `python -m rlvr`."""

from __future__ import annotations

import json
import subprocess
import sys

from rlvr.cli import main


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
