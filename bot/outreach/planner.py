"""Which message, if any, a loan is due for now: a stage of its segment's plan, or an event
of its active arrangement. At most one a loan a pass; the outbox key (borrower, loan, stage,
day) makes it once for good.

A stage falls on its due date plus its offset (D+7: a week after the oldest unpaid bill fell
due; D-3: three days before the next bill). It may go out up to `catch_up_days` late (held
back by quiet hours or a cap, or the scheduler was down) as long as the next stage has not
begun. While an arrangement runs, only its own events are written (its dates are what the
borrower agreed to), and a broken one says so once, before the plan's stages resume.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bot.outreach.facts import Due, LoanFacts
from bot.outreach.segments import Segment
from bot.outreach.strategy import Message, Stage, Strategy

STAGE, ARRANGEMENT = "stage", "arrangement"  # a contact's purpose (bot/outreach/compliance.py)
DUE_IN_2_DAYS, DUE_TODAY, MISSED, BROKEN = "due_in_2_days", "due_today", "missed", "broken"
EVENTS = (DUE_IN_2_DAYS, DUE_TODAY, MISSED, BROKEN)


@dataclass(frozen=True)
class Planned:
    stage: str  # a stage's name (D+7) or an event's (due_today)
    day: date  # the day it falls on
    message: Message
    purpose: str  # STAGE | ARRANGEMENT
    arrangement_type: str | None = None
    values: dict[str, Any] = field(default_factory=dict)  # typed: amount, due_date, days, ...

    def key(self, facts: LoanFacts) -> str:
        return f"{facts.borrower_id}|{facts.loan_id}|{self.stage}|{self.day.isoformat()}"


def plan(facts: LoanFacts, segment: Segment, strategy: Strategy) -> Planned | None:
    if facts.dues:
        return _arrangement_event(facts, strategy)
    broken = _broken(facts, strategy)
    return broken or _stage(facts, strategy.plans[segment.plan], strategy.catch_up_days)


def _stage(facts: LoanFacts, stages: tuple[Stage, ...], catch_up_days: int) -> Planned | None:
    balance = facts.balance
    if balance.is_overdue and balance.oldest_unpaid_due_date is not None:
        anchor, amount = balance.oldest_unpaid_due_date, balance.overdue_amount
        usable = [stage for stage in stages if stage.offset > 0]
    elif balance.next_due_date is not None:
        anchor, amount = balance.next_due_date, balance.next_due_amount
        usable = [stage for stage in stages if stage.offset <= 0]
    else:
        return None
    elapsed = (facts.today - anchor).days
    started = [stage for stage in usable if stage.offset <= elapsed]
    if not started or elapsed - started[-1].offset > catch_up_days:
        return None
    stage = started[-1]  # the latest begun: an earlier one missed is not sent after it
    return Planned(stage.name, anchor + timedelta(days=stage.offset), stage.message, STAGE,
                   values=_values(facts, amount, anchor))


def _arrangement_event(facts: LoanFacts, strategy: Strategy) -> Planned | None:
    due = next((due for due in facts.dues if due.left > 0), None)
    if due is None:
        return None
    until = (due.due_date - facts.today).days
    if until < 0:
        late = -until - 1  # the day after its date is the day it was missed
        return _event(MISSED, due.due_date + timedelta(days=1), due, facts, strategy) \
            if late <= strategy.catch_up_days else None
    if until == 0:
        return _event(DUE_TODAY, due.due_date, due, facts, strategy)
    if until <= 2:  # from two days before, until the day before
        return _event(DUE_IN_2_DAYS, due.due_date - timedelta(days=2), due, facts, strategy)
    return None


def _event(name: str, day: date, due: Due, facts: LoanFacts, strategy: Strategy) -> Planned:
    values = {**_values(facts, due.left, due.due_date), "number": due.number, "of": due.of}
    return Planned(name, day, strategy.events[name], ARRANGEMENT, due.type, values)


def _broken(facts: LoanFacts, strategy: Strategy) -> Planned | None:
    since = facts.broken_since
    if since is None or not 0 <= (facts.today - since).days <= strategy.catch_up_days:
        return None
    balance = facts.balance
    anchor = balance.oldest_unpaid_due_date or balance.next_due_date or facts.today
    amount = balance.overdue_amount if balance.is_overdue else balance.next_due_amount
    return Planned(BROKEN, since, strategy.events[BROKEN], ARRANGEMENT, None,
                   _values(facts, amount, anchor))


def _values(facts: LoanFacts, amount: Decimal, due_date: date) -> dict[str, Any]:
    return {"amount": amount, "due_date": due_date, "days": facts.balance.days_past_due}
