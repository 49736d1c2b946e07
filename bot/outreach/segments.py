"""Which segment a loan is in: its risk (how late, how it has repaid) and its value (what is
still to repay), and so its plan of stages and the offer its messages lead with."""
from __future__ import annotations

from dataclasses import dataclass

from bot.outreach.facts import LoanFacts
from bot.outreach.strategy import Strategy
from bot.outreach.strategy_segments import RiskRule


@dataclass(frozen=True)
class Segment:
    risk: str  # low | medium | high
    value: str  # low | high
    plan: str
    first_offer: str  # pay_now | pay_later | instalments | person

    @property
    def name(self) -> str:
        return f"{self.risk}/{self.value}"


def segment_of(facts: LoanFacts, strategy: Strategy) -> Segment:
    risk, value = risk_of(facts, strategy), value_of(facts, strategy)
    plan = strategy.segments.plan_for(risk, value)
    return Segment(risk, value, plan.plan, plan.first_offer)


def risk_of(facts: LoanFacts, strategy: Strategy) -> str:
    """The first rule's whose every condition holds (the last rule has none)."""
    return next(rule.name for rule in strategy.segments.risk if _holds(rule, facts))


def value_of(facts: LoanFacts, strategy: Strategy) -> str:
    """high from the currency's threshold up; low for a currency without one."""
    threshold = strategy.segments.high_from.get(facts.currency.upper())
    return "high" if threshold is not None and facts.balance.outstanding >= threshold else "low"


def _holds(rule: RiskRule, facts: LoanFacts) -> bool:
    measured = (
        (rule.min_days_past_due, facts.balance.days_past_due),
        (rule.min_broken_arrangements, facts.history.broken_arrangements),
        (rule.min_bills_paid_late, facts.history.bills_paid_late),
    )
    return all(minimum is None or value >= minimum for minimum, value in measured)
