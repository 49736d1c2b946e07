"""Hard cases go to a person: a kind answer, a handoff record, and a bot that goes quiet. So
do two messages in a row not understood, every offer refused, and a request a person may grant
beyond policy; when the person hands back, the bot answers again."""
from __future__ import annotations

import json
import urllib.request
from urllib.parse import quote

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import Borrower, Handoff, Loan
from tests.builders import bill, borrower, load
from tests.conversations.conftest import Chat

pytestmark = pytest.mark.conversation


# Borrowers of these tests only: a handoff silences the bot in their conversation.
BORROWERS = (
    borrower("b-6001", "Nia Rahman", "en", "Asia/Singapore").loan(
        "L-6001", "SGD", "600.00", bill(-10, "300.00", interest="6.00"), bill(20, "300.00", interest="3.00")),
    borrower("b-6002", "Omar Said", "en", "America/New_York").loan(
        "L-6002", "USD", "600.00",
        bill(-60, "300.00", interest="6.00"), bill(-30, "300.00", interest="3.00")),
    borrower("b-6003", "孙丽", "zh", "Asia/Shanghai").loan(
        "L-6003", "CNY", "2000.00",
        bill(-45, "1000.00", interest="20.00"), bill(15, "1000.00", interest="10.00")),
    borrower("b-6004", "高峰", "zh", "Asia/Shanghai").loan(
        "L-6004", "CNY", "1200.00",
        bill(-12, "600.00", interest="12.00"), bill(18, "600.00", interest="6.00")),
)


@pytest.fixture(scope="module")
def borrowers(stack):
    database = Database(stack.database_url)
    load(database, *BORROWERS)
    database.dispose()
    return stack


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


def test_two_messages_not_understood_in_a_row_go_to_a_person(borrowers):
    nia = Chat(borrowers, "b-6001")
    status, body = nia.request("POST", "/api/v1/chat", {"text": "what's the weather like in Paris?"})
    assert body["status"] == "bot" and body["messages"][0]["text"].startswith("Sorry, I")
    status, body = nia.request("POST", "/api/v1/chat", {"text": "book me a table for two tonight"})
    assert body["status"] == "handoff"
    assert [m["text"] for m in body["messages"]] == [
        "I'm sorry, I still haven't understood, and I don't want to keep you going round in "
        "circles. I've asked a member of our team to help; they'll reply to you here."]
    [handoff] = handoffs(borrowers, "b-6001")
    assert (handoff.reason, handoff.priority, handoff.status) == ("not_understood", 5, "open")
    assert "book me a table for two tonight" in handoff.summary
    status, body = nia.request("POST", "/api/v1/chat", {"text": "hello?"})
    assert (body["status"], body["messages"]) == ("handoff", [])  # the bot stays quiet


def test_every_offer_refused_goes_to_a_person(borrowers):
    omar = Chat(borrowers, "b-6002")  # 60 days past due: a plan or a promise, no deferral
    assert omar.say("can I split it into 6 payments?")[0].startswith("Yes, you can")
    status, body = omar.request("POST", "/api/v1/chat", {"text": "no"})
    assert body["status"] == "bot"  # a promise is still possible
    assert body["messages"][0]["text"].startswith("No problem, nothing has been set up")
    assert omar.say("I'll pay 100 on Friday")[-2].startswith("To confirm: you'll pay $100.00 on loan L-6002")
    status, body = omar.request("POST", "/api/v1/chat", {"text": "no"})
    assert body["status"] == "handoff"
    assert body["messages"][0]["text"].startswith("I understand none of these options works for you")
    [handoff] = handoffs(borrowers, "b-6002")
    assert (handoff.reason, handoff.priority) == ("negotiation_failed", 3)
    assert ("Offered: instalment plan, promise to pay. "
            "Refused: instalment plan, promise to pay.") in handoff.summary


def test_a_deferral_beyond_policy_goes_to_a_person(borrowers):
    sun = Chat(borrowers, "b-6003")  # 45 days past due: a deferral needs a person's yes
    status, body = sun.request("POST", "/api/v1/chat", {"text": "能不能延期还款"})
    replies = [m["text"] for m in body["messages"]]
    assert replies[0].startswith("借款 L-6003 已逾期 45 天，超过了自助办理的 30 天上限")
    assert replies[1].startswith("不过，我们的工作人员可以帮您看看还有哪些办法")
    assert body["status"] == "handoff"
    [handoff] = handoffs(borrowers, "b-6003")
    assert (handoff.reason, handoff.priority) == ("ineligible", 4)


def test_handed_back_mid_form_the_bot_answers_again_with_the_form_closed(borrowers):
    gao = Chat(borrowers, "b-6004")
    status, body = gao.request("POST", "/api/v1/chat", {"text": "我想分期还"})
    assert body["messages"][-1]["text"] == "您想分几期？"
    gao.say("今天天气怎么样")
    status, body = gao.request("POST", "/api/v1/chat", {"text": "帮我订个酒店"})
    assert body["status"] == "handoff" and body["messages"][0]["text"].startswith("抱歉，我还是没能明白")
    [handoff] = handoffs(borrowers, "b-6004")
    assert handoff.reason == "not_understood"

    # What the gateway does when the agent releases the conversation.
    conversation = body["conversation_id"]
    rasa_api(borrowers, conversation, "tracker/events", {"event": "resume"})
    answer = rasa_api(borrowers, conversation, "trigger_intent", {"name": "EXTERNAL_handed_back"})
    assert [m["text"] for m in answer["messages"]] == [
        "现在由还款助手继续为您服务。关于借款的任何问题都可以问我；如需再联系工作人员，输入“转人工”即可。"]
    tracker = answer["tracker"]
    assert tracker["paused"] is False and not tracker["active_loop"]
    assert tracker["slots"]["requested_slot"] is None


def rasa_api(stack, conversation_id: str, path: str, body: dict) -> dict:
    url = f"{stack.rasa}/conversations/{quote(conversation_id, safe='')}/{path}?token={stack.rasa_token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())

