"""Remote env sessions: live Gymnasium envs keyed by an unguessable id, with idle expiry and a cap.

An env's `step` is synchronous (it waits for its check), so it runs in a thread; a lock per session
keeps one client's concurrent steps in order. Envs are made on the server's Runtime (`runtime=`), so
sessions and /verify share one worker pool and one sandbox.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import anyio
import gymnasium

from rlvr.errors import ConfigError, RlvrError
from rlvr.registry import is_registered, remote_kwargs
from rlvr.runtime import Runtime
from rlvr.server.errors import Busy, Internal, Invalid, NotFound

log = logging.getLogger(__name__)


@dataclass
class Session:
    env_id: str
    env: gymnasium.Env
    last_used: float
    done: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class SessionStore:
    def __init__(self, runtime: Runtime, *, max_sessions: int, ttl_s: float, retry_after_s: int):
        self.runtime = runtime
        self.max_sessions = max_sessions
        self.ttl_s = ttl_s
        self.retry_after_s = retry_after_s
        self._sessions: dict[str, Session] = {}
        self._starting = 0

    def __len__(self) -> int:
        return len(self._sessions)

    async def reset(self, env_id: str, seed: int | None, options: dict[str, Any] | None, *,
                    kwargs: dict[str, Any] | None = None, level: int | None = None) -> tuple[str, str, dict]:
        """Make an env (with the client's constructor `kwargs`, at `level`), reset it, and keep it; returns
        (session id, observation, info)."""
        if not is_registered(env_id):
            raise NotFound(f"unknown env {env_id!r}; GET /envs lists the registered ones")
        self.sweep()
        if len(self._sessions) + self._starting >= self.max_sessions:
            raise Busy(
                f"{self.max_sessions} sessions are live (RLVR_MAX_SESSIONS); finish or DELETE some, "
                "or retry when idle ones expire",
                retry_after_s=self.retry_after_s,
            )
        self._starting += 1  # holds a slot while the env starts in a thread
        try:
            env = await self._made(env_id, kwargs or {}, level)
            observation, info = await self._first(env, seed, options)
        finally:
            self._starting -= 1
        session_id = secrets.token_urlsafe(16)
        self._sessions[session_id] = Session(env_id, env, time.monotonic())
        return session_id, observation, info

    async def _made(self, env_id: str, kwargs: dict[str, Any], level: int | None) -> gymnasium.Env:
        """The env on the server's runtime. Only the kwargs its class declares safe are taken (one may name a
        file of the server's); a value it refuses is the client's mistake (422), never a 500."""
        allowed = remote_kwargs(env_id)
        refused = sorted(set(kwargs) - set(allowed))
        if refused:
            raise Invalid(f"env {env_id!r} takes no kwargs {refused} from a client; it takes {allowed}")
        chosen = bool(kwargs) or level is not None
        try:
            return await anyio.to_thread.run_sync(self._make, env_id, kwargs, level)
        except ConfigError as exc:  # a deliberate message that says what to do (a bad level, a missing extra)
            raise Invalid(f"env {env_id!r} cannot start {'with these kwargs' if chosen else 'here'}: {exc}") from None
        except Exception as exc:
            if chosen and isinstance(exc, (TypeError, ValueError)):  # a value of a type the env did not check
                raise Invalid(f"env {env_id!r} refused the kwargs {sorted(kwargs)}: check their types against "
                              "docs/envs") from None
            log.exception("creating env %s failed", env_id)  # our problem: log it, never echo it
            raise Internal(f"env {env_id!r} could not be created; see the server log") from None

    async def _first(self, env: gymnasium.Env, seed: int | None, options: dict[str, Any] | None) -> tuple:
        try:
            return await anyio.to_thread.run_sync(lambda: env.reset(seed=seed, options=options))
        except RlvrError as exc:  # the env's own message: an unknown option, a task it does not hold
            env.close()
            raise Invalid(f"reset failed: {exc}") from None
        except (IndexError, KeyError, ValueError, TypeError, gymnasium.error.Error):
            env.close()
            raise Invalid("reset failed: check `options` (index in range, known task_id) and `seed`") from None

    async def step(self, session_id: str, action: str) -> tuple[str, float, bool, bool, dict]:
        session = self._get(session_id)
        async with session.lock:
            if session.done:  # a concurrent step ended the episode while this one waited
                raise NotFound("this episode has ended; POST /envs/{id}/reset starts a new session")
            result = await anyio.to_thread.run_sync(session.env.step, action)
            session.last_used = time.monotonic()
            session.done = bool(result[2] or result[3])
        if session.done:  # an ended episode frees its slot at once
            self._drop(session, session_id)
        return result

    def close(self, session_id: str) -> None:
        self._drop(self._get(session_id), session_id)

    def sweep(self) -> int:
        """Drop sessions idle longer than the TTL; returns how many."""
        cutoff = time.monotonic() - self.ttl_s
        expired = [sid for sid, s in self._sessions.items() if s.last_used < cutoff and not s.lock.locked()]
        for session_id in expired:
            self._drop(self._sessions[session_id], session_id)
        return len(expired)

    def close_all(self) -> None:
        for session_id in list(self._sessions):
            self._drop(self._sessions[session_id], session_id)

    def expires_in(self, session_id: str) -> float:
        return max(0.0, self._get(session_id).last_used + self.ttl_s - time.monotonic())

    def _get(self, session_id: str) -> Session:
        session = self._sessions.get(session_id)
        if session is None or session.last_used < time.monotonic() - self.ttl_s:
            raise NotFound("no such session (unknown, ended, closed or expired); POST /envs/{id}/reset starts one")
        return session

    def _drop(self, session: Session, session_id: str) -> None:
        self._sessions.pop(session_id, None)
        try:
            session.env.close()
        except Exception:  # a failing close must not keep the slot; log it for the env's owner
            log.exception("closing env %s failed", session.env_id)

    def _make(self, env_id: str, kwargs: dict[str, Any], level: int | None) -> gymnasium.Env:
        env = gymnasium.make(env_id, runtime=self.runtime, **kwargs)
        if level is None:
            return env
        try:
            set_difficulty = getattr(env.unwrapped, "set_difficulty", None)
            if set_difficulty is None:
                raise ConfigError("this env has no difficulty levels")
            set_difficulty(level)
        except BaseException:
            env.close()
            raise
        return env
