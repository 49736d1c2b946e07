"""A borrower replies to a reminder the bot wrote first (issue 13): the pass puts it in
their conversation with the loan on each button; tapping "split into instalments" starts
the plan form for that loan (no question which one), and the plan agreed is on that loan."""
from __future__ import annotations

from datetime import datetime, time

import pytest

from bot.clock import today_in, zone
from tests.conversations.conftest import Chat, arrangements

pytestmark = pytest.mark.conversation

TZ = "Asia/Hong_Kong"


def test_a_tap_on_split_into_instalments_starts_the_plan_for_that_loan(stack):
    joy = Chat(stack, "b-3015")
    # 11:00 in Hong Kong is night in New York: only this suite's Asian borrowers may be written to.
    printed = stack.outreach_pass(datetime.combine(today_in(TZ), time(11), tzinfo=zone(TZ)))
    assert "b-3015" in printed and "L-3015" in printed, printed

    status, history = joy.request("GET", "/api/v1/chat/history")
    assert status == 200
    [reminder] = [e for e in history["events"] if e.get("kind") == "outreach"]
    assert "HK$909.00" in reminder["text"] and "L-3015" in reminder["text"], reminder
    assert "automated" in reminder["text"]  # the first contact says who writes, and why
    [split] = [b for b in reminder["buttons"] if b["payload"].startswith("/request_instalment")]
    assert split["payload"] == '/request_instalment{"loan_id": "L-3015"}'

    status, body = joy.request("POST", "/api/v1/chat", {"text": split["payload"]})
    assert status == 200 and body["status"] == "bot", body
    texts = [m["text"] for m in body["messages"]]
    assert texts[0].startswith("Yes, you can: the HK$909.00 overdue on loan L-3015"), texts
    assert not any("Which one" in text for text in texts), texts
    counts = body["messages"][-1].get("buttons") or []
    assert [b["title"] for b in counts] == ["3", "6", "12"], body["messages"][-1]

    texts = joy.say(counts[0]["payload"])
    assert texts[-1] == "On which date would you like to pay the first instalment?", texts
    texts = joy.say("tomorrow")
    assert texts[-1] == "Shall I set this up?", texts
    assert joy.say("yes")[0].startswith("Done, it's set up"), texts
    [plan] = arrangements(stack, "L-3015", "L-3016")
    assert (plan.loan_id, plan.type, plan.status) == ("L-3015", "instalment_plan", "active")
    assert len(plan.terms["instalments"]) == 3
