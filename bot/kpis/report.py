"""One KPI report: every figure for the period, for the whole portfolio and for each group."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.kpis.arrangements import Agreed, agreed_by_group
from bot.kpis.chats import Chats, chats_by_group
from bot.kpis.groups import ALL, borrower_groups, loan_groups
from bot.kpis.outreach import Contacts, contacts_by_group
from bot.kpis.period import Period
from bot.kpis.recovery import BUCKETS, Bucket, Money, buckets_by_group, money_by_group


@dataclass(frozen=True)
class Figures:
    group: str
    chats: Chats = field(default_factory=Chats)
    agreed: Agreed = field(default_factory=Agreed)
    money: dict[str, Money] = field(default_factory=dict)  # by currency
    buckets: dict[str, Bucket] = field(default_factory=dict)  # by bucket at the start
    contacts: Contacts = field(default_factory=Contacts)


@dataclass(frozen=True)
class Report:
    period: Period
    group_by: str | None
    total: Figures
    groups: tuple[Figures, ...]  # in order of their names


def kpi_report(session: Session, period: Period, group_by: str | None) -> Report:
    total = _figures(session, period, None)[ALL] if group_by else None
    groups = _figures(session, period, group_by)
    total = total or groups.get(ALL, Figures(ALL))
    return Report(period, group_by, total, tuple(groups[name] for name in sorted(groups)) or (total,))


def rate(numerator: int | Decimal, denominator: int | Decimal) -> float | None:
    """A share, None where there is nothing to divide by (not 0: nothing was measured)."""
    return None if not denominator else float(Decimal(numerator) / Decimal(denominator))


def _figures(session: Session, period: Period, group_by: str | None) -> dict[str, Figures]:
    loans, borrowers = loan_groups(group_by, period), borrower_groups(group_by, period)
    chats = chats_by_group(session, period, borrowers)
    agreed = agreed_by_group(session, period, loans)
    money = money_by_group(session, period, loans)
    buckets = buckets_by_group(session, period, loans)
    contacts = contacts_by_group(session, period, group_by)
    names = set(chats) | set(agreed) | set(money) | set(buckets) | set(contacts) or {ALL}
    return {name: Figures(name, chats.get(name, Chats()), agreed.get(name, Agreed()), money.get(name, {}),
                          buckets.get(name, {b: Bucket() for b in BUCKETS}), contacts.get(name, Contacts()))
            for name in names}
