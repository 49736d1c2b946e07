"""The chat's protection in itself: the token bucket's arithmetic (properties over generated
rules and message times), the in-process limiter that drops idle buckets, Retry-After's whole
seconds, the backlog's count, and the settings that configure them."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.gateway.backlog import Backlog
from bot.gateway.rate_limit import (
    Bucket,
    LocalRateLimiter,
    NoRateLimit,
    TokenBucket,
    local_rate_limiter,
    retry_after,
)
from bot.runtime.settings import Settings

rules = st.builds(TokenBucket, st.integers(1, 10),
                  st.floats(0.01, 120, allow_nan=False, allow_infinity=False))
gaps = st.lists(st.floats(0, 30, allow_nan=False, allow_infinity=False), max_size=40)
START = 1000.0  # a monotonic clock's reading, not 0


def times(start: float, gaps_between: list[float]) -> list[float]:
    at, out = start, []
    for gap in gaps_between:
        at += gap
        out.append(at)
    return out


def run(rule: TokenBucket, at: list[float]) -> tuple[Bucket | None, list[float | None]]:
    bucket, waits = None, []
    for now in at:
        bucket, wait = rule.take(bucket, now)
        waits.append(wait)
    return bucket, waits


def checked(limiter, key: str) -> float | None:
    """`check` run to its end without an event loop: it must not suspend (so it is one
    atomic step on the gateway's loop)."""
    step = limiter.check(key)
    try:
        step.send(None)
    except StopIteration as done:
        return done.value
    step.close()
    raise AssertionError("the check suspended")


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# The bucket's arithmetic

@given(rules, st.floats(0, 1e6, allow_nan=False))
def test_a_new_bucket_lets_a_burst_through_then_waits_one_interval(rule, start):
    bucket, waits = run(rule, [start] * (rule.burst + 1))
    assert waits[:-1] == [None] * rule.burst
    assert waits[-1] == pytest.approx(rule.interval)
    assert bucket is not None and bucket.tokens == pytest.approx(0, abs=1e-9)


@given(rules, gaps)
def test_never_more_than_the_burst_plus_one_per_interval_in_any_stretch(rule, gaps_between):
    at = times(START, gaps_between)
    _, waits = run(rule, at)
    accepted = [now for now, wait in zip(at, waits, strict=True) if wait is None]
    for i, first in enumerate(accepted):
        for j in range(i, len(accepted)):
            assert j - i + 1 <= rule.burst + (accepted[j] - first) / rule.interval + 1e-6


@given(rules, gaps)
def test_tokens_stay_within_the_bucket_and_waits_within_one_interval(rule, gaps_between):
    bucket = None
    for now in times(START, gaps_between):
        bucket, wait = rule.take(bucket, now)
        assert -1e-12 <= bucket.tokens <= rule.burst
        assert wait is None or 0 < wait <= rule.interval + 1e-9


@given(rules, gaps, st.floats(0, 30, allow_nan=False))
def test_a_refusal_takes_nothing_and_its_wait_is_exactly_enough(rule, gaps_between, gap):
    at = times(START, gaps_between)
    bucket, _ = run(rule, at)
    now = (at[-1] if at else START) + gap
    # Sent again at `now` until refused (a burst at most): every case ends in a refusal, so
    # none is filtered away.
    after, wait = rule.take(bucket, now)
    for _ in range(rule.burst):
        if wait is not None:
            break
        after, wait = rule.take(after, now)
    assert wait is not None
    again, wait_again = rule.take(after, now)  # asking again changes nothing
    assert wait_again == pytest.approx(wait) and again.tokens == pytest.approx(after.tokens)
    assert rule.take(after, now + wait)[1] is None  # waited out: it goes
    if wait > 1e-6 * rule.interval:  # a visible shortfall: a little before, it does not
        assert rule.take(after, now + wait * (1 - 1e-3))[1] is not None


@given(rules, st.floats(0, 1e6, allow_nan=False))
def test_a_clock_that_goes_back_adds_no_tokens(rule, start):
    bucket, _ = run(rule, [start] * rule.burst)
    assert rule.tokens(bucket, start - 100) == pytest.approx(bucket.tokens)


@pytest.mark.parametrize(("burst", "interval"), [(0, 2), (-1, 2), (3, 0), (3, -1), (3, math.inf),
                                                 (3, math.nan)])
def test_a_rule_that_could_never_let_a_message_through_is_refused(burst, interval):
    with pytest.raises(ValueError, match="token bucket"):
        TokenBucket(burst, interval)


# Retry-After

@given(st.floats(1e-9, 1e6, allow_nan=False))
def test_retry_after_is_whole_seconds_no_less_than_the_wait(wait):
    seconds = retry_after(wait)
    assert isinstance(seconds, int) and seconds >= 1
    assert wait - 1e-9 <= seconds < wait + 1


def test_retry_after_rounds_up():
    assert [retry_after(w) for w in (0.01, 1.0, 1.0000001, 1.5, 2.0)] == [1, 1, 2, 2, 2]


# The in-process limiter

def test_the_limiter_counts_each_key_apart():
    clock = Clock()
    limiter = LocalRateLimiter(TokenBucket(2, 2.0), clock)
    assert [checked(limiter, "a") for _ in range(3)] == [None, None, pytest.approx(2.0)]
    assert checked(limiter, "b") is None
    clock.now += 1.5
    assert checked(limiter, "a") == pytest.approx(0.5)
    clock.now += 0.5
    assert checked(limiter, "a") is None


@given(rules, st.lists(st.tuples(st.sampled_from("abcdef"), st.floats(0, 20, allow_nan=False)),
                       max_size=60))
def test_dropping_idle_buckets_changes_no_answer_and_keeps_only_recent_ones(rule, sends):
    """Against a reference that keeps every bucket for ever: the same answer every time, and
    memory holds only keys used within the last `burst × interval` seconds."""
    clock = Clock()
    limiter, kept, last_used = LocalRateLimiter(rule, clock), {}, {}
    for key, gap in sends:
        clock.now += gap
        kept[key], expected = rule.take(kept.get(key), clock.now)
        last_used[key] = clock.now
        answer = checked(limiter, key)
        assert (answer is None) == (expected is None)
        if expected is not None:
            assert answer == pytest.approx(expected)
        recent = [k for k, at in last_used.items() if clock.now - at < rule.refill_seconds]
        assert limiter.held <= max(1, len(recent))


def test_buckets_full_again_are_forgotten():
    clock = Clock()
    limiter = LocalRateLimiter(TokenBucket(3, 2.0), clock)
    for key in ("a", "b", "c"):
        checked(limiter, key)
    assert limiter.held == 3
    clock.now += 2.0 * 3  # every one of them full again
    checked(limiter, "d")
    assert limiter.held == 1


def test_an_interval_of_0_means_no_limit():
    limiter = local_rate_limiter(burst=1, interval=0)
    assert isinstance(limiter, NoRateLimit)
    assert [checked(limiter, "a") for _ in range(100)] == [None] * 100
    assert isinstance(local_rate_limiter(burst=5, interval=2), LocalRateLimiter)


# The backlog

def test_the_backlog_admits_up_to_its_limit_and_counts_the_refused():
    backlog = Backlog(2)
    assert (backlog.depth, backlog.limit, backlog.refused) == (0, 2, 0)
    assert [backlog.try_enter() for _ in range(3)] == [True, True, False]
    assert (backlog.depth, backlog.refused) == (2, 1)
    backlog.leave()
    assert backlog.try_enter() and backlog.depth == 2
    backlog.leave()
    backlog.leave()
    assert backlog.depth == 0
    with pytest.raises(RuntimeError):
        backlog.leave()


@pytest.mark.parametrize("limit", [0, -1])
def test_a_backlog_without_room_is_refused(limit):
    with pytest.raises(ValueError, match="at least 1"):
        Backlog(limit)


# The settings

def test_the_defaults_suit_a_phone_chat_and_can_be_set():
    settings = Settings.from_env({})
    assert (settings.chat_rate_burst, settings.chat_rate_interval, settings.chat_max_in_flight) == (
        5, 2.0, 100)
    settings = Settings.from_env({"CHAT_RATE_BURST": "3", "CHAT_RATE_INTERVAL_SECONDS": "1.5",
                                  "CHAT_MAX_IN_FLIGHT": " 40 "})
    assert (settings.chat_rate_burst, settings.chat_rate_interval, settings.chat_max_in_flight) == (
        3, 1.5, 40)
    assert Settings.from_env({"CHAT_RATE_INTERVAL_SECONDS": "0"}).chat_rate_interval == 0
    assert Settings.from_env({"CHAT_RATE_BURST": ""}).chat_rate_burst == 5  # empty: the default


@pytest.mark.parametrize("name", ["CHAT_RATE_BURST", "CHAT_MAX_IN_FLIGHT"])
@pytest.mark.parametrize("value", ["0", "-1", "1.5", "ten", "1e3", "\u0663", "\uff15"])
def test_a_count_that_is_not_a_positive_whole_number_is_refused(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a whole number above 0"):
        Settings.from_env({name: value})


@pytest.mark.parametrize("value", ["-1", "-0.5", "inf", "nan", "1e3", ".5", "1.", "1.2.3", "two",
                                   "\uff12", "0x10", "1" * 13])
def test_an_interval_that_is_not_a_plain_number_of_seconds_is_refused(value):
    with pytest.raises(ValueError, match="CHAT_RATE_INTERVAL_SECONDS must be a number of seconds"):
        Settings.from_env({"CHAT_RATE_INTERVAL_SECONDS": value})
