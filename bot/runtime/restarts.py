"""When the supervisor starts a crashed child again: exponential backoff, capped, forgotten once
the child has run long enough to count as healthy. No processes here, only the arithmetic."""
from __future__ import annotations

import signal
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    first: float = 1.0  # seconds before the first restart
    factor: float = 2.0
    cap: float = 60.0  # never longer than this between restarts
    healthy_after: float = 60.0  # a child up this long starts the count again

    def __post_init__(self) -> None:
        if not (0 < self.first <= self.cap and self.factor >= 1 and self.healthy_after > 0):
            raise ValueError(f"not a usable backoff: {self}")

    def delay(self, failures: int) -> float:
        """The wait before restarting a child that has failed `failures` times in a row (1 on
        its first crash): first, first·factor, … up to the cap."""
        if failures < 1:
            raise ValueError("a restart follows at least one failure")
        # min() before the power would overflow: factor ** 10_000 is no float.
        exponent = min(failures - 1, 64)
        return min(self.cap, self.first * self.factor ** exponent)


@dataclass
class RestartCount:
    """One child's crashes in a row, as the supervisor keeps them."""

    backoff: Backoff
    failures: int = 0

    def exited(self, ran_for: float) -> float:
        """Records an exit after `ran_for` seconds up; returns how long to wait before the restart."""
        if ran_for >= self.backoff.healthy_after:
            self.failures = 0  # it had been running well: this is a new crash, not a loop
        self.failures += 1
        return self.backoff.delay(self.failures)


def describe_exit(returncode: int) -> str:
    """"exit code 3", or "signal SIGKILL (exit code -9)" for a child killed by a signal."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"signal {name} (exit code {returncode})"
    return f"exit code {returncode}"
