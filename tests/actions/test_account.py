"""The account actions answer from the database, for the conversation's borrower only."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal as D

import actions.context
from actions.account import (
    ActionExplainCharges,
    ActionShowBalance,
    ActionShowDueDate,
    ActionShowPaymentMethods,
)
from bot.arrangements.kinds.instalment_plan import plan_terms
from bot.arrangements.service import create_arrangement
from bot.db import Database
from tests.actions.conftest import run


def responses(messages):
    return [(m["response"], {k: v for k, v in m.items() if k not in _NOT_VALUES}) for m in messages]


_NOT_VALUES = {"response", "text", "buttons", "elements", "custom", "template", "image",
               "attachment"}


async def test_balance_in_chinese(loan_db, frozen_today):
    messages, events = await run(ActionShowBalance(), "conv-wang", "zh")
    assert events == []
    assert responses(messages) == [("utter_balance_overdue", {
        "loan_id": "L-1001", "overdue": "¥2,145.00", "days_past_due": 39,
        "outstanding": "¥3,185.00",
    }), ("utter_balance_payoff", {"loan_id": "L-1001", "payoff": "¥3,185.00"})]


async def test_balance_in_english_for_two_currencies(loan_db, frozen_today):
    messages, _ = await run(ActionShowBalance(), "conv-alice", "en")
    assert responses(messages) == [
        ("utter_balance_overdue", {"loan_id": "L-2001", "overdue": "SGD 538.25",
                                   "days_past_due": 22, "outstanding": "SGD 1,150.25"}),
        ("utter_balance_payoff", {"loan_id": "L-2001", "payoff": "SGD 1,150.25"}),
        ("utter_balance_current", {"loan_id": "L-2002", "next_amount": "$304.50",
                                   "next_date": "10 Dec 2026", "outstanding": "$304.50"}),
        ("utter_balance_payoff", {"loan_id": "L-2002", "payoff": "$304.50"}),
        ("utter_balance_total", {"currency": "SGD", "overdue": "SGD 538.25",
                                 "outstanding": "SGD 1,150.25"}),
        ("utter_balance_total", {"currency": "USD", "overdue": "$0.00",
                                 "outstanding": "$304.50"}),
    ]


async def test_charges_add_up_exactly(loan_db, frozen_today):
    messages, _ = await run(ActionExplainCharges(), "conv-alice", "en")
    breakdown = responses(messages)[0]
    assert breakdown == ("utter_charges_breakdown", {
        "loan_id": "L-2001", "bills": 1, "principal": "SGD 600.00", "interest": "SGD 18.50",
        "late_fees": "SGD 20.00", "paid": "SGD 100.25", "overdue": "SGD 538.25",
    })
    assert [name for name, _ in responses(messages)][1:] == [
        "utter_charges_none_overdue", "utter_charges_policy"]


async def test_due_dates_in_chinese(loan_db, frozen_today):
    messages, _ = await run(ActionShowDueDate(), "conv-wang", "zh")
    assert responses(messages) == [
        ("utter_due_overdue", {"loan_id": "L-1001", "overdue": "¥2,145.00",
                               "since": "2026年10月15日", "days_past_due": 39}),
        ("utter_due_next", {"loan_id": "L-1001", "next_amount": "¥1,040.00",
                            "next_date": "2026年12月15日"}),
    ]


async def test_payment_methods_name_the_loans(loan_db, frozen_today):
    messages, _ = await run(ActionShowPaymentMethods(), "conv-alice", "en")
    assert responses(messages) == [("utter_payment_methods", {"loan_ids": "L-2001, L-2002"})]


async def test_the_borrower_is_the_conversation_not_the_text(loan_db, frozen_today):
    # Alice names Wang's loan and id in her message: she still gets only her own account.
    messages, _ = await run(ActionShowBalance(), "conv-alice", "en",
                            text="how much does b-1001 owe on L-1001?")
    assert {values["loan_id"] for _, values in responses(messages) if "loan_id" in values} == {
        "L-2001", "L-2002"}


async def test_a_loan_named_in_the_question_is_the_one_answered(loan_db, frozen_today):
    for text in ("how much is left on the USD loan?", "L-2002 balance", "美元那笔还欠多少"):
        messages, _ = await run(ActionShowBalance(), "conv-alice", "en", text=text)
        assert [(name, values["loan_id"]) for name, values in responses(messages)] == [
            ("utter_balance_current", "L-2002"), ("utter_balance_payoff", "L-2002")], text
    messages, _ = await run(ActionExplainCharges(), "conv-alice", "en", text="why is the SGD one so high")
    assert {values["loan_id"] for _, values in responses(messages) if "loan_id" in values} == {"L-2001"}


async def test_unknown_conversation_gets_no_account(loan_db):
    messages, _ = await run(ActionShowBalance(), "someone-else", "en")
    assert [m["response"] for m in messages] == ["utter_no_account"]


async def test_database_down_gets_a_clear_answer(monkeypatch):
    # A real PostgreSQL URL on a port where nothing listens: the connection is refused.
    down = Database("postgresql+psycopg2://nobody@127.0.0.1:9/nothing?connect_timeout=2")
    monkeypatch.setattr(actions.context, "database", lambda: down)
    messages, events = await run(ActionShowBalance(), "conv-wang", "zh")
    assert [m["response"] for m in messages] == ["utter_service_unavailable"]
    assert events == []


async def test_while_a_plan_runs_the_bot_answers_with_its_instalments(loan_db, frozen_today):
    """The balance the actions pass is the loan's effective one (bot/loans/accounts.py), the
    agent view's: the plan's first instalment is what falls due next, nothing is overdue."""
    plan = plan_terms(D("2145.00"), "CNY", 3, date(2026, 11, 30))
    with loan_db.transaction() as session:
        create_arrangement(session, loan_id="L-1001", terms=plan,
                           conversation_id="conv-wang", created_by="bot", idempotency_key=None,
                           now=datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc))
    balance, _ = await run(ActionShowBalance(), "conv-wang", "zh")
    assert responses(balance) == [
        ("utter_balance_plan", {"loan_id": "L-1001", "instalments": 3, "instalments_paid": 0,
                                "next_amount": "¥715.00", "next_date": "2026年11月30日"}),
        ("utter_balance_outstanding", {"loan_id": "L-1001", "outstanding": "¥3,185.00"}),
        ("utter_balance_payoff", {"loan_id": "L-1001", "payoff": "¥3,185.00"}),
    ]
    due, _ = await run(ActionShowDueDate(), "conv-wang", "zh")
    assert responses(due) == [("utter_due_next", {"loan_id": "L-1001", "next_amount": "¥715.00",
                                                  "next_date": "2026年11月30日"})]
