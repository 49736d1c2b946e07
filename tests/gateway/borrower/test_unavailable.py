"""Rasa unreachable for real (a closed loopback port): 503, and the message is kept."""
from __future__ import annotations

import json

from tests.gateway.support import audit_events, bearer, messages_of

CHAT = "/api/v1/chat"


async def test_503_keeps_the_message(offline_gateway, borrowers):
    response = await offline_gateway.post(CHAT, json={"text": "我下周还"}, headers=bearer("b-1"))
    assert response.status == 503
    body = await response.json()
    assert set(body) == {"error", "conversation_id"}

    response = await offline_gateway.get("/api/v1/chat/history", headers=bearer("b-1"))
    history = await response.json()
    assert history["conversation_id"] == body["conversation_id"]
    assert [(e["from"], e["text"]) for e in history["events"]] == [("borrower", "我下周还")]
    [message] = messages_of(borrowers, body["conversation_id"])
    assert (message.sender, message.text, message.delivered) == ("borrower", "我下周还", False)


async def test_the_outage_is_audited_without_the_text_or_the_token(offline_gateway, borrowers):
    headers = bearer("b-1")
    body = await (await offline_gateway.post(CHAT, json={"text": "我下周还"}, headers=headers)).json()
    [event] = audit_events(borrowers, "bot_unavailable")
    assert (event.borrower_id, event.conversation_id) == ("b-1", body["conversation_id"])
    everything = json.dumps([(e.actor, e.action, e.details) for e in audit_events(borrowers)],
                            ensure_ascii=False, default=str)
    assert "我下周还" not in everything
    assert headers["Authorization"].split()[1] not in everything
