"""The login throttle's arithmetic, on a clock the test moves."""
from bot.gateway.agent.login_throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_in_the_window_block_until_the_oldest_leaves_it():
    clock = Clock()
    throttle = LoginThrottle(max_failures=5, window=900, clock=clock)
    for _ in range(4):
        throttle.failed("alice", "10.0.0.1")
        clock.now += 10
    assert throttle.retry_after("alice") == 0
    throttle.failed("alice", "10.0.0.1")
    assert throttle.retry_after("alice") == 900 - 40 + 1
    assert throttle.retry_after("bob", "10.0.0.1") > 0  # the address is blocked too
    clock.now += 900 - 40 + 1
    assert throttle.retry_after("alice", "10.0.0.1") == 0


def test_a_success_clears_the_username_but_not_the_address():
    throttle = LoginThrottle(max_failures=2, window=60, clock=Clock())
    throttle.failed("alice", "10.0.0.1")
    throttle.succeeded("alice")
    throttle.failed("alice", "10.0.0.1")
    assert throttle.retry_after("alice") == 0
    assert throttle.retry_after("10.0.0.1") > 0
