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

from sqlalchemy import case, func, select
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
    since = _paid_since(period.start, units)
    unpaid = _unpaid(since, units)
    overdue = session.execute(
        select(loans.c.grp, Loan.currency, func.sum(unpaid))
        .select_from(Bill).join(Loan, Loan.id == Bill.loan_id).join(loans, loans.c.loan_id == Loan.id)
        .outerjoin(since, since.c.bill_id == Bill.id)
        .where(Bill.due_date < period.first, unpaid > 0)
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
    rows = session.execute(
        select(loans.c.grp, _bucket(start.c.oldest, period.first), _bucket(end.c.oldest, period.end_day),
               func.count())
        .select_from(start).join(loans, loans.c.loan_id == start.c.loan_id)
        .outerjoin(end, end.c.loan_id == start.c.loan_id)
        .group_by(loans.c.grp, _bucket(start.c.oldest, period.first), _bucket(end.c.oldest, period.end_day))
    ).all()
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {b: [0, 0, 0] for b in BUCKETS})
    for group, at_start, at_end, loans_in in rows:
        if at_start not in BUCKETS:
            continue
        tally = counts[group][at_start]
        tally[0] += loans_in
        tally[1] += loans_in if at_end in (None, CURRENT) else 0
        tally[2] += loans_in if at_end in BUCKETS and BUCKETS.index(at_end) > BUCKETS.index(at_start) else 0
    return {group: {name: Bucket(*tally) for name, tally in buckets.items()}
            for group, buckets in counts.items()}


def _paid_since(moment: datetime, units: Units) -> Subquery:
    """Per bill, what payments made at or after `moment` paid toward it."""
    paid = func.sum(units.column(PaymentAllocation.amount)).label("amount")
    return (select(PaymentAllocation.bill_id, paid)
            .join(Payment, Payment.payment_id == PaymentAllocation.payment_id)
            .where(Payment.paid_at >= moment, PaymentAllocation.bill_id.is_not(None))
            .group_by(PaymentAllocation.bill_id).subquery())


def _unpaid(since: Subquery, units: Units) -> ColumnElement:
    owed = (units.column(Bill.principal) + units.column(Bill.interest) + units.column(Bill.late_fee)
            - units.column(Bill.paid))
    return owed + func.coalesce(since.c.amount, 0)


def _oldest_unpaid(moment: datetime, day: date, units: Units) -> Subquery:
    """Per loan with a bill due before `day` unpaid at `moment`: the oldest such due date."""
    since = _paid_since(moment, units)
    return (select(Bill.loan_id, func.min(Bill.due_date).label("oldest"))
            .outerjoin(since, since.c.bill_id == Bill.id)
            .where(Bill.due_date < day, _unpaid(since, units) > 0)
            .group_by(Bill.loan_id).subquery())


def _bucket(oldest: ColumnElement, day: date) -> ColumnElement:
    return case(
        (oldest.is_(None), CURRENT),
        (oldest >= day - timedelta(days=30), BUCKETS[0]),
        (oldest >= day - timedelta(days=60), BUCKETS[1]),
        (oldest >= day - timedelta(days=90), BUCKETS[2]),
        else_=BUCKETS[3])
