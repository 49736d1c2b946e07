"""What the gateway says itself — the holding words when a person takes over at a borrower's
message, the closing words when an agent ends the chat — comes from domain.yml, in the
conversation's language (its script's, else the borrower's profile language: a message of
digits or emoji alone names none) and in the borrower's script."""
from __future__ import annotations

import pytest

from bot.auth.agent_tokens import issue_agent_token
from bot.auth.agents import add_agent
from bot.db.models import Borrower, Conversation, Handoff
from bot.handoffs.casework import CLOSING
from bot.handoffs.opening import HOLDING
from bot.language import to_traditional
from bot.replies.render import domain_responses
from bot.runtime.settings import DEV_AGENT_JWT_SECRET
from tests.gateway.support import bearer, messages_of, open_case

ALICE = {"Authorization": f"Bearer {issue_agent_token(DEV_AGENT_JWT_SECRET, 'alice')}"}
SAID = domain_responses()


@pytest.fixture(autouse=True)
def alice(borrowers):
    with borrowers.transaction() as session:
        add_agent(session, "alice", "a long enough password")


@pytest.mark.parametrize("borrower, text, expected", [
    ("b-2", "12345", SAID.render(HOLDING, "en").text),  # Ann Lee's profile: en
    ("b-2", "👍", SAID.render(HOLDING, "en").text),
    ("b-1", "12345", SAID.render(HOLDING, "zh").text),  # 王伟's profile: zh
    ("b-2", "我的计划呢", SAID.render(HOLDING, "zh").text),  # what they write comes first
    ("b-1", "我想問一下", to_traditional(SAID.render(HOLDING, "zh").text)),
])
async def test_the_holding_words_are_in_the_conversation_s_language(gateway, borrowers, borrower, text,
                                                                    expected):
    with borrowers.transaction() as session:
        session.get(Borrower, borrower).needs_agent_reason = "negotiation_failed"
    response = await gateway.post("/api/v1/chat", json={"text": text}, headers=bearer(borrower))
    body = await response.json()
    assert body["status"] == "handoff"
    assert body["messages"] == [{"text": expected, "buttons": []}]


@pytest.mark.parametrize("borrower, script, expected", [
    ("b-2", None, SAID.render(CLOSING, "en").text),
    ("b-1", None, SAID.render(CLOSING, "zh").text),
    ("b-2", "hans", SAID.render(CLOSING, "zh").text),
    ("b-1", "hant", to_traditional(SAID.render(CLOSING, "zh").text)),
])
async def test_the_closing_words_are_in_the_conversation_s_language(gateway, borrowers, borrower, script,
                                                                    expected):
    handoff_id = open_case(borrowers, borrower, claimed_by="alice")
    with borrowers.transaction() as session:
        conversation_id = session.get(Handoff, handoff_id).conversation_id
        session.get(Conversation, conversation_id).script = script
    response = await gateway.post(f"/api/v1/agent/handoffs/{handoff_id}/close", headers=ALICE)
    assert response.status == 200
    assert messages_of(borrowers, conversation_id)[-1].text == expected
