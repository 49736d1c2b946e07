"""Champion and challenger: per stage, how each message variant did.

A trial is a contact sent in the period at that stage with that variant (borrowers are
assigned a variant at random and stably: bot/outreach/variants.py). Within WINDOW_DAYS after
it, the loan was `recovered` when the wallet reported a payment on it, `promised` when a
promise to pay was agreed on it. Each rate has its Wilson interval; each variant is compared
with the stage's champion (the variant named so, else the one with most trials) by the
two-proportion z-test (bot/kpis/statistics.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Interval as SqlInterval
from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from bot.db.models import Arrangement, OutreachContact, Payment
from bot.kpis.analytical import analytical
from bot.kpis.lanes import side_by_side
from bot.kpis.period import Period
from bot.kpis.statistics import Comparison, Interval, compare, wilson

WINDOW_DAYS = 7
CHAMPION = "champion"


@dataclass(frozen=True)
class Outcome:
    successes: int
    trials: int
    interval: Interval | None
    versus_champion: Comparison | None  # None for the champion itself


@dataclass(frozen=True)
class VariantFigures:
    stage: str
    variant: str
    contacts: int
    recovered: Outcome
    promised: Outcome


def variant_figures(session: Session, period: Period) -> list[VariantFigures]:
    analytical(session)
    trials, promised = side_by_side(session, lambda lane: _recovered(lane, period),
                                    lambda lane: _promised(lane, period))
    stages: dict[str, dict[str, tuple[int, int, int]]] = defaultdict(dict)
    for (stage, variant), (count, recovered) in trials.items():
        stages[stage][variant] = (count, recovered, promised.get((stage, variant), 0))
    return [figures for stage in sorted(stages) for figures in _stage(stage, stages[stage])]


Arm = tuple[str, str]  # (stage, variant)
ARM = (OutreachContact.stage, OutreachContact.variant)


def _recovered(session: Session, period: Period) -> dict[Arm, tuple[int, int]]:
    """Per arm: the trials, and those followed by a payment on the loan within the window."""
    until = _days_after(session, OutreachContact.at, WINDOW_DAYS)
    paid = exists().where(Payment.loan_id == OutreachContact.loan_id,
                          Payment.paid_at >= OutreachContact.at, Payment.paid_at < until)
    rows = session.execute(
        select(*ARM, func.count(), func.sum(case((paid, 1), else_=0)))
        .where(_trial(period)).group_by(*ARM)).all()
    return {(stage, variant): (count, int(recovered or 0)) for stage, variant, count, recovered in rows}


def _promised(session: Session, period: Period) -> dict[Arm, int]:
    """Per arm: the trials followed by a promise to pay on the loan within the window, found
    from the promises (a few thousand) rather than asked of every contact (hundreds of thousands)."""
    since = _days_after(session, Arrangement.created_at, -WINDOW_DAYS)
    followed = (select(OutreachContact.id).join(Arrangement, and_(
        Arrangement.loan_id == OutreachContact.loan_id, Arrangement.type == "promise_to_pay",
        OutreachContact.at <= Arrangement.created_at, OutreachContact.at > since))
        .where(_trial(period)).distinct().subquery())
    rows = session.execute(
        select(*ARM, func.count()).join(followed, followed.c.id == OutreachContact.id).group_by(*ARM)).all()
    return {(stage, variant): count for stage, variant, count in rows}


def _trial(period: Period) -> ColumnElement:
    return and_(OutreachContact.status == "sent", OutreachContact.at >= period.start,
                OutreachContact.at < period.end)


def _stage(stage: str, variants: dict[str, tuple[int, int, int]]) -> list[VariantFigures]:
    champion = CHAMPION if CHAMPION in variants else max(variants, key=lambda name: variants[name][0])
    base_trials, base_recovered, base_promised = variants[champion]

    def outcome(successes: int, trials: int, base: int, is_champion: bool) -> Outcome:
        versus = None if is_champion else compare((base, base_trials), (successes, trials))
        return Outcome(successes, trials, wilson(successes, trials), versus)

    return [VariantFigures(stage, name, trials,
                           outcome(recovered, trials, base_recovered, name == champion),
                           outcome(promised, trials, base_promised, name == champion))
            for name, (trials, recovered, promised)
            in sorted(variants.items(), key=lambda item: (item[0] != champion, item[0]))]


def _days_after(session: Session, moment: ColumnElement, days: int) -> ColumnElement:
    """`moment` + days (or less, with days < 0), in SQL. SQLite has no interval arithmetic:
    its stored text ("YYYY-MM-DD HH:MM:SS.ffffff") compares as time, so the day is moved to
    the second and the stored microseconds put back, written as a stored value would be."""
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d %H:%M:%S", moment, f"{days:+d} days").concat(func.substr(moment, 20))
    return moment + literal(timedelta(days=days), SqlInterval())
