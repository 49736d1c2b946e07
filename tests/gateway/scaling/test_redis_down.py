"""A gateway whose Redis (REDIS_URL: the shared locks) goes down, in front of a fake Rasa, on
a real Redis of the test's own that is stopped and started again on its port: a borrower's
message is kept and answered 503 with Retry-After (never a 500), the history still reads,
`/healthz` and `/readyz` say Redis is down, and once it is back the kept messages are answered
with the next one, each once and in order. In a handoff, messages still reach the agents."""
from __future__ import annotations

from dataclasses import replace

import pytest
from aiohttp import web

from bot.auth.agent_tokens import issue_agent_token
from bot.auth.agents import add_agent
from bot.db.models import Handoff
from bot.gateway.app import create_app
from bot.gateway.borrower.chat import LOCKS_DOWN_RETRY_SECONDS
from bot.runtime.settings import DEV_AGENT_JWT_SECRET
from tests.gateway.support import audit_events, bearer, messages_of, open_case, settings_for


async def healthy(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@pytest.fixture
async def action_server(aiohttp_server):
    """rasa-sdk's `GET /health`, as the real action server answers it."""
    app = web.Application()
    app.router.add_get("/health", healthy)
    return await aiohttp_server(app)


@pytest.fixture
async def gateway(aiohttp_client, borrowers, fake_rasa, own_redis, action_server):
    settings = replace(settings_for(borrowers.url, fake_rasa.url), redis_url=own_redis.url,
                       action_port=action_server.port, chat_rate_interval=0)
    return await aiohttp_client(create_app(settings, borrowers))


async def say(gateway, text: str, borrower: str = "b-2"):
    answer = await gateway.post("/api/v1/chat", json={"text": text}, headers=bearer(borrower))
    return answer.status, answer.headers, await answer.json()


async def test_messages_sent_while_redis_is_down_are_kept_and_answered_once_in_order(
        gateway, fake_rasa, own_redis, borrowers):
    status, _, first = await say(gateway, "hello")
    assert status == 200
    conversation = first["conversation_id"]

    own_redis.stop()
    for text in ("one", "two"):
        status, headers, body = await say(gateway, text)
        assert status == 503, body
        assert headers["Retry-After"] == str(LOCKS_DOWN_RETRY_SECONDS)
        assert body["conversation_id"] == conversation
        assert "your message is kept (do not send it again)" in body["error"]
    history = await gateway.get("/api/v1/chat/history", headers=bearer("b-2"))
    assert history.status == 200
    assert [e["text"] for e in (await history.json())["events"]] == ["hello", "echo: hello", "one", "two"]
    ready = await gateway.get("/readyz")
    assert ready.status == 503
    assert (await ready.json())["down"] == ["redis"]
    assert (await (await gateway.get("/healthz")).json())["redis"] is False
    assert fake_rasa.texts() == ["hello"]  # nothing reached the bot without the lock

    own_redis.start_again()
    status, _, body = await say(gateway, "three")
    assert status == 200, body
    assert [m["text"] for m in body["messages"]] == ["echo: one", "echo: two", "echo: three"]
    assert fake_rasa.texts() == ["hello", "one", "two", "three"]  # each once, in order
    transcript = [(m.sender, m.text, m.delivered) for m in messages_of(borrowers, conversation)]
    assert transcript == [  # as they came, each delivered; the answers as the bot gave them
        ("borrower", "hello", True), ("bot", "echo: hello", True),
        ("borrower", "one", True), ("borrower", "two", True), ("borrower", "three", True),
        ("bot", "echo: one", True), ("bot", "echo: two", True), ("bot", "echo: three", True)]
    assert [e.details["reason"] for e in audit_events(borrowers, "bot_unavailable")] == [
        "redis unreachable (ConnectionError)"] * 2
    ready = await gateway.get("/readyz")
    assert (ready.status, (await ready.json())["redis"]) == (200, True)


async def test_the_first_message_of_a_borrower_is_kept_while_redis_is_down(gateway, own_redis,
                                                                           fake_rasa):
    own_redis.stop()
    status, _, body = await say(gateway, "hello")  # no conversation yet: one is started
    assert status == 503 and body["conversation_id"]
    own_redis.start_again()
    status, _, answer = await say(gateway, "again")
    assert (status, answer["conversation_id"]) == (200, body["conversation_id"])
    assert fake_rasa.texts() == ["hello", "again"]


async def test_in_a_handoff_messages_reach_the_agent_while_redis_is_down(gateway, own_redis,
                                                                         borrowers, fake_rasa):
    open_case(borrowers, "b-2")
    own_redis.stop()
    status, _, body = await say(gateway, "are you there?")
    assert (status, body["status"]) == (200, "handoff")
    assert fake_rasa.texts() == []


async def test_an_agent_login_is_refused_503_not_500_while_redis_is_down(gateway, own_redis,
                                                                         borrowers):
    with borrowers.transaction() as session:
        add_agent(session, "alice", "a long enough password")
    own_redis.stop()
    answer = await gateway.post("/api/v1/agent/login",
                                json={"username": "alice", "password": "a long enough password"})
    assert answer.status == 503
    assert await answer.json() == {"error": "the service is temporarily unavailable"}


async def test_an_agent_handing_back_is_refused_503_and_keeps_the_conversation(gateway, own_redis,
                                                                              borrowers, fake_rasa):
    with borrowers.transaction() as session:
        add_agent(session, "alice", "a long enough password")
    handoff = open_case(borrowers, "b-2", claimed_by="alice")
    own_redis.stop()
    agent = {"Authorization": f"Bearer {issue_agent_token(DEV_AGENT_JWT_SECRET, 'alice')}"}
    answer = await gateway.post(f"/api/v1/agent/handoffs/{handoff}/release", headers=agent)
    assert answer.status == 503  # not a 500; the lock was never taken, so nothing changed
    assert fake_rasa.events == []
    with borrowers.transaction() as session:
        assert session.get(Handoff, handoff).status == "claimed"
