"""A promise to pay: the borrower will pay `amount` on `date`. It changes no dates; it is held
against the payments that arrive."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.arrangements import eligibility as rules
from bot.arrangements.eligibility import ArrangementLike, Eligibility
from bot.arrangements.kinds.base import Due, Field, Invalid, Kind, Situation
from bot.arrangements.kinds.windows import date_window
from bot.arrangements.policy_values import Section, boolean, whole
from bot.loans.balance import LoanBalance
from bot.money import code_amount, quantize

if TYPE_CHECKING:
    from bot.arrangements.policy import Policy


@dataclass(frozen=True)
class PromiseRules:
    horizon_days: int  # the date is today or at most this many days ahead
    allow_partial: bool  # the amount may be less than what is owed


@dataclass(frozen=True)
class PromiseTerms:
    amount: Decimal
    date: date
    currency: str


AMOUNT = Field("amount", "money", entity="amount", slot="promise_amount", label="Amount")
DATE = Field("date", "date", entity="date", slot="promise_date", label="Payment date")


class PromiseToPay(Kind[PromiseTerms, PromiseRules]):
    name = "promise_to_pay"
    title = "Promise to pay"
    intent = "promise_to_pay"
    fields = (AMOUNT, DATE)  # amount first: a re-ask is for the first thing that is wrong
    terms_type = PromiseTerms
    policy = Section("promise", {"horizon_days": whole(0, 365), "allow_partial": boolean}, PromiseRules)
    offer_response = "utter_offer_promise_to_pay"
    propose_response = "utter_propose_promise_to_pay"
    flagged_when_broken = True
    reschedules = False  # the bills keep their dates; the promise is held against payments

    def eligibility(self, balance: LoanBalance, history: Iterable[ArrangementLike], policy: Policy,
                    today: date, *, on_hold: bool = False) -> Eligibility:
        limits, owed = self.rules(policy), rules.promise_owed(balance)
        return rules.first_refusal(
            rules.on_hold(on_hold),
            rules.no_active(history),
            rules.refused("nothing_owed") if owed <= 0 else None,
        ) or rules.allowed({
            "owed": rules.money(owed, balance),
            "currency": balance.currency,
            "allow_partial": limits.allow_partial,
            "last_date": today + timedelta(days=limits.horizon_days),
        })

    def problem(self, field: Field, value: Any, situation: Situation) -> Invalid | None:
        allowed = self.allowed(field, situation)
        if field is DATE:
            return date_window(value, allowed, late="beyond_horizon")
        owed, currency = allowed["owed"], situation.balance.currency
        if quantize(value, currency) != value:
            return Invalid("not_an_amount", allowed)
        if value <= 0:
            return Invalid("amount_not_positive", allowed)
        if value > owed:
            return Invalid("amount_above_owed", allowed)
        if value < owed and not self.rules(situation.policy).allow_partial:
            return Invalid("partial_not_allowed", allowed)
        return None

    def allowed(self, field: Field, situation: Situation) -> dict[str, Any]:
        if field is DATE:
            horizon = self.rules(situation.policy).horizon_days
            return {"first_date": situation.today, "last_date": situation.today + timedelta(days=horizon)}
        return {"owed": rules.money(rules.promise_owed(situation.balance), situation.balance)}

    def terms(self, values: Mapping[str, Any], situation: Situation) -> PromiseTerms:
        currency = situation.balance.currency
        return PromiseTerms(quantize(values["amount"], currency), values["date"], currency)

    def schedule(self, terms: PromiseTerms) -> tuple[Due, ...]:
        return (Due(terms.date, terms.amount),)

    def shown(self, terms: PromiseTerms) -> dict[str, Any]:
        return {"amount": terms.amount, "date": terms.date}

    def describe(self, terms: PromiseTerms) -> str:
        return f"{code_amount(terms.amount, terms.currency)} by {terms.date.isoformat()}"


PROMISE_TO_PAY = PromiseToPay()
