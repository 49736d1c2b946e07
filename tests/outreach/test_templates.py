"""Outreach messages as the borrower reads them, from the shipped outreach.yml."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.loans.balance import LoanBalance
from bot.outreach.facts import ContactCounts, History, LoanFacts
from bot.outreach.segments import Segment
from bot.outreach.strategy import Message, load_strategy
from bot.outreach.templates import render

STRATEGY = load_strategy()
INSTALMENTS_FIRST = Segment("low", "high", "standard", "instalments")
VALUES: dict[str, Any] = {"amount": Decimal("1095.00"), "due_date": date(2026, 11, 16), "days": 7}
EVENT_VALUES: dict[str, Any] = {**VALUES, "number": 2, "of": 3}
OPT_OUT = {None: "Reply STOP and we will not send you reminders.", "hans": "回复“停止”，我们就不再发送提醒。",
           "hant": "回覆“停止”，我們就不再發送提醒。"}


def facts(language: str = "en", script: str | None = None, name: str = "Wang Li",
          currency: str = "CNY") -> LoanFacts:
    zero = Decimal(0)
    balance = LoanBalance(
        loan_id="L-1001", currency=currency, principal=Decimal("6000"), overdue_principal=zero,
        overdue_interest=zero, overdue_late_fees=zero, overdue_paid=zero, overdue_amount=Decimal("1095"),
        days_past_due=7, oldest_unpaid_due_date=date(2026, 11, 16), next_due_date=None,
        next_due_amount=zero, outstanding=Decimal("6000"), bills_overdue=1)
    return LoanFacts(
        borrower_id="b-1", name=name, language=language, script=script, timezone="Asia/Shanghai",
        now=datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), balance=balance,
        history=History(0, 0, 3), counts=ContactCounts(0, 0, 0, 0), holds=frozenset())


def champion(stage: str):
    return next(s for s in STRATEGY.plans["standard"] if s.name == stage).message.variants[0]


def d7(loan: LoanFacts, first: bool, segment: Segment = INSTALMENTS_FIRST):
    return render(STRATEGY, champion("D+7"), facts=loan, segment=segment, values=VALUES, first=first)


def test_the_first_contact_in_english() -> None:
    rendered = d7(facts("en"), first=True)
    assert rendered.text == (
        "This is Wallet Credit's automated assistant, writing about a debt: your loan L-1001.\n"
        "Hi Wang Li, the CN¥1,095.00 on your loan L-1001 has been overdue since 16 Nov 2026, 7 days now. "
        "We are here to help you settle it.\n"
        "If it helps, you can split what is overdue into monthly instalments.\n"
        "Reply STOP and we will not send you reminders."
    )
    assert rendered.discloses is True


def test_a_later_contact_in_chinese_has_no_disclosure_but_the_opt_out() -> None:
    rendered = d7(facts("zh", name="王丽"), first=False)
    assert rendered.text == (
        "王丽您好，借款 L-1001 的 ¥1,095.00 自 2026年11月16日 起逾期，已经 7 天。我们可以帮您把它还上。\n"
        "如有需要，您可以把逾期的金额分成按月分期还款。\n"
        "回复“停止”，我们就不再发送提醒。"
    )
    assert rendered.discloses is False


def test_the_borrower_s_own_writing_beats_the_profile_language() -> None:
    assert d7(facts("en", script="hans", name="王丽"), first=False).text.startswith("王丽您好，借款 L-1001")
    assert d7(facts("zh", script="en"), first=False).text.startswith("Hi Wang Li, the CN¥1,095.00")


def test_traditional_for_a_borrower_who_writes_it_their_name_as_written() -> None:
    rendered = d7(facts("zh", script="hant", name="王丽"), first=True)
    assert rendered.text == (
        "這是錢包信用的自動助手，來信是關於一筆欠款：您的借款 L-1001。\n"
        "王丽您好，借款 L-1001 的 ¥1,095.00 自 2026年11月16日 起逾期，已經 7 天。我們可以幫您把它還上。\n"
        "如有需要，您可以把逾期的金額分成按月分期還款。\n"
        "回覆“停止”，我們就不再發送提醒。"
    )
    assert [b["title"] for b in rendered.buttons] == ["分期還款", "現在還款", "晚點還", "轉人工"]


def test_four_buttons_the_first_offer_first_each_carrying_the_loan() -> None:
    assert d7(facts("en"), first=False).buttons == [
        {"title": "Split into instalments", "payload": '/request_instalment{"loan_id": "L-1001"}'},
        {"title": "Pay now", "payload": '/ask_payment_methods{"loan_id": "L-1001"}'},
        {"title": "Pay later", "payload": '/request_deferral{"loan_id": "L-1001"}'},
        {"title": "Talk to a person", "payload": '/request_human{"loan_id": "L-1001"}'},
    ]
    person = d7(facts("zh"), first=False, segment=Segment("high", "low", "early_person", "person"))
    assert [b["title"] for b in person.buttons] == ["转人工", "现在还款", "晚点还", "分期还款"]
    assert person.buttons[0]["payload"] == '/request_human{"loan_id": "L-1001"}'


def test_the_offer_line_follows_the_segment() -> None:
    rendered = d7(facts("en"), first=False, segment=Segment("high", "low", "early_person", "person"))
    assert rendered.text.splitlines()[-2] == \
        "If you would rather talk it through, someone from our team can reply to you here."


def test_money_in_a_currency_without_a_symbol() -> None:
    text = d7(facts("en", currency="SGD"), first=False).text
    assert "the SGD 1,095.00 on your loan L-1001" in text


def _messages() -> list[tuple[str, Message, dict[str, Any]]]:
    stages = {stage.name: stage.message for stages in STRATEGY.plans.values() for stage in stages}
    return [*((name, m, VALUES) for name, m in stages.items()),
            *((name, m, EVENT_VALUES) for name, m in STRATEGY.events.items())]


@pytest.mark.parametrize(("name", "message", "values"), _messages(), ids=[m[0] for m in _messages()])
@pytest.mark.parametrize("script", [None, "hans", "hant"])
def test_every_shipped_text_renders(name: str, message: Message, values: dict, script: str | None) -> None:
    loan = facts("en", script=script)
    for variant in message.variants:
        for first in (True, False):
            text = render(STRATEGY, variant, facts=loan, segment=INSTALMENTS_FIRST, values=values,
                          first=first).text
            assert "{" not in text and "}" not in text
            assert "L-1001" in text
            assert text.splitlines()[-1] == OPT_OUT[script]
            assert len(text.splitlines()) == (4 if first else 3)

