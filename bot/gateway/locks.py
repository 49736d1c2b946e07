"""Named locks: `async with app[LOCKS](key): ...` holds `key` against every other holder.

`KeyedLocks` serves one gateway process: asyncio locks that exist only while someone holds or
awaits them. `RedisLocks` serves several (REDIS_URL): a lock in Redis with a random token,
taken with `SET key token NX PX ttl`, its expiry pushed back while it is held, and released
(deleted) only by the holder of that token; a gateway that dies holding one frees it when the
expiry runs out. Inside one process the waiters queue on an asyncio lock first, so that only
one of them at a time asks Redis.

A Redis that cannot be reached makes taking a lock raise `LockUnavailable` (nothing is held);
`within_process(key)` is the process's own lock on the key, all that is left then.
"""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
import weakref
from collections.abc import Hashable
from contextlib import AbstractAsyncContextManager, suppress
from types import TracebackType
from typing import Any, Protocol

from redis.asyncio import Redis  # type: ignore[import-untyped]
from redis.exceptions import RedisError  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)

LOCK_SECONDS = 15.0  # a holder that stops refreshing (it died) holds the lock this long at most
POLL_SECONDS = (0.002, 0.005, 0.01, 0.02, 0.05)  # then every 50 ms, while another process holds it

# Only the holder's token may extend or release a lock.
_REFRESH = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
           "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
           "return redis.call('del', KEYS[1]) else return 0 end"


_forgotten: set[asyncio.Future] = set()  # releases nobody awaits, kept from the garbage collector


class LockUnavailable(Exception):
    """The shared lock could not be taken: its store (Redis) is unreachable. Nothing is held."""


class Locks(Protocol):
    def __call__(self, key: Hashable) -> AbstractAsyncContextManager[Any]:
        """A lock on `key`, for `async with`; LockUnavailable when it cannot be taken."""

    def within_process(self, key: Hashable) -> asyncio.Lock:
        """This process's lock on `key`: it keeps out this process's other holders only."""


class KeyedLocks:
    def __init__(self) -> None:
        # Weak values: a lock nobody holds or awaits is dropped, so keys don't pile up.
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def __call__(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def within_process(self, key: Hashable) -> asyncio.Lock:
        return self(key)  # there is no other process to keep out


class RedisLocks:
    def __init__(self, redis: Redis, *, prefix: str = "bot:lock:", ttl: float = LOCK_SECONDS) -> None:
        self._redis, self._prefix, self._ttl = redis, prefix, ttl
        self._local = KeyedLocks()
        self._refresh = redis.register_script(_REFRESH)
        self._release = redis.register_script(_RELEASE)

    def __call__(self, key: Hashable) -> RedisLock:
        return RedisLock(self, key)

    def within_process(self, key: Hashable) -> asyncio.Lock:
        return self._local(key)  # what every holder here queues on before asking Redis

    def name(self, key: Hashable) -> str:
        return self._prefix + json.dumps(key, default=str, ensure_ascii=False)


class RedisLock:
    """One holding of a key: made by `RedisLocks(key)`, entered once."""

    def __init__(self, locks: RedisLocks, key: Hashable) -> None:
        self._locks, self._key, self._name = locks, key, locks.name(key)
        self._token = secrets.token_hex(16)
        self._local = locks._local(key)
        self._keeping: asyncio.Task | None = None

    async def __aenter__(self) -> None:
        await self._local.acquire()
        try:
            await self._acquire()
        except BaseException:
            self._local.release()
            # Cancelled, perhaps after Redis set it: let go of it, if it is ours, at once.
            letting_go = asyncio.ensure_future(self._let_go())
            _forgotten.add(letting_go)
            letting_go.add_done_callback(_forgotten.discard)
            raise
        self._keeping = asyncio.create_task(self._keep())

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        try:
            if self._keeping is not None:
                self._keeping.cancel()
                await asyncio.gather(self._keeping, return_exceptions=True)
            try:
                await self._locks._release(keys=[self._name], args=[self._token])
            except RedisError as problem:  # it expires on its own
                logger.warning("could not release lock %s (%s); it expires in %.0f s",
                               self._name, problem, self._locks._ttl)
        finally:
            self._local.release()

    async def _let_go(self) -> None:
        with suppress(RedisError):  # else it expires on its own
            await self._locks._release(keys=[self._name], args=[self._token])

    async def _acquire(self) -> None:
        redis, ttl_ms = self._locks._redis, int(self._locks._ttl * 1000)
        attempt = 0
        try:
            while not await redis.set(self._name, self._token, nx=True, px=ttl_ms):
                await asyncio.sleep(POLL_SECONDS[min(attempt, len(POLL_SECONDS) - 1)])
                attempt += 1
        except RedisError as problem:
            raise LockUnavailable(f"redis unreachable ({type(problem).__name__})") from problem

    async def _keep(self) -> None:
        """Pushes the expiry back every third of it, while held."""
        ttl = self._locks._ttl
        while True:
            await asyncio.sleep(ttl / 3)
            try:
                kept = await self._locks._refresh(keys=[self._name], args=[self._token, int(ttl * 1000)])
            except RedisError as problem:
                logger.warning("could not refresh lock %s (%s)", self._name, problem)
                continue
            if not kept:
                logger.error("lock %s expired while held: another gateway may hold it now", self._name)
                return
