"""Answers that reflect the account (issue 11, part 4): an active arrangement and its progress
in the balance, what clears everything today, frozen late fees in the charges, and "I already
paid" checked against the payments the wallet reported, in English and Chinese."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

import actions.account
import bot.loans.accounts as accounts
from actions.account import ActionCheckPayment, ActionExplainCharges, ActionShowBalance
from bot.arrangements.kinds.deferral import DeferralTerms
from bot.arrangements.kinds.instalment_plan import plan_terms
from bot.arrangements.kinds.promise import PromiseTerms
from bot.arrangements.policy import load_policy
from bot.arrangements.service import create_arrangement
from bot.db import Database
from bot.ledger.payments import WalletPayment
from bot.ledger.recording import record_payment
from tests.actions.conftest import TODAY, run
from tests.actions.test_account import responses
from tests.builders import fees_raised

BOOK = load_policy()
SHANGHAI = ZoneInfo("Asia/Shanghai")
SINGAPORE = ZoneInfo("Asia/Singapore")
PLAN = plan_terms(D("2145.00"), "CNY", 3, date(2026, 11, 30))  # 715.00 on 11-30, 12-30, 01-30
DEFERRAL = DeferralTerms(14, date(2026, 12, 7), D("2145.00"), "CNY", D("0.00"), True)
PROMISE = PromiseTerms(D("500.00"), date(2026, 11, 27), "CNY")


def arrange(database: Database, terms, loan_id: str = "L-1001") -> None:
    with database.transaction() as session:
        create_arrangement(session, loan_id=loan_id, terms=terms, conversation_id="conv-wang",
                           created_by="bot", idempotency_key=None,
                           now=datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))


def pay(database: Database, payment_id: str, amount: str, paid_at: datetime, *,
        borrower_id: str = "b-1001", loan_id: str = "L-1001", currency: str = "CNY") -> None:
    with database.transaction() as session:
        record_payment(session, WalletPayment(payment_id, borrower_id, loan_id, D(amount), currency,
                                              paid_at), BOOK, paid_at)


@pytest.fixture
def today_is(monkeypatch):
    """Pin the borrower's 'today' to a day of the test's choosing."""
    def pin(day: date) -> date:
        monkeypatch.setattr(accounts, "today_in", lambda timezone_name, now=None: day)
        return day
    return pin


@pytest.fixture
def now_is(monkeypatch):
    """Pin the actions' clock (which payments are recent) to an instant."""
    def pin(moment: datetime) -> datetime:
        monkeypatch.setattr(actions.account, "utcnow", lambda: moment.astimezone(timezone.utc))
        return moment
    return pin


# --- the balance names the arrangement ----------------------------------------------------------


async def test_balance_names_the_plan_and_its_progress_in_chinese(loan_db, frozen_today):
    arrange(loan_db, PLAN)
    pay(loan_db, "w-1", "715.00", datetime(2026, 11, 23, 11, 0, tzinfo=SHANGHAI))
    messages, _ = await run(ActionShowBalance(), "conv-wang", "zh")
    assert responses(messages) == [
        ("utter_balance_plan", {"loan_id": "L-1001", "instalments": 3, "instalments_paid": 1,
                                "next_amount": "¥715.00", "next_date": "2026年12月30日"}),
        ("utter_due_next", {"loan_id": "L-1001", "next_amount": "¥1,040.00", "next_date": "2026年12月15日"}),
        ("utter_balance_outstanding", {"loan_id": "L-1001", "outstanding": "¥2,470.00"}),
        ("utter_balance_payoff", {"loan_id": "L-1001", "payoff": "¥2,470.00"}),
    ]


async def test_balance_names_a_late_instalment_and_what_is_overdue_outside_the_plan(
        loan_db, today_is):
    arrange(loan_db, PLAN)
    pay(loan_db, "w-1", "715.00", datetime(2026, 11, 29, 12, 0, tzinfo=SHANGHAI))
    today_is(date(2027, 1, 2))  # the second instalment late; the bill of 12-15 is not the plan's
    messages, _ = await run(ActionShowBalance(), "conv-wang", "en")
    assert responses(messages) == [
        ("utter_balance_plan_late", {"loan_id": "L-1001", "instalments": 3, "instalments_paid": 1,
                                     "next_amount": "CN¥715.00", "next_date": "30 Dec 2026"}),
        ("utter_balance_outside_arrangement", {"loan_id": "L-1001", "overdue": "CN¥1,040.00"}),
        ("utter_balance_outstanding", {"loan_id": "L-1001", "outstanding": "CN¥2,470.00"}),
        ("utter_balance_payoff", {"loan_id": "L-1001", "payoff": "CN¥2,470.00"}),
    ]


async def test_balance_names_a_deferral_in_english_and_chinese(loan_db, frozen_today):
    arrange(loan_db, DEFERRAL)
    english, _ = await run(ActionShowBalance(), "conv-wang", "en")
    assert responses(english) == [
        ("utter_balance_deferred", {"loan_id": "L-1001", "amount": "CN¥2,145.00",
                                    "new_date": "7 Dec 2026"}),
        ("utter_balance_outstanding", {"loan_id": "L-1001", "outstanding": "CN¥3,185.00"}),
        ("utter_balance_payoff", {"loan_id": "L-1001", "payoff": "CN¥3,185.00"}),
    ]
    chinese, _ = await run(ActionShowBalance(), "conv-wang", "zh")
    assert responses(chinese)[0] == ("utter_balance_deferred", {
        "loan_id": "L-1001", "amount": "¥2,145.00", "new_date": "2026年12月7日"})


async def test_balance_after_the_deferred_date_says_it_has_not_arrived(loan_db, today_is):
    arrange(loan_db, DEFERRAL)
    today_is(date(2026, 12, 8))
    messages, _ = await run(ActionShowBalance(), "conv-wang", "zh")
    assert responses(messages) == [
        ("utter_balance_deferred_late", {"loan_id": "L-1001", "amount": "¥2,145.00",
                                         "new_date": "2026年12月7日"}),
        # The next bill, which the deferral does not cover, now comes before anything else.
        ("utter_due_next", {"loan_id": "L-1001", "next_amount": "¥1,040.00", "next_date": "2026年12月15日"}),
        ("utter_balance_outstanding", {"loan_id": "L-1001", "outstanding": "¥3,185.00"}),
        ("utter_balance_payoff", {"loan_id": "L-1001", "payoff": "¥3,185.00"}),
    ]


async def test_balance_names_a_promise_beside_what_is_overdue(loan_db, frozen_today):
    arrange(loan_db, PROMISE)
    messages, _ = await run(ActionShowBalance(), "conv-wang", "en")
    assert responses(messages) == [
        ("utter_balance_overdue", {"loan_id": "L-1001", "overdue": "CN¥2,145.00",
                                   "days_past_due": 39, "outstanding": "CN¥3,185.00"}),
        ("utter_balance_promise", {"loan_id": "L-1001", "amount": "CN¥500.00",
                                   "date": "27 Nov 2026"}),
        ("utter_balance_payoff", {"loan_id": "L-1001", "payoff": "CN¥3,185.00"}),
    ]


async def test_a_repaid_loan_has_no_payoff_line(loan_db, frozen_today):
    # Alice pays her USD loan in full, and a little more: a credit, nothing left to clear.
    pay(loan_db, "w-usd", "310.00", datetime(2026, 11, 23, 9, 0, tzinfo=SINGAPORE),
        borrower_id="b-2001", loan_id="L-2002", currency="USD")
    messages, _ = await run(ActionShowBalance(), "conv-alice", "en")
    usd = [(name, values) for name, values in responses(messages) if values.get("loan_id") == "L-2002"]
    assert usd == [("utter_nothing_owed", {"loan_id": "L-2002"})]


# --- the charges name frozen late fees ------------------------------------------------------------


@pytest.mark.parametrize("language, frozen", [("zh", "¥40.00"), ("en", "CN¥40.00")])
async def test_charges_name_the_late_fees_a_plan_freezes(loan_db, frozen_today, language, frozen):
    arrange(loan_db, PLAN)
    fees_raised(loan_db, "55.00", "20.00")  # 40.00 more, loaded while the plan runs
    messages, _ = await run(ActionExplainCharges(), "conv-wang", language)
    assert [name for name, _ in responses(messages)] == [
        "utter_charges_none_overdue", "utter_charges_frozen", "utter_charges_policy"]
    assert responses(messages)[1] == ("utter_charges_frozen", {"loan_id": "L-1001", "frozen": frozen})


async def test_charges_without_an_arrangement_name_no_freeze(loan_db, frozen_today):
    messages, _ = await run(ActionExplainCharges(), "conv-wang", "zh")
    assert "utter_charges_frozen" not in [name for name, _ in responses(messages)]


# --- "I already paid" ---------------------------------------------------------------------------


async def test_a_payment_received_today_is_named_with_the_balance_now(loan_db, frozen_today, now_is):
    pay(loan_db, "w-sgd", "200.00", datetime(2026, 11, 23, 10, 14, tzinfo=SINGAPORE),
        borrower_id="b-2001", loan_id="L-2001", currency="SGD")
    now_is(datetime.combine(TODAY, time(12, 0), tzinfo=SINGAPORE))
    messages, events = await run(ActionCheckPayment(), "conv-alice", "en", text="I already paid")
    assert events == []
    assert responses(messages) == [
        ("utter_payment_seen", {"loan_id": "L-2001", "amount": "SGD 200.00", "when": "today at 10:14"}),
        ("utter_payment_seen_balance", {"loan_id": "L-2001", "overdue": "SGD 338.25",
                                        "outstanding": "SGD 950.25"}),
    ]


async def test_payments_in_chinese_name_the_day_in_the_borrowers_zone(loan_db, frozen_today, now_is):
    # 20:30 on 11-22 in Shanghai is 12:30 UTC; two payments, the newest first.
    pay(loan_db, "w-1", "100.00", datetime(2026, 11, 20, 10, 5, tzinfo=timezone.utc))
    pay(loan_db, "w-2", "45.00", datetime(2026, 11, 22, 12, 30, tzinfo=timezone.utc))
    now_is(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    messages, _ = await run(ActionCheckPayment(), "conv-wang", "zh", text="我昨天已经还了")
    assert responses(messages) == [
        ("utter_payment_seen", {"loan_id": "L-1001", "amount": "¥45.00", "when": "昨天 20:30"}),
        ("utter_payment_seen", {"loan_id": "L-1001", "amount": "¥100.00", "when": "2026年11月20日 18:05"}),
        ("utter_payment_seen_balance", {"loan_id": "L-1001", "overdue": "¥2,000.00",
                                        "outstanding": "¥3,040.00"}),
    ]


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_no_recent_payment_is_said_kindly_with_what_to_do(loan_db, frozen_today, now_is,
                                                                language):
    pay(loan_db, "w-old", "100.00", datetime(2026, 11, 15, 12, 0, tzinfo=SHANGHAI))  # 8 days ago
    now_is(datetime(2026, 11, 23, 13, 0, tzinfo=SHANGHAI))
    messages, events = await run(ActionCheckPayment(), "conv-wang", language, text="I already paid")
    assert (responses(messages), events) == ([("utter_payment_not_seen", {"days": 7})], [])


async def test_another_borrowers_payment_is_never_named(loan_db, frozen_today, now_is):
    pay(loan_db, "w-1", "100.00", datetime(2026, 11, 23, 11, 0, tzinfo=SHANGHAI))
    now_is(datetime(2026, 11, 23, 13, 0, tzinfo=SHANGHAI))
    messages, _ = await run(ActionCheckPayment(), "conv-alice", "en", text="I already paid")
    assert [name for name, _ in responses(messages)] == ["utter_payment_not_seen"]


async def test_an_unknown_conversation_gets_no_account(loan_db):
    messages, _ = await run(ActionCheckPayment(), "someone-else", "en")
    assert [m["response"] for m in messages] == ["utter_no_account"]
