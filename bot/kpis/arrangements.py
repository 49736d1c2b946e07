"""Arrangements agreed in the period: by type, and what became of the promises to pay.

A promise made in the period is counted `kept`, `broken`, `active` or `cancelled` as it stands
now (bot/arrangements/review.py settles them); kept_rate is kept ÷ (kept + broken).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Arrangement
from bot.kpis.groups import IN_GROUP, Membership
from bot.kpis.period import Period
from bot.kpis.tally import added

PROMISE = "promise_to_pay"


@dataclass(frozen=True)
class Agreed:
    by_type: dict[str, int] = field(default_factory=dict)
    promises: dict[str, int] = field(default_factory=dict)  # by status now

    def plus(self, other: Agreed) -> Agreed:
        return Agreed(added(self.by_type, other.by_type), added(self.promises, other.promises))

    @property
    def promises_made(self) -> int:
        return self.by_type.get(PROMISE, 0)


def agreed_by_group(session: Session, period: Period, loans: Membership) -> dict[str, Agreed]:
    agreed = (select(loans.group(), Arrangement.type, Arrangement.status, func.count())
              .where(Arrangement.created_at >= period.start, Arrangement.created_at < period.end))
    rows = session.execute(loans.joined(agreed, Arrangement.loan_id)
                           .group_by(IN_GROUP, Arrangement.type, Arrangement.status)).all()
    types: dict[str, Counter[str]] = defaultdict(Counter)
    promises: dict[str, Counter[str]] = defaultdict(Counter)
    for group, kind, status, count in rows:
        types[group][kind] += count
        if kind == PROMISE:
            promises[group][status] += count
    return {group: Agreed(dict(types[group]), dict(promises[group])) for group in types}
