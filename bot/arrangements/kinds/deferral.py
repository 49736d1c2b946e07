"""A deferral, "pay later": the overdue amount falls due `days` days from today."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.arrangements import eligibility as rules
from bot.arrangements.eligibility import ArrangementLike, Eligibility
from bot.arrangements.kinds.base import Due, Field, Invalid, Kind, Reading, Situation, days_until
from bot.arrangements.policy_values import Section, boolean, money, whole
from bot.loans.balance import LoanBalance
from bot.money import code_amount

if TYPE_CHECKING:
    from bot.arrangements.policy import Policy


@dataclass(frozen=True)
class DeferralRules:
    max_days_past_due: int  # offered only while the oldest unpaid bill is at most this late
    max_days: int  # the longest postponement
    once_per_days: int  # at most one deferral per loan in this many days
    fee: Decimal
    freeze_late_fees: bool


@dataclass(frozen=True)
class DeferralTerms:
    days: int
    new_due_date: date
    amount: Decimal
    currency: str
    fee: Decimal
    late_fees_frozen: bool


# "Can I pay on the 20th?" asks for the days from today to the 20th.
DAYS = Field("days", "whole", entity="duration_days", slot="deferral_days", label="Days to defer",
             also=(Reading("date", days_until),))


class Deferral(Kind[DeferralTerms, DeferralRules]):
    name = "deferral"
    title = "Deferral"
    intent = "request_deferral"
    fields = (DAYS,)
    terms_type = DeferralTerms
    policy = Section("deferral", {
        "max_days_past_due": whole(0, 3650),
        "max_days": whole(1, 365),
        "once_per_days": whole(0, 3650),
        "fee": money,
        "freeze_late_fees": boolean,
    }, DeferralRules)
    offer_response = "utter_offer_deferral"
    propose_response = "utter_propose_deferral"
    flagged_when_broken = False  # the bills simply fall due again
    reschedules = True  # the overdue bills fall due on the new due date

    def eligibility(self, balance: LoanBalance, history: Iterable[ArrangementLike], policy: Policy,
                    today: date, *, on_hold: bool = False) -> Eligibility:
        limits, past = self.rules(policy), list(history)
        return rules.first_refusal(
            rules.on_hold(on_hold),
            rules.no_active(past),
            rules.overdue(balance),
            rules.not_too_late(balance, limits.max_days_past_due),
            _no_recent_deferral(past, limits.once_per_days, today),
        ) or rules.allowed({
            "amount": rules.money(balance.overdue_amount, balance),
            "currency": balance.currency,
            "max_days": limits.max_days,
            "last_due_date": today + timedelta(days=limits.max_days),
            "fee": rules.money(limits.fee, balance),
        })

    def problem(self, field: Field, value: int, situation: Situation) -> Invalid | None:
        allowed = self.allowed(field, situation)
        return None if allowed["min"] <= value <= allowed["max"] else Invalid("out_of_range", allowed)

    def allowed(self, field: Field, situation: Situation) -> dict[str, Any]:
        return {"min": 1, "max": self.rules(situation.policy).max_days}

    def about(self, field: Field, value: int, situation: Situation) -> dict[str, Any]:
        return {"value": value, "date": situation.today + timedelta(days=value)}

    def terms(self, values: Mapping[str, Any], situation: Situation) -> DeferralTerms:
        limits, balance, days = self.rules(situation.policy), situation.balance, values["days"]
        return DeferralTerms(
            days=days, new_due_date=situation.today + timedelta(days=days),
            amount=rules.money(balance.overdue_amount, balance), currency=balance.currency,
            fee=rules.money(limits.fee, balance), late_fees_frozen=limits.freeze_late_fees,
        )

    def freezes_late_fees(self, terms: DeferralTerms) -> bool:
        return terms.late_fees_frozen

    def schedule(self, terms: DeferralTerms) -> tuple[Due, ...]:
        return (Due(terms.new_due_date, terms.amount),)

    def shown(self, terms: DeferralTerms) -> dict[str, Any]:
        return {"amount": terms.amount, "days": terms.days, "new_due_date": terms.new_due_date,
                "fee": terms.fee}

    def describe(self, terms: DeferralTerms) -> str:
        return (f"{terms.days} days · new due date {terms.new_due_date.isoformat()} · "
                f"{code_amount(terms.amount, terms.currency)}")


def _no_recent_deferral(history: list[ArrangementLike], once_per_days: int,
                        today: date) -> Eligibility | None:
    # Cancelled deferrals do not count: an agent undid them.
    dates = [rules.created_on(item) for item in history
             if item.type == Deferral.name and item.status != "cancelled"]
    if not dates:
        return None
    next_allowed = max(dates) + timedelta(days=once_per_days)
    if today >= next_allowed:
        return None
    return rules.refused("recent_deferral", {"last_deferral_on": max(dates), "next_allowed_on": next_allowed})


DEFERRAL = Deferral()
