"""What a borrower owes, computed from the repayment schedule.

Overdue amount = the unpaid part (principal + interest + late fee - paid) of the bills due
before today. Days past due = today - due date of the oldest bill with an unpaid part.

While a deferral or an instalment plan is active, the bills it covers (those overdue when it
was agreed) fall due by its own schedule instead (CONTRACT §5): their unpaid part is its
dues, on the deferral's new due date or the plan's instalment dates, less what has been paid
toward it (bot/loans/schedule.py). What is still to repay is the bills' all the same.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.loans.schedule import ArrangementProgress
from bot.money import quantize

ZERO = Decimal(0)


@dataclass(frozen=True)
class BillLine:
    due_date: date
    principal: Decimal
    interest: Decimal
    late_fee: Decimal  # what is owed of it: frozen fees left out (bot/loans/late_fees.py)
    paid: Decimal
    covered: bool = False  # by the loan's active arrangement, which may reschedule it

    @property
    def charged(self) -> Decimal:
        return self.principal + self.interest + self.late_fee

    @property
    def unpaid(self) -> Decimal:
        return max(ZERO, self.charged - self.paid)


@dataclass(frozen=True)
class LoanBalance:
    loan_id: str
    currency: str
    principal: Decimal  # amount lent
    overdue_principal: Decimal
    overdue_interest: Decimal
    overdue_late_fees: Decimal
    overdue_paid: Decimal  # what was paid against the overdue bills
    overdue_amount: Decimal
    days_past_due: int
    oldest_unpaid_due_date: date | None
    next_due_date: date | None  # the first bill due today or later with something unpaid
    next_due_amount: Decimal
    outstanding: Decimal  # everything still to repay, overdue or not
    bills_overdue: int
    arrangement: ArrangementProgress | None = None  # the active one, with its progress

    @property
    def is_overdue(self) -> bool:
        return self.overdue_amount > ZERO


def loan_balance(
    loan_id: str, currency: str, principal: Decimal, bills: Iterable[BillLine], today: date,
    arrangement: ArrangementProgress | None = None,
) -> LoanBalance:
    schedule = sorted(bills, key=lambda bill: bill.due_date)
    rescheduled = arrangement is not None and arrangement.reschedules
    own = [bill for bill in schedule if not (rescheduled and bill.covered)]  # due on their own dates
    dues = arrangement.dues if arrangement is not None and rescheduled else ()
    owed = [(bill.due_date, bill.unpaid) for bill in own] + [(due.due_date, due.left) for due in dues]
    overdue = [bill for bill in own if bill.due_date < today]
    late_dues = _sum(due.left for due in dues if due.due_date < today)
    parts = _parts_owed([bill for bill in schedule if bill.covered], late_dues) if dues else _NONE
    oldest = min((day for day, amount in owed if day < today and amount > ZERO), default=None)
    upcoming = min((day for day, amount in owed if day >= today and amount > ZERO), default=None)
    q = lambda amount: quantize(amount, currency)  # noqa: E731 - local shorthand
    return LoanBalance(
        loan_id=loan_id,
        currency=currency,
        principal=q(principal),
        overdue_principal=q(_sum(bill.principal for bill in overdue) + parts.principal),
        overdue_interest=q(_sum(bill.interest for bill in overdue) + parts.interest),
        overdue_late_fees=q(_sum(bill.late_fee for bill in overdue) + parts.late_fee),
        overdue_paid=q(_sum(min(bill.paid, bill.charged) for bill in overdue)),
        overdue_amount=q(_sum(amount for day, amount in owed if day < today)),
        days_past_due=(today - oldest).days if oldest else 0,
        oldest_unpaid_due_date=oldest,
        next_due_date=upcoming,
        next_due_amount=q(_sum(amount for day, amount in owed if day == upcoming)),
        outstanding=q(_sum(bill.unpaid for bill in schedule)),
        bills_overdue=sum(1 for bill in overdue if bill.unpaid > ZERO) + parts.bills,
        arrangement=arrangement,
    )


@dataclass(frozen=True)
class _Parts:
    principal: Decimal
    interest: Decimal
    late_fee: Decimal
    bills: int  # how many bills they are of


_NONE = _Parts(ZERO, ZERO, ZERO, 0)


def _parts_owed(covered: Sequence[BillLine], amount: Decimal) -> _Parts:
    """What an arrangement's overdue `amount` is made of: the first `amount` of what its
    bills still owe, oldest bill first and, within one, late fee, interest, principal (the
    order a payment pays them in by default), so that the breakdown adds up to it."""
    totals, bills, left = {"late_fee": ZERO, "interest": ZERO, "principal": ZERO}, 0, amount
    for bill in covered:
        paid, touched = bill.paid, False
        for component in totals:
            unpaid = max(ZERO, getattr(bill, component) - paid)
            paid = max(ZERO, paid - getattr(bill, component))
            share = min(left, unpaid)
            totals[component] += share
            left -= share
            touched = touched or share > ZERO
        bills += touched
    return _Parts(totals["principal"], totals["interest"], totals["late_fee"], bills)


def totals_by_currency(balances: Sequence[LoanBalance]) -> dict[str, tuple[Decimal, Decimal]]:
    """(overdue, outstanding) per currency: amounts in different currencies never add up."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for balance in balances:
        overdue, outstanding = totals.get(balance.currency, (ZERO, ZERO))
        totals[balance.currency] = (overdue + balance.overdue_amount, outstanding + balance.outstanding)
    return totals


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)
