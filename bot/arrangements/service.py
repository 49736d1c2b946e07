"""Recording arrangements: once per confirmation, at most one active per loan.

Two confirmations can arrive at once (a double tap, a retry, two devices). The loan row is
locked for the transaction (bot/loans/locking.py: as a payment's recording locks it too),
then the rules are re-checked. The partial unique index `uq_arrangements_one_active_per_loan` and
the unique idempotency key back this up for any writer that skips the lock.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.arrangements import coverage
from bot.arrangements.eligibility import ArrangementRecord, Eligibility
from bot.arrangements.kinds import Kind, kind_named, kind_of
from bot.arrangements.policy import PolicyBook
from bot.clock import today_in, utcnow
from bot.db.models import Arrangement, Loan
from bot.loans.accounts import balance_of
from bot.loans.locking import lock_loan


class NotEligible(Exception):
    def __init__(self, reason: str, details: dict | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details or {}


def create_arrangement(
    session: Session, *, loan_id: str, terms: Any, conversation_id: str | None,
    created_by: str, idempotency_key: str | None, now: datetime | None = None,
) -> tuple[Arrangement, bool]:
    """(the arrangement, True) when recorded now; (the earlier one, False) for a repeated key.
    `terms` are a kind's typed terms. Raises NotEligible("active_arrangement" |
    "collection_hold"), LookupError for no such loan."""
    kind = kind_of(terms)
    loan = lock_loan(session, loan_id)
    existing = _by_key(session, idempotency_key, loan_id)
    if existing is not None:
        return existing, False
    _recheck(session, loan)
    arrangement = Arrangement(
        id=str(uuid.uuid4()), loan_id=loan_id, type=kind.name, status="active", terms=kind.to_json(terms),
        conversation_id=conversation_id, created_by=created_by, idempotency_key=idempotency_key,
        created_at=now or utcnow(),
    )
    try:
        with session.begin_nested():  # a savepoint: a lost race leaves the caller's transaction usable
            session.add(arrangement)
            session.flush()
    except IntegrityError:
        existing = _by_key(session, idempotency_key, loan_id)
        if existing is not None:
            return existing, False
        raise NotEligible("active_arrangement") from None
    if kind.reschedules:  # under the loan's lock: the bills overdue now are the ones it covers
        coverage.cover(session, arrangement, today_in(loan.borrower.timezone, arrangement.created_at),
                       freeze_late_fees=kind.freezes_late_fees(terms))
    _audit(session, created_by, "arrangement_created", loan, arrangement, {"terms": arrangement.terms})
    return arrangement, True


def cancel_arrangement(session: Session, arrangement_id: str, *, actor: str, reason: str) -> Arrangement:
    """An agent undoes an active arrangement (the loan may then get another)."""
    arrangement = session.get(Arrangement, arrangement_id)
    if arrangement is None:
        raise LookupError(f"no arrangement {arrangement_id}")
    loan = lock_loan(session, arrangement.loan_id)
    session.refresh(arrangement)
    if arrangement.status != "active":
        raise NotEligible("not_active", {"status": arrangement.status})
    arrangement.status = "cancelled"
    coverage.settle(session, arrangement, charged_back=False)  # an agent undid it: not the borrower's doing
    _audit(session, actor, "arrangement_cancelled", loan, arrangement, {"reason": reason})
    return arrangement


def arrangements_of(session: Session, loan_id: str) -> list[Arrangement]:
    return list(session.execute(
        select(Arrangement).where(Arrangement.loan_id == loan_id).order_by(Arrangement.created_at)
    ).scalars())


def history_of(session: Session, loan_id: str) -> list[ArrangementRecord]:
    return [ArrangementRecord(item.type, item.status, item.created_at)
            for item in arrangements_of(session, loan_id)]


def eligibility_of(session: Session, loan_id: str, kind: Kind[Any, Any], book: PolicyBook,
                   today: date) -> Eligibility:
    """Whether `kind` may be offered on the loan as the database has it now."""
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise LookupError(f"no loan {loan_id}")
    return kind.eligibility(balance_of(session, loan, today), history_of(session, loan_id),
                            book.for_currency(loan.currency), today, on_hold=loan.collection_hold)


def terms_of(arrangement: Arrangement) -> Any:
    """The arrangement's typed terms (its kind's), from the JSON kept in the database."""
    return kind_named(arrangement.type).from_json(arrangement.terms)


def _by_key(session: Session, key: str | None, loan_id: str) -> Arrangement | None:
    if key is None:
        return None
    found = session.execute(
        select(Arrangement).where(Arrangement.idempotency_key == key)).scalar_one_or_none()
    if found is not None and found.loan_id != loan_id:
        raise ValueError(f"idempotency key {key!r} was used for another loan")
    return found


def _recheck(session: Session, loan: Loan) -> None:
    if loan.collection_hold:
        raise NotEligible("collection_hold")
    active = session.execute(
        select(Arrangement).where(Arrangement.loan_id == loan.id, Arrangement.status == "active")
    ).scalars().first()
    if active is not None:
        raise NotEligible("active_arrangement", {"type": active.type, "id": active.id})


def _audit(session: Session, actor: str, action: str, loan: Loan, arrangement: Arrangement,
           extra: dict) -> None:
    audit.record(session, actor, action, borrower_id=loan.borrower_id, loan_id=loan.id,
                 conversation_id=arrangement.conversation_id,
                 details={"arrangement_id": arrangement.id, "type": arrangement.type, **extra})
