"""May the bot offer this arrangement on this loan today? Pure: decided from the balance,
the loan's past arrangements and the lender's policy.

Each refusal carries a reason code (for the dialogue and the handoff summary) and details
the reply can quote (limits, dates, amounts as strings).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Iterable, Protocol

from bot.loans.balance import LoanBalance
from bot.money import quantize
from bot.arrangements.policy import Policy

ACTIVE = "active"


class ArrangementLike(Protocol):
    type: str
    status: str
    created_at: datetime


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
    details: dict = field(default_factory=dict)


History = Iterable[ArrangementLike]


def check_deferral(
    balance: LoanBalance, history: History, policy: Policy, today: date, *, on_hold: bool = False
) -> Eligibility:
    rules = policy.deferral
    history = list(history)
    return _first_refusal(
        _hold(on_hold),
        _active(history),
        _overdue(balance),
        _not_too_late(balance, rules.max_days_past_due),
        _no_recent_deferral(history, rules.once_per_days, today),
    ) or Eligibility(True, None, {
        "amount": _money(balance.overdue_amount, balance.currency),
        "currency": balance.currency,
        "max_days": rules.max_days,
        "last_due_date": (today + timedelta(days=rules.max_days)).isoformat(),
        "fee": _money(rules.fee, balance.currency),
    })


def check_instalment_plan(
    balance: LoanBalance, history: History, policy: Policy, today: date, *, on_hold: bool = False
) -> Eligibility:
    rules = policy.instalment
    history = list(history)
    return _first_refusal(
        _hold(on_hold),
        _minimum_configured(rules.minimum_overdue, balance.currency),
        _active(history),
        _overdue(balance),
        _not_too_late(balance, rules.max_days_past_due),
        _at_least_minimum(balance, rules.minimum_overdue),
    ) or Eligibility(True, None, {
        "total": _money(balance.overdue_amount, balance.currency),
        "currency": balance.currency,
        "counts": list(rules.counts),
        "last_first_date": (today + timedelta(days=rules.first_within_days)).isoformat(),
    })


def check_promise(
    balance: LoanBalance, history: History, policy: Policy, today: date, *, on_hold: bool = False
) -> Eligibility:
    rules = policy.promise
    owed = promise_owed(balance)
    return _first_refusal(
        _hold(on_hold),
        _active(list(history)),
        Eligibility(False, "nothing_owed", {}) if owed <= 0 else None,
    ) or Eligibility(True, None, {
        "owed": _money(owed, balance.currency),
        "currency": balance.currency,
        "allow_partial": rules.allow_partial,
        "last_date": (today + timedelta(days=rules.horizon_days)).isoformat(),
    })


def promise_owed(balance: LoanBalance) -> Decimal:
    """What a promise is about: the overdue amount, or else the next bill's."""
    return balance.overdue_amount if balance.is_overdue else balance.next_due_amount


# --- the rules -------------------------------------------------------------------------------


def _first_refusal(*checks: Eligibility | None) -> Eligibility | None:
    return next((check for check in checks if check is not None), None)


def _hold(on_hold: bool) -> Eligibility | None:
    # A disputed loan: no collection activity until the dispute is settled.
    return Eligibility(False, "collection_hold", {}) if on_hold else None


def _active(history: list[ArrangementLike]) -> Eligibility | None:
    active = next((item for item in history if item.status == ACTIVE), None)
    if active is None:
        return None
    return Eligibility(False, "active_arrangement", {"type": active.type})


def _overdue(balance: LoanBalance) -> Eligibility | None:
    return None if balance.is_overdue else Eligibility(False, "not_overdue", {})


def _not_too_late(balance: LoanBalance, max_days: int) -> Eligibility | None:
    if balance.days_past_due <= max_days:
        return None
    return Eligibility(False, "too_far_past_due",
                       {"days_past_due": balance.days_past_due, "max_days_past_due": max_days})


def _no_recent_deferral(history: list[ArrangementLike], once_per_days: int, today: date) -> Eligibility | None:
    # Cancelled deferrals do not count: an agent undid them.
    dates = [item.created_at.date() for item in history
             if item.type == "deferral" and item.status != "cancelled"]
    if not dates:
        return None
    next_allowed = max(dates) + timedelta(days=once_per_days)
    if today >= next_allowed:
        return None
    return Eligibility(False, "recent_deferral",
                       {"last_deferral_on": max(dates).isoformat(), "next_allowed_on": next_allowed.isoformat()})


def _minimum_configured(minimum: Decimal | None, currency: str) -> Eligibility | None:
    return Eligibility(False, "no_minimum_configured", {"currency": currency}) if minimum is None else None


def _at_least_minimum(balance: LoanBalance, minimum: Decimal | None) -> Eligibility | None:
    if minimum is None or balance.overdue_amount >= minimum:
        return None
    return Eligibility(False, "below_minimum", {
        "minimum": _money(minimum, balance.currency),
        "overdue": _money(balance.overdue_amount, balance.currency),
        "currency": balance.currency,
    })


def _money(amount: Decimal, currency: str) -> str:
    return str(quantize(amount, currency))
