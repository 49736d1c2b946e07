"""An instalment plan: the overdue amount split into equal monthly instalments, the first on a
date the borrower picks within the policy's window."""
from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

from bot.arrangements import eligibility as rules
from bot.arrangements.eligibility import ArrangementLike, Eligibility
from bot.arrangements.kinds.base import Due, Field, Invalid, Kind, Situation
from bot.arrangements.kinds.windows import date_window
from bot.arrangements.policy_values import Section, counts, one_of, optional_money, whole
from bot.loans.balance import LoanBalance
from bot.money import code_amount, quantize, quantum

if TYPE_CHECKING:
    from bot.arrangements.policy import Policy

INTERVALS = ("monthly",)


@dataclass(frozen=True)
class InstalmentRules:
    max_days_past_due: int
    minimum_overdue: Decimal | None  # None: plans are not offered in this currency
    counts: tuple[int, ...]
    first_within_days: int
    interval: str


@dataclass(frozen=True)
class PlanTerms:
    total: Decimal
    currency: str
    count: int
    first_due_date: date
    interval: str
    instalments: tuple[Due, ...]


COUNT = Field("count", "whole", entity="instalments", slot="instalment_count",
              label="Number of instalments", aliases=("instalments",))
FIRST_DUE_DATE = Field("first_due_date", "date", entity="date", slot="first_payment_date",
                       label="First payment date", aliases=("first_date",))


class InstalmentPlan(Kind[PlanTerms, InstalmentRules]):
    name = "instalment_plan"
    title = "Instalment plan"
    intent = "request_instalment"
    fields = (COUNT, FIRST_DUE_DATE)
    terms_type = PlanTerms
    policy = Section("instalment", {
        "max_days_past_due": whole(0, 3650),
        "minimum_overdue": optional_money,
        "counts": counts,
        "first_within_days": whole(0, 365),
        "interval": one_of(*INTERVALS),
    }, InstalmentRules, optional=frozenset({"minimum_overdue"}))
    offer_response = "utter_offer_instalment_plan"
    propose_response = "utter_propose_instalment_plan"
    flagged_when_broken = True
    reschedules = True  # the instalments replace what was overdue

    def eligibility(self, balance: LoanBalance, history: Iterable[ArrangementLike], policy: Policy,
                    today: date, *, on_hold: bool = False) -> Eligibility:
        limits = self.rules(policy)
        return rules.first_refusal(
            rules.on_hold(on_hold),
            _minimum_configured(limits.minimum_overdue, balance.currency),
            rules.no_active(history),
            rules.overdue(balance),
            rules.not_too_late(balance, limits.max_days_past_due),
            _at_least_minimum(balance, limits.minimum_overdue),
        ) or rules.allowed({
            "total": rules.money(balance.overdue_amount, balance),
            "currency": balance.currency,
            "counts": limits.counts,
            "last_first_date": today + timedelta(days=limits.first_within_days),
        })

    def problem(self, field: Field, value: Any, situation: Situation) -> Invalid | None:
        allowed = self.allowed(field, situation)
        if field is COUNT:
            return None if value in allowed["counts"] else Invalid("not_offered", allowed)
        return date_window(value, allowed, late="too_late")

    def allowed(self, field: Field, situation: Situation) -> dict[str, Any]:
        limits = self.rules(situation.policy)
        if field is COUNT:
            return {"counts": limits.counts}
        return {"first_date": situation.today,
                "last_date": situation.today + timedelta(days=limits.first_within_days)}

    def terms(self, values: Mapping[str, Any], situation: Situation) -> PlanTerms:
        balance = situation.balance
        return plan_terms(balance.overdue_amount, balance.currency, values["count"], values["first_due_date"])

    def freezes_late_fees(self, terms: PlanTerms) -> bool:
        return True  # a plan kept is the borrower doing what was agreed: no fee grows meanwhile

    def schedule(self, terms: PlanTerms) -> tuple[Due, ...]:
        return terms.instalments

    def shown(self, terms: PlanTerms) -> dict[str, Any]:
        return {"total": terms.total, "count": terms.count, "schedule": terms.instalments}

    def describe(self, terms: PlanTerms) -> str:
        return (f"{terms.count} instalments · from {terms.first_due_date.isoformat()} · "
                f"total {code_amount(terms.total, terms.currency)}")


def plan_terms(total: Decimal, currency: str, count: int, first_due_date: date) -> PlanTerms:
    return PlanTerms(quantize(total, currency), currency, count, first_due_date, "monthly",
                     instalment_schedule(total, currency, count, first_due_date))


def instalment_schedule(total: Decimal, currency: str, count: int, first_date: date) -> tuple[Due, ...]:
    """Equal instalments to the minor unit, monthly from `first_date`; the last one absorbs
    the rounding, so that they add up to `total` exactly."""
    if count < 1 or total <= 0 or quantize(total, currency) != total:
        raise ValueError(f"cannot split {total} {currency} into {count}")
    share = (total / count).quantize(quantum(currency), rounding=ROUND_DOWN)
    if share <= 0:
        raise ValueError(f"{total} {currency} is too small to split into {count}")
    amounts = [share] * (count - 1) + [total - share * (count - 1)]
    return tuple(Due(add_months(first_date, i), quantize(amount, currency))
                 for i, amount in enumerate(amounts))


def add_months(first: date, months: int) -> date:
    """The same day `months` later, or that month's last day (Jan 31 + 1 → Feb 28/29)."""
    year, month = divmod(first.month - 1 + months, 12)
    year += first.year
    return date(year, month + 1, min(first.day, monthrange(year, month + 1)[1]))


def _minimum_configured(minimum: Decimal | None, currency: str) -> Eligibility | None:
    return rules.refused("no_minimum_configured", {"currency": currency}) if minimum is None else None


def _at_least_minimum(balance: LoanBalance, minimum: Decimal | None) -> Eligibility | None:
    if minimum is None or balance.overdue_amount >= minimum:
        return None
    return rules.refused("below_minimum", {
        "minimum": rules.money(minimum, balance),
        "overdue": rules.money(balance.overdue_amount, balance),
        "currency": balance.currency,
    })


INSTALMENT_PLAN = InstalmentPlan()
