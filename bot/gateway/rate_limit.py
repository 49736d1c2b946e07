"""How fast one borrower may send chat messages: a token bucket per borrower.

A borrower's bucket holds at most `burst` tokens and gains one every `interval` seconds; each
message takes one. So a borrower may send a few messages at once (a burst), then one every
`interval` seconds on average. A message that finds no token is refused (429, not kept) with
the wait until the next token comes.

`RateLimiter` is what the gateway asks; `LocalRateLimiter` keeps the buckets in this process.
One shared by several gateway processes (Redis, say) needs only the same `check`: it can keep
`Bucket` as two numbers per key and apply `TokenBucket.take` in one atomic step.
"""
from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

# Float rounding: a bucket waited on for exactly the wait it was told may be 1e-16 short.
_EPSILON = 1e-9


class RateLimiter(Protocol):
    async def check(self, key: str) -> float | None:
        """Takes a token for `key`: None when there was one, else the seconds (above 0)
        until there will be, and nothing is taken."""


@dataclass(frozen=True)
class Bucket:
    tokens: float  # 0 ≤ tokens ≤ burst
    at: float  # when `tokens` was counted, on the limiter's clock


@dataclass(frozen=True)
class TokenBucket:
    """The rule: at most `burst` messages at once, then one every `interval` seconds."""

    burst: int
    interval: float  # seconds

    def __post_init__(self) -> None:
        if self.burst < 1 or not (math.isfinite(self.interval) and self.interval > 0):
            raise ValueError(f"a token bucket needs burst ≥ 1 and interval > 0, not {self}")

    def tokens(self, bucket: Bucket | None, now: float) -> float:
        """The tokens in the bucket at `now` (a new bucket is full; a clock that went back
        adds nothing)."""
        if bucket is None:
            return float(self.burst)
        return min(float(self.burst), bucket.tokens + max(0.0, now - bucket.at) / self.interval)

    def take(self, bucket: Bucket | None, now: float) -> tuple[Bucket, float | None]:
        """The bucket after a message at `now`, and None (it may go) or the wait (it may not:
        then no token is taken)."""
        tokens = self.tokens(bucket, now)
        if tokens >= 1 - _EPSILON:
            return Bucket(max(0.0, tokens - 1), now), None
        return Bucket(tokens, now), (1 - tokens) * self.interval

    def is_full(self, bucket: Bucket, now: float) -> bool:
        """Full again: the same as no bucket at all, so it may be forgotten."""
        return self.tokens(bucket, now) >= self.burst - _EPSILON

    @property
    def refill_seconds(self) -> float:
        """The longest an idle bucket takes to be full again (from empty)."""
        return self.burst * self.interval


class LocalRateLimiter:
    """The buckets in this process's memory. Those full again are dropped (a full bucket is
    what a borrower never seen gets), so memory holds only the borrowers who sent something
    in the last `burst × interval` seconds."""

    def __init__(self, rule: TokenBucket, clock: Callable[[], float] = time.monotonic) -> None:
        self.rule, self._clock = rule, clock
        # Least recently used first: the ones to look at for dropping.
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    async def check(self, key: str) -> float | None:
        now = self._clock()
        self._drop_full(now)
        bucket, wait = self.rule.take(self._buckets.pop(key, None), now)
        self._buckets[key] = bucket
        return wait

    @property
    def held(self) -> int:
        """The buckets in memory now."""
        return len(self._buckets)

    def _drop_full(self, now: float) -> None:
        # From the least recently used on, while they are full. One that is not was used in
        # the last `refill_seconds`, and so were all after it: nothing older stays.
        while self._buckets:
            key, bucket = next(iter(self._buckets.items()))
            if not self.rule.is_full(bucket, now):
                return
            del self._buckets[key]


class NoRateLimit:
    """Every message may go (CHAT_RATE_INTERVAL_SECONDS=0)."""

    async def check(self, key: str) -> float | None:
        return None


def retry_after(wait: float) -> int:
    """The whole seconds to tell the client (Retry-After): never less than the wait, nor 0."""
    return max(1, math.ceil(wait - _EPSILON))


def local_rate_limiter(burst: int, interval: float) -> RateLimiter:
    """This process's limiter for the settings' rule: none at all for an interval of 0."""
    return NoRateLimit() if interval == 0 else LocalRateLimiter(TokenBucket(burst, interval))
