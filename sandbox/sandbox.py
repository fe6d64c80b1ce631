"""`Sandbox`: the one entry point. Pick a backend, run code, get an ExecResult."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

from rlvr.sandbox.client import PROTOCOL, ExecutorPool, Provider, ping
from rlvr.sandbox.errors import LimitsError, SandboxClosed
from rlvr.sandbox.fleet import Fleet
from rlvr.sandbox.languages import LANGUAGES, LanguageSpec
from rlvr.sandbox.limits import Limits
from rlvr.sandbox.result import ExecResult

Backend = Literal["docker", "local", "sockets"]


@dataclass(frozen=True)
class Job:
    """One program to run; the batch API takes these (or dicts with the same keys)."""

    code: str
    language: str = "python"
    stdin: str = ""
    files: Mapping[str, str | bytes] | None = None
    limits: Limits | None = None


class Sandbox:
    """Runs untrusted code.

    backend="docker": a pool of warm hardened executor containers (needs Docker and the executor image;
        raises DockerUnavailable/ImageNotFound, never falls back).
    backend="local": the same executor as a host process. NOT a security boundary; development only.
    backend="sockets": connect to executors someone else runs (e.g. a compose service) at `sockets`, and to
        any that serve a `*.sock` in `socket_dir` now or later. One that dies leaves rotation (the job it held
        runs again on another); one that appears joins within seconds (see rlvr.sandbox.fleet).

    `executors` containers times `slots` connections each is how many jobs run at once.
    """

    def __init__(self, backend: Backend = "docker", *, executors: int = 2, slots: int = 4,
                 limits: Limits | None = None, image: str | None = None,
                 sockets: Sequence[str] | None = None, socket_dir: str | None = None, container: Any = None,
                 grace_s: float = 5.0):
        if executors < 1 or slots < 1:
            raise LimitsError(f"executors and slots must be >= 1, got {executors} and {slots}")
        self.backend = backend
        self.limits = limits or Limits()
        self._pool: ExecutorPool | Fleet
        if backend == "sockets":
            if not sockets and not socket_dir:
                raise LimitsError("backend='sockets' needs sockets=[paths of executor sockets] or socket_dir=")
            self.provider: Provider | None = None
            self._pool = Fleet(paths=sockets or (), directory=socket_dir, slots=slots, grace_s=grace_s)
            # Threads start on demand; a fleet can grow after this, so leave room for it.
            threads = max(self._pool.capacity, 32 * slots)
        else:
            self.provider = self._provider(backend, executors, slots, image, container)
            self._pool = ExecutorPool(self.provider, slots, grace_s=grace_s)
            threads = self._pool.capacity
        self._python = self.provider.python if self.provider is not None else None
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="rlvr-sandbox")
        self._closed = False

    @staticmethod
    def _provider(backend: str, executors: int, slots: int, image: str | None, container: Any) -> Provider:
        if backend == "docker":
            from rlvr.sandbox.docker_pool import ContainerSpec, DockerExecutors

            # Spare slots in each container let other clients (`backend="sockets"`) connect too.
            spec = container or ContainerSpec(slots=max(slots, ContainerSpec.slots))
            if image:
                spec = ContainerSpec(**{**spec.__dict__, "image": image})
            if spec.slots < slots:
                spec = ContainerSpec(**{**spec.__dict__, "slots": slots})
            return DockerExecutors(count=executors, spec=spec)
        if backend == "local":
            from rlvr.sandbox.local import LocalExecutors

            return LocalExecutors(slots=slots)
        raise LimitsError(f"unknown sandbox backend {backend!r}; choose 'docker', 'local' or 'sockets'")

    @property
    def heals(self) -> int:
        """How many times an executor was found broken and healed (replaced, for the docker backend)."""
        return self._pool.heals

    @property
    def capacity(self) -> int:
        """How many jobs run at once (on the live executors, for backend="sockets")."""
        return self._pool.capacity

    @property
    def executors(self) -> int:
        """Executors in rotation now."""
        return len(self.socket_paths)

    @property
    def lost(self) -> int:
        """Executors taken out of rotation because they died (backend="sockets"; the others replace them)."""
        return self._pool.lost if isinstance(self._pool, Fleet) else 0

    @property
    def socket_paths(self) -> list[str]:
        """The sockets of the executors in rotation now."""
        if self.provider is None:
            return self._pool.socket_paths  # type: ignore[union-attr]
        return list(self.provider.socket_paths)

    @property
    def busy(self) -> int:
        """Jobs running now (saturation = busy / capacity)."""
        return self._pool.busy

    @property
    def waiting(self) -> int:
        """Jobs waiting for a free slot."""
        return self._pool.waiting

    def answers(self, timeout_s: float = 0.5, *, recent_s: float = 10.0) -> bool:
        """A readiness check: an executor answered a job in the last `recent_s` seconds, or one answers a
        ping within `timeout_s`. The first spares a busy pool the ping, for which an executor whose
        connections are all in use has no slot."""
        if self._closed:
            return False
        if time.monotonic() - self._pool.last_answer < recent_s:
            return True
        return any(ping(path, timeout_s) for path in self.socket_paths)

    def run(self, code: str, *, language: str = "python", stdin: str = "",
            files: Mapping[str, str | bytes] | None = None, limits: Limits | None = None) -> ExecResult:
        """Run one program and wait for its result. Program failures are statuses, not exceptions."""
        request, payload, timeout_s = self._request(code, language, stdin, files, limits)
        return self._pool.run(request, payload, timeout_s)

    def submit(self, code: str, *, language: str = "python", stdin: str = "",
               files: Mapping[str, str | bytes] | None = None, limits: Limits | None = None) -> Future:
        """Queue one program; the future's result is its ExecResult."""
        if self._closed:
            raise SandboxClosed("the sandbox is closed")
        request, payload, timeout_s = self._request(code, language, stdin, files, limits)
        return self._threads.submit(self._pool.run, request, payload, timeout_s)

    def run_many(self, jobs: Iterable[Job | Mapping[str, Any]]) -> list[ExecResult]:
        """Run many programs concurrently; results come back in input order."""
        futures = [self.submit(**_job_kwargs(job)) for job in jobs]
        return [future.result() for future in futures]

    async def arun(self, code: str, **kwargs: Any) -> ExecResult:
        """`run` for asyncio code: awaits without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(code, **kwargs))

    async def arun_many(self, jobs: Iterable[Job | Mapping[str, Any]]) -> list[ExecResult]:
        futures = [asyncio.wrap_future(self.submit(**_job_kwargs(job))) for job in jobs]
        return list(await asyncio.gather(*futures))

    def _request(self, code: str, language: str, stdin: str, files: Mapping[str, str | bytes] | None,
                 limits: Limits | None) -> tuple[dict[str, Any], bytes, float]:
        """The job's header, and its raw payload: the code, stdin, then each file (the executor zeroes it
        once it is written out, so that a job cannot find another job's inputs in its memory)."""
        spec = _language(language)
        run_limits = spec.limits_for(limits or self.limits)
        compile_limits = spec.compile_limits or run_limits
        code_bytes, stdin_bytes = code.encode(), stdin.encode()
        table, contents = _wire_files(files)
        request = {
            "protocol": PROTOCOL,
            "code_len": len(code_bytes),
            "stdin_len": len(stdin_bytes),
            "files": table,
            "language": spec.to_wire(python=self._python, limits=run_limits),
            "limits": run_limits.to_wire(),
            "compile_limits": compile_limits.to_wire(),
        }
        timeout_s = run_limits.wall_time_s + (compile_limits.wall_time_s if spec.compile else 0.0)
        return request, b"".join([code_bytes, stdin_bytes, *contents]), timeout_s

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._threads.shutdown(wait=True, cancel_futures=True)
        self._pool.close()
        if self.provider is not None:
            self.provider.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _language(name: str) -> LanguageSpec:
    try:
        return LANGUAGES[name]
    except KeyError:
        raise LimitsError(f"unknown language {name!r}; known: {sorted(LANGUAGES)}") from None


def _wire_files(files: Mapping[str, str | bytes] | None) -> tuple[list[tuple[str, int]], list[bytes]]:
    """The file table (name, size) and the contents, in the same order."""
    table: list[tuple[str, int]] = []
    contents: list[bytes] = []
    for name, content in (files or {}).items():
        if not isinstance(name, str) or any(part in ("", ".", "..") for part in name.split("/")):
            raise LimitsError(f"file names must be relative paths inside the work dir, got {name!r}")
        if isinstance(content, str):
            content = content.encode()
        elif not isinstance(content, bytes):
            raise LimitsError(f"file {name!r} must be str or bytes, got {type(content).__name__}")
        table.append((name, len(content)))
        contents.append(content)
    return table, contents


def _job_kwargs(job: Job | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(job, Job):
        return {"code": job.code, "language": job.language, "stdin": job.stdin, "files": job.files,
                "limits": job.limits}
    return dict(job)
