"""Recording a payment the wallet reports (CONTRACT §7): once, and with all its effects at once.

In one transaction: the loan is locked (bot/loans/locking.py, as an arrangement's confirmation
locks it, so the two never interleave), the payment is written — its unique `payment_id`
decides between identical reports racing, not a read before the write — then allocated by the
one rule (bot/ledger/allocation.py), each line written and added to its bill's `paid`, any
excess kept as the loan's credit; and the loan's active arrangement is judged by the daily
review's own judgment (bot/arrangements/review.py), so that one the payment completes is kept
from that moment.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.arrangements.policy import PolicyBook
from bot.arrangements.review import review_arrangement
from bot.clock import today_in, utcnow
from bot.db.models import Arrangement, Bill, Loan, Payment, PaymentAllocation
from bot.jsonable import jsonable
from bot.ledger.allocation import ZERO, Allocation, allocate
from bot.ledger.order import CREDIT
from bot.ledger.owing import owing_of
from bot.ledger.payments import RecordedPayment, WalletPayment, by_payment_id, recorded, reported
from bot.ledger.refusals import PaymentConflict, check_amount, check_loan, check_paid_at
from bot.loans.locking import lock_loan
from bot.money import quantize


def record_payment(session: Session, payment: WalletPayment, book: PolicyBook,
                   now: datetime | None = None) -> RecordedPayment:
    """The payment as recorded now (`new`), or as recorded before when it was reported already.
    Raises PaymentConflict when its id was recorded with other values, PaymentRefused when it
    cannot be the loan's (bot/ledger/refusals.py)."""
    earlier = _earlier(session, payment)
    if earlier is not None:
        return earlier
    check_amount(payment.amount, payment.currency)
    loan = check_loan(payment, _locked(session, payment.loan_id))
    received_at = now or utcnow()  # after the lock: an arrangement confirmed before is older
    check_paid_at(payment.paid_at, received_at)
    row = Payment(payment_id=payment.payment_id, borrower_id=payment.borrower_id, loan_id=loan.id,
                  amount=payment.amount, currency=payment.currency, paid_at=payment.paid_at,
                  received_at=received_at)
    try:
        with session.begin_nested():  # a savepoint: losing the race leaves the transaction usable
            session.add(row)
            session.flush()
    except IntegrityError:
        earlier = _earlier(session, payment)
        if earlier is None:
            raise
        return earlier
    order = book.for_currency(loan.currency).payments.allocation_order
    allocation = allocate(payment.amount, owing_of(session, loan.id, order), order)
    _write(session, row, allocation)
    outcome = _review_active(session, loan, row, book)
    _audit(session, row, allocation, outcome)
    return recorded(session, row, new=True)


def _earlier(session: Session, payment: WalletPayment) -> RecordedPayment | None:
    row = by_payment_id(session, payment.payment_id)
    if row is None:
        return None
    if reported(row) != payment:
        raise PaymentConflict(f"payment {payment.payment_id} was recorded with other values")
    return recorded(session, row, new=False)


def _locked(session: Session, loan_id: str) -> Loan | None:
    try:
        return lock_loan(session, loan_id)
    except LookupError:
        return None


def _write(session: Session, row: Payment, allocation: Allocation) -> None:
    for line in allocation.lines:
        session.add(PaymentAllocation(payment_id=row.payment_id, bill_id=line.bill_id,
                                      component=line.component, amount=line.amount, paid_at=row.paid_at))
        bill = session.get(Bill, line.bill_id)  # read under the loan's lock: no one else adds to it
        bill.paid = bill.paid + line.amount
    if allocation.credit > ZERO:
        session.add(PaymentAllocation(payment_id=row.payment_id, bill_id=None, component=CREDIT,
                                      amount=allocation.credit, paid_at=row.paid_at))
    session.flush()


def _review_active(session: Session, loan: Loan, row: Payment, book: PolicyBook) -> str | None:
    active = session.execute(
        select(Arrangement).where(Arrangement.loan_id == loan.id, Arrangement.status == "active")
        .with_for_update()  # the daily review may be judging it: one after the other
    ).scalars().first()
    if active is None:
        return None
    # As of the later of now and the payment (within the clock skew allowed, it may be ahead).
    as_of = max(row.received_at, row.paid_at)
    return review_arrangement(session, active, book, today_in(loan.borrower.timezone, as_of),
                              payment_id=row.payment_id)


def _audit(session: Session, row: Payment, allocation: Allocation, outcome: str | None) -> None:
    details = {"payment_id": row.payment_id, "amount": quantize(row.amount, row.currency),
               "currency": row.currency, "paid_at": row.paid_at,
               "credit": quantize(allocation.credit, row.currency)}
    if outcome is not None:
        details["arrangement"] = outcome
    audit.record(session, audit.WALLET, "payment_recorded", borrower_id=row.borrower_id,
                 loan_id=row.loan_id, details=jsonable(details))
