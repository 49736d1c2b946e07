"""The one rule a payment is allocated by: the oldest bill with an unpaid part first (by due
date, whether due yet or not); within a bill, its components in the lender's order (late fee,
then interest, then principal, unless policy.yml says otherwise). What is left once every bill
is paid is a credit on the loan.

Pure and exact: every cent of the amount is in exactly one line or in the credit, and no line
is more than its component still owes.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Owing:
    """What one bill still owes, per component (a component left out owes nothing)."""

    bill_id: int
    due_date: date
    components: Mapping[str, Decimal]


@dataclass(frozen=True)
class Line:
    """Part of a payment, paid to one component of one bill."""

    bill_id: int
    component: str
    amount: Decimal


@dataclass(frozen=True)
class Allocation:
    lines: tuple[Line, ...]
    credit: Decimal  # beyond everything owed

    @property
    def allocated(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def allocate(amount: Decimal, owing: Iterable[Owing], order: Sequence[str]) -> Allocation:
    if amount <= ZERO:
        raise ValueError(f"only a positive amount can be allocated, not {amount}")
    lines, left = [], amount
    for bill in sorted(owing, key=lambda bill: (bill.due_date, bill.bill_id)):
        for component in order:
            share = min(left, max(ZERO, bill.components.get(component, ZERO)))
            if share > ZERO:
                lines.append(Line(bill.bill_id, component, share))
                left -= share
        if left == ZERO:
            break
    return Allocation(tuple(lines), left)
