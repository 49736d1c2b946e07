"""An arrangement's own schedule as a loan's balance sees it: its dues, each with what the
payments toward the arrangement have paid of it, oldest first (the review's counting:
bot/arrangements/progress.py), and the late fees it keeps from being owed.

Pure: the balance (bot/loans/balance.py) puts these dues in place of the bills the
arrangement covers while it is active, and the agent view shows its progress.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Scheduled:
    """One payment the arrangement expects, and what has been paid of it."""

    due_date: date
    amount: Decimal
    paid: Decimal

    @property
    def left(self) -> Decimal:
        return self.amount - self.paid


@dataclass(frozen=True)
class ArrangementProgress:
    arrangement_id: str
    type: str  # deferral | instalment_plan | promise_to_pay
    reschedules: bool  # its dues replace the bills it covers (a deferral, a plan; never a promise)
    dues: tuple[Scheduled, ...]  # in date order
    late_fees_frozen: Decimal  # late fees gained while it runs, not owed (bot/loans/late_fees.py)

    @property
    def total(self) -> Decimal:
        return sum((due.amount for due in self.dues), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((due.paid for due in self.dues), ZERO)

    @property
    def dues_paid(self) -> int:
        return sum(1 for due in self.dues if due.left <= ZERO)

    @property
    def next_due(self) -> Scheduled | None:
        """The first due with something left to pay, late or not."""
        return next((due for due in self.dues if due.left > ZERO), None)


def counted(dues: Iterable[tuple[date, Decimal]], paid: Decimal) -> tuple[Scheduled, ...]:
    """The dues in date order, `paid` counted toward them oldest first (what is paid beyond
    them all belongs to no due)."""
    left, counted_dues = paid, []
    for due_date, amount in sorted(dues):
        share = max(ZERO, min(left, amount))
        counted_dues.append(Scheduled(due_date, amount, share))
        left -= share
    return tuple(counted_dues)
