"""Slows down password guessing on the agent login: after a few failures for one username,
or from one address, further attempts are refused for a while (429 with Retry-After).

Every attempt is counted as a failure *before* its password is checked (`reserve`, which
checks and counts in one step on the event loop), and refunded only when it succeeds: so of
many guesses sent at once, at most `max_failures` get as far as bcrypt.

In memory, per gateway process: several processes each keep their own count, which still
bounds guessing to a few tries per window per process.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

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


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._max, self._window, self._clock = max_failures, window, clock
        self._failures: dict[Hashable, deque[float]] = {}

    def reserve(self, username_key: Hashable, *other_keys: Hashable) -> Attempt:
        """Counts a failure against every key, or raises Throttled (counting nothing) when any
        of them has had too many in the window."""
        now, keys = self._clock(), (username_key, *other_keys)
        wait = max(self._wait(key, now) for key in keys)
        if wait:
            raise Throttled(wait)
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)
        return Attempt(keys, now)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: the username's failures are forgotten, and the attempt no
        longer counts against the other keys (the address)."""
        self._failures.pop(attempt.keys[0], None)
        self._refund(attempt.keys[1:], attempt.at)

    def not_checked(self, attempt: Attempt) -> None:
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
