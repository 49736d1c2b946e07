"""What a borrower owes, computed from the repayment schedule.

Overdue amount = the unpaid part (principal + interest + late fee - paid) of the bills due
before today. Days past due = today - due date of the oldest bill with an unpaid part.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.money import quantize

ZERO = Decimal(0)


@dataclass(frozen=True)
class BillLine:
    due_date: date
    principal: Decimal
    interest: Decimal
    late_fee: Decimal
    paid: Decimal

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

    @property
    def is_overdue(self) -> bool:
        return self.overdue_amount > ZERO


def loan_balance(
    loan_id: str, currency: str, principal: Decimal, bills: Iterable[BillLine], today: date
) -> LoanBalance:
    schedule = sorted(bills, key=lambda bill: bill.due_date)
    overdue = [bill for bill in schedule if bill.due_date < today]
    upcoming = [bill for bill in schedule if bill.due_date >= today and bill.unpaid > ZERO]
    oldest = next((bill.due_date for bill in overdue if bill.unpaid > ZERO), None)
    q = lambda amount: quantize(amount, currency)  # noqa: E731 - local shorthand
    return LoanBalance(
        loan_id=loan_id,
        currency=currency,
        principal=q(principal),
        overdue_principal=q(_sum(bill.principal for bill in overdue)),
        overdue_interest=q(_sum(bill.interest for bill in overdue)),
        overdue_late_fees=q(_sum(bill.late_fee for bill in overdue)),
        overdue_paid=q(_sum(min(bill.paid, bill.charged) for bill in overdue)),
        overdue_amount=q(_sum(bill.unpaid for bill in overdue)),
        days_past_due=(today - oldest).days if oldest else 0,
        oldest_unpaid_due_date=oldest,
        next_due_date=upcoming[0].due_date if upcoming else None,
        next_due_amount=q(upcoming[0].unpaid) if upcoming else q(ZERO),
        outstanding=q(_sum(bill.unpaid for bill in schedule)),
        bills_overdue=sum(1 for bill in overdue if bill.unpaid > ZERO),
    )


def totals_by_currency(balances: Sequence[LoanBalance]) -> dict[str, tuple[Decimal, Decimal]]:
    """(overdue, outstanding) per currency: amounts in different currencies never add up."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for balance in balances:
        overdue, outstanding = totals.get(balance.currency, (ZERO, ZERO))
        totals[balance.currency] = (overdue + balance.overdue_amount, outstanding + balance.outstanding)
    return totals


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)
