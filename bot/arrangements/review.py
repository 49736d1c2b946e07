"""Was an active arrangement kept or broken? Judged from the payments table, in the
borrower's calendar, allowing `review.grace_days` after each due date: by the daily review
for every arrangement, and by a payment's own transaction for its loan's (bot/ledger/), with
the one judgment, `review_arrangement`.

Every kind has a schedule of payments (a promise or a deferral: one; a plan: its
instalments), and payments count toward it by the one counting of
bot/arrangements/progress.py. An arrangement is broken as soon as a due date + grace has
passed with that due not paid by then; kept once the whole schedule is paid. A broken one of
a kind `flagged_when_broken` (a plan, a promise) means talking again would not help: the
borrower's next chat goes to a person (`Borrower.needs_agent_reason`). When one ends, the
bills it covered fall due by their own dates again, and the late fees it froze stay waived
(policy.yml `review.on_broken`, `review.late_fees_frozen_when_broken`:
bot/arrangements/coverage.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.arrangements import coverage
from bot.arrangements.kinds import kind_named
from bot.arrangements.policy import PolicyBook, ReviewPolicy
from bot.arrangements.progress import PaymentLine, dues_counted, paid_by, payments_toward
from bot.arrangements.service import terms_of
from bot.clock import today_in
from bot.db.models import Arrangement

ZERO = Decimal(0)
NEGOTIATION_FAILED = "negotiation_failed"


def review_arrangements(session: Session, book: PolicyBook, today: date | None = None) -> dict[str, int]:
    """Settles what can be settled; returns {"kept": n, "broken": n, "active": n}.
    `today` defaults to each borrower's own today."""
    counts = {"kept": 0, "broken": 0, "active": 0}
    active = select(Arrangement).where(Arrangement.status == "active").order_by(Arrangement.created_at)
    for arrangement in session.execute(active.with_for_update()).scalars().all():
        counts[review_arrangement(session, arrangement, book, today) or "active"] += 1
    return counts


def review_arrangement(session: Session, arrangement: Arrangement, book: PolicyBook,
                       today: date | None = None, *, payment_id: str | None = None) -> str | None:
    """Judges one active arrangement as of `today` (default: the borrower's) and settles it,
    audited, when the judgment is final; returns it ("kept", "broken", or None: still running).
    `payment_id`: the payment that prompted the review, named in the audit record."""
    loan, borrower = arrangement.loan, arrangement.loan.borrower
    day = today or today_in(borrower.timezone)
    policy = book.for_currency(loan.currency).review
    payments = payments_toward(session, arrangement, borrower.timezone, day)
    outcome = judge(terms_of(arrangement), payments, policy.grace_days, day)
    if outcome is not None:
        _settle(session, arrangement, outcome, day, payment_id, policy)
    return outcome


def judge(terms: Any, payments: Iterable[PaymentLine], grace_days: int, today: date) -> str | None:
    """"kept", "broken", or None while it is still running (`terms`: a kind's typed terms)."""
    payments = list(payments)
    dues = dues_counted(terms, ZERO)
    for n, due in enumerate(dues):
        last_day = due.due_date + timedelta(days=grace_days)
        if today > last_day and dues_counted(terms, paid_by(payments, last_day))[n].left > ZERO:
            return "broken"
    return "kept" if all(due.left <= ZERO for due in dues_counted(terms, paid_by(payments, today))) else None


def _settle(session: Session, arrangement: Arrangement, outcome: str, today: date,
            payment_id: str | None, policy: ReviewPolicy) -> None:
    arrangement.status = outcome
    # on_broken is restore_original_schedule (the only choice): ended, it covers no bill.
    coverage.settle(session, arrangement, charged_back=outcome == "broken" and policy.charges_back)
    details = {"arrangement_id": arrangement.id, "type": arrangement.type, "reviewed_on": today.isoformat()}
    if payment_id is not None:
        details["payment_id"] = payment_id
    borrower = arrangement.loan.borrower
    if outcome == "broken" and kind_named(arrangement.type).flagged_when_broken:
        borrower.needs_agent_reason = NEGOTIATION_FAILED
        details["needs_agent_reason"] = NEGOTIATION_FAILED
    audit.record(session, audit.SYSTEM, f"arrangement_{outcome}", borrower_id=borrower.id,
                 loan_id=arrangement.loan_id, conversation_id=arrangement.conversation_id,
                 details=details)
