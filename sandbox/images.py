"""Build the executor image: on an official Python base (online), or on a Debian base made locally
with debootstrap + `docker import` (offline: no container registry needed, only a Debian mirror)."""

from __future__ import annotations

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


def build_base_image(tag: str = LOCAL_BASE, *, suite: str = "bookworm",
                     mirror: str = "http://deb.debian.org/debian") -> str:
    """A minimal Debian with python3 and g++ from debootstrap, imported as `tag` (needs root)."""
    if shutil.which("debootstrap") is None:
        raise SandboxError("debootstrap is not installed: apt-get install debootstrap (as root)")
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
