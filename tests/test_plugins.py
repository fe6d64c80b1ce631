"""Third-party families through the `rlvr.envs` entry-point group (`rlvr.registry.load_plugins`).

Real packages (tests/plugins/) are pip-installed into a folder that only a subprocess puts on its path, so
the test venv is left as it was for every other test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLUGINS = Path(__file__).parent / "plugins"


def install(name: str, work: Path) -> Path:
    """pip-install tests/plugins/<name> into work/site; offline, with the venv's setuptools (the dev extra)."""
    # A copy, because building in place would leave build/ and *.egg-info in the checkout.
    source = shutil.copytree(PLUGINS / name, work / "src", ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
               "--disable-pip-version-check", "--quiet", "--target", str(work / "site"), str(source)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return work / "site"


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install("toy_family", tmp_path_factory.mktemp("toy"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install("broken_family", tmp_path_factory.mktemp("broken"))


def python(args: list[str], *sites: Path) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with the given install folders first on its path (workers inherit them)."""
    env = {key: value for key, value in os.environ.items() if key != "RLVR_API_KEY"}
    env["PYTHONPATH"] = os.pathsep.join([*map(str, sites), *filter(None, [os.environ.get("PYTHONPATH")])])
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)


def report(code: str, *sites: Path) -> dict:
    """Run `code` in a subprocess; it prints one JSON object as its last line."""
    run = python(["-c", code], *sites)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


IMPORT_RECORDING_WARNINGS = """
import json, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import rlvr
warned = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
"""

TOY_END_TO_END = IMPORT_RECORDING_WARNINGS + """
import gymnasium as gym
from gymnasium.utils.env_checker import check_env
from rlvr.registry import ORIGIN

out = {"warned": warned, "origin": ORIGIN["toy/Echo-v0"], "family_origin": ORIGIN["toy"]}
for env_id in ("toy/Echo-v0", "toy/EchoWorker-v0"):
    env = gym.make(env_id)
    check_env(env.unwrapped, skip_render_check=True)
    prompt, info = env.reset(seed=0, options={"index": 1})
    _, reward, terminated, _, step_info = env.step("Sure, here it is:\\n" + info["reference"]["answer"])
    env.reset(options={"task_id": "echo/stone"})
    _, wrong, _, _, wrong_info = env.step("pebble")
    out[env_id] = {"task_id": info["task_id"], "reward": reward, "terminated": terminated,
                   "status": step_info["status"], "wrong": [wrong, wrong_info["status"]]}
    env.close()
out["verify"] = {
    env_id: [rlvr.verify(env_id, completion=c, reference=r).status.value
             for c, r in (("apple", {"answer": "apple"}), ("pear", {"answer": "apple"}), ("", {"answer": "apple"}),
                          ("apple", {}))]
    for env_id in ("toy/Echo-v0", "toy/EchoWorker-v0")
}
print(json.dumps(out))
"""


def test_import_rlvr_registers_an_installed_plugin_and_scores_through_dispatch(toy: Path) -> None:
    out = report(TOY_END_TO_END, toy)
    assert out["warned"] == []
    assert out["origin"] == out["family_origin"] == "rlvr-toy-family"
    for env_id in ("toy/Echo-v0", "toy/EchoWorker-v0"):  # an inline family and a worker-pool one
        assert out[env_id] == {"task_id": "echo/river", "reward": 1.0, "terminated": True, "status": "correct",
                               "wrong": [0.0, "wrong"]}
        assert out["verify"][env_id] == ["correct", "wrong", "no_answer", "error"]


def test_gymnasium_module_prefix_loads_plugins_without_import_rlvr(toy: Path) -> None:
    code = ("import json, gymnasium as gym\n"
            "env = gym.make('rlvr:toy/Echo-v0')\n"
            "prompt, info = env.reset(options={'index': 0})\n"
            "print(json.dumps(env.step('apple')[1]))")
    assert report(code, toy) == 1.0


def test_rlvr_envs_lists_plugin_envs_with_their_origin(toy: Path) -> None:
    run = python(["-m", "rlvr", "envs"], toy)
    assert run.returncode == 0, run.stderr
    origins = {row["id"]: row["origin"] for row in map(json.loads, run.stdout.splitlines())}
    assert origins["toy/Echo-v0"] == origins["toy/EchoWorker-v0"] == "rlvr-toy-family"
    assert origins["rlvr/Math-v1"] == "rlvr"


def test_server_lists_plugin_envs(toy: Path) -> None:
    code = ("import json\n"
            "from fastapi.testclient import TestClient\n"
            "from rlvr.server import create_app\n"
            "reply = TestClient(create_app()).get('/envs')\n"  # no lifespan: listing starts no pool
            "print(json.dumps([reply.status_code, [e['id'] for e in reply.json()['envs']]]))")
    status, ids = report(code, toy)
    assert status == 200
    assert {"toy/Echo-v0", "toy/EchoWorker-v0", "rlvr/Math-v1"} <= set(ids)


BROKEN = IMPORT_RECORDING_WARNINGS + """
import gymnasium as gym
from rlvr.registry import ENVS, FAMILIES, ORIGIN, load_plugins

with warnings.catch_warnings(record=True) as again:
    warnings.simplefilter("always")
    retried = load_plugins()
print(json.dumps({
    "warned": warned, "retried": retried, "warned_again": len(again),
    "envs": sorted(ENVS), "families": sorted(FAMILIES),
    "math": [ENVS["rlvr/Math-v1"].entry_point, ORIGIN["rlvr/Math-v1"], gym.spec("rlvr/Math-v1").entry_point],
    "code": [ENVS["rlvr/Code-v1"].family, ORIGIN["rlvr/Code-v1"]],
    "math_verdict": rlvr.verify("rlvr/Math-v1", completion="\\\\boxed{2}", reference={"answer": "2"}).status.value,
}))
"""


def test_broken_plugins_warn_and_leave_import_rlvr_working(toy: Path, broken: Path) -> None:
    out = report(BROKEN, broken, toy)
    by_name = {line.split(" ", 3)[2]: line for line in out["warned"]}  # "rlvr plugin <name> = ..."
    assert sorted(by_name) == ["clash", "half-clash", "invalid-row", "missing-attribute", "missing-module",
                               "not-rows", "raises"]
    assert all("from rlvr-broken-family was not loaded" in line and line.endswith("fix or uninstall rlvr-broken-family")
               for line in out["warned"])
    assert "ModuleNotFoundError" in by_name["missing-module"]
    assert "AttributeError" in by_name["missing-attribute"]
    assert "'rlvr/Math-v1' is already registered by rlvr" in by_name["clash"]
    assert "'rlvr/Code-v1' is already registered by rlvr" in by_name["half-clash"]
    assert "must name a sequence of rlvr.registry.Family and EnvEntry rows" in by_name["not-rows"]
    assert "the plugin's row function failed" in by_name["raises"]
    assert "runs_in must be 'worker' or 'inline'" in by_name["invalid-row"]
    # Each entry point is tried once per process: a second load_plugins() neither retries nor warns again.
    assert out["retried"] == [] and out["warned_again"] == 0
    # The good entry points, here and in another package, still load; a refused plugin adds nothing at all.
    assert {"broken/Fine-v0", "toy/Echo-v0"} <= set(out["envs"])
    assert "broken/Half-v0" not in out["envs"] and not {"half", "clash", "gpu_only"} & set(out["families"])
    assert out["math"] == ["rlvr.envs.math:MathEnv", "rlvr", "rlvr.envs.math:MathEnv"]
    assert out["code"] == ["code", "rlvr"]
    assert out["math_verdict"] == "correct"


def test_rlvr_envs_still_works_with_a_broken_plugin_installed(broken: Path) -> None:
    run = python(["-m", "rlvr", "envs"], broken)
    assert run.returncode == 0, run.stderr
    ids = [json.loads(line)["id"] for line in run.stdout.splitlines()]
    assert "rlvr/Math-v1" in ids and "broken/Fine-v0" in ids
    assert "rlvr plugin clash = 'rlvr_broken:CLASH' from rlvr-broken-family was not loaded" in run.stderr
