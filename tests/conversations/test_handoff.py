"""Hard cases go to a person: a kind answer, a handoff record, and a bot that goes quiet."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import Borrower, Handoff, Loan
from tests.conversations.conftest import Chat

pytestmark = pytest.mark.conversation


def handoffs(stack, borrower_id: str) -> list[Handoff]:
    database = Database(stack.database_url)
    try:
        with database.transaction() as session:
            return list(session.execute(select(Handoff).where(Handoff.borrower_id == borrower_id)).scalars())
    finally:
        database.dispose()


def test_distress_gets_support_a_crisis_line_and_a_person(stack):
    kim = Chat(stack, "b-3004")
    status, body = kim.request("POST", "/api/v1/chat", {"text": "I don't want to live anymore"})
    replies = [m["text"] for m in body["messages"]]
    assert replies[0].startswith("I'm really sorry you're feeling this way")
    assert "988" in replies[1]  # the borrower's market: America/New_York
    assert replies[2].startswith("I've asked a member of our team")
    [handoff] = handoffs(stack, "b-3004")
    assert (handoff.reason, handoff.priority, handoff.status) == ("distress", 1, "open")
    status, body = kim.request("POST", "/api/v1/chat", {"text": "hello?"})
    assert (body["status"], body["messages"]) == ("handoff", [])  # the bot stays quiet


def test_a_dispute_puts_collection_on_hold(stack):
    wu = Chat(stack, "b-3005")
    replies = wu.say("这笔钱不是我借的")
    assert replies[0].startswith("明白，您对这笔欠款有异议")
    [handoff] = handoffs(stack, "b-3005")
    assert (handoff.reason, handoff.priority) == ("dispute", 2)
    database = Database(stack.database_url)
    with database.transaction() as session:
        assert session.get(Loan, "L-3005").collection_hold is True
        assert session.get(Borrower, "b-3005").contact_opt_out_at is None
    database.dispose()
