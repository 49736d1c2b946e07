"""Serialising the writers of one loan (an arrangement's confirmation, a payment, a fixture
load): the loan row is locked for the transaction (SELECT … FOR UPDATE on PostgreSQL; on SQLite
a no-op UPDATE takes the database's write lock first, which is what BEGIN IMMEDIATE would do),
so that what each reads next cannot be changed by another before it commits."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Loan


def lock_loan(session: Session, loan_id: str) -> Loan:
    """The loan, locked until the transaction ends; LookupError when there is none."""
    if session.get_bind().dialect.name == "sqlite":
        # Writing first makes this transaction SQLite's one writer (busy_timeout queues the
        # others), so that what is read next cannot be changed by another before we commit.
        session.execute(update(Loan).where(Loan.id == loan_id).values(updated_at=Loan.updated_at)
                        .execution_options(synchronize_session=False))
    loan = session.execute(
        select(Loan).where(Loan.id == loan_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if loan is None:
        raise LookupError(f"no loan {loan_id}")
    return loan
