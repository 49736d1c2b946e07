"""Outreach in the period: contacts decided (`at` in it), sent or held back by the rule that
held them (bot/outreach/compliance.py), each counted in its own group."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import OutreachContact
from bot.kpis.groups import ALL, contact_key
from bot.kpis.period import Period
from bot.kpis.tally import added


@dataclass(frozen=True)
class Contacts:
    sent: int = 0
    suppressed: dict[str, int] = field(default_factory=dict)  # by rule

    def plus(self, other: Contacts) -> Contacts:
        return Contacts(self.sent + other.sent, added(self.suppressed, other.suppressed))


def contacts_by_group(session: Session, period: Period, group_by: str | None) -> dict[str, Contacts]:
    # Without a group, no constant in GROUP BY (PostgreSQL refuses one): every row is ALL's.
    keys = [] if group_by is None else [contact_key(group_by)]
    rows = session.execute(
        select(*keys, OutreachContact.status, OutreachContact.reason, func.count())
        .where(OutreachContact.at >= period.start, OutreachContact.at < period.end,
               OutreachContact.status != "pending")
        .group_by(*keys, OutreachContact.status, OutreachContact.reason)).all()
    if group_by is None:
        rows = [(ALL, *row) for row in rows]
    sent: Counter[str] = Counter()
    held: dict[str, Counter[str]] = defaultdict(Counter)
    for group, status, reason, count in rows:
        if status == "sent":
            sent[group] += count
        else:
            held[group][reason or "unknown"] += count
    return {group: Contacts(sent[group], dict(held[group])) for group in set(sent) | set(held)}
