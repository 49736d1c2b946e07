"""Handoff records and what each reason requires of the lender, on both databases."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.db.models import AuditEvent, Borrower, Conversation, Handoff, Loan
from bot.handoffs.crisis import crisis_line
from bot.handoffs.opening import PRIORITY, hand_over
from tests.builders import CONTRACT_DAY, add, wang


@pytest.fixture
def conversation(database):
    with database.transaction() as session:
        add(session, wang(), today=CONTRACT_DAY)
        session.add(Conversation(id="c-1", borrower_id="b-1001"))
    return database


@pytest.mark.parametrize("reason, priority", [
    ("distress", 1), ("legal", 2), ("complaint", 2), ("dispute", 2), ("hardship", 3),
    ("stop_contact", 3), ("negotiation_failed", 3), ("human_requested", 4), ("ineligible", 4),
    ("not_understood", 5),
])
def test_every_reason_has_its_priority(reason, priority):
    assert PRIORITY[reason] == priority


def test_a_handoff_takes_the_conversation_from_the_bot(conversation):
    with conversation.transaction() as session:
        hand_over(session, "c-1", "b-1001", "hardship")
    with conversation.transaction() as session:
        [handoff] = session.execute(select(Handoff)).scalars()
        assert (handoff.reason, handoff.priority, handoff.status) == ("hardship", 3, "open")
        assert "Language: zh" in handoff.summary
        assert re.search(r"L-1001 CNY [\d,]+\.\d\d overdue, \d+ days past due", handoff.summary)
        assert session.get(Conversation, "c-1").status == "handoff"
        assert session.get(Loan, "L-1001").collection_hold is False


def test_a_dispute_holds_collection_and_stop_contact_records_the_opt_out(conversation):
    with conversation.transaction() as session:
        hand_over(session, "c-1", "b-1001", "dispute")
        hand_over(session, "c-1", "b-1001", "stop_contact")
    with conversation.transaction() as session:
        assert session.get(Loan, "L-1001").collection_hold is True
        assert session.get(Borrower, "b-1001").contact_opt_out_at is not None
        actions = {event.action for event in session.execute(select(AuditEvent)).scalars()}
        assert {"collection_hold_set", "contact_opt_out", "handoff_opened"} <= actions


def test_crisis_lines_follow_the_market_and_language():
    assert "400-161-9995" in crisis_line("Asia/Shanghai", "zh")
    assert "2389 2222" in crisis_line("Asia/Hong_Kong", "en")
    assert "988" in crisis_line("America/Chicago", "en")
    assert crisis_line("Africa/Nairobi", "en") == "your local emergency number"
