"""The one rule for late fees under an arrangement: what a bill's late fee owes, for the
balance (bot/loans/balance.py) and for a payment's allocation (bot/ledger/owing.py) alike.

Nothing here accrues late fees: a bill's `late_fee` is what the lender's system last loaded
(bot/loans/fixtures.py), and a load may raise it. An arrangement that freezes late fees (a
deferral whose terms say so, every instalment plan) notes each bill it covers with its late
fee when it was made (`ArrangementBill`). While it runs, whatever the bill's fee gained since
is not owed; when it ends, that gain is kept as waived for good — kept or broken, unless
the policy's `review.late_fees_frozen_when_broken` is `charged` and it broke. A fee the bill
gains after the arrangement ended is owed as usual.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Freeze:
    """One arrangement's freeze of one bill's late fee."""

    at_start: Decimal  # the bill's late fee when the arrangement was made
    waived: Decimal | None  # once it has ended, what it waived for good; None while it runs

    def waived_of(self, charged: Decimal) -> Decimal:
        if self.waived is not None:
            return self.waived
        return max(ZERO, charged - self.at_start)


def late_fee_owed(charged: Decimal, freezes: Iterable[Freeze]) -> Decimal:
    """The bill's late fee `charged`, less what its arrangements' freezes waive."""
    return max(ZERO, charged - sum((freeze.waived_of(charged) for freeze in freezes), ZERO))


def waived_at_end(charged: Decimal, freeze: Freeze, *, charged_back: bool) -> Decimal:
    """What a freeze waives for good when its arrangement ends with the bill's fee `charged`."""
    return ZERO if charged_back else freeze.waived_of(charged)
