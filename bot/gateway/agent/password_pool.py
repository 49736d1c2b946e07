"""Password checks on threads of their own: bcrypt spends a few hundred milliseconds of CPU on
purpose, and a burst of logins must not keep borrowers' chats waiting behind it in the
executor that all database work shares. The queue is short: past it a login is answered at
once (PoolBusy, a 503) rather than left to wait without bound."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bot.auth.agents import Account, password_matches

WORKERS = 2  # bcrypt releases the GIL: each thread keeps one core busy
MAX_WAITING = 16  # about two seconds' worth at cost 12


class PoolBusy(Exception):
    pass


class PasswordPool:
    def __init__(self, workers: int = WORKERS, max_waiting: int = MAX_WAITING) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="password")
        self._capacity = workers + max_waiting
        self._in_flight = 0  # running or waiting; only ever changed on the event loop

    async def matches(self, password: str, account: Account | None) -> bool:
        """`password_matches` on the pool's threads; PoolBusy, at once, when it is full."""
        if self._in_flight >= self._capacity:
            raise PoolBusy()
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._executor, password_matches, password, account)
        finally:
            self._in_flight -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
