"""Which Debian mirror the offline base image is built from: the host's own apt sources, or the override.
sandbox/images.py and .ci/setup-docker.sh read them the same way, and neither names a mirror host."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from rlvr.sandbox.errors import SandboxError
from rlvr.sandbox.images import debian_mirror

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / ".ci" / "setup-docker.sh"

ONE_LINE = """\
# deb http://commented.invalid/debian bookworm main
deb-src http://source.invalid/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://mirror-a.invalid/debian bookworm main contrib
deb http://mirror-b.invalid/debian bookworm-updates main
"""
DEB822 = """\
Types: deb
# a comment inside the stanza
URIs: http://disabled.invalid/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb deb-src
URIs: http://mirror-c.invalid/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://mirror-c.invalid/debian-security
Suites: bookworm-security
Components: main
"""


def _apt(tmp_path: Path, *, one_line: str = "", deb822: str = "") -> Path:
    (tmp_path / "sources.list.d").mkdir(parents=True)
    if one_line:
        (tmp_path / "sources.list.d" / "host.list").write_text(one_line)
    if deb822:
        (tmp_path / "sources.list.d" / "debian.sources").write_text(deb822)
    (tmp_path / "sources.list.d" / "other.sources.disabled").write_text(DEB822.replace("mirror-c", "ignored"))
    return tmp_path


def _shell(apt: Path, suite: str) -> str:
    script = f'source <(sed -n "/^log()/p;/^host_mirror()/,/^}}/p" {SETUP}); SUITE={suite} host_mirror | head -n 1'
    done = subprocess.run(["bash", "-c", script], env={"APT_DIR": str(apt), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("one_line", "deb822", "suite", "expected"),
    [
        (ONE_LINE, "", "bookworm", "http://mirror-a.invalid/debian"),
        (ONE_LINE, "", "bookworm-updates", "http://mirror-b.invalid/debian"),
        ("", DEB822, "bookworm", "http://mirror-c.invalid/debian"),
        ("", DEB822, "bookworm-security", "http://mirror-c.invalid/debian-security"),
        (ONE_LINE, DEB822, "bookworm", "http://mirror-a.invalid/debian"),  # one-line files are read first
    ],
)
def test_the_mirror_is_the_hosts_own_apt_source(tmp_path, one_line, deb822, suite, expected) -> None:
    apt = _apt(tmp_path, one_line=one_line, deb822=deb822)
    assert debian_mirror(suite, environ={}, apt_dir=apt) == expected
    assert _shell(apt, suite) == expected


def test_the_override_wins_and_no_source_says_what_to_set(tmp_path) -> None:
    apt = _apt(tmp_path, deb822=DEB822)
    assert debian_mirror("bookworm", environ={"RLVR_DEBIAN_MIRROR": "http://mine.invalid/d"}, apt_dir=apt) == \
        "http://mine.invalid/d"
    with pytest.raises(SandboxError, match="RLVR_DEBIAN_MIRROR"):
        debian_mirror("trixie", environ={}, apt_dir=apt)
    assert _shell(apt, "trixie") == ""


def test_no_mirror_host_is_written_in_the_build_code() -> None:
    for path in (SETUP, ROOT / "sandbox" / "images.py"):
        assert not re.search(r"\w+://\w", path.read_text()), path
