"""Answers read in context with the real bot: quick replies on every question, a yes or a
"whenever" to a date question answered with the latest day to confirm, a date for a deferral's
days, the nearest allowed value for one past the limit, who is writing, and a refusal to pay."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import today_in
from bot.db import Database
from bot.db.models import Handoff
from bot.replies.dates import show_date
from tests.builders import bill, borrower, load
from tests.conversations.conftest import Chat

pytestmark = pytest.mark.conversation

# Borrowers of these tests only, each overdue 10 days: every arrangement may be offered.
BORROWERS = tuple(
    borrower(f"b-70{n:02d}", name, language, timezone).loan(
        f"L-70{n:02d}", currency, "900.00", bill(-10, "300.00", interest="9.00"), bill(20, "300.00"))
    for n, (name, language, timezone, currency) in enumerate([
        ("Ravi Das", "en", "Asia/Singapore", "SGD"), ("林静", "zh", "Asia/Shanghai", "CNY"),
        ("Ana Ruiz", "en", "America/New_York", "USD"), ("Ben Ode", "en", "America/New_York", "USD"),
        ("Cora Lim", "en", "Asia/Singapore", "SGD"), ("何敏", "zh", "Asia/Shanghai", "CNY"),
    ], start=1))


@pytest.fixture(scope="module")
def borrowers(stack):
    database = Database(stack.database_url)
    load(database, *BORROWERS)
    database.dispose()
    return stack


def turn(chat: Chat, text: str) -> tuple[list[str], list[list[dict]], str]:
    """The bot's messages, their buttons, and the conversation's status."""
    status, body = chat.request("POST", "/api/v1/chat", {"text": text})
    assert status == 200, body
    return ([m["text"] for m in body["messages"]], [m["buttons"] for m in body["messages"]],
            body["status"])


def test_a_yes_to_the_date_question_is_answered_with_the_latest_day(borrowers):
    ravi = Chat(borrowers, "b-7001")
    today = today_in("Asia/Singapore")
    texts, buttons, _ = turn(ravi, "can I split it into instalments?")
    assert texts[-1] == "How many instalments would you like?"
    assert [b["payload"] for b in buttons[-1]] == [
        f'/inform{{"instalments": "{n}"}}' for n in (3, 6, 12)]
    texts, buttons, _ = turn(ravi, buttons[-1][1]["payload"])  # a tap on "6"
    assert texts[-1] == "On which date would you like to pay the first instalment?"
    latest = today + timedelta(days=7)
    assert buttons[-1][-1]["payload"] == f'/inform{{"date": "{latest.isoformat()}"}}'
    texts, buttons, _ = turn(ravi, "yes")
    assert texts == [f"Shall we say {show_date(latest, 'en')} for the first instalment? "
                     "That's the latest I can set."]
    assert [b["payload"] for b in buttons[-1]] == ["/affirm", "/deny"]
    texts, _, _ = turn(ravi, "yes")
    assert texts[-2].startswith("To confirm: the SGD 309.00 overdue on loan L-7001 in 6 monthly instalments")
    assert show_date(latest, "en") in texts[-2] and texts[-1] == "Shall I set this up?"


def test_whenever_in_chinese_then_no_asks_again_and_a_tapped_date_answers(borrowers):
    lin = Chat(borrowers, "b-7002")
    today = today_in("Asia/Shanghai")
    assert turn(lin, "我想分期还")[0][-1] == "您想分几期？"
    assert turn(lin, "6期")[0][-1] == "第一期您想哪天还？"
    latest = today + timedelta(days=7)
    texts, _, status = turn(lin, "随便")
    assert texts == [f"第一期定在 {show_date(latest, 'zh')}，可以吗？这是最晚可以定的日期。"]
    texts, buttons, status = turn(lin, "不要")
    assert (texts[-1], status) == ("第一期您想哪天还？", "bot")  # not a no to the whole plan
    first_choice = buttons[-1][0]
    assert first_choice["payload"] == f'/inform{{"date": "{(today + timedelta(days=3)).isoformat()}"}}'
    texts, _, _ = turn(lin, first_choice["payload"])
    assert texts[-2].startswith("请确认：借款 L-7002 的逾期金额 ¥309.00 分 6 期按月还：")


def test_a_deferral_takes_a_date_for_its_days(borrowers):
    ana = Chat(borrowers, "b-7003")
    day = today_in("America/New_York") + timedelta(days=20)
    texts, buttons, _ = turn(ana, "can I pay later?")
    assert texts[-1].startswith("How many days later would you like to pay?")
    assert [b["title"] for b in buttons[-1]] == ["7", "14", "30"]
    texts, _, _ = turn(ana, f"I get paid on {day:%B} {day.day}, can I pay then?")
    assert texts[-2].startswith("To confirm: the $309.00 overdue on loan L-7003 is postponed by 20 days, "
                                f"to a new due date of {show_date(day, 'en')}")


def test_a_deferral_past_the_limit_is_offered_the_longest_allowed(borrowers):
    ben = Chat(borrowers, "b-7004")
    longest = today_in("America/New_York") + timedelta(days=30)
    turn(ben, "can I pay later?")
    texts, buttons, _ = turn(ben, "45 days")
    assert texts == ["Sorry, I can postpone it by 1 to 30 days.",
                     f"Shall we say 30 days, to {show_date(longest, 'en')}? "
                     "That's the longest I can postpone it."]
    texts, _, _ = turn(ben, buttons[-1][0]["payload"])  # Yes
    assert texts[-2].startswith("To confirm: the $309.00 overdue on loan L-7004 is postponed by 30 days")


def test_who_is_writing_is_answered_in_both_languages(borrowers):
    cora = Chat(borrowers, "b-7005")
    texts, buttons, _ = turn(cora, "who is this? how did you get my number?")
    assert texts[0].startswith("I'm the wallet's repayment assistant: an automated program, not a person.")
    assert "never ask for your password, PIN" in texts[0]
    assert [b["payload"] for b in buttons[0]] == ["/ask_balance", "/request_human"]
    assert turn(cora, "你们是谁？怎么有我的电话")[0][0].startswith("我是钱包的还款助手")


def test_a_refusal_to_pay_is_answered_calmly_and_the_second_goes_to_a_person(borrowers):
    he = Chat(borrowers, "b-7006")
    texts, buttons, status = turn(he, "我就是不还")
    assert texts[0].startswith("我明白，我不会催促您。") and status == "bot"
    assert [b["payload"] for b in buttons[0]] == [
        "/request_deferral", "/request_instalment", "/request_human"]
    texts, _, status = turn(he, "说了不还就是不还")
    assert status == "handoff" and "工作人员" in texts[0]
    database = Database(borrowers.database_url)
    try:
        with database.transaction() as session:
            [handoff] = session.execute(select(Handoff).where(Handoff.borrower_id == "b-7006")).scalars()
            assert handoff.reason == "negotiation_failed"
            assert "will not pay" in handoff.summary
    finally:
        database.dispose()
