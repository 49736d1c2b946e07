"""How far an arrangement is paid: the payments since it was made, counted toward its dues
oldest first. The one counting — the review judges kept or broken by it
(bot/arrangements/review.py) and the balance shows it (bot/loans/accounts.py), so the two
never disagree.

A payment counts from when it was received after the arrangement was made (its terms could
not have known of it before), on the day the borrower paid it (`paid_at`, in their time zone).
The ledger (bot/ledger/) pays the oldest bill first, so these payments are also what paid the
bills the arrangement covers.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.arrangements import coverage
from bot.arrangements.kinds import kind_of, readable
from bot.clock import today_in
from bot.db.models import Arrangement, Payment
from bot.loans.schedule import ArrangementProgress, Scheduled, counted

ZERO = Decimal(0)

PaymentLine = tuple[date, Decimal]  # (day paid, in the borrower's time zone; amount)


def progress_of(session: Session, arrangement: Arrangement, today: date) -> ArrangementProgress | None:
    """None for terms this version cannot read: they must not hide what the bills owe."""
    read = readable(arrangement)
    if read is None:
        return None
    kind, terms = read
    payments = payments_toward(session, arrangement, arrangement.loan.borrower.timezone, today)
    # One made before arrangements noted their bills covers none, and changes no dates.
    covers = bool(coverage.covered_by(session, arrangement.id))
    return ArrangementProgress(arrangement.id, kind.name, kind.reschedules and covers,
                               dues_counted(terms, paid_by(payments, today)),
                               coverage.frozen_so_far(session, arrangement.id))


def dues_counted(terms: Any, paid: Decimal) -> tuple[Scheduled, ...]:
    """The dues of a kind's typed terms, with `paid` counted toward them oldest first."""
    return counted(((due.due_date, due.amount) for due in kind_of(terms).schedule(terms)), paid)


def paid_by(payments: Iterable[PaymentLine], day: date) -> Decimal:
    return sum((amount for paid_on, amount in payments if paid_on <= day), ZERO)


def payments_toward(session: Session, arrangement: Arrangement, timezone: str,
                    today: date) -> list[PaymentLine]:
    rows = session.execute(
        select(Payment.paid_at, Payment.amount).where(
            Payment.loan_id == arrangement.loan_id, Payment.received_at >= arrangement.created_at
        )
    ).all()
    lines = [(today_in(timezone, paid_at), amount) for paid_at, amount in rows]
    return [line for line in lines if line[0] <= today]  # "as of" a past day ignores later ones
