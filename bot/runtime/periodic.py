"""Commands the supervisor runs now and then beside its children, such as pruning Rasa's
trackers: one run at a time, each in a process group of its own (stopped with the children).
A run still going when the next is due is left to finish; the next starts once it has."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

from bot.runtime.restarts import describe_exit

FIRST_RUN_SECONDS = 600.0  # after the start: a bot restarted daily must still get its runs


@dataclass
class Periodic:
    name: str
    command: list[str]
    every: float  # seconds from one start to the next
    next_at: float  # on the supervisor's clock
    process: subprocess.Popen | None = None

    def tick(self, now: float, spawn: Callable[[list[str]], subprocess.Popen],
             log: Callable[[str], None]) -> None:
        """Notes a run that ended (its exit, when it failed) and starts one when due."""
        if self.process is not None:
            if self.process.poll() is None:
                return
            if self.process.returncode != 0:
                log(f"{self.name} failed with {describe_exit(self.process.returncode)}; "
                    f"next run in {max(0.0, self.next_at - now):.0f} s")
            self.process = None
        if now >= self.next_at:
            self.process = spawn(self.command)
            self.next_at = now + self.every


def tracker_pruning(every: float, now: float) -> Periodic:
    """`python -m bot trackers prune --quiet` (its cut-off: TRACKER_PRUNE_OLDER_THAN), its
    totals in the supervisor's output."""
    return Periodic("trackers prune", [sys.executable, "-m", "bot", "trackers", "prune", "--quiet"],
                    every, now + min(every, FIRST_RUN_SECONDS))
