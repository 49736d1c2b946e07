"""The supervisor's restart policy, without processes: exponential, capped, forgotten after a
healthy run; and how an exit is logged."""
from __future__ import annotations

import pytest

from bot.runtime.restarts import Backoff, RestartCount, describe_exit


def test_the_delay_doubles_up_to_the_cap():
    backoff = Backoff(first=1, factor=2, cap=30)
    assert [backoff.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff.delay(10_000) == 30  # no overflow however long the crash loop


def test_a_crash_loop_backs_off_and_a_healthy_run_starts_again_from_the_first_delay():
    count = RestartCount(Backoff(first=1, factor=2, cap=60, healthy_after=60))
    assert [count.exited(ran_for=2) for _ in range(4)] == [1, 2, 4, 8]  # crashing right after start
    assert count.exited(ran_for=59) == 16  # not yet healthy: still a loop
    assert count.exited(ran_for=60) == 1  # it ran well for a minute: a new crash
    assert count.failures == 1


@pytest.mark.parametrize("options", [{"first": 0}, {"first": 10, "cap": 5}, {"factor": 0.5},
                                     {"healthy_after": 0}])
def test_a_backoff_that_could_spin_or_shrink_is_refused(options):
    with pytest.raises(ValueError):
        Backoff(**options)


def test_exits_are_described_with_their_code_or_signal():
    assert describe_exit(3) == "exit code 3"
    assert describe_exit(0) == "exit code 0"
    assert describe_exit(-9) == "signal SIGKILL (exit code -9)"
    assert describe_exit(-15) == "signal SIGTERM (exit code -15)"
