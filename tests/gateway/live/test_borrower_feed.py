"""The borrower's WebSocket follows the borrower, not one conversation: after an agent closes
a chat, the same socket carries the next conversation's bot and agent messages."""
from __future__ import annotations

import asyncio

import pytest

from bot.auth.agent_tokens import issue_agent_token
from bot.auth.agents import add_agent
from bot.runtime.settings import DEV_AGENT_JWT_SECRET
from tests.gateway.support import bearer

HANDOFFS = "/api/v1/agent/handoffs"
ALICE = {"Authorization": f"Bearer {issue_agent_token(DEV_AGENT_JWT_SECRET, 'alice')}"}


@pytest.fixture(autouse=True)
def alice(borrowers):
    with borrowers.transaction() as session:
        add_agent(session, "alice", "a long enough password")


async def chat(gateway, text: str) -> dict:
    response = await gateway.post("/api/v1/chat", json={"text": text}, headers=bearer("b-2"))
    assert response.status == 200
    return await response.json()


async def claimed_case(gateway, conversation_id: str) -> int:
    queue = await (await gateway.get(HANDOFFS, params={"status": "open"}, headers=ALICE)).json()
    [case] = [c for c in queue if c["conversation_id"] == conversation_id]
    assert (await gateway.post(f"{HANDOFFS}/{case['id']}/claim", headers=ALICE)).status == 200
    return case["id"]


async def next_event(socket) -> dict:
    return await asyncio.wait_for(socket.receive_json(), 3)


async def test_the_socket_follows_the_borrower_into_the_next_conversation(gateway):
    async with gateway.ws_connect("/api/v1/chat/ws", headers=bearer("b-2")) as socket:
        first = await chat(gateway, "human")  # the fake Rasa hands over, as the action does
        assert (await next_event(socket))["text"] == "echo: human"
        case = await claimed_case(gateway, first["conversation_id"])
        assert (await gateway.post(f"{HANDOFFS}/{case}/close", headers=ALICE)).status == 200
        assert (await next_event(socket))["text"].startswith("This chat has ended")

        second = await chat(gateway, "hello again")
        assert second["conversation_id"] != first["conversation_id"]
        assert await next_event(socket) == {"from": "bot", "text": "echo: hello again", "buttons": []}

        await chat(gateway, "human")
        assert (await next_event(socket))["text"] == "echo: human"
        case = await claimed_case(gateway, second["conversation_id"])
        sent = await gateway.post(f"{HANDOFFS}/{case}/messages", json={"text": "Hi Ann, it's Alice."},
                                  headers=ALICE)
        assert sent.status == 201
        assert await next_event(socket) == {"from": "agent", "text": "Hi Ann, it's Alice."}
