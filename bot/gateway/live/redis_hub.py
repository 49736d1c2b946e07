"""The hub over Redis pub/sub (REDIS_URL), for several gateway processes: an event published
by any of them reaches the listeners of every one.

Each process keeps one pub/sub connection, subscribed to the channels its own listeners follow
(a Redis channel per hub channel, `bot:live:<channel>`), and hands each message it receives to
those listeners' queues (the same `Subscription` as `LocalHub`'s, ended when one falls behind).
`subscribe` returns once Redis has confirmed the subscription, so nothing published after it
is missed.

Redis delivers a message to whoever is subscribed at the moment, and nothing later: when the
connection is lost, every listener of the process is ended (its socket is closed with the
"reload" hint, so the app reloads the history and connects again: nothing is missed without
it knowing), and the connection is made again with backoff. Publishing while Redis is down
logs a warning and drops the event, as no listener could get it anyway; what was said is in
the database.
"""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from redis.asyncio import Redis  # type: ignore[import-untyped]
from redis.asyncio.client import PubSub  # type: ignore[import-untyped]
from redis.exceptions import RedisError  # type: ignore[import-untyped]

from bot.gateway.live.hub import Subscription

logger = logging.getLogger(__name__)

PREFIX = "bot:live:"
SUBSCRIBE_TIMEOUT = 5.0  # no confirmation from Redis by then: the listener is ended at once
RECONNECT_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)  # then every 5 s
PING_SECONDS = 15.0  # a connection silent for two of these is taken for lost


class RedisHub:
    def __init__(self, redis: Redis, *, prefix: str = PREFIX, max_queued: int = 100) -> None:
        self._redis, self._prefix, self._max_queued = redis, prefix, max_queued
        self._control = f"{prefix}@process:{secrets.token_hex(8)}"  # keeps the connection subscribed
        self._listeners: dict[str, set[Subscription]] = {}
        self._pubsub: PubSub | None = None  # while connected
        self._confirmed: set[str] = set()  # hub channels Redis confirmed on this connection
        self._waiters: dict[str, list[asyncio.Future]] = {}
        self._commands = asyncio.Lock()  # (un)subscribe commands go out in the order decided
        self._reader: asyncio.Task | None = None
        self._closed = False
        self.connections = 0  # how many times it connected (for tests and logs)

    async def publish(self, channel: str, event: dict) -> None:
        try:
            await self._redis.publish(self._prefix + channel, json.dumps(event, ensure_ascii=False))
        except RedisError as error:
            logger.warning("live event on %s not published: redis unavailable (%s)", channel, error)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        subscription = Subscription(self._max_queued)
        self._listeners.setdefault(channel, set()).add(subscription)
        try:
            self._start()
            if not await self._confirm(channel):
                subscription.end()  # the socket says "reload" and the app comes back later
            yield subscription
        finally:
            listeners = self._listeners.get(channel)
            if listeners is not None:
                listeners.discard(subscription)
                if not listeners:
                    del self._listeners[channel]
                    await self._leave(channel)

    def subscriber_count(self, channel: str) -> int:
        return len(self._listeners.get(channel, ()))

    async def close(self) -> None:
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
            self._reader = None

    # --- subscribing ---------------------------------------------------------------------------

    def _start(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read_forever())

    async def _confirm(self, channel: str) -> bool:
        """True once Redis has confirmed the channel on the current connection."""
        waiter = asyncio.get_running_loop().create_future()
        async with self._commands:
            if channel in self._confirmed:
                return True
            self._waiters.setdefault(channel, []).append(waiter)
            pubsub = self._pubsub
            if pubsub is not None:  # else the reader subscribes it on connecting
                with suppress(RedisError, OSError):  # the reader notices and reconnects
                    await pubsub.subscribe(self._prefix + channel)
        try:
            return bool(await asyncio.wait_for(waiter, SUBSCRIBE_TIMEOUT))
        except asyncio.TimeoutError:
            logger.warning("redis did not confirm a live subscription in time")
            return False
        finally:
            waiters = self._waiters.get(channel, [])
            if waiter in waiters:
                waiters.remove(waiter)
            if not waiters:
                self._waiters.pop(channel, None)

    async def _leave(self, channel: str) -> None:
        async with self._commands:
            if channel in self._listeners:  # someone subscribed again meanwhile
                return
            self._confirmed.discard(channel)
            pubsub = self._pubsub
            if pubsub is not None:
                with suppress(RedisError, OSError):
                    await pubsub.unsubscribe(self._prefix + channel)

    # --- the connection ------------------------------------------------------------------------

    async def _read_forever(self) -> None:
        attempt = 0
        while not self._closed:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self._control)
                self.connections += 1
                attempt = 0
                async with self._commands:  # no (un)subscribe decided between these two steps
                    self._pubsub = pubsub
                    channels = [self._prefix + channel for channel in self._listeners]
                    if channels:
                        await pubsub.subscribe(*channels)
                if self.connections > 1:
                    logger.info("live hub reconnected to redis")
                await self._dispatch(pubsub)
            except (RedisError, OSError) as error:
                if not self._closed:
                    logger.warning("live hub lost redis (%s); reconnecting", error)
            finally:
                self._disconnected()
                with suppress(RedisError, OSError):
                    await pubsub.reset()
            await asyncio.sleep(RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)])
            attempt += 1

    async def _dispatch(self, pubsub: PubSub) -> None:
        silent = 0
        while True:
            message = await pubsub.get_message(timeout=PING_SECONDS)
            if message is None:
                silent += 1
                if silent >= 2:
                    raise ConnectionError("no answer from redis to a ping")
                await pubsub.ping()
                continue
            silent = 0
            self._handle(message)

    def _handle(self, message: dict[str, Any]) -> None:
        kind, name = message.get("type"), _text(message.get("channel"))
        if name is None or not name.startswith(self._prefix) or name == self._control:
            return
        channel = name[len(self._prefix):]
        if kind == "message":
            try:
                event = json.loads(message["data"])
            except (TypeError, ValueError):
                logger.warning("a live event on %s was not JSON; dropped", channel)
                return
            for subscription in list(self._listeners.get(channel, ())):
                subscription.offer(event)
        elif kind == "subscribe":
            self._confirmed.add(channel)
            for waiter in self._waiters.get(channel, []):
                if not waiter.done():
                    waiter.set_result(True)
        elif kind == "unsubscribe":
            self._confirmed.discard(channel)

    def _disconnected(self) -> None:
        """Every listener may have missed events: each is ended, and told to reload."""
        self._pubsub = None
        self._confirmed.clear()
        for waiters in self._waiters.values():
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(False)
        listeners, self._listeners = self._listeners, {}
        for subscriptions in listeners.values():
            for subscription in subscriptions:
                subscription.end()


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else None
