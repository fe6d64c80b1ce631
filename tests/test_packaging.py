"""The wheel holds everything an editable install imports (the package-dir trap STYLE.md warns of),
and installs nothing but the `rlvr` namespace."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAPPED = {"rlvr": "rlvr", "envs": "rlvr.envs", "sandbox": "rlvr.sandbox", "server": "rlvr.server",
          "trainer": "rlvr.trainer"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return zipfile.ZipFile(next(out.glob("rlvr-*.whl")))


def source_packages() -> set[str]:
    packages = set()
    for folder, package in MAPPED.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            packages.add(".".join((package, *relative)))
    return packages


def test_every_source_package_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    in_wheel = {str(Path(name).parent).replace("/", ".") for name in wheel.namelist() if name.endswith("__init__.py")}
    assert source_packages() - in_wheel == set()


def test_every_file_of_every_package_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    missing = []
    for folder, package in MAPPED.items():
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and (path.parent / "__init__.py").exists():
                expected = "/".join((*package.split("."), *path.relative_to(ROOT / folder).parts))
                missing += [] if expected in names else [expected]
    assert missing == []


def test_only_the_rlvr_namespace_is_installed(wheel: zipfile.ZipFile) -> None:
    top_level = {name.split("/")[0] for name in wheel.namelist() if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"rlvr"}


def test_no_code_imports_the_raw_folders() -> None:
    raw = re.compile(r"^\s*(?:from|import)\s+(?:envs|sandbox|server|trainer)\b", re.MULTILINE)
    offenders = [str(p.relative_to(ROOT)) for folder in (*MAPPED, "tests", "bench") if (ROOT / folder).exists()
                 for p in (ROOT / folder).rglob("*.py") if raw.search(p.read_text(encoding="utf-8"))]
    assert offenders == []

