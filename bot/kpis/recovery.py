"""Money and delinquency over the period, from the bills and the wallet's payments.

A bill's unpaid part as of a moment is what it charges (principal, interest and its late fee
as now charged) less what was paid toward it before that moment: what it has been paid, less
the allocations of payments made since. Per currency:

- overdue_at_start: the unpaid part, at the period's start, of the bills due before `from`;
- recovered: what payments made in the period paid toward those bills;
- recovery_rate (回款率): recovered ÷ overdue_at_start.

Days past due as of a day are counted from the oldest bill due before it still unpaid then;
a loan's bucket is 1-30, 31-60, 61-90 or 90+ days (`current` with none). Of the loans in a
bucket at the start, `cured` are current at the end (the day after `to`) and `rolled` are in
a later bucket.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Subquery

from bot.db.models import Bill, Loan, Payment, PaymentAllocation
from bot.kpis.exact import Units
from bot.kpis.period import Period

BUCKETS = ("1-30", "31-60", "61-90", "90+")
CURRENT = "current"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Money:
    overdue_at_start: Decimal = ZERO
    recovered: Decimal = ZERO


@dataclass(frozen=True)
class Bucket:
    loans: int = 0  # in the bucket at the start
    cured: int = 0
    rolled: int = 0


def money_by_group(session: Session, period: Period, loans: Subquery) -> dict[str, dict[str, Money]]:
    """Per group, per currency."""
    units = Units.of(session)
    unpaid = _unpaid_at(period.start, period.first, units)
    overdue = session.execute(
        select(loans.c.grp, Loan.currency, func.sum(unpaid.c.unpaid))
        .select_from(unpaid).join(Loan, Loan.id == unpaid.c.loan_id).join(loans, loans.c.loan_id == Loan.id)
        .group_by(loans.c.grp, Loan.currency)).all()
    recovered = session.execute(
        select(loans.c.grp, Loan.currency, func.sum(units.column(PaymentAllocation.amount)))
        .select_from(PaymentAllocation).join(Payment, Payment.payment_id == PaymentAllocation.payment_id)
        .join(Bill, Bill.id == PaymentAllocation.bill_id).join(Loan, Loan.id == Bill.loan_id)
        .join(loans, loans.c.loan_id == Loan.id)
        .where(Payment.paid_at >= period.start, Payment.paid_at < period.end, Bill.due_date < period.first)
        .group_by(loans.c.grp, Loan.currency)).all()
    found: dict[str, dict[str, Money]] = defaultdict(dict)
    for group, currency, amount in overdue:
        found[group][currency] = Money(overdue_at_start=units.amount(amount))
    for group, currency, amount in recovered:
        found[group][currency] = Money(found[group].get(currency, Money()).overdue_at_start,
                                       units.amount(amount))
    return found


def buckets_by_group(session: Session, period: Period, loans: Subquery) -> dict[str, dict[str, Bucket]]:
    """Per group, per bucket at the start: the loans, and how many cured or rolled."""
    units = Units.of(session)
    start = _oldest_unpaid(period.start, period.first, units)
    end = _oldest_unpaid(period.end, period.end_day, units)
    at_start, at_end = _bucket(start.c.oldest, period.first), _bucket(end.c.oldest, period.end_day)
    rows = session.execute(
        select(loans.c.grp, at_start, at_end, func.count())
        .select_from(start).join(loans, loans.c.loan_id == start.c.loan_id)
        .outerjoin(end, end.c.loan_id == start.c.loan_id)
        .group_by(loans.c.grp, at_start, at_end)).all()
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {b: [0, 0, 0] for b in BUCKETS})
    for group, began, ended, loans_in in rows:
        if began not in BUCKETS:
            continue
        tally = counts[group][began]
        tally[0] += loans_in
        tally[1] += loans_in if ended in (None, CURRENT) else 0
        tally[2] += loans_in if ended in BUCKETS and BUCKETS.index(ended) > BUCKETS.index(began) else 0
    return {group: {name: Bucket(*tally) for name, tally in buckets.items()}
            for group, buckets in counts.items()}


def _unpaid_at(moment: datetime, day: date, units: Units) -> Subquery:
    """(bill_id, loan_id, due_date, unpaid) of the bills due before `day` unpaid at `moment`.

    A bill is unpaid then when it is unpaid now (charged > paid: a partial index lists those,
    a few percent of all) or was paid toward since; the two parts below are disjoint, and the
    bills paid in full before `moment` — most of them — are never read."""
    since = _paid_since(moment, units)
    charged = units.column(Bill.principal) + units.column(Bill.interest) + units.column(Bill.late_fee)
    owed_now = charged - units.column(Bill.paid)
    open_now = Bill.principal + Bill.interest + Bill.late_fee > Bill.paid  # as the index says it
    still_open = (select(Bill.id.label("bill_id"), Bill.loan_id, Bill.due_date,
                         (owed_now + func.coalesce(since.c.amount, 0)).label("unpaid"))
                  .outerjoin(since, since.c.bill_id == Bill.id).where(Bill.due_date < day, open_now))
    paid_off_since = (select(Bill.id, Bill.loan_id, Bill.due_date, since.c.amount)
                      .join(since, since.c.bill_id == Bill.id).where(Bill.due_date < day, ~open_now))
    return union_all(still_open, paid_off_since).subquery()


def _paid_since(moment: datetime, units: Units) -> Subquery:
    """Per bill, what payments made at or after `moment` paid toward it."""
    paid = func.sum(units.column(PaymentAllocation.amount)).label("amount")
    return (select(PaymentAllocation.bill_id, paid)
            .join(Payment, Payment.payment_id == PaymentAllocation.payment_id)
            .where(Payment.paid_at >= moment, PaymentAllocation.bill_id.is_not(None))
            .group_by(PaymentAllocation.bill_id).subquery())


def _oldest_unpaid(moment: datetime, day: date, units: Units) -> Subquery:
    """Per loan with a bill due before `day` unpaid at `moment`: the oldest such due date."""
    unpaid = _unpaid_at(moment, day, units)
    return (select(unpaid.c.loan_id, func.min(unpaid.c.due_date).label("oldest"))
            .group_by(unpaid.c.loan_id).subquery())


def _bucket(oldest: ColumnElement, day: date) -> ColumnElement:
    return case(
        (oldest.is_(None), CURRENT),
        (oldest >= day - timedelta(days=30), BUCKETS[0]),
        (oldest >= day - timedelta(days=60), BUCKETS[1]),
        (oldest >= day - timedelta(days=90), BUCKETS[2]),
        else_=BUCKETS[3])
