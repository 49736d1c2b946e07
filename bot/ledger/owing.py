"""What a loan's bills still owe per component, and the credit it holds, from the database.

A component owes its charge less the payments allocated to it, less its share of the bill's
opening paid (what was paid before the ledger's own payments: a fixture's `paid`), which is
taken to have paid the components in the same order as a payment would. A late fee owes only
what arrangements have not frozen (bot/loans/late_fees.py): a payment never pays a waived
fee. Money columns are
text on SQLite, so sums are made here, in Decimal, never by the database.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.arrangements.coverage import freezes_of
from bot.db.models import Bill, Payment, PaymentAllocation
from bot.ledger.allocation import ZERO, Owing
from bot.ledger.order import COMPONENTS, CREDIT, LATE_FEE
from bot.loans.late_fees import Freeze, late_fee_owed

Allocated = dict[str, Decimal]  # component → what payments paid to it


def owing_of(session: Session, loan_id: str, order: Sequence[str]) -> list[Owing]:
    bills = session.execute(
        select(Bill).where(Bill.loan_id == loan_id).order_by(Bill.due_date, Bill.id)).scalars().all()
    allocated = allocated_to(session, [bill.id for bill in bills])
    freezes = freezes_of(session, [bill.id for bill in bills])
    return [bill_owing(bill, allocated.get(bill.id, {}), order, freezes.get(bill.id, []))
            for bill in bills]


def bill_owing(bill: Bill, allocated: Allocated, order: Sequence[str],
               freezes: Iterable[Freeze] = ()) -> Owing:
    charges = {component: getattr(bill, component) for component in COMPONENTS}
    charges[LATE_FEE] = late_fee_owed(bill.late_fee, freezes)
    return Owing(bill.id, bill.due_date, still_owed(charges, bill.opening_paid, allocated, order))


def still_owed(charges: Mapping[str, Decimal], opening_paid: Decimal, allocated: Mapping[str, Decimal],
               order: Sequence[str]) -> dict[str, Decimal]:
    """Per component: its charge, less what payments paid to it, less its share of the opening
    paid (which pays what payments left, in `order`)."""
    left = {component: max(ZERO, charges[component] - allocated.get(component, ZERO))
            for component in COMPONENTS}
    opening = opening_paid
    for component in order:
        share = min(opening, left[component])
        left[component] -= share
        opening -= share
    return left


def allocated_to(session: Session, bill_ids: Iterable[int]) -> dict[int, Allocated]:
    """Per bill, what payments paid to each of its components."""
    ids = list(bill_ids)
    totals: dict[int, Allocated] = defaultdict(lambda: defaultdict(lambda: ZERO))
    if ids:
        rows = session.execute(select(PaymentAllocation.bill_id, PaymentAllocation.component,
                                      PaymentAllocation.amount).where(PaymentAllocation.bill_id.in_(ids)))
        for bill_id, component, amount in rows:
            totals[bill_id][component] += amount
    return {bill_id: dict(by_component) for bill_id, by_component in totals.items()}


def credits_of(session: Session, loan_ids: Iterable[str]) -> dict[str, Decimal]:
    """Per loan, what its payments left beyond everything owed (loans without one: absent)."""
    ids = list(loan_ids)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    if ids:
        rows = session.execute(
            select(Payment.loan_id, PaymentAllocation.amount)
            .join(Payment, Payment.payment_id == PaymentAllocation.payment_id)
            .where(Payment.loan_id.in_(ids), PaymentAllocation.component == CREDIT))
        for loan_id, amount in rows:
            totals[loan_id] += amount
    return dict(totals)
