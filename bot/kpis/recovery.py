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
from sqlalchemy.sql.selectable import CTE

from bot.db.models import Bill, Loan, PaymentAllocation
from bot.kpis.exact import Units
from bot.kpis.groups import IN_GROUP, Membership
from bot.kpis.period import Period

BUCKETS = ("1-30", "31-60", "61-90", "90+")
CURRENT = "current"
ZERO = Decimal(0)
# A bill not paid in full now, as the partial index ix_bills_unpaid says it (so that it is used).
OPEN_NOW = Bill.principal + Bill.interest + Bill.late_fee > Bill.paid


@dataclass(frozen=True)
class Money:
    overdue_at_start: Decimal = ZERO
    recovered: Decimal = ZERO

    def plus(self, other: Money) -> Money:
        return Money(self.overdue_at_start + other.overdue_at_start, self.recovered + other.recovered)


@dataclass(frozen=True)
class Bucket:
    loans: int = 0  # in the bucket at the start
    cured: int = 0
    rolled: int = 0

    def plus(self, other: Bucket) -> Bucket:
        return Bucket(self.loans + other.loans, self.cured + other.cured, self.rolled + other.rolled)


@dataclass(frozen=True)
class Recovery:
    """A group's money (per currency) and buckets (by the bucket its loans were in at the start)."""

    money: dict[str, Money]
    buckets: dict[str, Bucket]


def recovery_by_group(session: Session, period: Period, loans: Membership) -> dict[str, Recovery]:
    """Per group: what was overdue at the start and recovered, and how each bucket's loans ended.

    One reading of the loans' standing at the start serves all three (it is most of the work):
    per group, currency and the buckets at the start and the end, the loans, what they owed and
    what was paid toward it in the period (every bill paid toward in it was unpaid at its start)."""
    units = Units.of(session)
    start = _standing(period.start, period.first, period.end, units)
    end = _standing(period.end, period.end_day, period.end, units)
    at_start, at_end = _bucket(start.c.oldest, period.first), _bucket(end.c.oldest, period.end_day)
    standing = (select(loans.group(), Loan.currency, at_start, at_end, func.count(), func.sum(start.c.unpaid),
                       func.sum(start.c.recovered))
                .select_from(start).join(Loan, Loan.id == start.c.loan_id)
                .outerjoin(end, end.c.loan_id == start.c.loan_id))
    rows = session.execute(loans.joined(standing, start.c.loan_id)
                           .group_by(IN_GROUP, Loan.currency, at_start, at_end)).all()
    money: dict[str, dict[str, Money]] = defaultdict(dict)
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {b: [0, 0, 0] for b in BUCKETS})
    for group, currency, began, ended, loans_in, owed, recovered in rows:
        money[group][currency] = money[group].get(currency, Money()).plus(
            Money(units.amount(owed), units.amount(recovered)))
        if began in BUCKETS:
            _tally(counts[group][began], began, ended, loans_in)
    return {group: Recovery(money[group], {name: Bucket(*tally) for name, tally in counts[group].items()})
            for group in money}


def _tally(tally: list[int], began: str, ended: str | None, loans_in: int) -> None:
    tally[0] += loans_in
    tally[1] += loans_in if ended in (None, CURRENT) else 0
    tally[2] += loans_in if ended in BUCKETS and BUCKETS.index(ended) > BUCKETS.index(began) else 0


def _standing(moment: datetime, day: date, until: datetime, units: Units) -> Subquery:
    """Per loan with a bill due before `day` unpaid at `moment`: the oldest such due date, what
    those bills owed then, and what was paid toward them from `moment` until `until`."""
    unpaid = _unpaid_at(moment, day, until, units)
    return (select(unpaid.c.loan_id, func.min(unpaid.c.due_date).label("oldest"),
                   func.sum(unpaid.c.unpaid).label("unpaid"), func.sum(unpaid.c.recovered).label("recovered"))
            .group_by(unpaid.c.loan_id).subquery())


def _unpaid_at(moment: datetime, day: date, until: datetime, units: Units) -> Subquery:
    """(bill_id, loan_id, due_date, unpaid, recovered) of the bills due before `day` unpaid at
    `moment`, with what was paid toward them from `moment` until `until`.

    A bill is unpaid then when it is unpaid now (charged > paid: a partial index lists those,
    a few percent of all) or was paid toward since; the two parts below are disjoint, and the
    bills paid in full before `moment` — most of them — are never read."""
    since = _paid_since(moment, day, until, units)
    charged = units.column(Bill.principal) + units.column(Bill.interest) + units.column(Bill.late_fee)
    owed_now = charged - units.column(Bill.paid)
    still_open = (select(Bill.id.label("bill_id"), Bill.loan_id, Bill.due_date,
                         (owed_now + func.coalesce(since.c.amount, 0)).label("unpaid"),
                         func.coalesce(since.c.within, 0).label("recovered"))
                  .outerjoin(since, since.c.bill_id == Bill.id).where(Bill.due_date < day, OPEN_NOW))
    paid_off_since = select(since.c.bill_id, since.c.loan_id, since.c.due_date, since.c.amount,
                            since.c.within).where(~since.c.open_now)
    return union_all(still_open, paid_off_since).subquery()


def _paid_since(moment: datetime, day: date, until: datetime, units: Units) -> CTE:
    """Per bill due before `day` paid toward at or after `moment`: its loan, due date and
    whether it is unpaid now, what was paid toward it since `moment`, and of that what was paid
    before `until`. A common table expression: PostgreSQL works it out once for both parts of
    `_unpaid_at`, and reads each bill paid toward with it rather than scanning the bills again."""
    amount = units.column(PaymentAllocation.amount)
    open_now = OPEN_NOW.label("open_now")
    return (select(PaymentAllocation.bill_id, Bill.loan_id, Bill.due_date, open_now,
                   func.sum(amount).label("amount"),
                   func.sum(case((PaymentAllocation.paid_at < until, amount), else_=0)).label("within"))
            .join(Bill, Bill.id == PaymentAllocation.bill_id)
            .where(PaymentAllocation.paid_at >= moment, Bill.due_date < day)
            .group_by(PaymentAllocation.bill_id, Bill.loan_id, Bill.due_date, open_now).cte())


def _bucket(oldest: ColumnElement, day: date) -> ColumnElement:
    return case(
        (oldest.is_(None), CURRENT),
        (oldest >= day - timedelta(days=30), BUCKETS[0]),
        (oldest >= day - timedelta(days=60), BUCKETS[1]),
        (oldest >= day - timedelta(days=90), BUCKETS[2]),
        else_=BUCKETS[3])
