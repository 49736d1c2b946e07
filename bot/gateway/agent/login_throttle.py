"""Slows down password guessing on the agent login: after a few failures for one username,
or from one address, further attempts are refused for a while (429 with Retry-After).

In memory, per gateway process: several processes each keep their own count, which still
bounds guessing to a few tries per window per process.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Callable, Hashable

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._max, self._window, self._clock = max_failures, window, clock
        self._failures: dict[Hashable, deque[float]] = {}

    def retry_after(self, *keys: Hashable) -> int:
        """Seconds until any of `keys` may try again; 0 when all may now."""
        now = self._clock()
        waits = [self._wait(key, now) for key in keys]
        return max(waits, default=0)

    def failed(self, *keys: Hashable) -> None:
        now = self._clock()
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)
            self._forget_old(key, now)

    def succeeded(self, username_key: Hashable) -> None:
        self._failures.pop(username_key, None)

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
