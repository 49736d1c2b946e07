"""The bills an arrangement covers (`ArrangementBill` rows): noted when a deferral or plan is
recorded — the loan's bills overdue that day, each with its late fee then — and settled when
it ends, with the late fee it waived for good (bot/loans/late_fees.py). The bills keep their
own due dates: while it is active the balance puts its schedule in their place
(bot/loans/balance.py), and once it has ended they fall due by their own dates again.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Arrangement, ArrangementBill, Bill
from bot.loans.late_fees import ZERO, Freeze, late_fee_owed, waived_at_end


def cover(session: Session, arrangement: Arrangement, day: date, *, freeze_late_fees: bool) -> None:
    """Notes the bills overdue on `day` (due before it, with something unpaid) as covered."""
    bills = _bills_of(session, arrangement.loan_id)
    freezes = freezes_of(session, [bill.id for bill in bills])
    for bill in bills:
        owed = bill.principal + bill.interest + late_fee_owed(bill.late_fee, freezes.get(bill.id, []))
        if bill.due_date < day and owed > bill.paid:
            session.add(ArrangementBill(arrangement_id=arrangement.id, bill_id=bill.id,
                                        late_fee_at_start=bill.late_fee, late_fee_frozen=freeze_late_fees))
    session.flush()


def settle(session: Session, arrangement: Arrangement, *, charged_back: bool) -> None:
    """The arrangement has ended: what its freezes waived so far stays waived (none, when the
    policy charges them back)."""
    for row, bill in _rows(session, [arrangement.id]):
        freeze = Freeze(row.late_fee_at_start, None)
        waived = waived_at_end(bill.late_fee, freeze, charged_back=charged_back)
        row.late_fee_waived = waived if row.late_fee_frozen else ZERO


def covered_by(session: Session, arrangement_id: str) -> set[int]:
    """The ids of the bills the arrangement covers."""
    return set(session.execute(select(ArrangementBill.bill_id)
                               .where(ArrangementBill.arrangement_id == arrangement_id)).scalars())


def ever_covered(session: Session, bill_ids: Iterable[int]) -> set[int]:
    """Those of the bills that an arrangement, active or ended, has covered."""
    ids = list(bill_ids)
    if not ids:
        return set()
    return set(session.execute(select(ArrangementBill.bill_id)
                               .where(ArrangementBill.bill_id.in_(ids))).scalars())


def freezes_of(session: Session, bill_ids: Iterable[int]) -> dict[int, list[Freeze]]:
    """Per bill, every freeze of its late fee, running or ended (bills without one: absent)."""
    ids = list(bill_ids)
    found: dict[int, list[Freeze]] = {}
    if ids:
        rows = session.execute(select(ArrangementBill).where(ArrangementBill.bill_id.in_(ids),
                                                             ArrangementBill.late_fee_frozen.is_(True)))
        for row in rows.scalars():
            found.setdefault(row.bill_id, []).append(Freeze(row.late_fee_at_start, row.late_fee_waived))
    return found


def frozen_so_far(session: Session, arrangement_id: str) -> Decimal:
    """The late fees the arrangement keeps from being owed, as the bills stand."""
    total = ZERO
    for row, bill in _rows(session, [arrangement_id]):
        if row.late_fee_frozen:
            total += Freeze(row.late_fee_at_start, row.late_fee_waived).waived_of(bill.late_fee)
    return total


def _rows(session: Session, arrangement_ids: list[str]) -> list[tuple[ArrangementBill, Bill]]:
    return list(session.execute(
        select(ArrangementBill, Bill).join(Bill, Bill.id == ArrangementBill.bill_id)
        .where(ArrangementBill.arrangement_id.in_(arrangement_ids)).order_by(Bill.due_date)).all())


def _bills_of(session: Session, loan_id: str) -> list[Bill]:
    return list(session.execute(
        select(Bill).where(Bill.loan_id == loan_id).order_by(Bill.due_date, Bill.id)).scalars())
