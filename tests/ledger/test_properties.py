"""The ledger on real databases, SQLite and PostgreSQL, over generated loans and payment
sequences: not a cent made or lost (every payment's allocations and credit add up to it), no
component paid beyond its charge, and Bill.paid always its opening paid plus its allocations.
With a deferral or plan agreed first, its schedule makes or loses no cent either: what is left
of its dues and of the bills it does not cover is exactly what is still to repay, and nothing
is overdue while it runs. Fewer examples than the pure property (tests/ledger/test_allocation.py):
each is real writes."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.arrangements.coverage import covered_by
from bot.arrangements.kinds.deferral import DeferralTerms
from bot.arrangements.kinds.instalment_plan import plan_terms
from bot.arrangements.service import create_arrangement
from bot.db.models import Bill, Loan, Payment, PaymentAllocation
from bot.ledger.order import COMPONENTS, CREDIT
from bot.loans.accounts import balance_of
from bot.money import quantum
from tests.builders import CONTRACT_DAY, bill, borrower, load
from tests.ledger.support import NOW, record, report

D = Decimal


@st.composite
def loans(draw):
    """A currency, bills as (days from CONTRACT_DAY, principal, interest, late fee, paid) in
    minor units, and the payments' amounts."""
    currency = draw(st.sampled_from(("CNY", "JPY", "KWD")))
    days = draw(st.lists(st.integers(-120, 120), min_size=0, max_size=4, unique=True))
    bills = [(day, *(draw(st.integers(0, 20_000)) for _ in range(3)), draw(st.integers(0, 8_000)))
             for day in days]
    amounts = draw(st.lists(st.integers(1, 40_000), min_size=1, max_size=6))
    arranged = draw(st.sampled_from((None, "deferral", "instalment_plan")))
    return currency, bills, amounts, arranged


def arrange(database, loan_id: str, currency: str, kind: str | None) -> None:
    """The kind agreed an hour before the payments, on the loan's whole overdue amount."""
    with database.transaction() as session:
        overdue = balance_of(session, session.get(Loan, loan_id), CONTRACT_DAY).overdue_amount
        if kind is None or overdue <= 0 or overdue < 3 * quantum(currency):
            return
        later = CONTRACT_DAY + timedelta(days=7)
        terms = (DeferralTerms(14, later + timedelta(days=7), overdue, currency, D(0), True)
                 if kind == "deferral" else plan_terms(overdue, currency, 3, later))
        create_arrangement(session, loan_id=loan_id, terms=terms, conversation_id=None, created_by="bot",
                           idempotency_key=None, now=NOW - timedelta(hours=1))


def check_schedule(session, loan_id: str) -> None:
    balance = balance_of(session, session.get(Loan, loan_id), CONTRACT_DAY)
    bills = session.execute(select(Bill).where(Bill.loan_id == loan_id)).scalars().all()
    assert balance.outstanding == sum((max(D(0), row.principal + row.interest + row.late_fee - row.paid)
                                       for row in bills), D(0))
    progress = balance.arrangement
    if progress is None or not progress.reschedules:
        return
    covered = covered_by(session, progress.arrangement_id)
    own = sum((max(D(0), row.principal + row.interest + row.late_fee - row.paid)
               for row in bills if row.id not in covered), D(0))
    assert sum((due.left for due in progress.dues), D(0)) + own == balance.outstanding
    assert (balance.overdue_amount, balance.days_past_due) == (0, 0)  # its first due is ahead


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(loans())
def test_the_ledger_never_makes_or_loses_a_cent(database, loan):
    currency, bills, amounts, arranged = loan
    unit = quantum(currency)
    money = lambda minor: str(minor * unit)  # noqa: E731
    borrower_id, loan_id = f"b-{uuid.uuid4().hex[:12]}", f"L-{uuid.uuid4().hex[:12]}"
    load(database, borrower(borrower_id, "Test", timezone="Asia/Shanghai").loan(
        loan_id, currency, "1000", *(bill(day, money(p), interest=money(i), late_fee=money(f), paid=money(o))
                                     for day, p, i, f, o in bills)), today=CONTRACT_DAY)
    arrange(database, loan_id, currency, arranged)
    for n, minor in enumerate(amounts):
        record(database, report(payment_id=f"{loan_id}-{n}", borrower_id=borrower_id, loan_id=loan_id,
                                currency=currency, amount=minor * unit,
                                paid_at=NOW - timedelta(minutes=len(amounts) - n)))
    with database.transaction() as session:
        rows = session.execute(select(Payment).where(Payment.loan_id == loan_id)).scalars().all()
        lines = session.execute(
            select(PaymentAllocation).join(Payment, Payment.payment_id == PaymentAllocation.payment_id)
            .where(Payment.loan_id == loan_id)).scalars().all()
        schedule = session.execute(select(Bill).where(Bill.loan_id == loan_id)).scalars().all()
        by_payment, by_bill = defaultdict(lambda: D(0)), defaultdict(lambda: D(0))
        for line in lines:
            by_payment[line.payment_id] += line.amount
            by_bill[line.bill_id, line.component] += line.amount
        assert {row.payment_id: row.amount for row in rows} == dict(by_payment)
        credit = by_bill.pop((None, CREDIT), D(0))
        assert sum(row.amount for row in rows) == sum(by_bill.values(), D(0)) + credit
        owed = D(0)
        for row in schedule:
            for component in COMPONENTS:
                assert by_bill[row.id, component] <= getattr(row, component)
            allocated = sum((by_bill[row.id, component] for component in COMPONENTS), D(0))
            assert row.paid == row.opening_paid + allocated
            owed += max(D(0), row.principal + row.interest + row.late_fee - row.opening_paid)
        # Everything owed is paid before anything is a credit.
        assert credit == max(D(0), sum(minor for minor in amounts) * unit - owed)
        check_schedule(session, loan_id)
