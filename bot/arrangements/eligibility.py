"""May an arrangement be offered on this loan today? The rules every kind shares; each kind
(bot/arrangements/kinds/) adds its own. Pure: decided from the balance, the loan's past
arrangements and the lender's policy.

Each refusal carries a reason code (for the dialogue, the agent API and the handoff summary)
and typed details the reply can quote (limits, dates, amounts).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from bot.loans.balance import LoanBalance
from bot.money import quantize

ACTIVE = "active"

# Every reason an arrangement may not be offered (each has `utter_not_eligible_<reason>`).
REFUSAL_REASONS = (
    "nothing_owed", "not_overdue", "collection_hold", "active_arrangement", "too_far_past_due",
    "recent_deferral", "no_minimum_configured", "below_minimum",
)


class ArrangementLike(Protocol):  # read-only: a frozen ArrangementRecord or an Arrangement row
    @property
    def type(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class ArrangementRecord:
    """A past or current arrangement of the loan, as eligibility needs to know it."""

    type: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reason: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


def allowed(details: Mapping[str, Any]) -> Eligibility:
    return Eligibility(True, None, details)


def refused(reason: str, details: Mapping[str, Any] | None = None) -> Eligibility:
    return Eligibility(False, reason, details or {})


def first_refusal(*checks: Eligibility | None) -> Eligibility | None:
    return next((check for check in checks if check is not None), None)


def on_hold(hold: bool) -> Eligibility | None:
    # A disputed loan: no collection activity until the dispute is settled.
    return refused("collection_hold") if hold else None


def no_active(history: Iterable[ArrangementLike]) -> Eligibility | None:
    active = next((item for item in history if item.status == ACTIVE), None)
    return None if active is None else refused("active_arrangement", {"type": active.type})


def overdue(balance: LoanBalance) -> Eligibility | None:
    return None if balance.is_overdue else refused("not_overdue")


def not_too_late(balance: LoanBalance, max_days_past_due: int) -> Eligibility | None:
    if balance.days_past_due <= max_days_past_due:
        return None
    return refused("too_far_past_due", {"days_past_due": balance.days_past_due,
                                        "max_days_past_due": max_days_past_due})


def promise_owed(balance: LoanBalance) -> Decimal:
    """What a promise is about: the overdue amount, or else the next bill's."""
    return balance.overdue_amount if balance.is_overdue else balance.next_due_amount


def money(amount: Decimal, balance: LoanBalance) -> Decimal:
    """An amount quoted in details: exact to the loan currency's minor unit."""
    return quantize(amount, balance.currency)


def created_on(item: ArrangementLike) -> date:
    return item.created_at.date()
