"""The login throttle's arithmetic, on a clock the test moves: attempts are reserved (counted as
failures) before the password is checked, and refunded when it was right or never checked.
The same for the in-memory throttle and the one in Redis (a real server, tests/redis_server.py)."""
import pytest
from redis.asyncio import Redis

from bot.gateway.agent.login_throttle import LoginThrottle, RedisLoginThrottle, Throttled


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def make_throttle(request):
    """`make_throttle(max_failures=…, window=…, clock=…)`, in memory or in Redis."""
    if request.param == "memory":
        yield LoginThrottle
        return
    redis = Redis.from_url(request.getfixturevalue("redis_url"))
    yield lambda **options: RedisLoginThrottle(redis, **options)
    await redis.close(close_connection_pool=True)


async def retry_after(throttle, *keys) -> int:
    """0 when an attempt for `keys` may go ahead now (it is refunded again: nothing counted)."""
    try:
        await throttle.not_checked(await throttle.reserve(*keys))
    except Throttled as throttled:
        return throttled.retry_after
    return 0


async def test_five_failures_in_the_window_block_until_the_oldest_leaves_it(make_throttle):
    clock = Clock()
    throttle = make_throttle(max_failures=5, window=900, clock=clock)
    for _ in range(4):
        await throttle.reserve("alice", "10.0.0.1")
        clock.now += 10
    assert await retry_after(throttle, "alice") == 0
    await throttle.reserve("alice", "10.0.0.1")
    assert await retry_after(throttle, "alice") == 900 - 40 + 1
    assert await retry_after(throttle, "bob", "10.0.0.1") > 0  # the address is blocked too
    clock.now += 900 - 40 + 1
    assert await retry_after(throttle, "alice", "10.0.0.1") == 0


async def test_an_attempt_counts_as_a_failure_as_soon_as_it_is_reserved(make_throttle):
    throttle = make_throttle(max_failures=3, window=60, clock=Clock())
    for _ in range(3):
        await throttle.reserve("alice", "10.0.0.1")  # none of them has been checked yet
    with pytest.raises(Throttled) as refused:
        await throttle.reserve("alice", "10.0.0.2")
    assert refused.value.retry_after == 61
    with pytest.raises(Throttled):
        await throttle.reserve("carol", "10.0.0.1")


async def test_a_refused_attempt_counts_nothing(make_throttle):
    clock = Clock()
    throttle = make_throttle(max_failures=1, window=60, clock=clock)
    await throttle.reserve("alice", "10.0.0.1")
    for _ in range(10):
        with pytest.raises(Throttled):
            await throttle.reserve("alice", "10.0.0.2")
    clock.now += 61
    await throttle.reserve("bob", "10.0.0.2")  # the refusals left no failures behind for 10.0.0.2


async def test_a_success_clears_the_username_and_refunds_its_own_attempt_at_the_address(make_throttle):
    throttle = make_throttle(max_failures=2, window=60, clock=Clock())
    await throttle.reserve("alice", "10.0.0.1")  # a wrong password
    await throttle.succeeded(await throttle.reserve("alice", "10.0.0.1"))
    assert await retry_after(throttle, "alice") == 0
    await throttle.reserve("alice", "10.0.0.1")
    assert await retry_after(throttle, "alice") == 0  # one failure since the success
    assert await retry_after(throttle, "10.0.0.1") > 0  # the address keeps both wrong ones


async def test_an_attempt_never_checked_is_refunded_everywhere(make_throttle):
    throttle = make_throttle(max_failures=1, window=60, clock=Clock())
    await throttle.not_checked(await throttle.reserve("alice", "10.0.0.1"))
    assert await retry_after(throttle, "alice", "10.0.0.1") == 0


async def test_redis_counts_expire_with_the_window(redis_url):
    redis = Redis.from_url(redis_url)
    try:
        await RedisLoginThrottle(redis, window=60).reserve(("user", "alice"))
        ttl = await redis.pttl('bot:login:["user", "alice"]')
        assert 0 < ttl <= 60_000
    finally:
        await redis.close(close_connection_pool=True)
