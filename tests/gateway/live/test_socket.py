"""The WebSockets (the borrower's chat, the agents' feed) and their tokens: a token valid for a
century is refused, and an open socket is closed when its token expires, with a code and a
message that tell the app to authenticate again; one that falls behind is told to reload.
SQLite and the fake Rasa."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
import pytest

from bot.auth.agent_tokens import issue_agent_token
from bot.auth.agents import add_agent
from bot.gateway.app import create_app
from bot.gateway.keys import HUB
from bot.gateway.live.borrower_feed import borrower_channel
from bot.gateway.live.hub import LocalHub
from bot.gateway.live.socket import TOKEN_EXPIRED
from bot.runtime.settings import DEV_AGENT_JWT_SECRET, Settings
from tests.gateway.support import SECRET, settings_for, token

CENTURY = timedelta(days=36500)
EXPIRED = "the token has expired; authenticate again"


def agent_token(ttl: timedelta = timedelta(minutes=5)) -> str:
    return issue_agent_token(DEV_AGENT_JWT_SECRET, "alice", ttl)


@pytest.fixture
def alice(borrowers):
    with borrowers.transaction() as session:
        add_agent(session, "alice", "a long enough password")


async def closes_with(socket: aiohttp.ClientWebSocketResponse, timeout: float = 15.0) -> tuple[int, str]:
    message = await socket.receive(timeout=timeout)
    assert message.type == aiohttp.WSMsgType.CLOSE, message
    return message.data, message.extra


async def test_the_borrower_socket_closes_when_its_token_expires(gateway):
    socket = await gateway.ws_connect("/api/v1/chat/ws", params={"token": token("b-1", timedelta(seconds=2))})
    assert await closes_with(socket) == (TOKEN_EXPIRED, EXPIRED)


async def test_the_agents_feed_closes_when_its_token_expires(gateway, alice):
    socket = await gateway.ws_connect("/api/v1/agent/ws", params={"token": agent_token(timedelta(seconds=2))})
    assert await closes_with(socket) == (TOKEN_EXPIRED, EXPIRED)


async def test_a_socket_stays_open_while_its_token_is_valid(gateway, alice):
    socket = await gateway.ws_connect("/api/v1/chat/ws", params={"token": token("b-1")})
    with pytest.raises(asyncio.TimeoutError):
        await socket.receive(timeout=1.5)
    await socket.close()


async def test_a_socket_that_falls_behind_is_told_to_reload(aiohttp_client, borrowers, fake_rasa):
    app = create_app(settings_for(borrowers.url, fake_rasa.url), borrowers)
    app[HUB] = LocalHub(max_queued=2)
    gateway = await aiohttp_client(app)
    socket = await gateway.ws_connect("/api/v1/chat/ws", params={"token": token("b-1")})
    while app[HUB].subscriber_count(borrower_channel("b-1")) == 0:
        await asyncio.sleep(0.01)
    for n in range(5):  # faster than any socket: publishing never suspends, so none is sent between
        await app[HUB].publish(borrower_channel("b-1"), {"from": "bot", "text": str(n)})
    received = [await socket.receive(timeout=5) for _ in range(3)]
    assert [m.type for m in received] == [aiohttp.WSMsgType.TEXT] * 2 + [aiohttp.WSMsgType.CLOSE]
    assert (received[-1].data, received[-1].extra) == (aiohttp.WSCloseCode.TRY_AGAIN_LATER,
                                                       "reload the history")


async def test_a_token_valid_for_a_century_is_refused_everywhere(gateway, alice):
    borrower = {"Authorization": f"Bearer {token('b-1', CENTURY)}"}
    assert (await gateway.post("/api/v1/chat", json={"text": "hi"}, headers=borrower)).status == 401
    assert (await gateway.get("/api/v1/chat/history", headers=borrower)).status == 401
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await gateway.ws_connect("/api/v1/chat/ws", params={"token": token("b-1", CENTURY)})
    assert refused.value.status == 401

    agent = {"Authorization": f"Bearer {agent_token(CENTURY)}"}
    assert (await gateway.get("/api/v1/agent/handoffs", headers=agent)).status == 401
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await gateway.ws_connect("/api/v1/agent/ws", params={"token": agent_token(CENTURY)})
    assert refused.value.status == 401


async def test_the_lifetimes_accepted_are_configurable(aiohttp_client, borrowers, fake_rasa, alice):
    settings = Settings.from_env({
        "DATABASE_URL": borrowers.url, "WALLET_JWT_SECRET": SECRET, "RASA_URL": fake_rasa.url,
        "WALLET_TOKEN_MAX_SECONDS": "600", "AGENT_TOKEN_MAX_SECONDS": "600",
    })
    gateway = await aiohttp_client(create_app(settings, borrowers))
    chat = "/api/v1/chat/history"
    assert (await gateway.get(chat, headers={"Authorization": f"Bearer {token('b-1')}"})).status == 200
    hour = {"Authorization": f"Bearer {token('b-1', timedelta(hours=1))}"}
    assert (await gateway.get(chat, headers=hour)).status == 401
    handoffs = "/api/v1/agent/handoffs"
    assert (await gateway.get(handoffs, headers={"Authorization": f"Bearer {agent_token()}"})).status == 200
    shift = {"Authorization": f"Bearer {agent_token(timedelta(hours=8))}"}
    assert (await gateway.get(handoffs, headers=shift)).status == 401
    # The login issues what the gateway accepts, never more.
    login = await gateway.post("/api/v1/agent/login",
                               json={"username": "alice", "password": "a long enough password"})
    issued = (await login.json())["token"]
    assert (await gateway.get(handoffs, headers={"Authorization": f"Bearer {issued}"})).status == 200
