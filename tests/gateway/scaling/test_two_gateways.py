"""Two gateway processes in one test: two applications on the same database and the same
Redis (REDIS_URL), each behind its own test server, in front of one fake Rasa. What one of them
is told, the other's listeners hear; the login throttle counts the attempts made at both; and
one conversation's messages, posted to both at once, reach Rasa one at a time and in order."""
from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from bot.auth.agent_tokens import issue_agent_token
from bot.auth.agents import add_agent
from bot.gateway.agent.login_throttle import MAX_FAILURES, RedisLoginThrottle
from bot.gateway.app import create_app
from bot.gateway.keys import HUB, LOCKS, LOGIN_THROTTLE
from bot.gateway.live.agent_feed import AGENTS
from bot.gateway.live.redis_hub import RedisHub
from bot.gateway.locks import RedisLocks
from bot.runtime.settings import DEV_AGENT_JWT_SECRET, Settings
from tests.gateway.support import RASA_TOKEN, SECRET, bearer, messages_of, open_case

PASSWORD = "a long enough password"


def settings(database_url: str, rasa_url: str, redis_url: str | None) -> Settings:
    env = {"DATABASE_URL": database_url, "WALLET_JWT_SECRET": SECRET, "RASA_URL": rasa_url,
           "RASA_TOKEN": RASA_TOKEN, "CHAT_RATE_INTERVAL_SECONDS": "0"}  # no rate limit here
    return Settings.from_env({**env, "REDIS_URL": redis_url} if redis_url else env)


@pytest.fixture
def two_gateways(aiohttp_client, borrowers, fake_rasa, redis_url):
    """`await two_gateways()`: gateways A and B; `shared=False` keeps each one's state its own."""

    async def make(shared: bool = True):
        return [await aiohttp_client(create_app(
            settings(borrowers.url, fake_rasa.url, redis_url if shared else None), borrowers))
            for _ in range(2)]

    return make


@pytest.fixture
def alice(borrowers):
    with borrowers.transaction() as session:
        add_agent(session, "alice", PASSWORD)


async def subscribed(redis_url: str, channel: str, count: int = 1) -> None:
    """Until Redis has `count` subscribers to the hub channel."""
    redis = Redis.from_url(redis_url)
    try:
        for _ in range(300):
            [(_, subscribers)] = await redis.pubsub_numsub(f"bot:live:{channel}")
            if subscribers >= count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"nobody subscribed to {channel}")
    finally:
        await redis.close(close_connection_pool=True)


async def test_redis_url_puts_the_shared_state_in_redis(two_gateways):
    a, _ = await two_gateways()
    app = a.server.app
    assert isinstance(app[HUB], RedisHub) and isinstance(app[LOCKS], RedisLocks)
    assert isinstance(app[LOGIN_THROTTLE], RedisLoginThrottle)


async def test_an_agent_on_gateway_a_sees_a_message_a_borrower_posts_on_gateway_b(
        two_gateways, borrowers, redis_url, alice):
    a, b = await two_gateways()
    open_case(borrowers, "b-2", claimed_by="alice")  # b-2's conversation is with a person
    agent_token = issue_agent_token(DEV_AGENT_JWT_SECRET, "alice")
    agents = await a.ws_connect(f"/api/v1/agent/ws?token={agent_token}")
    borrower = await a.ws_connect("/api/v1/chat/ws", headers=bearer("b-2"))
    await subscribed(redis_url, AGENTS)
    await subscribed(redis_url, "@borrower:b-2")

    posted = await b.post("/api/v1/chat", json={"text": "are you there?"}, headers=bearer("b-2"))
    assert posted.status == 200
    event = await asyncio.wait_for(agents.receive_json(), 5)
    assert (event["type"], event["message"]["from"], event["message"]["text"]) == (
        "message", "borrower", "are you there?")

    handoff = event["handoff_id"]
    reply = await b.post(f"/api/v1/agent/handoffs/{handoff}/messages", json={"text": "yes, Ann"},
                         headers={"Authorization": f"Bearer {agent_token}"})
    assert reply.status == 201
    assert await asyncio.wait_for(borrower.receive_json(), 5) == {"from": "agent", "text": "yes, Ann"}
    await agents.close()
    await borrower.close()


async def test_the_login_throttle_counts_the_attempts_made_at_both_gateways(two_gateways, alice):
    a, b = await two_gateways()
    wrong = {"username": "alice", "password": "a wrong guess"}
    for n in range(MAX_FAILURES):
        assert (await (a, b)[n % 2].post("/api/v1/agent/login", json=wrong)).status == 401
    for gateway in (a, b):
        refused = await gateway.post("/api/v1/agent/login", json={"username": "alice", "password": PASSWORD})
        assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0


async def post_at_once(gateways, texts: list[str]) -> list[int]:
    posts = [gateways[n % 2].post("/api/v1/chat", json={"text": text}, headers=bearer("b-1"))
             for n, text in enumerate(texts)]
    return [answer.status for answer in await asyncio.gather(*posts)]


async def test_one_conversations_messages_sent_to_both_reach_rasa_one_at_a_time_in_order(
        two_gateways, fake_rasa, borrowers):
    gateways = await two_gateways()
    first = await gateways[0].post("/api/v1/chat", json={"text": "hello"}, headers=bearer("b-1"))
    conversation = (await first.json())["conversation_id"]
    texts = [f"slow {n}" for n in range(8)]  # 0.3 s each at the fake Rasa
    assert await post_at_once(gateways, texts) == [200] * 8
    assert fake_rasa.max_in_flight[conversation] == 1
    kept = [m.text for m in messages_of(borrowers, conversation) if m.sender == "borrower"]
    assert sorted(kept[1:]) == sorted(texts)
    assert fake_rasa.texts() == kept  # in the order kept, each once


async def test_without_redis_two_gateways_would_send_one_conversation_at_once(two_gateways, fake_rasa):
    """The test above means something: each process's own locks do not keep the other out."""
    gateways = await two_gateways(shared=False)
    await gateways[0].post("/api/v1/chat", json={"text": "hello"}, headers=bearer("b-1"))
    await post_at_once(gateways, [f"slow {n}" for n in range(4)])
    assert max(fake_rasa.max_in_flight.values()) == 2
