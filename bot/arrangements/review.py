"""The daily review: was each active arrangement kept or broken? Judged from the payments
table, in the borrower's calendar, allowing `review.grace_days` after each due date.

Every kind has a schedule of payments (a promise or a deferral: one; a plan: its
instalments). An arrangement is broken as soon as a payment's date + grace has passed with the
payments since it was made short of the cumulative amount due by then; kept once the whole
schedule is paid. A broken one of a kind `flagged_when_broken` (a plan, a promise) means
talking again would not help: the borrower's next chat goes to a person
(`Borrower.needs_agent_reason`).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.arrangements.kinds import kind_named, kind_of
from bot.arrangements.policy import PolicyBook
from bot.arrangements.service import terms_of
from bot.clock import today_in
from bot.db.models import Arrangement, Payment

ZERO = Decimal(0)
NEGOTIATION_FAILED = "negotiation_failed"

PaymentLine = tuple[date, Decimal]  # (day received in the borrower's time zone, amount)


def review_arrangements(session: Session, book: PolicyBook, today: date | None = None) -> dict[str, int]:
    """Settles what can be settled; returns {"kept": n, "broken": n, "active": n}.
    `today` defaults to each borrower's own today."""
    counts = {"kept": 0, "broken": 0, "active": 0}
    active = select(Arrangement).where(Arrangement.status == "active").order_by(Arrangement.created_at)
    for arrangement in session.execute(active.with_for_update()).scalars().all():
        loan, borrower = arrangement.loan, arrangement.loan.borrower
        day = today or today_in(borrower.timezone)
        grace = book.for_currency(loan.currency).review.grace_days
        payments = _payments(session, arrangement, borrower.timezone, day)
        outcome = judge(terms_of(arrangement), payments, grace, day)
        if outcome is not None:
            _settle(session, arrangement, outcome, day)
        counts[outcome or "active"] += 1
    return counts


def judge(terms: Any, payments: Iterable[PaymentLine], grace_days: int, today: date) -> str | None:
    """"kept", "broken", or None while it is still running (`terms`: a kind's typed terms)."""
    payments = list(payments)
    deadlines = _deadlines(terms)
    for due, owed in deadlines:
        last_day = due + timedelta(days=grace_days)
        if today > last_day and _paid_by(payments, last_day) < owed:
            return "broken"
    return "kept" if _paid_by(payments, today) >= deadlines[-1][1] else None


def _deadlines(terms: Any) -> list[tuple[date, Decimal]]:
    """(due date, amount that must have been paid in total by then)."""
    deadlines, total = [], ZERO
    for due in kind_of(terms).schedule(terms):
        total += due.amount
        deadlines.append((due.due_date, total))
    return deadlines


def _paid_by(payments: list[PaymentLine], day: date) -> Decimal:
    return sum((amount for received, amount in payments if received <= day), ZERO)


def _payments(session: Session, arrangement: Arrangement, timezone: str, today: date) -> list[PaymentLine]:
    rows = session.execute(
        select(Payment.received_at, Payment.amount).where(
            Payment.loan_id == arrangement.loan_id, Payment.received_at >= arrangement.created_at
        )
    ).all()
    lines = [(today_in(timezone, received_at), amount) for received_at, amount in rows]
    return [line for line in lines if line[0] <= today]  # a review "as of" a past day ignores later ones


def _settle(session: Session, arrangement: Arrangement, outcome: str, today: date) -> None:
    arrangement.status = outcome
    details = {"arrangement_id": arrangement.id, "type": arrangement.type, "reviewed_on": today.isoformat()}
    borrower = arrangement.loan.borrower
    if outcome == "broken" and kind_named(arrangement.type).flagged_when_broken:
        borrower.needs_agent_reason = NEGOTIATION_FAILED
        details["needs_agent_reason"] = NEGOTIATION_FAILED
    audit.record(session, audit.SYSTEM, f"arrangement_{outcome}", borrower_id=borrower.id,
                 loan_id=arrangement.loan_id, conversation_id=arrangement.conversation_id,
                 details=details)
