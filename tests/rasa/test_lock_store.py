"""bot/rasa/lock_store.py on a real Redis of the test's own: a Redis that goes away while a
message is being handled does not fail it (the lock is left to expire); one that is down before
fails taking the lock, so nothing is handled; and the lock works as Rasa's once Redis is back."""
from __future__ import annotations

import pytest
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.runtime.stores import REDIS_LOCK_STORE, lock_store_environment
from tests.redis_server import RedisServer


def lock_store(server: RedisServer) -> LockStore:
    """Built by Rasa from endpoints.yml's lock_store, as the supervisor's variables fill it."""
    env = lock_store_environment(server.url)
    config = EndpointConfig.from_dict({
        "type": env["LOCK_STORE_TYPE"], "url": env["LOCK_STORE_HOST"], "port": env["LOCK_STORE_PORT"],
        "db": env["LOCK_STORE_DB"], "username": env["LOCK_STORE_USERNAME"],
        "password": env["LOCK_STORE_PASSWORD"], "key_prefix": "rasa"})
    return LockStore.create(config)


async def test_redis_lost_while_a_message_is_handled_does_not_fail_it(own_redis):
    store = lock_store(own_redis)
    assert type(store).__module__ + "." + type(store).__name__ == REDIS_LOCK_STORE
    handled = []
    async with store.lock("conversation-1"):
        assert store.red.exists("rasa:lock:conversation-1")
        own_redis.stop()  # the message is being handled when Redis goes
        handled.append("hello")
    assert handled == ["hello"]  # and no error came out of letting go of the lock


async def test_redis_down_before_a_message_fails_taking_the_lock(own_redis):
    store = lock_store(own_redis)
    own_redis.stop()
    handled = []
    with pytest.raises(LockError):
        async with store.lock("conversation-1"):
            handled.append("hello")
    assert handled == []


async def test_the_lock_is_rasas_once_redis_is_back(own_redis):
    store = lock_store(own_redis)
    own_redis.stop()
    own_redis.start_again()  # a restarted Redis, on the same port
    async with store.lock("conversation-1"):
        assert store.red.exists("rasa:lock:conversation-1")
    assert not store.red.exists("rasa:lock:conversation-1")  # let go of, as Rasa does
