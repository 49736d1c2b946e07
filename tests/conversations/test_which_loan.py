"""Several loans, with the real bot: an arrangement asks which loan (a button each, with what
is overdue on it), takes a tap or a typed answer, and is made on that loan only; a question
that names a loan is answered for that loan."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import today_in
from tests.conversations.conftest import Chat, arrangements

pytestmark = pytest.mark.conversation


def made(stack, *loan_ids: str) -> list[tuple[str, str, dict]]:
    return [(a.loan_id, a.type, a.terms) for a in arrangements(stack, *loan_ids)]


def said(chat: Chat, text: str) -> tuple[list[str], list[list[dict]], str]:
    status, body = chat.request("POST", "/api/v1/chat", {"text": text})
    assert status == 200, body
    messages = body["messages"]
    return [m["text"] for m in messages], [m.get("buttons") or [] for m in messages], body["status"]


def test_a_deferral_asks_which_loan_and_is_made_on_the_one_named(stack):
    mei = Chat(stack, "b-3007")
    texts, buttons, _ = said(mei, "can I pay later?")
    assert texts == ["You have more than one loan to repay. Which one is this for? "
                     "Each button shows what is overdue on that loan."]
    assert buttons[0] == [{"title": "L-3007 · HK$1,020.00", "payload": '/inform{"loan_id": "L-3007"}'},
                          {"title": "L-3008 · $0.00", "payload": '/inform{"loan_id": "L-3008"}'}]

    # The USD loan has nothing overdue yet: that is explained, and nothing is made.
    texts, _, status = said(mei, '/inform{"loan_id": "L-3008"}')
    assert texts[0] == "Nothing is overdue on loan L-3008, so there is nothing to rearrange right now."
    assert status == "bot", texts
    assert made(stack, "L-3007", "L-3008") == []

    # Asked again, answered in words: the offer is on the HKD loan.
    said(mei, "I need more time to pay")
    texts, _, _ = said(mei, "the HKD one")
    assert texts[0].startswith("Yes, you can: the HK$1,020.00 overdue on loan L-3007"), texts
    texts, _, _ = said(mei, "two weeks")
    assert texts[-1] == "Shall I set this up?"
    assert said(mei, "yes")[0][0].startswith("Done, it's set up")
    [(loan, kind, terms)] = made(stack, "L-3007", "L-3008")
    new_date = today_in("Asia/Hong_Kong") + timedelta(days=14)
    assert (loan, kind, terms["new_due_date"]) == ("L-3007", "deferral", new_date.isoformat())


def test_a_question_that_names_a_loan_is_answered_for_it(stack):
    mei = Chat(stack, "b-3007")
    texts, _, _ = said(mei, "how much do I still owe on the USD loan?")
    assert texts and all("L-3008" in text for text in texts) and not any("L-3007" in t for t in texts), texts


def test_a_promise_in_chinese_keeps_what_was_said_before_the_question(stack):
    """"我下周五还500" → which loan? → 港币那笔: the amount and day are not asked again."""
    he = Chat(stack, "b-3008")
    texts, buttons, _ = said(he, "我下周五还500")
    assert texts == ["您有不止一笔借款要还。这次说的是哪一笔？每个按钮上是该笔借款目前逾期的金额。"]
    assert [b["title"] for b in buttons[0]] == ["L-3009 · HK$1,010.00", "L-3010 · ¥909.00"]
    texts, _, _ = said(he, "港币那笔")
    assert any("L-3009" in text for text in texts), texts
    assert texts[-1] == "确认办理吗？", texts  # straight to the terms: nothing asked again
    assert said(he, "好的")[0][0].startswith("已办理好")
    [(loan, kind, terms)] = made(stack, "L-3009", "L-3010")
    assert (loan, kind, terms["amount"]) == ("L-3009", "promise_to_pay", "500.00")
