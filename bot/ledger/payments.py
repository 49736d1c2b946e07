"""A payment as the wallet reports it (CONTRACT §7), and as the ledger recorded it: typed
values, read back from the database so that a first answer and a repeated one are the same."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Bill, Payment, PaymentAllocation
from bot.ledger.allocation import ZERO
from bot.ledger.order import COMPONENTS, CREDIT


@dataclass(frozen=True)
class WalletPayment:
    """Equal to another exactly when it reports the same payment: amounts compare as numbers
    ("120.5" is "120.50") and times as instants, whatever their zone."""

    payment_id: str  # the wallet's own id
    borrower_id: str
    loan_id: str
    amount: Decimal
    currency: str
    paid_at: datetime  # aware


@dataclass(frozen=True)
class BillShare:
    """What a payment paid to one bill, per component (every component, in COMPONENTS order)."""

    bill_id: int
    due_date: date
    components: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class RecordedPayment:
    payment: WalletPayment
    received_at: datetime
    bills: tuple[BillShare, ...]  # oldest bill first
    credit: Decimal
    new: bool  # recorded by this request; False: it had been already


def reported(row: Payment) -> WalletPayment:
    return WalletPayment(row.payment_id, row.borrower_id, row.loan_id, row.amount, row.currency,
                         row.paid_at.astimezone(timezone.utc))


def recorded(session: Session, row: Payment, *, new: bool) -> RecordedPayment:
    rows = session.execute(
        select(PaymentAllocation.bill_id, Bill.due_date, PaymentAllocation.component,
               PaymentAllocation.amount)
        .outerjoin(Bill, Bill.id == PaymentAllocation.bill_id)
        .where(PaymentAllocation.payment_id == row.payment_id)
    ).all()
    by_bill: dict[tuple[date, int], dict[str, Decimal]] = {}
    credit = ZERO
    for bill_id, due_date, component, amount in rows:
        if component == CREDIT:
            credit += amount
        else:
            shares = by_bill.setdefault((due_date, bill_id), {})
            shares[component] = shares.get(component, ZERO) + amount
    bills = tuple(BillShare(bill_id, due_date, tuple((c, shares.get(c, ZERO)) for c in COMPONENTS))
                  for (due_date, bill_id), shares in sorted(by_bill.items()))
    return RecordedPayment(reported(row), row.received_at.astimezone(timezone.utc), bills, credit, new)


def by_payment_id(session: Session, payment_id: str) -> Payment | None:
    return session.execute(select(Payment).where(Payment.payment_id == payment_id)).scalar_one_or_none()


def paid_since(session: Session, borrower_id: str, since: datetime) -> list[WalletPayment]:
    """The borrower's payments paid at `since` or later (the wallet's `paid_at`), newest first."""
    rows = session.execute(
        select(Payment).where(Payment.borrower_id == borrower_id, Payment.paid_at >= since)
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
    ).scalars().all()
    return [reported(row) for row in rows]
