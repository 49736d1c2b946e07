"""Payments from the wallet while an arrangement runs, with the real bot: each answer after a
payment names the arrangement and its progress, "I already paid" is checked against what was
received, the payoff is exact, and the payment that completes an arrangement keeps it."""
from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from bot.clock import today_in
from bot.db import Database
from bot.loans.accounts import load_account
from tests.conversations.conftest import Chat, arrangements

pytestmark = pytest.mark.conversation


def pay(stack, borrower_id: str, loan_id: str, amount: str, currency: str) -> int:
    body = {"payment_id": f"w-{uuid.uuid4()}", "borrower_id": borrower_id, "loan_id": loan_id,
            "amount": amount, "currency": currency, "paid_at": datetime.now(timezone.utc).isoformat()}
    request = urllib.request.Request(
        stack.gateway + "/api/v1/wallet/payments", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {stack.wallet_token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status


def arrangement(stack, loan_id: str) -> tuple[str, str]:
    [row] = arrangements(stack, loan_id)
    return row.type, row.status


def standing(stack, borrower_id: str) -> tuple[str, int]:
    """The loan's overdue amount and days past due, as the agent view and the bot count them."""
    database = Database(stack.database_url)
    try:
        with database.transaction() as session:
            [balance] = load_account(session, borrower_id).balances
            return format(balance.overdue_amount, "f"), balance.days_past_due
    finally:
        database.dispose()


def test_a_plan_agreed_in_chat_advances_with_each_payment_until_kept(stack):
    ravi = Chat(stack, "b-3011")
    ravi.say("can I pay in instalments?")
    ravi.say("3")
    ravi.say("tomorrow")
    assert ravi.say("yes")[0].startswith("Done, it's set up")
    tomorrow = today_in("Asia/Singapore") + timedelta(days=1)
    assert standing(stack, "b-3011") == ("0.00", 0)  # the plan's first instalment is not due yet

    assert pay(stack, "b-3011", "L-3011", "200.00", "SGD") == 201
    balance = ravi.say("how much do I owe?")
    assert balance[0].startswith("Loan L-3011: you're on a 3-month plan: 1 of 3 paid; the next SGD 200.00 "
                                 "is due on "), balance
    assert tomorrow.strftime("%-d %b") not in balance[0]  # the next one is a month on
    paid = ravi.say("I already paid")
    assert paid[0].startswith("I can see SGD 200.00 received today at "), paid
    payoff = ravi.say("how much to pay everything off today?")
    assert payoff[-1] == "Loan L-3011: to clear everything today: SGD 700.00."

    assert pay(stack, "b-3011", "L-3011", "400.00", "SGD") == 201
    assert arrangement(stack, "L-3011") == ("instalment_plan", "kept")  # at once, not at the next review
    balance = ravi.say("how much do I owe?")
    assert balance[0].startswith(
        "Loan L-3011: nothing is overdue. The next payment of SGD 300.00 is due on"), balance


def test_a_deferral_leaves_nothing_overdue_while_it_runs_and_is_kept_when_paid(stack):
    sun = Chat(stack, "b-3012")
    sun.say("能不能晚点还")
    sun.say("两周")
    assert sun.say("好的")[0].startswith("已办理好")
    assert standing(stack, "b-3012") == ("0.00", 0)  # was 6 days past due
    balance = sun.say("我还欠多少")
    assert balance[0].startswith("借款 L-3012：您的还款 ¥530.00 已延期到 "), balance
    assert "在此之前这笔款项不算逾期" in balance[0]

    assert pay(stack, "b-3012", "L-3012", "530.00", "CNY") == 201
    assert arrangement(stack, "L-3012") == ("deferral", "kept")
    assert sun.say("我还欠多少")[0].startswith("借款 L-3012：目前没有逾期。下一期 ¥510.00 在 ")


def test_i_already_paid_with_nothing_received_says_what_to_do(stack):
    reply = Chat(stack, "b-3013").say("I already paid it yesterday")  # no other test has b-3013
    assert reply[0].startswith("Thank you for letting me know. I can't see a payment from the last "), reply
