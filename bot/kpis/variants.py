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
    until = _days_after(session, OutreachContact.at, WINDOW_DAYS)
    paid = exists().where(Payment.loan_id == OutreachContact.loan_id,
                          Payment.paid_at >= OutreachContact.at, Payment.paid_at < until)
    promised = exists().where(and_(Arrangement.loan_id == OutreachContact.loan_id,
                                   Arrangement.type == "promise_to_pay",
                                   Arrangement.created_at >= OutreachContact.at,
                                   Arrangement.created_at < until))
    rows = session.execute(
        select(OutreachContact.stage, OutreachContact.variant, func.count(),
               func.sum(case((paid, 1), else_=0)), func.sum(case((promised, 1), else_=0)))
        .where(OutreachContact.status == "sent", OutreachContact.at >= period.start,
               OutreachContact.at < period.end)
        .group_by(OutreachContact.stage, OutreachContact.variant)).all()
    stages: dict[str, dict[str, tuple[int, int, int]]] = defaultdict(dict)
    for stage, variant, trials, recovered, promises in rows:
        stages[stage][variant] = (trials, int(recovered or 0), int(promises or 0))
    return [figures for stage in sorted(stages) for figures in _stage(stage, stages[stage])]


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
    """`moment` + days, in SQL (SQLite has no interval arithmetic; its stored text compares as time)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d %H:%M:%f", moment, f"+{days} days")
    return moment + literal(timedelta(days=days), SqlInterval())
