"""A broken promise sends the borrower's next chat to a person (arrangements review)."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.clock import today_in
from bot.db import Database
from bot.db.models import Arrangement, Handoff
from bot.runtime.settings import PROJECT_ROOT
from tests.conversations.conftest import Chat

pytestmark = pytest.mark.conversation


def test_broken_promise_hands_the_next_chat_to_a_person(stack):
    database = Database(stack.database_url)
    promised = today_in("America/New_York") - timedelta(days=5)  # past its 3-day grace
    with database.transaction() as session:
        session.add(Arrangement(
            id="promise-broken-1", loan_id="L-3003", type="promise_to_pay", status="active",
            terms={"amount": "100.00", "date": promised.isoformat(), "currency": "USD"},
            created_by="bot", created_at=datetime.now(timezone.utc) - timedelta(days=8)))
    review = subprocess.run(
        [sys.executable, "-m", "bot", "arrangements", "review"], cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": stack.database_url}, capture_output=True, text=True)
    assert review.returncode == 0, review.stderr

    lee = Chat(stack, "b-3003")
    status, body = lee.request("POST", "/api/v1/chat", {"text": "hi, how much do I owe?"})
    assert status == 200 and body["status"] == "handoff"
    assert [m["text"] for m in body["messages"]] == [
        "Thanks for your message. A member of our team will reply to you here shortly."]
    status, body = lee.request("POST", "/api/v1/chat", {"text": "hello?"})
    assert (body["status"], body["messages"]) == ("handoff", [])  # the bot stays silent

    with database.transaction() as session:
        assert session.get(Arrangement, "promise-broken-1").status == "broken"
        [handoff] = session.execute(select(Handoff).where(Handoff.borrower_id == "b-3003")).scalars()
        assert (handoff.reason, handoff.priority, handoff.status) == ("negotiation_failed", 3, "open")
        assert "L-3003 USD 408.00 overdue" in handoff.summary
        assert "Borrower said: “hi, how much do I owe?”" in handoff.summary
    database.dispose()
