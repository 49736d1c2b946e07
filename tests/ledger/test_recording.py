"""bot/ledger/recording.py on real databases: a payment recorded once with its allocation,
Bill.paid kept with it, a credit beyond everything owed, refusals, an arrangement kept at
once, fixtures reloaded over payments, and races (two identical reports; a report and an
arrangement's confirmation)."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.arrangements.kinds.deferral import DeferralTerms
from bot.arrangements.kinds.instalment_plan import plan_terms
from bot.arrangements.kinds.promise import PromiseTerms
from bot.arrangements.review import review_arrangements
from bot.arrangements.service import create_arrangement
from bot.clock import today_in
from bot.db import Database
from bot.db.models import Arrangement, AuditEvent, Borrower
from bot.ledger.owing import credits_of
from bot.ledger.recording import record_payment
from bot.ledger.refusals import PaymentConflict, PaymentRefused
from bot.loans.fixtures import FixtureError
from tests.builders import CONTRACT_DAY, bill, borrower, load, wang
from tests.ledger.support import (
    BOOK,
    NOW,
    REPORT,
    SHANGHAI,
    allocations,
    bills_paid,
    payments,
    record,
    report,
)

D = Decimal
ZERO_SHARES = {"late_fee": D("0"), "interest": D("0"), "principal": D("0")}


@pytest.fixture
def loaded(database: Database) -> Database:
    """CONTRACT §3's loan on CONTRACT_DAY (bills of 2026-10-15, 11-15, 12-15), and a USD
    borrower."""
    load(database, wang(), borrower("b-2", "Ann Lee").loan("L-2", "USD", "100.00", bill(-5, "100.00")),
         today=CONTRACT_DAY)
    return database


def shares(recorded) -> list[tuple[str, dict]]:
    return [(share.due_date.isoformat(), dict(share.components)) for share in recorded.bills]


def events(database: Database, action: str) -> list[AuditEvent]:
    with database.transaction() as session:
        return list(session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars())


# --- recording -------------------------------------------------------------------------------


def test_a_payment_is_allocated_and_bill_paid_follows(loaded):
    recorded = record(loaded)
    assert recorded.new and recorded.credit == 0
    assert recorded.payment == REPORT and recorded.received_at == NOW
    assert shares(recorded) == [("2026-10-15", {"late_fee": D("35.00"), "interest": D("60.00"),
                                                "principal": D("25.50")})]
    assert allocations(loaded) == [("w-1", "2026-10-15", "late_fee", D("35.00")),
                                   ("w-1", "2026-10-15", "interest", D("60.00")),
                                   ("w-1", "2026-10-15", "principal", D("25.50"))]
    assert bills_paid(loaded) == [("2026-10-15", D("0"), D("120.50")), ("2026-11-15", D("0"), D("0")),
                                  ("2026-12-15", D("0"), D("0"))]
    [event] = events(loaded, "payment_recorded")
    assert (event.actor, event.borrower_id, event.loan_id) == ("wallet", "b-1001", "L-1001")
    assert event.details == {"payment_id": "w-1", "amount": "120.50", "currency": "CNY",
                             "paid_at": "2026-11-23T11:00:00+08:00", "credit": "0.00"}


def test_the_next_payment_takes_up_where_the_last_left(loaded):
    record(loaded)
    second = record(loaded, report(payment_id="w-2", amount=D("1000.00")))
    assert shares(second) == [
        ("2026-10-15", {**ZERO_SHARES, "principal": D("974.50")}),
        ("2026-11-15", {**ZERO_SHARES, "interest": D("25.50")}),
    ]
    assert [paid for _, _, paid in bills_paid(loaded)] == [D("1095.00"), D("25.50"), D("0")]


def test_beyond_everything_owed_is_a_credit_on_the_loan(loaded):
    recorded = record(loaded, report(amount=D("3200.00")))
    assert recorded.credit == D("15.00")
    assert [share.due_date.isoformat() for share in recorded.bills] == ["2026-10-15", "2026-11-15",
                                                                        "2026-12-15"]
    assert allocations(loaded)[-1] == ("w-1", None, "credit", D("15.00"))
    again = record(loaded, report(payment_id="w-2", amount=D("1.00")))
    assert (again.bills, again.credit) == ((), D("1.00"))
    with loaded.transaction() as session:
        assert credits_of(session, ["L-1001", "L-2"]) == {"L-1001": D("16.00")}


def test_the_same_report_again_changes_nothing(loaded):
    first = record(loaded)
    # The same values, written otherwise: "120.5", the time in UTC.
    again = record(loaded, report(amount=D("120.5"), paid_at=datetime(2026, 11, 23, 3, tzinfo=timezone.utc)),
                   now=NOW + timedelta(hours=1))
    assert not again.new
    assert (again.payment, again.received_at, again.bills, again.credit) == (
        first.payment, first.received_at, first.bills, first.credit)
    assert len(payments(loaded)) == 1 and len(allocations(loaded)) == 3
    assert bills_paid(loaded)[0][2] == D("120.50")
    assert len(events(loaded, "payment_recorded")) == 1


@pytest.mark.parametrize("changes", [
    {"amount": D("120.51")}, {"loan_id": "L-2"}, {"borrower_id": "b-2"}, {"currency": "USD"},
    {"paid_at": REPORT.paid_at + timedelta(seconds=1)},
])
def test_a_known_payment_id_with_other_values_is_a_conflict(loaded, changes):
    record(loaded)
    with pytest.raises(PaymentConflict, match="w-1 was recorded with other values"):
        record(loaded, report(**changes))
    assert len(payments(loaded)) == 1 and bills_paid(loaded)[0][2] == D("120.50")


REFUSED = {
    "unknown loan": ({"loan_id": "L-404"}, "unknown_loan"),
    "another borrower's loan": ({"borrower_id": "b-2"}, "another_borrower"),
    "another currency": ({"currency": "USD"}, "another_currency"),
    "zero": ({"amount": D("0")}, "amount_not_positive"),
    "negative": ({"amount": D("-5.00")}, "amount_not_positive"),
    "more decimals than CNY": ({"amount": D("10.005")}, "too_many_decimals"),
    "above the limit": ({"amount": D("10000000.01")}, "amount_too_large"),
    "thousands of digits": ({"amount": D("9" * 5000)}, "amount_too_large"),
    "in the future": ({"paid_at": NOW + timedelta(minutes=5, seconds=1)}, "paid_in_the_future"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refusals(loaded, case):
    changes, reason = REFUSED[case]
    with pytest.raises(PaymentRefused) as refused:
        record(loaded, report(**changes))
    assert refused.value.reason == reason and str(refused.value)
    assert payments(loaded) == [] and allocations(loaded) == []


def test_the_limit_is_a_billion_minor_units_and_a_clock_skew_of_five_minutes(loaded):
    assert record(loaded, report(amount=D("10000000.00"))).credit == D("10000000.00") - D("3185.00")
    ahead = record(loaded, report(payment_id="w-2", amount=D("1"), paid_at=NOW + timedelta(minutes=5)))
    assert ahead.new
    with pytest.raises(PaymentRefused, match="more decimals than JPY's 0"):
        record(loaded, report(payment_id="w-3", currency="JPY", amount=D("1.5")))


# --- arrangements kept at once ---------------------------------------------------------------

PROMISE = PromiseTerms(D("500.00"), date(2026, 11, 27), "CNY")


def arrange(database: Database, terms, at: datetime = NOW - timedelta(hours=2)) -> str:
    with database.transaction() as session:
        arrangement, _ = create_arrangement(session, loan_id="L-1001", terms=terms, conversation_id="c-1",
                                            created_by="bot", idempotency_key=None, now=at)
        return arrangement.id


def status(database: Database, arrangement_id: str) -> str:
    with database.transaction() as session:
        return session.get(Arrangement, arrangement_id).status


def test_a_payment_that_completes_a_promise_keeps_it_at_once(loaded):
    promise = arrange(loaded, PROMISE)
    record(loaded, report(amount=D("200.00")))
    assert status(loaded, promise) == "active"
    record(loaded, report(payment_id="w-2", amount=D("300.00")))
    assert status(loaded, promise) == "kept"
    [kept] = events(loaded, "arrangement_kept")
    assert (kept.actor, kept.loan_id) == ("system", "L-1001")
    assert kept.details == {"arrangement_id": promise, "type": "promise_to_pay",
                            "reviewed_on": "2026-11-23", "payment_id": "w-2"}
    assert events(loaded, "payment_recorded")[-1].details["arrangement"] == "kept"
    with loaded.transaction() as session:  # the daily review finds nothing left to do
        assert review_arrangements(session, BOOK, CONTRACT_DAY) == {"kept": 0, "broken": 0, "active": 0}


def test_a_plan_advances_with_each_instalment_and_is_kept_with_the_last(loaded):
    plan = arrange(loaded, plan_terms(D("300.00"), "CNY", 3, date(2026, 11, 30)))
    record(loaded, report(amount=D("100.00")))
    record(loaded, report(payment_id="w-2", amount=D("100.00"), paid_at=NOW + timedelta(minutes=1)))
    assert status(loaded, plan) == "active"
    record(loaded, report(payment_id="w-3", amount=D("100.00"), paid_at=NOW + timedelta(minutes=2)))
    assert status(loaded, plan) == "kept"


def test_a_deferral_paid_is_kept_at_once(loaded):
    deferral = arrange(loaded, DeferralTerms(14, date(2026, 12, 7), D("2145.00"), "CNY", D("0"), True))
    record(loaded, report(amount=D("2145.00")))
    assert status(loaded, deferral) == "kept"


def test_a_payment_reported_before_the_arrangement_is_not_for_it(loaded):
    record(loaded, report(amount=D("500.00"), paid_at=NOW - timedelta(hours=3)), now=NOW - timedelta(hours=3))
    promise = arrange(loaded, PROMISE)
    assert status(loaded, promise) == "active"
    record(loaded, report(payment_id="w-2", amount=D("499.99")))
    assert status(loaded, promise) == "active"
    with loaded.transaction() as session:
        assert session.get(Borrower, "b-1001").needs_agent_reason is None


# --- fixtures over payments ------------------------------------------------------------------


def test_reloading_the_fixture_keeps_the_payments(database):
    wang_paid = borrower("b-1001", "王伟", "zh", "Asia/Shanghai").loan(
        "L-1001", "CNY", "3000.00", bill(-39, "1000.00", interest="60.00", late_fee="35.00", paid="50.00"),
        bill(-8, "1000.00", interest="50.00"))
    load(database, wang_paid, today=CONTRACT_DAY)
    recorded = record(database, report(amount=D("100.00")))
    # The file's 50.00 paid the late fee and 15.00 of the interest, so the payment goes on from there.
    assert shares(recorded) == [("2026-10-15", {**ZERO_SHARES, "interest": D("45.00"),
                                                "principal": D("55.00")})]
    load(database, wang_paid, today=CONTRACT_DAY)  # again, as a daily export would
    assert bills_paid(database) == [("2026-10-15", D("50.00"), D("150.00")), ("2026-11-15", D("0"), D("0"))]
    shorter = borrower("b-1001", "王伟", "zh", "Asia/Shanghai").loan(
        "L-1001", "CNY", "3000.00", bill(-8, "1000.00", interest="50.00"))
    with pytest.raises(FixtureError, match="the bill due 2026-10-15 has payments allocated to it"):
        load(database, shorter, today=CONTRACT_DAY)
    cheaper = borrower("b-1001", "王伟", "zh", "Asia/Shanghai").loan(
        "L-1001", "CNY", "3000.00", bill(-39, "1000.00", interest="40.00", late_fee="35.00", paid="50.00"),
        bill(-8, "1000.00", interest="50.00"))
    with pytest.raises(FixtureError, match=r"interest is less than the CNY 45\.00 that payments"):
        load(database, cheaper, today=CONTRACT_DAY)
    assert bills_paid(database)[0] == ("2026-10-15", D("50.00"), D("150.00"))


# --- races -----------------------------------------------------------------------------------


def at_once(*works):
    """Runs each work in its own thread, released together; their results (or errors)."""
    barrier, results = threading.Barrier(len(works)), [None] * len(works)

    def run(index, work):
        barrier.wait()
        try:
            results[index] = work()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, work)) for i, work in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_identical_reports_at_once_count_once(loaded):
    for attempt in range(3):
        payment = report(payment_id=f"w-race-{attempt}", amount=D("10.00"))
        first, second = at_once(lambda p=payment: record(loaded, p), lambda p=payment: record(loaded, p))
        assert sorted([first.new, second.new]) == [False, True], (first, second)
        assert (first.bills, first.credit, first.received_at) == (
            second.bills, second.credit, second.received_at)
    assert len(payments(loaded)) == 3 and len(allocations(loaded)) == 3
    assert bills_paid(loaded)[0][2] == D("30.00")


def test_a_payment_and_an_arrangement_confirmed_at_once_end_consistent(loaded):
    # Real time here: both take it after the loan's lock, as in production.
    promise = PromiseTerms(D("500.00"), today_in("Asia/Shanghai") + timedelta(days=3), "CNY")

    def confirm():
        with loaded.transaction() as session:
            return create_arrangement(session, loan_id="L-1001", terms=promise, conversation_id="c-1",
                                      created_by="bot", idempotency_key="c-1:confirm")[0].id

    def pay():
        with loaded.transaction() as session:
            return record_payment(session, report(amount=D("500.00"), paid_at=datetime.now(SHANGHAI)), BOOK)

    arrangement_id, recorded = at_once(confirm, pay)
    assert isinstance(arrangement_id, str) and recorded.new, (arrangement_id, recorded)
    with loaded.transaction() as session:
        arrangement = session.get(Arrangement, arrangement_id)
        # Whichever came second saw the first: a payment after the promise keeps it.
        expected = "kept" if recorded.received_at >= arrangement.created_at else "active"
        assert arrangement.status == expected
    assert bills_paid(loaded)[0][2] == D("500.00") and sum(a[3] for a in allocations(loaded)) == D("500.00")
