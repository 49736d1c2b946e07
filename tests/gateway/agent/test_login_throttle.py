"""The login throttle's arithmetic, on a clock the test moves: attempts are reserved (counted as
failures) before the password is checked, and refunded when it was right or never checked."""
import pytest

from bot.gateway.agent.login_throttle import LoginThrottle, Throttled


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def retry_after(throttle: LoginThrottle, *keys) -> int:
    """0 when an attempt for `keys` may go ahead now (it is refunded again: nothing counted)."""
    try:
        throttle.not_checked(throttle.reserve(*keys))
    except Throttled as throttled:
        return throttled.retry_after
    return 0


def test_five_failures_in_the_window_block_until_the_oldest_leaves_it():
    clock = Clock()
    throttle = LoginThrottle(max_failures=5, window=900, clock=clock)
    for _ in range(4):
        throttle.reserve("alice", "10.0.0.1")
        clock.now += 10
    assert retry_after(throttle, "alice") == 0
    throttle.reserve("alice", "10.0.0.1")
    assert retry_after(throttle, "alice") == 900 - 40 + 1
    assert retry_after(throttle, "bob", "10.0.0.1") > 0  # the address is blocked too
    clock.now += 900 - 40 + 1
    assert retry_after(throttle, "alice", "10.0.0.1") == 0


def test_an_attempt_counts_as_a_failure_as_soon_as_it_is_reserved():
    throttle = LoginThrottle(max_failures=3, window=60, clock=Clock())
    for _ in range(3):
        throttle.reserve("alice", "10.0.0.1")  # none of them has been checked yet
    with pytest.raises(Throttled) as refused:
        throttle.reserve("alice", "10.0.0.2")
    assert refused.value.retry_after == 61
    with pytest.raises(Throttled):
        throttle.reserve("carol", "10.0.0.1")


def test_a_refused_attempt_counts_nothing():
    clock = Clock()
    throttle = LoginThrottle(max_failures=1, window=60, clock=clock)
    throttle.reserve("alice", "10.0.0.1")
    for _ in range(10):
        with pytest.raises(Throttled):
            throttle.reserve("alice", "10.0.0.2")
    clock.now += 61
    throttle.reserve("bob", "10.0.0.2")  # the refusals left no failures behind for 10.0.0.2


def test_a_success_clears_the_username_and_refunds_its_own_attempt_at_the_address():
    throttle = LoginThrottle(max_failures=2, window=60, clock=Clock())
    throttle.reserve("alice", "10.0.0.1")  # a wrong password
    throttle.succeeded(throttle.reserve("alice", "10.0.0.1"))
    assert retry_after(throttle, "alice") == 0
    throttle.reserve("alice", "10.0.0.1")
    assert retry_after(throttle, "alice") == 0  # one failure since the success
    assert retry_after(throttle, "10.0.0.1") > 0  # the address keeps both wrong ones


def test_an_attempt_never_checked_is_refunded_everywhere():
    throttle = LoginThrottle(max_failures=1, window=60, clock=Clock())
    throttle.not_checked(throttle.reserve("alice", "10.0.0.1"))
    assert retry_after(throttle, "alice", "10.0.0.1") == 0
