"""Build the executor image: on an official Python base (online), or on a Debian base made locally
with debootstrap + `docker import` (offline: no container registry needed, only a Debian mirror: the one
this host's apt already uses, or RLVR_DEBIAN_MIRROR)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rlvr.sandbox.docker_pool import DEFAULT_IMAGE
from rlvr.sandbox.errors import SandboxError

LOCAL_BASE = "rlvr-base:bookworm"
EXECUTOR_PY = Path(__file__).with_name("executor.py")
DOCKERFILE = Path(__file__).resolve().parent.parent / "docker" / "Dockerfile"


def image_exists(tag: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", tag], capture_output=True).returncode == 0


APT_SOURCES = Path("/etc/apt")


def debian_mirror(suite: str = "bookworm", *, environ: dict[str, str] | None = None,
                  apt_dir: Path = APT_SOURCES) -> str:
    """The Debian mirror to debootstrap `suite` from: RLVR_DEBIAN_MIRROR, else the first `deb` source of this
    host's apt (sources.list, *.list and deb822 *.sources) that serves the suite."""
    override = (os.environ if environ is None else environ).get("RLVR_DEBIAN_MIRROR", "").strip()
    if override:
        return override
    files = [apt_dir / "sources.list", *sorted(apt_dir.glob("sources.list.d/*.list")),
             *sorted(apt_dir.glob("sources.list.d/*.sources"))]
    for path in files:
        try:
            text = path.read_text()
        except OSError:
            continue
        reader = _deb822_uris if path.suffix == ".sources" else _one_line_uris
        for uri in reader(text, suite):
            return uri
    raise SandboxError(f"no apt source of this host serves Debian {suite!r}: set RLVR_DEBIAN_MIRROR to a Debian "
                       "mirror's URL")


def _one_line_uris(text: str, suite: str) -> list[str]:
    """`deb [options] URI SUITE COMPONENTS...` lines that name `suite`."""
    uris = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if not words or words[0] != "deb":
            continue
        words = words[1:]
        if words and words[0].startswith("["):  # [arch=amd64 signed-by=...] may span several words
            while words and not words[0].endswith("]"):
                words = words[1:]
            words = words[1:]
        if len(words) >= 2 and words[1] == suite:
            uris.append(words[0])
    return uris


def _deb822_uris(text: str, suite: str) -> list[str]:
    """The URIs of deb822 stanzas (Types: deb, Suites: ... suite ...) that are not disabled."""
    uris = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            key, value = line.split(":", 1)
            fields[key.strip().lower()] = value.strip()
        if ("deb" in fields.get("types", "").split() and suite in fields.get("suites", "").split()
                and fields.get("enabled", "yes").lower() != "no"):
            uris += fields.get("uris", "").split()
    return uris


def build_base_image(tag: str = LOCAL_BASE, *, suite: str = "bookworm", mirror: str | None = None) -> str:
    """A minimal Debian with python3 and g++ from debootstrap, imported as `tag` (needs root). `mirror`
    defaults to `debian_mirror(suite)`."""
    if shutil.which("debootstrap") is None:
        raise SandboxError("debootstrap is not installed: apt-get install debootstrap (as root)")
    mirror = mirror or debian_mirror(suite)
    with tempfile.TemporaryDirectory(prefix="rlvr-rootfs-", dir="/var/tmp") as rootfs:
        subprocess.run(["debootstrap", "--variant=minbase", "--include=python3-minimal,python3,g++",
                        suite, rootfs, mirror], check=True, stdout=subprocess.DEVNULL)
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for path in Path(rootfs, junk).glob("*"):
                if path.is_file():
                    path.unlink()
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        path = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        config = ["-c", path, "-c", "ENV LANG=C.UTF-8", "-c", 'CMD ["/bin/bash"]']
        subprocess.run(["docker", "import", *config, "-", tag],
                       stdin=tar.stdout, check=True, stdout=subprocess.DEVNULL)
        if tar.wait() != 0:
            raise SandboxError("tar of the debootstrap root filesystem failed")
    return tag


def build_executor_image(image: str = DEFAULT_IMAGE, *, base_image: str | None = None,
                         offline: bool = False) -> str:
    """docker build the executor image. offline=True builds (once) and uses the local Debian base."""
    if not DOCKERFILE.is_file():
        raise SandboxError(f"{DOCKERFILE} not found: build the image from a source checkout of rlvr")
    if offline:
        base_image = base_image or LOCAL_BASE
        if not image_exists(base_image):
            build_base_image(base_image)
    with tempfile.TemporaryDirectory(prefix="rlvr-build-") as context:
        shutil.copy(DOCKERFILE, context)
        shutil.copy(EXECUTOR_PY, context)
        command = ["docker", "build", "-q", "-t", image]
        if base_image:
            command += ["--build-arg", f"BASE_IMAGE={base_image}"]
        subprocess.run([*command, context], check=True, stdout=subprocess.DEVNULL)
    return image
