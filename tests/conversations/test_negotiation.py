"""Agreeing arrangements with the real bot, written to the loan database."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.clock import today_in
from tests.conversations.conftest import Chat, arrangements

pytestmark = pytest.mark.conversation


def test_english_deferral_with_the_days_in_the_request(stack):
    sam = Chat(stack, "b-3001")
    replies = sam.say("can I pay two weeks later?")
    assert replies[0].startswith("Yes, you can: the $314.00 overdue on loan L-3001 can be paid later")
    new_date = today_in("America/New_York") + timedelta(days=14)
    assert replies[-2].startswith("To confirm: the $314.00 overdue on loan L-3001 is postponed by 14 days")
    assert replies[-1] == "Shall I set this up?"
    assert arrangements(stack, "L-3001") == []
    replies = sam.say("yes")
    assert replies[0].startswith("Done, it's set up")
    [deferral] = arrangements(stack, "L-3001")
    assert (deferral.type, deferral.status, deferral.created_by) == ("deferral", "active", "bot")
    assert deferral.terms["new_due_date"] == new_date.isoformat()
    assert deferral.terms["amount"] == "314.00"


def test_chinese_instalment_plan_with_a_digression_and_a_bad_count(stack):
    zhou = Chat(stack, "b-3002")
    replies = zhou.say("我想分期还")
    assert replies[0].startswith("可以的：借款 L-3002 的逾期金额 ¥1,000.00 可以按月分期还")
    assert replies[-1] == "您想分几期？"
    assert zhou.say("我还欠多少钱")[-1] == "您想分几期？"  # answered, then back to the question
    assert zhou.say("5") == ["抱歉，可选的期数是 3、6、12 期。", "您想分几期？"]
    assert zhou.say("3")[-1] == "第一期您想哪天还？"
    tomorrow = today_in("Asia/Shanghai") + timedelta(days=1)
    replies = zhou.say("明天")
    assert replies[-2].startswith("请确认：借款 L-3002 的逾期金额 ¥1,000.00 分 3 期按月还：")
    assert "¥333.33" in replies[-2] and "¥333.34" in replies[-2]
    assert zhou.say("好的")[0].startswith("已办理好")
    [plan] = arrangements(stack, "L-3002")
    assert plan.type == "instalment_plan" and plan.terms["first_due_date"] == tomorrow.isoformat()
    amounts = [Decimal(item["amount"]) for item in plan.terms["instalments"]]
    assert amounts == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]


def test_beyond_policy_is_explained_and_handed_to_a_person(stack):
    wang = Chat(stack, "b-1001")  # 39 days past due: no self-service deferral (30 at most)
    status, body = wang.request("POST", "/api/v1/chat", {"text": "能不能延期还款"})
    replies = [message["text"] for message in body["messages"]]
    assert replies[0].startswith("借款 L-1001 已逾期 39 天，超过了自助办理的 30 天上限")
    assert "工作人员" in replies[1] and body["status"] == "handoff"  # reason: ineligible
    assert arrangements(stack, "L-1001") == []


def test_no_to_the_terms_records_nothing(stack):
    alice = Chat(stack, "b-2001")
    replies = alice.say("I'll pay 200 on friday")
    assert replies[-2].startswith("To confirm: you'll pay SGD 200.00 on loan L-2001 on ")
    replies = alice.say("no")
    assert replies[0].startswith("No problem, nothing has been set up")
    assert arrangements(stack, "L-2001") == []
