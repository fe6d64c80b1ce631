"""The docker backend's executors: long-lived hardened containers, each a warm fork server reached over
a unix socket in a bind-mounted host directory. Docker is only used to create and replace containers;
no job ever starts a container.

Each container is labelled with its owner (this process, as the host knows it), and each socket directory
holds an `owner` file: a pool that starts reaps what owners that died without closing (SIGKILL, OOM) left
behind on this host, and never touches a live process's executors."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlvr.sandbox.client import ping, wait_ready
from rlvr.sandbox.errors import DockerUnavailable, ExecutorStartError, ImageNotFound
from rlvr.sandbox.limits import MiB

log = logging.getLogger(__name__)

DEFAULT_IMAGE = os.environ.get("RLVR_EXECUTOR_IMAGE", "rlvr-executor:latest")
SOCKET_DIR_IN_CONTAINER = "/run/rlvr/sock"
CAPABILITIES = ("SETUID", "SETGID", "KILL", "CHOWN")
LABEL = "org.rlvr.sandbox"
OWNER_LABEL = "org.rlvr.owner"  # "<boot id>:<pid namespace>:<pid>:<start time>" of the process that started it
ROOT_PREFIX = "rlvr-sandbox-"
# Jobs of one container share its IPC namespace, and a SysV segment or message queue outlives the job
# that made it: it would carry data to later jobs and hold memory that no sweep frees. Turn them off.
IPC_OFF_SYSCTLS = {"kernel.shmmax": "0", "kernel.shmall": "0", "kernel.shmmni": "0", "kernel.msgmni": "0",
                   "kernel.sem": "0 0 0 0", "fs.mqueue.queues_max": "0"}


@dataclass(frozen=True)
class ContainerSpec:
    """Resources and hardening of one executor container (all of its slots together)."""

    image: str = DEFAULT_IMAGE
    slots: int = 8
    memory_bytes: int = 2048 * MiB
    cpus: float = 1.0
    pids: int = 512
    work_bytes_per_slot: int = 64 * MiB
    idle_exit_s: float = 900.0

    def run_kwargs(self, socket_dir: str, uid_base: int, name: str, owner: str | None = None) -> dict[str, Any]:
        """Arguments for docker-py's containers.run: the hardening lives here, in one place. `owner`
        (`owner_id()`) labels the container for `reap_orphans`."""
        return {
            "image": self.image,
            "name": name,
            "detach": True,
            "auto_remove": True,
            "network_mode": "none",
            "read_only": True,
            # One size-capped tmpfs per slot: a job that fills its disk cannot starve its neighbours.
            "tmpfs": {f"/work/s{slot}": f"rw,exec,nosuid,nodev,size={self.work_bytes_per_slot},"
                                        "nr_inodes=16384,mode=0700" for slot in range(self.slots)},
            "cap_drop": ["ALL"],
            "cap_add": list(CAPABILITIES),
            "security_opt": ["no-new-privileges"],
            "ipc_mode": "none",
            "sysctls": dict(IPC_OFF_SYSCTLS),
            "pids_limit": self.pids,
            "mem_limit": self.memory_bytes,
            "memswap_limit": self.memory_bytes,
            "nano_cpus": int(self.cpus * 1e9),
            "volumes": {socket_dir: {"bind": SOCKET_DIR_IN_CONTAINER, "mode": "rw"}},
            "environment": {"RLVR_SOCKET": f"{SOCKET_DIR_IN_CONTAINER}/executor.sock",
                            "RLVR_SLOTS": str(self.slots), "RLVR_UID_BASE": str(uid_base),
                            "RLVR_WORK_ROOT": "/work", "RLVR_SETUID": "1",
                            "RLVR_IDLE_EXIT_S": str(self.idle_exit_s)},
            "labels": {LABEL: "executor", **({OWNER_LABEL: owner} if owner else {})},
            "hostname": "sandbox",
        }


def docker_client() -> Any:
    """A connected Docker SDK client, or DockerUnavailable saying what is missing."""
    try:
        from docker.errors import DockerException

        import docker
    except ImportError as exc:
        raise DockerUnavailable(
            "the docker backend needs the Docker SDK: pip install 'rlvr[sandbox]'") from exc
    try:
        client = docker.from_env(timeout=60)
        client.ping()
    except DockerException as exc:
        raise DockerUnavailable(f"cannot reach the Docker daemon ({exc}); start dockerd or use "
                                "backend='local' for development (no isolation)") from exc
    return client


def owner_id(pid: int | None = None) -> str:
    """Who owns an executor, unambiguous on this host: boot id, pid namespace, pid and the pid's start time
    (a pid reused after its owner died has another start time)."""
    pid = os.getpid() if pid is None else pid
    return f"{_boot_id()}:{_pid_namespace()}:{pid}:{_start_time(pid)}"


def owner_alive(owner: str) -> bool | None:
    """Whether the process `owner` names still runs; None when it is not this host's (or this pid
    namespace's) to judge, as for an owner on another machine sharing the daemon."""
    parts = owner.split(":")
    if len(parts) != 4 or not parts[2].isdigit():
        return None
    boot, namespace, pid, started = parts
    if boot != _boot_id() or namespace != _pid_namespace():
        return None
    return _start_time(int(pid)) == started


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "unknown-boot"


def _pid_namespace() -> str:
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "unknown-ns"


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot; "" when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[19]  # field 22; the command name before ")" may hold spaces


def reap_orphans(client: Any, temp_root: str | None = None) -> tuple[int, int]:
    """Remove executor containers and socket directories whose owner died on this host; leave everything
    else alone (live owners, other hosts, containers without an owner label). Returns (containers, dirs)."""
    containers = 0
    try:
        labelled = client.containers.list(all=True, filters={"label": OWNER_LABEL}, ignore_removed=True)
    except Exception as exc:  # docker-py's APIError or a connection error: reaping is best effort
        log.warning("could not list executor containers to reap orphans: %s", exc)
        labelled = []
    for container in labelled:
        if owner_alive(container.labels.get(OWNER_LABEL, "")) is False:
            DockerExecutors._remove(container)
            containers += 1
    directories = 0
    for root in Path(temp_root or tempfile.gettempdir()).glob(ROOT_PREFIX + "*"):
        try:
            owner = (root / "owner").read_text().strip()
        except OSError:
            continue  # not made by a pool that writes owners, or not ours to read
        if owner_alive(owner) is False:
            shutil.rmtree(root, ignore_errors=True)
            directories += 1
    if containers or directories:
        log.warning("removed %d executor container(s) and %d socket dir(s) left by dead rlvr processes",
                    containers, directories)
    return containers, directories


class DockerExecutors:
    """`count` executor containers. `heal` replaces one that is dead, wedged, or breached."""

    python: str | None = None

    def __init__(self, *, count: int, spec: ContainerSpec, start_timeout_s: float = 30.0):
        self.spec = spec
        self._client = docker_client()
        self._timeout = start_timeout_s
        try:
            self._client.images.get(spec.image)
        except Exception as exc:
            if type(exc).__name__ == "ImageNotFound":
                raise ImageNotFound(f"executor image {spec.image!r} is not built: run .ci/setup-docker.sh "
                                    "or `rlvr sandbox build`") from exc
            raise DockerUnavailable(f"cannot inspect image {spec.image!r}: {exc}") from exc
        reap_orphans(self._client)
        self._owner = owner_id()
        self._root = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX))
        (self._root / "owner").write_text(self._owner + "\n")
        self._tag = secrets.token_hex(4)
        self._uid_base = 100_000 + secrets.randbelow(10_000) * 1_000
        self.socket_paths = [str(self._socket_dir(i) / "executor.sock") for i in range(count)]
        self._containers: list[Any] = [None] * count
        try:
            with ThreadPoolExecutor(max_workers=count) as pool:
                list(pool.map(self._start, range(count)))
        except BaseException:
            self.close()
            raise

    def _socket_dir(self, index: int) -> Path:
        return self._root / f"e{index}"

    def _start(self, index: int) -> None:
        directory = self._socket_dir(index)
        directory.mkdir(exist_ok=True)
        # Root in the container owns a root-owned dir; a non-root host user needs a dir that container
        # root (which has no CAP_DAC_OVERRIDE) may write. Jobs never see it: its parent in the
        # image is root-only, and the host-side parent (mkdtemp) is private to this user.
        directory.chmod(0o700 if os.geteuid() == 0 else 0o777)
        name = f"rlvr-exec-{self._tag}-{index}-{secrets.token_hex(2)}"
        kwargs = self.spec.run_kwargs(str(directory), self._uid_base + index * self.spec.slots, name, self._owner)
        try:
            container = self._client.containers.run(**kwargs)
        except Exception as exc:
            raise ExecutorStartError(
                f"cannot start executor container from {self.spec.image}: {exc}") from exc
        self._containers[index] = container
        wait_ready(self.socket_paths[index], self._timeout, alive=lambda: self._running(container))

    @staticmethod
    def _running(container: Any) -> bool:
        try:
            container.reload()
        except Exception:
            return False
        return container.status in ("created", "running")

    def container(self, index: int) -> Any:
        return self._containers[index]

    def heal(self, index: int, *, force: bool) -> None:
        container = self._containers[index]
        if not force and container is not None and self._running(container) and ping(self.socket_paths[index]):
            return
        log.warning("replacing sandbox executor container %d", index)
        self._remove(container)
        self._start(index)

    @staticmethod
    def _remove(container: Any) -> None:
        if container is None:
            return
        try:
            container.remove(force=True)
        except Exception as exc:
            # auto_remove may have removed a container that died already (404, or 409 while in progress)
            quiet = getattr(getattr(exc, "response", None), "status_code", None) in (404, 409)
            (log.debug if quiet else log.warning)("could not remove executor container %s: %s",
                                                  getattr(container, "name", "?"), exc)

    def close(self) -> None:
        """Remove our executors, and reap orphans again: an owner that was still dying when we started (a Ray
        actor restarted while its lost predecessor exited) has died by now."""
        for index, container in enumerate(self._containers):
            self._remove(container)
            self._containers[index] = None
        shutil.rmtree(self._root, ignore_errors=True)
        reap_orphans(self._client)
