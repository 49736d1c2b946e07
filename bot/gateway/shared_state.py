"""What several gateway processes must share, and where it is kept: with REDIS_URL, in Redis
(the live hub over pub/sub, the per-conversation locks, the login throttle's counts); without
it, in this process, as one gateway needs.

Redis rather than PostgreSQL LISTEN/NOTIFY: the loans' database may be SQLite (embedded, one
machine), where there is no NOTIFY; a NOTIFY is delivered only at commit and holds a database
connection per listening process, while the live feed, the locks held across a call to Rasa
and the throttle's expiring counters are what Redis does natively (pub/sub, SET NX PX, sorted
sets with expiry), and the Rasa instances need a Redis lock store anyway once there are several.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis  # type: ignore[import-untyped]

from bot.gateway.agent.login_throttle import LoginThrottle, RedisLoginThrottle, Throttle
from bot.gateway.live.hub import Hub, LocalHub
from bot.gateway.live.redis_hub import RedisHub
from bot.gateway.locks import KeyedLocks, Locks, RedisLocks

# A Redis host that does not answer fails a call after this long, as one that refuses does at once.
CONNECT_SECONDS = 3.0


@dataclass
class SharedState:
    hub: Hub
    locks: Locks
    login_throttle: Throttle
    close: Callable[[], Awaitable[None]]
    where: str  # "redis" or "process", for logs


def shared_state(redis_url: str | None, *, prefix: str = "bot:") -> SharedState:
    """Nothing connects until first used (on the application's event loop)."""
    if not redis_url:
        return SharedState(LocalHub(), KeyedLocks(), LoginThrottle(), _nothing, "process")
    redis = Redis.from_url(redis_url, socket_keepalive=True, health_check_interval=30,
                           socket_connect_timeout=CONNECT_SECONDS)
    hub = RedisHub(redis, prefix=prefix + "live:")

    async def close() -> None:
        await hub.close()
        await redis.close(close_connection_pool=True)

    return SharedState(hub, RedisLocks(redis, prefix=prefix + "lock:"),
                       RedisLoginThrottle(redis, prefix=prefix + "login:"), close, "redis")


async def _nothing() -> None:
    return None
