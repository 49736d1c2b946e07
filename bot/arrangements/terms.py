"""The terms of an arrangement, and checks of the values a borrower gives for them.

Terms are JSON-ready dicts (money as strings, dates ISO), stored as `Arrangement.terms` and
shown by the agent API (CONTRACT §5). Validators return None when a value is acceptable, or
an `Invalid` whose reason code and details let the dialogue re-ask.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from bot.loans.balance import LoanBalance
from bot.money import PLAIN_DECIMAL, quantize, quantum
from bot.arrangements.policy import Policy


@dataclass(frozen=True)
class Instalment:
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class Invalid:
    reason: str
    details: dict = field(default_factory=dict)


# --- terms -----------------------------------------------------------------------------------


def instalment_schedule(total: Decimal, currency: str, count: int, first_date: date) -> list[Instalment]:
    """Equal instalments to the minor unit, monthly from `first_date`; the last one absorbs
    the rounding, so that they add up to `total` exactly."""
    if count < 1 or total <= 0 or quantize(total, currency) != total:
        raise ValueError(f"cannot split {total} {currency} into {count}")
    share = (total / count).quantize(quantum(currency), rounding=ROUND_DOWN)
    if share <= 0:
        raise ValueError(f"{total} {currency} is too small to split into {count}")
    amounts = [share] * (count - 1) + [total - share * (count - 1)]
    return [Instalment(add_months(first_date, i), quantize(amount, currency)) for i, amount in enumerate(amounts)]


def add_months(first: date, months: int) -> date:
    """The same day `months` later, or that month's last day (Jan 31 + 1 → Feb 28/29)."""
    year, month = divmod(first.month - 1 + months, 12)
    year += first.year
    return date(year, month + 1, min(first.day, monthrange(year, month + 1)[1]))


def plan_terms(total: Decimal, currency: str, count: int, first_date: date) -> dict:
    schedule = instalment_schedule(total, currency, count, first_date)
    return {
        "total": _money(total, currency),
        "currency": currency,
        "count": count,
        "first_due_date": first_date.isoformat(),
        "interval": "monthly",
        "instalments": [
            {"due_date": item.due_date.isoformat(), "amount": _money(item.amount, currency)}
            for item in schedule
        ],
    }


def deferral_terms(balance: LoanBalance, days: int, today: date, policy: Policy) -> dict:
    """The overdue amount falls due `days` days after today."""
    return {
        "days": days,
        "new_due_date": (today + timedelta(days=days)).isoformat(),
        "amount": _money(balance.overdue_amount, balance.currency),
        "currency": balance.currency,
        "fee": _money(policy.deferral.fee, balance.currency),
        "late_fees_frozen": policy.deferral.freeze_late_fees,
    }


def promise_terms(amount: Decimal, on: date, currency: str) -> dict:
    return {"amount": _money(amount, currency), "date": on.isoformat(), "currency": currency}


def _money(amount: Decimal, currency: str) -> str:
    return str(quantize(Decimal(amount), currency))


# --- validators of what the borrower said ----------------------------------------------------
# Values may come as entity strings (CONTRACT §2: "6", "2026-12-20", "500") or as Python values.


def validate_deferral_days(days: int | str, policy: Policy) -> Invalid | None:
    allowed = {"min": 1, "max": policy.deferral.max_days}
    number = _whole(days)
    if number is None:
        return Invalid("not_a_number", allowed)
    if not 1 <= number <= policy.deferral.max_days:
        return Invalid("out_of_range", allowed)
    return None


def validate_instalment_count(count: int | str, policy: Policy) -> Invalid | None:
    allowed = {"counts": list(policy.instalment.counts)}
    number = _whole(count)
    if number is None:
        return Invalid("not_a_number", allowed)
    if number not in policy.instalment.counts:
        return Invalid("not_offered", allowed)
    return None


def validate_first_date(first_date: date | str, today: date, policy: Policy) -> Invalid | None:
    last = today + timedelta(days=policy.instalment.first_within_days)
    return _date_window(first_date, today, last, "too_late")


def validate_promise(
    amount: Decimal | str, on: date | str, owed: Decimal, today: date, policy: Policy
) -> Invalid | None:
    """Amount first, then date: the dialogue re-asks for the first thing that is wrong."""
    return validate_promise_amount(amount, owed, policy) or validate_promise_date(on, today, policy)


def validate_promise_amount(amount: Decimal | str, owed: Decimal, policy: Policy) -> Invalid | None:
    owed_text = _money(owed, policy.currency) if policy.currency else str(owed)
    value = _decimal(amount)
    if value is None or (policy.currency and quantize(value, policy.currency) != value):
        return Invalid("not_an_amount", {"owed": owed_text})
    if value <= 0:
        return Invalid("amount_not_positive", {"owed": owed_text})
    if value > owed:
        return Invalid("amount_above_owed", {"owed": owed_text})
    if value < owed and not policy.promise.allow_partial:
        return Invalid("partial_not_allowed", {"owed": owed_text})
    return None


def validate_promise_date(on: date | str, today: date, policy: Policy) -> Invalid | None:
    return _date_window(on, today, today + timedelta(days=policy.promise.horizon_days), "beyond_horizon")


def _date_window(value: date | str, today: date, last: date, late: str) -> Invalid | None:
    window = {"first_date": today.isoformat(), "last_date": last.isoformat()}
    day = _day(value)
    if day is None:
        return Invalid("not_a_date", window)
    if day < today:
        return Invalid("in_past", window)
    if day > last:
        return Invalid(late, window)
    return None


def _whole(value: int | str) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _decimal(value: Decimal | int | str) -> Decimal | None:
    if isinstance(value, bool) or isinstance(value, float):
        return None  # floats are not exact money
    if isinstance(value, (Decimal, int)):
        return Decimal(value) if Decimal(value).is_finite() else None
    text = str(value).strip()
    return Decimal(text) if PLAIN_DECIMAL.fullmatch(text) else None


def _day(value: date | str) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None
