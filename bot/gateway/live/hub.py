"""Live events by channel, for the WebSockets: each borrower's (bot/gateway/live/borrower_feed.py)
and the agents' (bot/gateway/live/agent_feed.py).

`Hub` is what the rest of the gateway relies on; `LocalHub` serves one process, `RedisHub`
(bot/gateway/live/redis_hub.py, with REDIS_URL) several, behind the same two calls. Events
are plain JSON-able dicts such as `{"from": "bot", "text": "..."}`.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

logger = logging.getLogger(__name__)

_END = object()


class Hub(Protocol):
    async def publish(self, channel: str, event: dict) -> None:
        """Deliver `event` to everyone subscribed to the channel now (no replay)."""

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[dict]]:
        """`async with hub.subscribe(id) as events: async for event in events: ...`"""


class Subscription:
    """One listener's queue. A listener that falls too far behind is ended rather than let
    memory grow; it can reload the history and subscribe again."""

    def __init__(self, max_queued: int) -> None:
        self._queue: asyncio.Queue = asyncio.Queue(maxsize=max_queued + 1)  # +1: room for _END
        self._max_queued = max_queued
        self.ended = False

    def offer(self, event: dict) -> None:
        if self.ended:
            return
        if self._queue.qsize() >= self._max_queued:
            logger.warning("a live listener fell behind; ending its subscription")
            self.end()
            return
        self._queue.put_nowait(dict(event))  # a copy: listeners can't change each other's

    def end(self) -> None:
        if not self.ended:
            self.ended = True
            self._queue.put_nowait(_END)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> dict:
        event = await self._queue.get()
        if event is _END:
            raise StopAsyncIteration
        return event


class LocalHub:
    def __init__(self, max_queued: int = 100) -> None:
        self._max_queued = max_queued
        self._subscribers: dict[str, set[Subscription]] = {}

    async def publish(self, channel: str, event: dict) -> None:
        for subscription in list(self._subscribers.get(channel, ())):
            subscription.offer(event)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        subscription = Subscription(self._max_queued)
        self._subscribers.setdefault(channel, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._subscribers.get(channel, set())
            subscribers.discard(subscription)
            if not subscribers:
                self._subscribers.pop(channel, None)

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))
