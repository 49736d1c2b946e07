"""Slows down password guessing on the agent login: after a few failures for one username,
or from one address, further attempts are refused for a while (429 with Retry-After).

Every attempt is counted as a failure *before* its password is checked (`reserve`, which
checks and counts in one step: on the event loop, or in one Lua script in Redis), and
refunded only when it succeeds: so of many guesses sent at once, at most `max_failures` get
as far as bcrypt.

`LoginThrottle` counts in memory, for one gateway process. `RedisLoginThrottle` (REDIS_URL)
counts in Redis, for every gateway process at once: per key a sorted set of attempts scored
by the time they were made, which expires with the window.
"""
from __future__ import annotations

import json
import secrets
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Protocol

from redis.asyncio import Redis  # type: ignore[import-untyped]

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """A reserved attempt: a failure counted, at `at`, against each of `keys` (the username's first)."""

    keys: tuple[Hashable, ...]
    at: float
    token: str = field(default_factory=lambda: secrets.token_hex(8))  # its own, in Redis


class Throttle(Protocol):
    async def reserve(self, username_key: Hashable, *other_keys: Hashable) -> Attempt:
        """Counts a failure against every key, or raises Throttled (counting nothing) when any
        of them has had too many in the window."""

    async def succeeded(self, attempt: Attempt) -> None:
        """The password was right: the username's failures are forgotten, and the attempt no
        longer counts against the other keys (the address)."""

    async def not_checked(self, attempt: Attempt) -> None:
        """The password was never checked (the server was too busy): it counts for nothing."""


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._max, self._window, self._clock = max_failures, window, clock
        self._failures: dict[Hashable, deque[float]] = {}

    async def reserve(self, username_key: Hashable, *other_keys: Hashable) -> Attempt:
        """Counts a failure against every key, or raises Throttled (counting nothing) when any
        of them has had too many in the window."""
        now, keys = self._clock(), (username_key, *other_keys)
        wait = max(self._wait(key, now) for key in keys)
        if wait:
            raise Throttled(wait)
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)
        return Attempt(keys, now)

    async def succeeded(self, attempt: Attempt) -> None:
        """The password was right: the username's failures are forgotten, and the attempt no
        longer counts against the other keys (the address)."""
        self._failures.pop(attempt.keys[0], None)
        self._refund(attempt.keys[1:], attempt.at)

    async def not_checked(self, attempt: Attempt) -> None:
        """The password was never checked (the server was too busy): it counts for nothing."""
        self._refund(attempt.keys, attempt.at)

    def _refund(self, keys: tuple[Hashable, ...], at: float) -> None:
        for key in keys:
            failures = self._failures.get(key)
            if failures is not None and at in failures:
                failures.remove(at)
                if not failures:
                    self._failures.pop(key, None)

    def _wait(self, key: Hashable, now: float) -> int:
        failures = self._forget_old(key, now)
        if len(failures) < self._max:
            return 0
        return max(1, int(failures[-self._max] + self._window - now) + 1)

    def _forget_old(self, key: Hashable, now: float) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures


# KEYS: the attempt's keys; ARGV: now, window, max failures, the attempt's token. 0 when it is
# counted, else the seconds to wait (the in-memory arithmetic, below, in Lua).
_RESERVE = """
local now, window, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = 0
for _, key in ipairs(KEYS) do
  redis.call('zremrangebyscore', key, '-inf', now - window)
  if redis.call('zcard', key) >= max then
    local oldest = tonumber(redis.call('zrange', key, -max, -max, 'withscores')[2])
    wait = math.max(wait, math.max(1, math.floor(oldest + window - now) + 1))
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('zadd', key, now, ARGV[4])
  redis.call('pexpire', key, math.ceil(window * 1000))
end
return 0
"""


class RedisLoginThrottle:
    """The same counting, in Redis, shared by every gateway process. Times are the gateways'
    wall clocks (`time.time`), which agree across machines well enough for a 15-minute window."""

    def __init__(self, redis: Redis, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.time, *, prefix: str = "bot:login:") -> None:
        self._redis, self._prefix = redis, prefix
        self._max, self._window, self._clock = max_failures, window, clock
        self._reserve = redis.register_script(_RESERVE)

    async def reserve(self, username_key: Hashable, *other_keys: Hashable) -> Attempt:
        attempt = Attempt((username_key, *other_keys), self._clock())
        wait = await self._reserve(keys=self._names(attempt.keys),
                                   args=[repr(attempt.at), repr(float(self._window)), self._max,
                                         attempt.token])
        if int(wait):
            raise Throttled(int(wait))
        return attempt

    async def succeeded(self, attempt: Attempt) -> None:
        username, *others = self._names(attempt.keys)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(username)
            for name in others:
                pipe.zrem(name, attempt.token)
            await pipe.execute()

    async def not_checked(self, attempt: Attempt) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for name in self._names(attempt.keys):
                pipe.zrem(name, attempt.token)
            await pipe.execute()

    def _names(self, keys: tuple[Hashable, ...]) -> list[str]:
        return [self._prefix + json.dumps(key, default=str, ensure_ascii=False) for key in keys]
