"""Arrangements change the schedule (CONTRACT §5), on real databases: while a deferral or plan
is active, the bills overdue when it was agreed fall due by its own schedule — overdue amount
and days past due are its, payments advance it — and their late fees are frozen; a broken
one restores the bills' own dates (policy.yml `review.on_broken`), the fees it froze staying
waived unless the policy charges them back. A promise changes no dates."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.arrangements.kinds.deferral import DeferralTerms
from bot.arrangements.kinds.instalment_plan import plan_terms
from bot.arrangements.kinds.promise import PromiseTerms
from bot.arrangements.policy import DEFAULT_PATH, parse_policy
from bot.arrangements.review import review_arrangements
from bot.arrangements.service import cancel_arrangement, create_arrangement
from bot.db import Database
from bot.db.models import Arrangement, Bill
from bot.ledger.recording import record_payment
from bot.loans.accounts import load_account
from bot.loans.balance import LoanBalance
from bot.loans.fixtures import FixtureError
from bot.loans.schedule import Scheduled
from tests.builders import CONTRACT_DAY, add, bill, borrower, fees_raised, load, wang
from tests.ledger.support import BOOK, SHANGHAI, report

D = Decimal
DEFERRAL = DeferralTerms(14, date(2026, 12, 7), D("2145.00"), "CNY", D("0.00"), True)
PLAN = plan_terms(D("2145.00"), "CNY", 3, date(2026, 11, 30))  # 715.00 on 11-30, 12-30, 01-30
PROMISE = PromiseTerms(D("500.00"), date(2026, 11, 27), "CNY")
CHARGING = parse_policy(DEFAULT_PATH.read_text(encoding="utf-8").replace(
    "late_fees_frozen_when_broken: waived", "late_fees_frozen_when_broken: charged"))


def day(text: str) -> date:
    return date.fromisoformat(text)


def at(text: str, hour: int = 12) -> datetime:
    return datetime.combine(day(text), time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def loaded(database: Database) -> Database:
    """CONTRACT §3's loan on CONTRACT_DAY: CNY 2,145.00 overdue for 39 days, 3,185.00 in all."""
    load(database, wang(), today=CONTRACT_DAY)
    return database


def arrange(database: Database, terms) -> str:
    with database.transaction() as session:
        arrangement, _ = create_arrangement(session, loan_id="L-1001", terms=terms, conversation_id="c-1",
                                            created_by="bot", idempotency_key=None,
                                            now=at("2026-11-23", 10))
        return arrangement.id


def balance(database: Database, today: str) -> LoanBalance:
    with database.transaction() as session:
        [loan] = load_account(session, "b-1001", day(today)).balances
        return loan


def figures(database: Database, today: str) -> tuple[Decimal, int, Decimal]:
    found = balance(database, today)
    return found.overdue_amount, found.days_past_due, found.outstanding


def pay(database: Database, payment_id: str, amount: str, on: str) -> None:
    with database.transaction() as session:
        record_payment(session, report(payment_id=payment_id, amount=D(amount), paid_at=at(on)), BOOK,
                       at(on, 13))


def review(database: Database, today: str, book=BOOK) -> dict:
    with database.transaction() as session:
        return review_arrangements(session, book, day(today))


def status(database: Database, arrangement_id: str) -> str:
    with database.transaction() as session:
        return session.get(Arrangement, arrangement_id).status


def due_dates(database: Database) -> list[str]:
    with database.transaction() as session:
        return [bill.due_date.isoformat() for bill in session.execute(
            select(Bill).where(Bill.loan_id == "L-1001").order_by(Bill.due_date)).scalars()]


# --- a deferral --------------------------------------------------------------------------------


def test_a_deferral_redates_the_overdue_bills_until_it_is_paid(loaded):
    deferral = arrange(loaded, DEFERRAL)
    now = balance(loaded, "2026-11-23")
    assert (now.overdue_amount, now.days_past_due, now.outstanding) == (D("0.00"), 0, D("3185.00"))
    assert (now.next_due_date, now.next_due_amount) == (date(2026, 12, 7), D("2145.00"))
    assert now.arrangement.dues == (Scheduled(date(2026, 12, 7), D("2145.00"), D("0")),)
    assert figures(loaded, "2026-12-07") == (D("0.00"), 0, D("3185.00"))  # due that day: not late yet
    late = balance(loaded, "2026-12-09")  # within the grace days: still active, late from the new date
    assert (late.overdue_amount, late.days_past_due, late.oldest_unpaid_due_date) == (
        D("2145.00"), 2, date(2026, 12, 7))
    assert (late.overdue_principal, late.overdue_interest, late.overdue_late_fees, late.overdue_paid,
            late.bills_overdue) == (D("2000.00"), D("110.00"), D("35.00"), D("0.00"), 2)
    assert due_dates(loaded) == ["2026-10-15", "2026-11-15", "2026-12-15"]  # the bills' own, kept
    pay(loaded, "w-1", "2145.00", "2026-12-01")
    assert status(loaded, deferral) == "kept"
    after = balance(loaded, "2026-12-01")
    assert (after.overdue_amount, after.days_past_due, after.outstanding, after.arrangement) == (
        D("0.00"), 0, D("1040.00"), None)
    assert (after.next_due_date, after.next_due_amount) == (date(2026, 12, 15), D("1040.00"))


def test_a_broken_deferral_restores_the_original_schedule(loaded):
    deferral = arrange(loaded, DEFERRAL)
    pay(loaded, "w-1", "1000.00", "2026-12-05")
    assert figures(loaded, "2026-12-10") == (D("1145.00"), 3, D("2185.00"))
    assert review(loaded, "2026-12-11") == {"kept": 0, "broken": 1, "active": 0}
    assert status(loaded, deferral) == "broken"
    # 10-15's bill has 95.00 left (1,000.00 paid its fee, interest and 905.00 of its principal).
    assert figures(loaded, "2026-12-11") == (D("1145.00"), 57, D("2185.00"))
    assert balance(loaded, "2026-12-11").oldest_unpaid_due_date == date(2026, 10, 15)


# --- an instalment plan --------------------------------------------------------------------------


def test_a_plan_replaces_the_overdue_by_its_instalments_and_payments_advance_it(loaded):
    plan = arrange(loaded, PLAN)
    first = balance(loaded, "2026-11-23")
    assert (first.overdue_amount, first.days_past_due, first.outstanding) == (D("0.00"), 0, D("3185.00"))
    assert (first.next_due_date, first.next_due_amount) == (date(2026, 11, 30), D("715.00"))
    missed = balance(loaded, "2026-12-02")  # the first instalment two days late
    assert (missed.overdue_amount, missed.days_past_due) == (D("715.00"), 2)
    # What the late instalment is made of: the oldest bill's fee, interest and principal.
    assert (missed.overdue_late_fees, missed.overdue_interest, missed.overdue_principal,
            missed.bills_overdue) == (D("35.00"), D("60.00"), D("620.00"), 1)
    pay(loaded, "w-1", "715.00", "2026-11-29")
    paid_one = balance(loaded, "2026-12-02")
    assert (paid_one.overdue_amount, paid_one.days_past_due, paid_one.outstanding) == (
        D("0.00"), 0, D("2470.00"))
    assert (paid_one.arrangement.dues_paid, len(paid_one.arrangement.dues)) == (1, 3)
    assert paid_one.arrangement.next_due == Scheduled(date(2026, 12, 30), D("715.00"), D("0"))
    assert (paid_one.next_due_date, paid_one.next_due_amount) == (date(2026, 12, 15), D("1040.00"))
    # A bill the plan does not cover falls due on its own date.
    assert figures(loaded, "2026-12-16") == (D("1040.00"), 1, D("2470.00"))
    pay(loaded, "w-2", "715.00", "2026-12-29")
    assert status(loaded, plan) == "active"
    pay(loaded, "w-3", "715.00", "2027-01-29")
    assert status(loaded, plan) == "kept"
    assert figures(loaded, "2027-01-29") == (D("1040.00"), 45, D("1040.00"))


def test_a_broken_plan_restores_the_original_schedule(loaded):
    plan = arrange(loaded, PLAN)
    pay(loaded, "w-1", "715.00", "2026-11-29")
    assert review(loaded, "2027-01-02") == {"kept": 0, "broken": 0, "active": 1}
    # The second instalment late, and the bill of 12-15 it does not cover: late since 12-15.
    assert figures(loaded, "2027-01-02") == (D("1755.00"), 18, D("2470.00"))
    assert review(loaded, "2027-01-03") == {"kept": 0, "broken": 1, "active": 0}
    assert status(loaded, plan) == "broken"
    assert figures(loaded, "2027-01-03") == (D("2470.00"), 80, D("2470.00"))  # since 2026-10-15


# --- late fees ------------------------------------------------------------------------------------


def test_late_fees_gained_while_a_plan_runs_are_not_owed_nor_paid(loaded):
    plan = arrange(loaded, PLAN)
    fees_raised(loaded, "55.00", "20.00")  # 40.00 more, loaded while the plan runs
    running = balance(loaded, "2026-11-24")
    assert (running.outstanding, running.arrangement.late_fees_frozen) == (D("3185.00"), D("40.00"))
    with loaded.transaction() as session:
        recorded = record_payment(session, report(payment_id="w-1", amount=D("3185.00"),
                                                  paid_at=at("2026-11-24")), BOOK, at("2026-11-24", 13))
    assert recorded.credit == D("0.00")
    assert sum(dict(share.components)["late_fee"] for share in recorded.bills) == D("35.00")
    assert status(loaded, plan) == "kept"
    assert figures(loaded, "2026-11-24") == (D("0.00"), 0, D("0.00"))  # waived for good


def test_a_broken_plan_leaves_frozen_fees_waived_by_default(loaded):
    arrange(loaded, PLAN)
    fees_raised(loaded, "55.00", "20.00")
    assert review(loaded, "2026-12-04") == {"kept": 0, "broken": 1, "active": 0}
    assert figures(loaded, "2026-12-04") == (D("2145.00"), 50, D("3185.00"))
    fees_raised(loaded, "65.00", "20.00")  # gained after it broke: owed as usual
    assert figures(loaded, "2026-12-04") == (D("2155.00"), 50, D("3195.00"))


def test_a_policy_may_charge_frozen_fees_back_when_it_breaks(loaded):
    arrange(loaded, PLAN)
    fees_raised(loaded, "55.00", "20.00")
    assert figures(loaded, "2026-12-03") == (D("715.00"), 3, D("3185.00"))
    assert review(loaded, "2026-12-04", CHARGING) == {"kept": 0, "broken": 1, "active": 0}
    assert figures(loaded, "2026-12-04") == (D("2185.00"), 50, D("3225.00"))


def test_a_deferral_that_does_not_freeze_fees_owes_them(loaded):
    arrange(loaded, DeferralTerms(14, date(2026, 12, 7), D("2145.00"), "CNY", D("0.00"), False))
    fees_raised(loaded, "55.00", "20.00")
    now = balance(loaded, "2026-11-24")
    assert (now.overdue_amount, now.outstanding, now.arrangement.late_fees_frozen) == (
        D("0.00"), D("3225.00"), D("0.00"))


def test_an_agent_cancelling_restores_the_dates_and_keeps_fees_waived(loaded):
    plan = arrange(loaded, PLAN)
    fees_raised(loaded, "55.00", "20.00")
    with loaded.transaction() as session:
        cancel_arrangement(session, plan, actor="agent:maria", reason="replaced")
    assert figures(loaded, "2026-11-23") == (D("2145.00"), 39, D("3185.00"))


# --- a promise, and the fixture loader ---------------------------------------------------------


def test_a_promise_changes_no_dates_and_is_held_against_payments(loaded):
    arrange(loaded, PROMISE)
    fees_raised(loaded, "55.00", "20.00")  # a promise freezes nothing
    pay(loaded, "w-1", "200.00", "2026-11-24")
    now = balance(loaded, "2026-11-24")
    assert (now.overdue_amount, now.days_past_due, now.outstanding) == (D("1985.00"), 40, D("3025.00"))
    assert (now.arrangement.reschedules, now.arrangement.dues) == (
        False, (Scheduled(date(2026, 11, 27), D("500.00"), D("200.00")),))


def test_a_bill_an_arrangement_covered_cannot_be_dropped_by_a_load(loaded):
    arrange(loaded, DEFERRAL)
    shorter = borrower("b-1001", "王伟", "zh", "Asia/Shanghai").loan(
        "L-1001", "CNY", "3000.00", bill(-8, "1000.00", interest="50.00"),
        bill(22, "1000.00", interest="40.00"))
    with pytest.raises(FixtureError, match="the bill due 2026-10-15 has an arrangement covering it"), \
            loaded.transaction() as session:
        add(session, shorter, today=CONTRACT_DAY)
    assert due_dates(loaded) == ["2026-10-15", "2026-11-15", "2026-12-15"]  # nothing changed

