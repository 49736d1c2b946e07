"""Back-pressure: how many borrower messages this gateway has in flight (waiting for their
conversation's turn or inside Rasa), bounded. Beyond the bound a message is not sent on to
Rasa: bot/gateway/borrower/chat.py keeps it and answers a fast 503 at once, rather than
letting it wait into Rasa's 30 s timeout.

`depth` and `limit` are for the metrics (`request.app[BACKLOG]`).
"""
from __future__ import annotations


class Backlog:
    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"the backlog's limit must be at least 1, not {limit}")
        self._limit, self._depth, self._refused = limit, 0, 0

    @property
    def depth(self) -> int:
        """Messages in flight now."""
        return self._depth

    @property
    def limit(self) -> int:
        """The most there may be in flight at once."""
        return self._limit

    @property
    def refused(self) -> int:
        """Messages turned away for the bound since the gateway started."""
        return self._refused

    def try_enter(self) -> bool:
        """Counts a message in, True; or False (counting it as refused) when the backlog is
        full. Each True must be followed by exactly one `leave`."""
        if self._depth >= self._limit:
            self._refused += 1
            return False
        self._depth += 1
        return True

    def leave(self) -> None:
        if self._depth <= 0:
            raise RuntimeError("left a backlog nobody entered")
        self._depth -= 1
