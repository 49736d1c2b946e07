"""What several gateway processes share through Redis, piece by piece, on a real server
(tests/redis_server.py): the locks (one holder across processes, its token, its expiry kept
while held) and the live hub (across processes, and after losing its connection). Each
"process" is its own Redis client."""
from __future__ import annotations

import asyncio
import time

import pytest
from redis.asyncio import Redis

from bot.gateway.live.redis_hub import RedisHub
from bot.gateway.locks import RedisLocks
from tests.gateway.support import closed_port


@pytest.fixture
async def clients(redis_url):
    made: list[Redis] = []

    def make() -> Redis:
        made.append(Redis.from_url(redis_url))
        return made[-1]

    yield make
    for client in made:
        await client.close(close_connection_pool=True)


async def test_a_lock_has_one_holder_across_processes(clients):
    processes = [RedisLocks(clients()) for _ in range(3)]
    holding, most, order = 0, 0, []

    async def work(locks: RedisLocks, n: int) -> None:
        nonlocal holding, most
        async with locks(("conversation", "c-1")):
            holding += 1
            most = max(most, holding)
            order.append(n)
            await asyncio.sleep(0.01)
            holding -= 1

    await asyncio.gather(*(work(processes[n % 3], n) for n in range(30)))
    assert most == 1 and sorted(order) == list(range(30))
    # Other keys are not held up by it.
    async with processes[0](("conversation", "c-1")), processes[1](("conversation", "c-2")):
        pass


async def test_a_lock_held_longer_than_its_expiry_is_kept(clients):
    first, second = RedisLocks(clients(), ttl=0.3), RedisLocks(clients(), ttl=0.3)
    async with first("k"):
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(second("k").__aenter__(), 1.0)  # three expiries long
    started = time.monotonic()
    async with second("k"):
        assert time.monotonic() - started < 0.3


async def test_only_the_holder_releases_and_a_dead_holder_is_freed_by_expiry(clients):
    redis = clients()
    locks = RedisLocks(redis, ttl=0.3)
    dead = locks("k")
    await dead.__aenter__()
    dead._keeping.cancel()  # the holder stops refreshing, as a gateway that died would
    started = time.monotonic()
    other = RedisLocks(clients(), ttl=5)
    async with other("k"):
        assert 0.1 < time.monotonic() - started < 2
        await dead.__aexit__(None, None, None)  # too late: not its lock any more
        assert await redis.get(other.name("k")) is not None
    assert await redis.get(other.name("k")) is None


async def test_the_hub_delivers_across_processes(clients):
    a, b = RedisHub(clients()), RedisHub(clients())
    try:
        async with a.subscribe("@agents") as on_a, b.subscribe("@agents") as on_b:
            await b.publish("@agents", {"type": "message", "text": "你好"})
            assert await asyncio.wait_for(on_a.__anext__(), 3) == {"type": "message", "text": "你好"}
            assert await asyncio.wait_for(on_b.__anext__(), 3) == {"type": "message", "text": "你好"}
            async with a.subscribe("@borrower:b-1") as borrower:
                await b.publish("@borrower:b-2", {"n": 0})  # nobody's
                await b.publish("@borrower:b-1", {"n": 1})
                assert await asyncio.wait_for(borrower.__anext__(), 3) == {"n": 1}
        assert a.subscriber_count("@agents") == 0
        assert await clients().pubsub_numsub("bot:live:@agents") == [(b"bot:live:@agents", 0)]
    finally:
        await a.close()
        await b.close()


async def test_the_hub_reconnects_and_ends_listeners_that_may_have_missed_events(clients):
    admin = clients()
    hub = RedisHub(clients())
    try:
        async with hub.subscribe("@agents") as before:
            await admin.client_kill_filter(_type="pubsub")
            assert [event async for event in before] == []  # ended: the socket says "reload"
        for _ in range(100):  # reconnected (with backoff)
            if hub.connections == 2:
                break
            await asyncio.sleep(0.05)
        async with hub.subscribe("@agents") as after:
            await admin.publish("bot:live:@agents", '{"n": 2}')
            assert await asyncio.wait_for(after.__anext__(), 3) == {"n": 2}
    finally:
        await hub.close()


async def test_publishing_without_redis_only_warns(caplog):
    redis = Redis.from_url(f"redis://127.0.0.1:{closed_port()}/0")
    hub = RedisHub(redis)
    try:
        await hub.publish("@agents", {"n": 1})
        assert "not published" in caplog.text
    finally:
        await hub.close()
        await redis.close(close_connection_pool=True)
